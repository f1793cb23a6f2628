#pragma once
// JSON documents on disk: the one place that reads and parses them, so every
// module reports a broken file the same way.
#include <nlohmann/json.hpp>

#include <filesystem>

namespace irplan {

using Json = nlohmann::ordered_json;

// Parses `file` (which the caller has checked exists, with its own message).
// Throws irplan::Error "FILE is not valid JSON: ..." when it is not.
Json parseJsonFile(const std::filesystem::path& file);

} // namespace irplan
