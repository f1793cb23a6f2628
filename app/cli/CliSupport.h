#pragma once
// Helpers shared by the CLI commands: progress on stderr, JSON output.
#include "core/Case.h"
#include "core/Progress.h"

#include <string>

namespace irplan::cli {

// A Progress that prints "stage: 42%" lines on stderr (at most one per percent).
// Silent when quiet is true.
Progress stderrProgress(bool quiet);

// Prints JSON on stdout, pretty.
void printJson(const Json& j);

} // namespace irplan::cli
