#pragma once
// Script commands of planning (plan-lesion, plan-device, plan-model, plan-margin,
// plan-run, plan-auto, plan-accept, plan-save, plan-show); the Planning panel
// calls the same PlanSession functions.
#include "app/gui/session/Viewer.h"

#include <string>
#include <vector>

namespace irplan::viewer {

// Runs `tokens` when it is a planning command; false when it is not one.
bool runPlanCommand(const std::vector<std::string>& tokens, Viewer& viewer);
std::string planScriptHelp();
// Moves the crosshair to the plan's minimal margin ("minimal"), heat-sink warning n, or the lesion.
void jumpTo(Viewer& viewer, const std::string& what, size_t n = 0);

} // namespace irplan::viewer
