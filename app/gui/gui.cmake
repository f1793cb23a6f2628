# The viewer: command layer (session/, no GLFW), the GLFW + Dear ImGui window
# (window/), and the `irplan view` command. Included by app/CMakeLists.txt when
# IRPLAN_BUILD_GUI is ON; needs irplan_render (VTK).
if(NOT TARGET irplan_render OR NOT TARGET irplan_planning OR NOT TARGET irplan_segmentation OR NOT TARGET irplan_registration)
  message(FATAL_ERROR "IRPLAN_BUILD_GUI needs render/, registration/, segmentation/ and planning/")
endif()
find_package(glfw3 3.3 REQUIRED)
find_package(OpenGL REQUIRED)
find_package(PkgConfig REQUIRED)
# Debian's libimgui-dev: static library with the GLFW and OpenGL3 backends; needs stb.
pkg_check_modules(IMGUI REQUIRED IMPORTED_TARGET imgui)

set(IRPLAN_GUI_DIR "${CMAKE_CURRENT_SOURCE_DIR}/gui")
add_library(irplan_viewer STATIC
  ${IRPLAN_GUI_DIR}/session/Tasks.cpp ${IRPLAN_GUI_DIR}/session/UndoStack.cpp
  ${IRPLAN_GUI_DIR}/session/CaseData.cpp ${IRPLAN_GUI_DIR}/session/LiverWindow.cpp ${IRPLAN_GUI_DIR}/session/PhantomCase.cpp
  ${IRPLAN_GUI_DIR}/session/Viewer.cpp ${IRPLAN_GUI_DIR}/session/ViewerEdits.cpp
  ${IRPLAN_GUI_DIR}/session/Layout.cpp ${IRPLAN_GUI_DIR}/session/ViewSet.cpp
  ${IRPLAN_GUI_DIR}/session/Script.cpp ${IRPLAN_GUI_DIR}/session/Headless.cpp
  ${IRPLAN_GUI_DIR}/session/PlanSession.cpp ${IRPLAN_GUI_DIR}/session/PlanCommands.cpp
  ${IRPLAN_GUI_DIR}/session/SegmentSession.cpp ${IRPLAN_GUI_DIR}/session/SegmentCommands.cpp
  ${IRPLAN_GUI_DIR}/session/EditSession.cpp ${IRPLAN_GUI_DIR}/session/EditSessionOutputs.cpp
  ${IRPLAN_GUI_DIR}/session/EditCommands.cpp
  ${IRPLAN_GUI_DIR}/session/RegisterSession.cpp ${IRPLAN_GUI_DIR}/session/RegisterCommands.cpp
  ${IRPLAN_GUI_DIR}/session/XServer.cpp ${IRPLAN_GUI_DIR}/session/RecentCases.cpp ${IRPLAN_GUI_DIR}/session/Tour.cpp
  ${IRPLAN_GUI_DIR}/window/GuiApp.cpp ${IRPLAN_GUI_DIR}/window/ViewArea.cpp
  ${IRPLAN_GUI_DIR}/window/Panels.cpp ${IRPLAN_GUI_DIR}/window/CasePanel.cpp
  ${IRPLAN_GUI_DIR}/window/FileBrowser.cpp ${IRPLAN_GUI_DIR}/window/TeachingPanel.cpp
  ${IRPLAN_GUI_DIR}/window/PlanningPanel.cpp ${IRPLAN_GUI_DIR}/window/SegmentationPanel.cpp
  ${IRPLAN_GUI_DIR}/window/SegmentEditorPanel.cpp
  ${IRPLAN_GUI_DIR}/window/RegistrationPanel.cpp
  ${IRPLAN_GUI_DIR}/Launch.cpp)
irplan_target_defaults(irplan_viewer)
target_link_libraries(irplan_viewer PUBLIC irplan_render irplan_io irplan_phantom irplan_planning irplan_segmentation irplan_registration
  PRIVATE glfw OpenGL::GL PkgConfig::IMGUI)

target_sources(irplan PRIVATE ${IRPLAN_GUI_DIR}/ViewCommand.cpp)
target_link_libraries(irplan PRIVATE irplan_viewer)
target_compile_definitions(irplan PRIVATE IRPLAN_HAVE_VIEWER=1)
