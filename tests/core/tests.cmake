irplan_add_test(core_tests SOURCES core/CaseTest.cpp core/GeometryTest.cpp core/FilesTest.cpp
  LIBS irplan_core LABELS unit)
