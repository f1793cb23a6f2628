#pragma once
// Helpers for the benchmarks: peak memory and a scratch directory.
#include <filesystem>
#include <string>
#include <vector>

namespace irplan::bench {

// Peak resident set size of this process so far, in MiB.
double peakRssMiB();
// Resets the peak (Linux: writes 5 to /proc/self/clear_refs); returns false if unsupported.
bool resetPeakRss();
// <build>/bench/data/<name>, created.
std::filesystem::path dataDir(const std::string& name);

// A child process measured from the outside: wall seconds, peak memory and exit code.
struct Measured {
    double seconds = 0;
    double peak_MiB = 0; // the process and the children it waited for
    int exitCode = -1;
};
// Runs args[0] (looked up in PATH) with the arguments in `cwd`, its output to `log`.
Measured runMeasured(const std::vector<std::string>& args, const std::filesystem::path& log,
                     const std::filesystem::path& cwd = ".");

} // namespace irplan::bench
