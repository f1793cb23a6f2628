#pragma once
// Long work off the UI thread (loading, phantom generation, building the 3D
// volume): each task runs on its own thread with a Progress and a cancel token,
// and hands a continuation back that runs on the main thread in poll() (Tracy's
// main-thread queue). The window keeps drawing meanwhile.
#include "core/Progress.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace irplan::viewer {

class TaskRunner {
public:
    using Continuation = std::function<void()>;
    // Runs on the worker; returns what to do on the main thread with the result.
    using Work = std::function<Continuation(const Progress&)>;

    struct Status {
        std::string name;
        std::string stage;
        double fraction = 0;
    };

    TaskRunner() = default;
    ~TaskRunner();
    TaskRunner(const TaskRunner&) = delete;
    TaskRunner& operator=(const TaskRunner&) = delete;

    // Returns the task's cancel token (to cancel this task alone).
    std::shared_ptr<CancelToken> start(const std::string& name, Work work);
    // Main thread: runs the continuations of finished tasks. A task that threw
    // has its message in takeErrors() (and in the log); its continuation is dropped.
    void poll();
    bool busy() const;
    std::vector<Status> status() const;
    void cancelAll();
    // Blocks (polling) until no task is left; for scripts and headless use.
    void waitIdle();
    std::vector<std::string> takeErrors();

private:
    struct Task {
        std::string name;
        std::shared_ptr<CancelToken> cancel;
        std::thread thread;
        mutable std::mutex m;
        std::string stage;
        double fraction = 0;
        bool finished = false;
        Continuation continuation;
        std::string error;
        bool cancelled = false;
    };
    mutable std::mutex m_;
    std::vector<std::unique_ptr<Task>> tasks_;
    std::vector<std::string> errors_;
};

} // namespace irplan::viewer
