#include "app/gui/session/RecentCases.h"

#include "core/Case.h"
#include "core/Files.h"
#include "core/Log.h"

#include <algorithm>
#include <cstdlib>

namespace irplan::viewer {

namespace fs = std::filesystem;

fs::path RecentCases::storePath() {
    if (const char* d = std::getenv("IRPLAN_CONFIG_DIR"); d && *d) return fs::path(d) / "recent_cases.json";
    if (const char* d = std::getenv("XDG_CONFIG_HOME"); d && *d) return fs::path(d) / "irplan" / "recent_cases.json";
    if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".config" / "irplan" / "recent_cases.json";
    return {};
}

RecentCases::RecentCases() {
    const fs::path p = storePath();
    std::error_code ec;
    if (p.empty() || !fs::is_regular_file(p, ec)) return;
    try {
        const Json j = Json::parse(files::readText(p));
        for (const auto& f : j.at("recent"))
            if (f.is_string()) files_.push_back(f.get<std::string>());
    } catch (const std::exception& e) {
        log::warn("recent cases list " + p.string() + " is unreadable and is ignored: " + e.what());
        files_.clear();
    }
}

void RecentCases::add(const fs::path& file) {
    const std::string f = fs::absolute(file).lexically_normal().string();
    files_.erase(std::remove(files_.begin(), files_.end(), f), files_.end());
    files_.insert(files_.begin(), f);
    if (files_.size() > kMax) files_.resize(kMax);
    const fs::path p = storePath();
    if (p.empty()) return;
    try {
        files::ensureDirectory(p.parent_path());
        Json j;
        j["recent"] = files_;
        files::writeTextAtomic(p, j.dump(2) + "\n");
    } catch (const std::exception& e) {
        log::warn("could not save the recent cases list: " + std::string(e.what()));
    }
}

} // namespace irplan::viewer
