#include "registration/detail/ElastixProcess.h"

#include "core/Error.h"
#include "core/Log.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <sstream>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace irplan::registration::detail {
namespace {

bool isExecutableFile(const fs::path& p) {
    struct stat st {};
    return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

std::optional<fs::path> searchPath(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path || !*path) return std::nullopt;
    std::stringstream s(path);
    std::string dir;
    while (std::getline(s, dir, ':')) {
        if (dir.empty()) dir = ".";
        const fs::path candidate = fs::path(dir) / name;
        if (isExecutableFile(candidate)) return candidate;
    }
    return std::nullopt;
}

// `configured` is an explicit path or a bare program name; `source` says where it came from.
fs::path resolveConfigured(const fs::path& configured, const std::string& program, const std::string& source) {
    const std::string hint = " Install Debian's '" + std::string("elastix") + "' package (it provides elastix and "
                             "transformix) or point " + source + " at the " + program + " executable.";
    if (configured.has_parent_path()) {
        if (!fs::exists(configured))
            throw Error(program + " not found at " + configured.string() + " (set by " + source + ")." + hint);
        if (!isExecutableFile(configured))
            throw Error(program + " at " + configured.string() + " (set by " + source + ") is not an executable file." +
                        hint);
        return configured;
    }
    if (auto found = searchPath(configured.string())) return *found;
    throw Error(program + " ('" + configured.string() + "', set by " + source + ") was not found on PATH." + hint);
}

fs::path locate(const fs::path& setting, const char* envName, const std::string& program,
                const std::optional<fs::path>& sibling) {
    if (!setting.empty()) return resolveConfigured(setting, program, "the " + program + " setting");
    if (const char* env = std::getenv(envName); env && *env) return resolveConfigured(env, program, envName);
    if (sibling && isExecutableFile(*sibling)) return *sibling;
    if (auto found = searchPath(program)) return *found;
    throw Error(program + " was not found on PATH: registration needs elastix 5 (Debian package 'elastix', "
                "apt-get install elastix), or set " + std::string(envName) + " to the " + program + " executable.");
}

using Clock = std::chrono::steady_clock;

void killGroup(pid_t pid) {
    ::kill(-pid, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(2);
    int status = 0;
    while (Clock::now() < deadline) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) {
            ::kill(-pid, SIGKILL); // anything else left in the group
            return;
        }
        ::usleep(20000);
    }
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

} // namespace

fs::path findElastix(const ElastixSettings& s) { return locate(s.elastix, "IRPLAN_ELASTIX", "elastix", std::nullopt); }

fs::path findTransformix(const ElastixSettings& s) {
    std::optional<fs::path> sibling;
    if (s.transformix.empty() && !std::getenv("IRPLAN_TRANSFORMIX")) {
        // Next to the elastix that will run, so a configured elastix gets its own transformix.
        try {
            sibling = findElastix(s).parent_path() / "transformix";
        } catch (const Error&) {
        }
    }
    return locate(s.transformix, "IRPLAN_TRANSFORMIX", "transformix", sibling);
}

ProcessResult runProcess(const fs::path& exe, const std::vector<std::string>& args, const fs::path& workDir,
                         const LineCallback& onLine, const Progress& progress, double timeLimit_s,
                         const std::string& what) {
    progress.checkCancel();
    // Everything the child needs is prepared before fork(): after it, only
    // async-signal-safe calls are allowed in a multithreaded parent.
    std::vector<std::string> argStrings;
    argStrings.push_back(exe.string());
    argStrings.insert(argStrings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argStrings) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string exePath = exe.string();
    const std::string dir = workDir.string();

    int out[2], report[2];
    if (::pipe2(out, O_CLOEXEC) != 0) throw Error("cannot start " + what + ": " + std::strerror(errno));
    if (::pipe2(report, O_CLOEXEC) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        throw Error("cannot start " + what + ": " + std::strerror(errno));
    }
    const pid_t parent = ::getpid();
    const auto start = Clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) {
        for (int fd : {out[0], out[1], report[0], report[1]}) ::close(fd);
        throw Error("cannot start " + what + ": " + std::strerror(errno));
    }
    if (pid == 0) {
        ::setpgid(0, 0);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(127);
        ::dup2(out[1], 1);
        ::dup2(out[1], 2);
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, 0);
        int err = 0;
        if (::chdir(dir.c_str()) != 0) err = errno;
        else {
            ::execv(exePath.c_str(), argv.data());
            err = errno;
        }
        [[maybe_unused]] ssize_t n = ::write(report[1], &err, sizeof err);
        ::_exit(127);
    }
    ::setpgid(pid, pid); // also here, so a kill right after fork reaches the group
    ::close(out[1]);
    ::close(report[1]);
    int execErrno = 0;
    ssize_t got;
    while ((got = ::read(report[0], &execErrno, sizeof execErrno)) < 0 && errno == EINTR) {
    }
    ::close(report[0]);
    if (got == static_cast<ssize_t>(sizeof execErrno)) {
        ::close(out[0]);
        int status = 0;
        ::waitpid(pid, &status, 0);
        throw Error("cannot start " + what + " (" + exePath + "): " + std::strerror(execErrno));
    }

    // Until the child is reaped, any exit from here (cancel, time limit, an
    // exception in the callback) kills its process group and waits for it.
    struct Child {
        pid_t pid;
        int fd;
        bool reaped = false;
        ~Child() {
            if (fd >= 0) ::close(fd);
            if (!reaped) killGroup(pid);
        }
    } child{pid, out[0]};

    ProcessResult result;
    std::deque<std::string> tail;
    std::string pending;
    auto emit = [&](const std::string& line) {
        tail.push_back(line);
        if (tail.size() > 40) tail.pop_front();
        if (onLine) onLine(line);
    };
    char buf[8192];
    for (bool eof = false; !eof;) {
        pollfd pfd{child.fd, POLLIN, 0};
        if (::poll(&pfd, 1, 100) > 0) {
            const ssize_t n = ::read(child.fd, buf, sizeof buf);
            if (n > 0) {
                pending.append(buf, static_cast<size_t>(n));
                size_t pos;
                while ((pos = pending.find_first_of("\r\n")) != std::string::npos) {
                    std::string line = pending.substr(0, pos);
                    pending.erase(0, pos + 1);
                    if (!line.empty()) emit(line);
                }
            } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
                eof = true;
            }
        }
        progress.checkCancel();
        const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
        if (timeLimit_s > 0 && elapsed > timeLimit_s) {
            std::ostringstream m;
            m << what << " did not finish within its time limit of " << timeLimit_s
              << " s and was stopped; raise the limit or use a preset with fewer iterations";
            throw Error(m.str());
        }
    }
    if (!pending.empty()) emit(pending);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    child.reaped = true;
    result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (WIFSIGNALED(status)) {
        result.signalled = true;
        result.signal = WTERMSIG(status);
    } else {
        result.exitCode = WEXITSTATUS(status);
    }
    result.tail.assign(tail.begin(), tail.end());
    return result;
}

} // namespace irplan::registration::detail
