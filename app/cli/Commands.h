#pragma once
// Each file in app/cli adds one family of subcommands to the `irplan` CLI. A
// command parses its options, calls the same domain functions the GUI panels
// call, and prints results (JSON on stdout where asked, progress on stderr).
#include <CLI/CLI.hpp>

namespace irplan::cli {

void addInfoCommand(CLI::App& app);
void addPhantomCommand(CLI::App& app);
void addDemoCommand(CLI::App& app);

} // namespace irplan::cli
