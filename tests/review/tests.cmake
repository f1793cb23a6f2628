irplan_add_test(review_unit_tests SOURCES review/ResponseCriteriaTest.cpp review/MarginTruthTest.cpp
  LIBS irplan_review irplan_phantom LABELS review unit)
irplan_add_test(review_followup_tests SOURCES review/FollowupPhantomTest.cpp
  LIBS irplan_phantom irplan_io_export LABELS review WHOLE)
irplan_add_test(review_cli_tests SOURCES review/ResponseCliTest.cpp LIBS irplan_core LABELS review)
# Margin review (issue 7): the per-lesion margin function on analytic spheres
# and the zone segmentation on a synthetic CT (fast), then irplan review on the
# 1.5 mm follow-up phantom (one registration shared by the suite).
irplan_add_test(review_margin_unit_tests SOURCES review/MarginFunctionTest.cpp LIBS irplan_review LABELS review unit)
irplan_add_test(review_margin_phantom_tests SOURCES review/MarginReviewPhantomTest.cpp
  LIBS irplan_phantom irplan_io LABELS review WHOLE)
if(TARGET irplan)
  add_dependencies(review_margin_phantom_tests irplan)
endif()
