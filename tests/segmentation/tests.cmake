irplan_add_test(segmentation_tube_tests SOURCES segmentation/TubeTest.cpp segmentation/SegTestUtil.cpp
  LIBS irplan_segmentation LABELS segmentation)
irplan_add_test(segmentation_unit_tests SOURCES segmentation/SkeletonTest.cpp segmentation/LesionTableTest.cpp
  segmentation/SegTestUtil.cpp LIBS irplan_segmentation LABELS segmentation unit)
irplan_add_test(segmentation_phantom_tests SOURCES segmentation/SegPhantomFixture.cpp
  segmentation/PhantomLiverLesionTest.cpp segmentation/PhantomVesselTest.cpp segmentation/PhantomCouinaudTest.cpp segmentation/SegTestUtil.cpp
  LIBS irplan_segmentation irplan_phantom LABELS segmentation WHOLE)
irplan_add_test(segmentation_realdata_tests SOURCES segmentation/RealDataTest.cpp segmentation/SegTestUtil.cpp
  LIBS irplan_segmentation LABELS segmentation)
irplan_add_test(segmentation_cli_tests SOURCES segmentation/SegmentCliTest.cpp
  LIBS irplan_io LABELS segmentation cli WHOLE)
# 3D-IRCADb-01 (real CT with expert vessel masks; the .vti is read with zlib, no VTK).
find_package(ZLIB REQUIRED)
irplan_add_test(segmentation_ircadb_tests SOURCES segmentation/IrcadbVesselTest.cpp segmentation/IrcadbLesionTest.cpp segmentation/IrcadbData.cpp
  segmentation/SegTestUtil.cpp LIBS irplan_segmentation irplan_planning ZLIB::ZLIB LABELS segmentation realdata WHOLE)
# The segment editor's domain layer (issue 13): brushes, undo deltas, grow from seeds.
irplan_add_test(segmentation_edit_tests SOURCES segmentation/LabelEditTest.cpp
  LIBS irplan_segmentation LABELS segmentation unit)
# The segment editor on 3D-IRCADb-01's largest tumour (skips without the shared data).
irplan_add_test(segmentation_ircadb_edit_tests SOURCES segmentation/IrcadbEditTest.cpp segmentation/IrcadbData.cpp
  segmentation/SegTestUtil.cpp LIBS irplan_segmentation ZLIB::ZLIB LABELS segmentation realdata)
