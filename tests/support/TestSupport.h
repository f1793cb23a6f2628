#pragma once
// Shared test helpers: real data from ../shared/data (unzipped into the build
// tree once, tests skip with a clear message when it is absent), scratch
// directories, and running the irplan executable.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace irplan::test {

namespace fs = std::filesystem;

// ../shared/data (or $IRPLAN_SHARED_DATA); nullopt when absent.
std::optional<fs::path> sharedDataRoot();
// A file of the shared data; nullopt when absent.
std::optional<fs::path> sharedFile(const std::string& relative);
// Unzips a shared zip into <build>/tests/data/<zip stem>/ once (safe under
// parallel ctest) and returns that directory; nullopt when the zip is absent.
std::optional<fs::path> unzippedShared(const std::string& zipRelative);

// A fresh, empty directory for one test under <build>/tests/work/.
fs::path scratchDir(const std::string& name);

struct CliResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};
// Runs the built irplan executable with these arguments (no shell quoting
// needed), capturing stdout and stderr.
CliResult runIrplan(const std::vector<std::string>& args);

} // namespace irplan::test

// Skips the test when the shared data is not there.
#define IRPLAN_SHARED_FILE(var, rel)                                                                       \
    auto var##_opt = ::irplan::test::sharedFile(rel);                                                   \
    if (!var##_opt) GTEST_SKIP() << "shared data not found (" << (rel) << "); set IRPLAN_SHARED_DATA";    \
    const std::filesystem::path var = *var##_opt

#define IRPLAN_SHARED_ZIP(var, rel)                                                                        \
    auto var##_opt = ::irplan::test::unzippedShared(rel);                                               \
    if (!var##_opt) GTEST_SKIP() << "shared data not found (" << (rel) << "); set IRPLAN_SHARED_DATA";    \
    const std::filesystem::path var = *var##_opt
