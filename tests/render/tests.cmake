# Render and viewer tests. Pure compositing/geometry runs everywhere (also under
# ASan); the rest needs the VTK render module and, for pictures, an X display
# (scripts/test.sh runs ctest under xvfb-run; without one they skip).
if(TARGET irplan_render_core)
  # WHOLE: one ctest entry (0.2 s) that carries both labels.
  irplan_add_test(render_unit_tests SOURCES render/SyntheticScene.cpp render/GeometryTest.cpp render/CompositorTest.cpp
    LIBS irplan_render_core LABELS unit render WHOLE)
endif()
if(TARGET irplan_viewer)
  irplan_add_test(viewer_unit_tests SOURCES render/ViewerLogicTest.cpp LIBS irplan_viewer LABELS unit viewer WHOLE)
  irplan_add_test(render_image_tests SOURCES render/SyntheticScene.cpp render/RenderTestSupport.cpp render/RenderImageTest.cpp
    LIBS irplan_viewer LABELS render)
  irplan_add_test(render_phantom_tests SOURCES render/RenderTestSupport.cpp render/PhantomViewTest.cpp
    LIBS irplan_viewer LABELS render WHOLE)
  irplan_add_test(gui_tests SOURCES render/RenderTestSupport.cpp render/GuiScriptTest.cpp LIBS irplan_viewer LABELS gui)
endif()
