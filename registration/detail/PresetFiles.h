#pragma once
// Internal: a preset with its elastix parameter files, ready to run.
#include "registration/Presets.h"
#include "registration/detail/ParameterFile.h"

#include <string>
#include <vector>

namespace irplan::registration::detail {

struct LoadedPreset {
    PresetInfo info;
    std::vector<std::string> fileNames; // as in preset.json
    std::vector<ParameterFile> stages;
};

LoadedPreset loadPreset(const std::string& nameOrFolder);

} // namespace irplan::registration::detail
