#include "bench/BenchSupport.h"

#include <fstream>
#include <string>

namespace irplan::bench {

double peakRssMiB() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

bool resetPeakRss() {
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
    return static_cast<bool>(f);
}

std::filesystem::path dataDir(const std::string& name) {
    const auto dir = std::filesystem::path(IRPLAN_BENCH_DIR) / "data" / name;
    std::filesystem::create_directories(dir);
    return dir;
}

} // namespace irplan::bench
