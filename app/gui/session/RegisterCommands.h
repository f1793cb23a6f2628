#pragma once
// Script commands of registration (register, nudge, compare); the
// Registration panel calls the same functions.
#include "app/gui/session/Viewer.h"

#include <string>
#include <vector>

namespace irplan::viewer {

// Runs `tokens` when it is a registration command; false when it is not one.
bool runRegisterCommand(const std::vector<std::string>& tokens, Viewer& viewer);
std::string registerScriptHelp();

} // namespace irplan::viewer
