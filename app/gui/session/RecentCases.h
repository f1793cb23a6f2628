#pragma once
// The list of recently opened or saved case files, kept in the user's config
// directory ($IRPLAN_CONFIG_DIR, else $XDG_CONFIG_HOME/irplan, else ~/.config/irplan).
#include <filesystem>
#include <string>
#include <vector>

namespace irplan::viewer {

class RecentCases {
public:
    static constexpr size_t kMax = 10;
    // Reads the list (missing or unreadable file: empty list).
    RecentCases();
    const std::vector<std::string>& files() const { return files_; }
    // Moves `file` to the front and saves; failures to save are logged, not fatal.
    void add(const std::filesystem::path& file);
    static std::filesystem::path storePath();

private:
    std::vector<std::string> files_;
};

} // namespace irplan::viewer
