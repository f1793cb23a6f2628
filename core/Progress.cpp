#include "core/Progress.h"

#include "core/Error.h"

#include <algorithm>

namespace irplan {

void Progress::update(double fraction, const std::string& stage) const {
    checkCancel();
    if (callback_) callback_(offset_ + scale_ * std::clamp(fraction, 0.0, 1.0), stage);
}

void Progress::checkCancel() const {
    if (cancelled()) throw Cancelled();
}

Progress Progress::sub(double from, double to) const {
    Progress child = *this;
    child.offset_ = offset_ + scale_ * from;
    child.scale_ = scale_ * (to - from);
    return child;
}

} // namespace irplan
