irplan_add_test(io_tests SOURCES io/SuvTest.cpp io/PetDicomTest.cpp io/DicomSeriesTest.cpp io/RtStructTest.cpp
  io/VolumeIOTest.cpp io/DicomDirectoryTest.cpp io/DicomWriterTest.cpp
  LIBS irplan_io LABELS unit)
