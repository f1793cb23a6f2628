#pragma once
// Internal: a preset with its elastix parameter files, ready to run.
#include "registration/Presets.h"
#include "registration/detail/ParameterFile.h"

#include <optional>
#include <string>
#include <vector>

namespace irplan::registration::detail {

struct LoadedPreset {
    PresetInfo info;
    std::vector<std::string> fileNames; // as in preset.json
    std::vector<ParameterFile> stages;
    std::optional<ParameterFile> anchor; // see PresetInfo::anchorMask
};

LoadedPreset loadPreset(const std::string& nameOrFolder);

} // namespace irplan::registration::detail
