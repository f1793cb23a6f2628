#pragma once
// Internal: runs elastix or transformix as a child process.
//
// The child gets its own process group (cancel kills the group), its output
// (stdout + stderr) is streamed line by line to a callback, a time limit and
// the caller's CancelToken are honoured, and the child dies with IRPlan
// (PR_SET_PDEATHSIG). No shell is involved: arguments are passed as they are.
#include "core/Progress.h"
#include "registration/ElastixSettings.h"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace irplan::registration::detail {

namespace fs = std::filesystem;

// The executables to run; throws irplan::Error with an actionable message when
// one is missing or not executable.
fs::path findElastix(const ElastixSettings& settings);
fs::path findTransformix(const ElastixSettings& settings);

struct ProcessResult {
    int exitCode = -1;      // valid when !signalled
    bool signalled = false; // killed by a signal (crash, or our own kill)
    int signal = 0;
    double seconds = 0;
    std::vector<std::string> tail; // last lines of output, for error messages
};

using LineCallback = std::function<void(const std::string& line)>;

// Runs `exe args...` in `workDir`. Calls onLine for every output line (from
// this thread). Throws irplan::Cancelled when `progress` is cancelled (after
// killing the child's process group), irplan::Error when the time limit passes
// or the program cannot be started. A non-zero exit or a crash is returned,
// not thrown, so the caller can explain it in its own words.
ProcessResult runProcess(const fs::path& exe, const std::vector<std::string>& args, const fs::path& workDir,
                         const LineCallback& onLine, const Progress& progress, double timeLimit_s,
                         const std::string& what);

} // namespace irplan::registration::detail
