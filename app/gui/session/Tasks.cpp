#include "app/gui/session/Tasks.h"

#include "core/Error.h"
#include "core/Log.h"

#include <chrono>

namespace irplan::viewer {

TaskRunner::~TaskRunner() {
    cancelAll();
    std::vector<std::unique_ptr<Task>> tasks;
    {
        std::lock_guard<std::mutex> lock(m_);
        tasks.swap(tasks_);
    }
    for (auto& t : tasks)
        if (t->thread.joinable()) t->thread.join();
}

std::shared_ptr<CancelToken> TaskRunner::start(const std::string& name, Work work) {
    auto task = std::make_unique<Task>();
    task->name = name;
    task->cancel = std::make_shared<CancelToken>();
    task->stage = "starting";
    Task* t = task.get();
    Progress progress(
        [t](double f, const std::string& stage) {
            std::lock_guard<std::mutex> lock(t->m);
            t->fraction = f;
            t->stage = stage;
        },
        t->cancel);
    {
        std::lock_guard<std::mutex> lock(m_);
        tasks_.push_back(std::move(task));
    }
    t->thread = std::thread([t, progress, work = std::move(work)] {
        Continuation c;
        std::string error;
        bool cancelled = false;
        try {
            c = work(progress);
        } catch (const Cancelled&) {
            cancelled = true;
        } catch (const std::bad_alloc&) {
            error = "out of memory";
        } catch (const std::exception& e) {
            error = e.what();
        }
        std::lock_guard<std::mutex> lock(t->m);
        t->continuation = std::move(c);
        t->error = error;
        t->cancelled = cancelled;
        t->finished = true;
    });
    return t->cancel;
}

void TaskRunner::poll() {
    std::vector<std::unique_ptr<Task>> done;
    {
        std::lock_guard<std::mutex> lock(m_);
        for (auto it = tasks_.begin(); it != tasks_.end();) {
            bool finished;
            {
                std::lock_guard<std::mutex> tl((*it)->m);
                finished = (*it)->finished;
            }
            if (finished) {
                done.push_back(std::move(*it));
                it = tasks_.erase(it);
            } else {
                ++it;
            }
        }
    }
    for (auto& t : done) {
        t->thread.join();
        if (t->cancelled) {
            log::info(t->name + ": cancelled");
            continue;
        }
        if (!t->error.empty()) {
            log::error(t->name + ": " + t->error);
            std::lock_guard<std::mutex> lock(m_);
            errors_.push_back(t->name + ": " + t->error);
            continue;
        }
        if (t->continuation) {
            try {
                t->continuation();
            } catch (const std::exception& e) {
                log::error(t->name + ": " + e.what());
                std::lock_guard<std::mutex> lock(m_);
                errors_.push_back(t->name + ": " + e.what());
            }
        }
    }
}

bool TaskRunner::busy() const {
    std::lock_guard<std::mutex> lock(m_);
    return !tasks_.empty();
}

std::vector<TaskRunner::Status> TaskRunner::status() const {
    std::vector<Status> out;
    std::lock_guard<std::mutex> lock(m_);
    for (const auto& t : tasks_) {
        std::lock_guard<std::mutex> tl(t->m);
        out.push_back({t->name, t->stage, t->fraction});
    }
    return out;
}

void TaskRunner::cancelAll() {
    std::lock_guard<std::mutex> lock(m_);
    for (auto& t : tasks_) t->cancel->cancel();
}

void TaskRunner::waitIdle() {
    // Continuations may start further tasks (load -> build 3D), so loop until quiet.
    while (busy()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        poll();
    }
}

std::vector<std::string> TaskRunner::takeErrors() {
    std::lock_guard<std::mutex> lock(m_);
    std::vector<std::string> e;
    e.swap(errors_);
    return e;
}

} // namespace irplan::viewer
