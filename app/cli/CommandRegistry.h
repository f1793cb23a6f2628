#pragma once
// Each CLI command file registers itself here with a static CommandRegistrar,
// so adding a command is adding a file to app/cli (no central list to edit).
// `order` sorts the commands in `irplan --help`.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace irplan::cli {

using CommandAdder = std::function<void(CLI::App&)>;

struct CommandRegistrar {
    CommandRegistrar(int order, CommandAdder add);
};

// Adds every registered command to `app`, in order.
void addAllCommands(CLI::App& app);

} // namespace irplan::cli
