#pragma once
// Script commands of segmentation (segment-liver, segment-lesions,
// segment-seed, segment-vessels, lesion-row); the Segmentation panel calls the
// same SegmentSession functions.
#include "app/gui/session/Viewer.h"

#include <string>
#include <vector>

namespace irplan::viewer {

// Runs `tokens` when it is a segmentation command; false when it is not one.
bool runSegmentCommand(const std::vector<std::string>& tokens, Viewer& viewer);
std::string segmentScriptHelp();

} // namespace irplan::viewer
