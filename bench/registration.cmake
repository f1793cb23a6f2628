# Registration figures (issue 3): seconds and peak memory per preset on the
# clinical-size phantom (512 x 512 x 300 CT, 4 mm PET, MR), 2 threads, and
# IRPlan's overhead against calling elastix directly with the same files.
if(TARGET irplan_registration)
  irplan_add_bench(registration_bench RegistrationBench.cpp)
  target_link_libraries(registration_bench PRIVATE irplan_registration irplan_phantom)
  target_compile_definitions(registration_bench PRIVATE IRPLAN_EXE="$<TARGET_FILE:irplan>"
    IRPLAN_PRESET_DIR="${PROJECT_SOURCE_DIR}/assets/registration")
  add_dependencies(registration_bench irplan)
endif()
