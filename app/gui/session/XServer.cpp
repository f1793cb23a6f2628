#include "app/gui/session/XServer.h"

#include "core/Error.h"
#include "core/Log.h"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <poll.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace irplan::viewer {

namespace {
std::string findXvfb() {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "/usr/bin:/bin");
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
        const std::filesystem::path p = std::filesystem::path(dir) / "Xvfb";
        if (::access(p.c_str(), X_OK) == 0) return p.string();
    }
    return {};
}
} // namespace

bool xvfbAvailable() { return !findXvfb().empty(); }

void PrivateXServer::start(int width, int height) {
    const std::string exe = findXvfb();
    if (exe.empty())
        throw Error("no X display and no Xvfb to render with: install xvfb (scripts/install-deps.sh) or set DISPLAY");
    int fds[2];
    if (::pipe(fds) != 0) throw Error(std::string("cannot start Xvfb: ") + std::strerror(errno));
    const std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
    const std::string fd = std::to_string(fds[1]);
    const pid_t pid = ::fork();
    if (pid < 0) throw Error(std::string("cannot start Xvfb: ") + std::strerror(errno));
    if (pid == 0) {
        ::close(fds[0]);
        // Quiet: Xvfb's own chatter is not IRPlan's output.
        const int null = ::open("/dev/null", O_WRONLY);
        if (null >= 0) {
            ::dup2(null, 1);
            ::dup2(null, 2);
        }
        std::vector<std::string> args{exe, "-displayfd", fd, "-screen", "0", screen, "-nolisten", "tcp", "-noreset"};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(exe.c_str(), argv.data());
        std::_Exit(127);
    }
    ::close(fds[1]);
    pid_ = pid;
    // Xvfb writes its display number when it is ready; give it 20 s.
    std::string number;
    pollfd p{fds[0], POLLIN, 0};
    while (::poll(&p, 1, 20000) > 0) {
        char buf[32];
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n <= 0) break;
        number.append(buf, static_cast<size_t>(n));
        if (number.find('\n') != std::string::npos) break;
    }
    ::close(fds[0]);
    while (!number.empty() && (number.back() == '\n' || number.back() == '\r')) number.pop_back();
    if (number.empty()) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
        throw Error("Xvfb did not start (no display number reported within 20 s)");
    }
    display_ = ":" + number;
    const char* previous = std::getenv("DISPLAY");
    hadDisplay_ = previous != nullptr;
    if (previous) previousDisplay_ = previous;
    ::setenv("DISPLAY", display_.c_str(), 1);
    log::info("rendering on a private Xvfb display " + display_);
}

PrivateXServer::~PrivateXServer() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    if (hadDisplay_) ::setenv("DISPLAY", previousDisplay_.c_str(), 1);
    else ::unsetenv("DISPLAY");
}

} // namespace irplan::viewer
