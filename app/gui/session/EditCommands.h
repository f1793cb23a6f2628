#pragma once
// Script commands of the segment editor (issue 13): edit-label, edit-brush,
// edit-paint, edit-erase, edit-threshold, edit-grow, edit-islands,
// edit-margin, edit-fill-holes, edit-new-lesion, edit-delete-lesion,
// edit-merge-lesions, edit-split-lesion. `undo`,
// `redo` and `save-case` are the viewer's own and cover the edits. The
// Segmentation panel calls the same EditSession functions.
#include "app/gui/session/Viewer.h"

#include <string>
#include <vector>

namespace irplan::viewer {

// Runs `tokens` when it is an edit command; false when it is not one.
bool runEditCommand(const std::vector<std::string>& tokens, Viewer& viewer);
std::string editScriptHelp();

} // namespace irplan::viewer
