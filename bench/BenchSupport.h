#pragma once
// Helpers for the benchmarks: peak memory and a scratch directory.
#include <filesystem>

namespace irplan::bench {

// Peak resident set size of this process so far, in MiB.
double peakRssMiB();
// Resets the peak (Linux: writes 5 to /proc/self/clear_refs); returns false if unsupported.
bool resetPeakRss();
// <build>/bench/data/<name>, created.
std::filesystem::path dataDir(const std::string& name);

} // namespace irplan::bench
