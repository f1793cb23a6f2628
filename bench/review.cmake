# Margin review figures (issue 7): `irplan review` end to end on the
# clinical-size follow-up phantom (registration + zone segmentation + margins).
if(TARGET irplan_review AND TARGET irplan_registration)
  irplan_add_bench(review_bench BenchReview.cpp)
  target_link_libraries(review_bench PRIVATE irplan_phantom irplan_io)
  target_compile_definitions(review_bench PRIVATE IRPLAN_EXE="$<TARGET_FILE:irplan>")
  add_dependencies(review_bench irplan)
endif()
