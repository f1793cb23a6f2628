#pragma once
// The viewer window: GLFW + Dear ImGui, views rendered by VTK into textures.
#include "app/gui/session/Script.h"

#include <vector>

namespace irplan::viewer {

// Opens the window, runs `script` one command per frame (the window keeps
// drawing), and returns the exit code (1 when a script command failed).
int runGui(const std::vector<ScriptLine>& script, int width, int height, bool exitWhenScriptDone);

} // namespace irplan::viewer
