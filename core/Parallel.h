#pragma once
// A minimal parallel for over an index range with std::thread. Work is split
// into contiguous chunks; the first exception thrown by any chunk is rethrown.
#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace irplan {

inline unsigned workerCount() { return std::max(1u, std::thread::hardware_concurrency()); }

// Calls f(i) for i in [begin, end) on up to `threads` threads (0 = all cores).
// Indices are handed out in blocks of `grain` so the cost per call may vary.
template <class F>
void parallelFor(size_t begin, size_t end, F&& f, unsigned threads = 0, size_t grain = 1) {
    if (end <= begin) return;
    const unsigned n = std::min<size_t>(threads ? threads : workerCount(), (end - begin + grain - 1) / grain);
    if (n <= 1) {
        for (size_t i = begin; i < end; ++i) f(i);
        return;
    }
    std::atomic<size_t> next{begin};
    std::exception_ptr failure;
    std::mutex m;
    auto work = [&] {
        for (;;) {
            const size_t start = next.fetch_add(grain);
            if (start >= end) return;
            const size_t stop = std::min(end, start + grain);
            try {
                for (size_t i = start; i < stop; ++i) f(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(m);
                if (!failure) failure = std::current_exception();
                next.store(end);
                return;
            }
        }
    };
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < n; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

} // namespace irplan
