#pragma once
// Progress reporting and cooperative cancellation for long work (DICOM loading,
// phantom generation, registration, vesselness, thermal simulation).
//
// A Progress is cheap to copy. sub() maps a child task onto part of the parent's
// range so nested steps report one monotone fraction.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace irplan {

class CancelToken {
public:
    void cancel() { flag_.store(true); }
    void reset() { flag_.store(false); }
    bool cancelled() const { return flag_.load(); }

private:
    std::atomic<bool> flag_{false};
};

class Progress {
public:
    using Callback = std::function<void(double fraction, const std::string& stage)>;

    Progress() = default;
    Progress(Callback callback, std::shared_ptr<const CancelToken> cancel = nullptr)
        : callback_(std::move(callback)), cancel_(std::move(cancel)) {}

    // fraction in [0,1] of this (sub)task.
    void update(double fraction, const std::string& stage) const;
    // Throws irplan::Cancelled when the token was cancelled.
    void checkCancel() const;
    bool cancelled() const { return cancel_ && cancel_->cancelled(); }
    // A child covering [from, to] of this task's range.
    Progress sub(double from, double to) const;

private:
    Callback callback_;
    std::shared_ptr<const CancelToken> cancel_;
    double offset_ = 0.0;
    double scale_ = 1.0;
};

} // namespace irplan
