#pragma once
// Internal: the files of assets/registration, compiled in (generated source).
#include <string>
#include <utility>
#include <vector>

namespace irplan::registration::detail {

// (path relative to assets/registration, content)
const std::vector<std::pair<std::string, std::string>>& embeddedPresetFiles();

} // namespace irplan::registration::detail
