irplan_add_test(review_unit_tests SOURCES review/ResponseCriteriaTest.cpp review/MarginTruthTest.cpp
  LIBS irplan_review irplan_phantom LABELS review unit)
irplan_add_test(review_followup_tests SOURCES review/FollowupPhantomTest.cpp
  LIBS irplan_phantom irplan_io_export LABELS review WHOLE)
irplan_add_test(review_cli_tests SOURCES review/ResponseCliTest.cpp LIBS irplan_core LABELS review)
