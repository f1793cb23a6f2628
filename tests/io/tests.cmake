irplan_add_test(io_tests SOURCES io/SuvTest.cpp io/PetDicomTest.cpp io/DicomSeriesTest.cpp io/RtStructTest.cpp
  io/VolumeIOTest.cpp io/DicomDirectoryTest.cpp io/DicomWriterTest.cpp
  LIBS irplan_io LABELS unit)
irplan_add_test(io_export_tests SOURCES io/DicomExportTest.cpp
  LIBS irplan_io_export irplan_phantom LABELS review WHOLE)
irplan_add_test(io_contour_tests SOURCES io/LabelContoursTest.cpp
  LIBS irplan_io_export LABELS review unit)
