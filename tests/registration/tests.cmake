# Registration (issue 3). Unit: parameter files, transform conventions, log
# parsing, presets, masks (no elastix). Process: elastix as a child process with
# fake executables. Phantom: real elastix on a 2 mm phantom (TRE, quality gate,
# planted failures, CLI, case). STS_001: MR onto CT on real data (skips without
# ../shared/data).
irplan_add_test(registration_unit_tests SOURCES registration/RegistrationUnitTest.cpp
  LIBS irplan_registration LABELS unit registration)
add_library(irplan_registration_testutil STATIC registration/RegistrationTestUtil.cpp)
irplan_target_defaults(irplan_registration_testutil)
target_link_libraries(irplan_registration_testutil PUBLIC irplan_io)
irplan_add_test(registration_process_tests SOURCES registration/ElastixProcessTest.cpp
  LIBS irplan_registration irplan_registration_testutil LABELS registration)
irplan_add_test(registration_phantom_tests SOURCES registration/PhantomRegistrationTest.cpp
  LIBS irplan_registration irplan_phantom irplan_registration_testutil LABELS registration WHOLE)
irplan_add_test(registration_sts_tests SOURCES registration/StsRegistrationTest.cpp
  LIBS irplan_registration LABELS registration WHOLE)
