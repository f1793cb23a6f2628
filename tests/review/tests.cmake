irplan_add_test(review_unit_tests SOURCES review/ResponseCriteriaTest.cpp
  LIBS irplan_review LABELS review unit)
