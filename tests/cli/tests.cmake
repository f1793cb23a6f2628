irplan_add_test(cli_tests SOURCES cli/BadInputTest.cpp cli/InfoCliTest.cpp cli/RtStructCliTest.cpp
  LIBS irplan_io LABELS cli)
