#include "app/cli/CommandRegistry.h"

#include <algorithm>
#include <vector>

namespace irplan::cli {
namespace {
std::vector<std::pair<int, CommandAdder>>& registry() {
    static std::vector<std::pair<int, CommandAdder>> r;
    return r;
}
} // namespace

CommandRegistrar::CommandRegistrar(int order, CommandAdder add) { registry().emplace_back(order, std::move(add)); }

void addAllCommands(CLI::App& app) {
    auto entries = registry();
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [order, add] : entries) add(app);
}

} // namespace irplan::cli
