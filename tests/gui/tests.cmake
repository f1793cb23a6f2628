# The viewer end to end: `irplan view --script` under Xvfb plans an ablation on
# the phantom and the result is compared with `irplan plan` (the CLI) for the
# same inputs, plus a check that the zone is drawn where the plan says.
if(TARGET irplan_viewer)
  irplan_add_test(gui_plan_tests SOURCES render/RenderTestSupport.cpp gui/PlanGuiTest.cpp LIBS irplan_viewer LABELS gui)
  # The segment editor's session layer, headless (no display needed).
  irplan_add_test(gui_edit_tests SOURCES gui/EditSessionTest.cpp LIBS irplan_viewer LABELS gui unit)
  irplan_add_test(gui_session_tests SOURCES render/RenderTestSupport.cpp gui/SessionGuiTest.cpp LIBS irplan_viewer LABELS gui)
endif()
