#include "tests/support/TestSupport.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace irplan::test {

std::optional<fs::path> sharedDataRoot() {
    const char* env = std::getenv("IRPLAN_SHARED_DATA");
    fs::path root = (env && *env) ? fs::path(env) : fs::path(IRPLAN_SHARED_DATA);
    std::error_code ec;
    if (!fs::is_directory(root, ec)) return std::nullopt;
    return root;
}

std::optional<fs::path> sharedFile(const std::string& relative) {
    auto root = sharedDataRoot();
    if (!root) return std::nullopt;
    fs::path p = *root / relative;
    std::error_code ec;
    if (!fs::exists(p, ec)) return std::nullopt;
    return p;
}

std::optional<fs::path> unzippedShared(const std::string& zipRelative) {
    auto zip = sharedFile(zipRelative);
    if (!zip) return std::nullopt;
    const fs::path target = fs::path(IRPLAN_TEST_BUILD_DIR) / "data" / zip->stem();
    std::error_code ec;
    if (fs::exists(target / ".complete", ec)) return target;
    // Unzip into a private directory, then rename: parallel tests never see half a tree.
    std::random_device rd;
    const fs::path tmp = fs::path(IRPLAN_TEST_BUILD_DIR) / "data" / (".tmp-" + std::to_string(rd()));
    fs::create_directories(tmp);
    const std::string cmd = "unzip -q -o '" + zip->string() + "' -d '" + tmp.string() + "'";
    if (std::system(cmd.c_str()) != 0) {
        fs::remove_all(tmp, ec);
        ADD_FAILURE() << "could not unzip " << *zip << " (is unzip installed?)";
        return std::nullopt;
    }
    std::ofstream(tmp / ".complete") << "ok\n";
    fs::rename(tmp, target, ec);
    if (ec) fs::remove_all(tmp, ec); // another test got there first
    return target;
}

fs::path scratchDir(const std::string& name) {
    const fs::path dir = fs::path(IRPLAN_TEST_BUILD_DIR) / "work" / name;
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    return dir;
}

namespace {
std::string slurp(int fd) {
    std::string s;
    std::array<char, 65536> buf{};
    ssize_t n;
    while ((n = ::read(fd, buf.data(), buf.size())) > 0) s.append(buf.data(), static_cast<size_t>(n));
    return s;
}
} // namespace

CliResult runIrplan(const std::vector<std::string>& args) {
    // stdout and stderr go to temporary files so large outputs cannot deadlock.
    char outName[] = "/tmp/irplan-test-out-XXXXXX";
    char errName[] = "/tmp/irplan-test-err-XXXXXX";
    const int outFd = ::mkstemp(outName);
    const int errFd = ::mkstemp(errName);
    CliResult r;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(outFd, 1);
        ::dup2(errFd, 2);
        std::vector<std::string> all{IRPLAN_EXE};
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : all) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(IRPLAN_EXE, argv.data());
        std::_Exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ::lseek(outFd, 0, SEEK_SET);
    ::lseek(errFd, 0, SEEK_SET);
    r.out = slurp(outFd);
    r.err = slurp(errFd);
    ::close(outFd);
    ::close(errFd);
    ::unlink(outName);
    ::unlink(errName);
    return r;
}

} // namespace irplan::test
