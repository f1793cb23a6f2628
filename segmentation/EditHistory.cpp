#include "segmentation/EditHistory.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <limits>

namespace irplan::seg {

namespace {

bool inside(const itk::ImageBase<3>* image, const itk::ImageRegion<3>& region) {
    return image->GetLargestPossibleRegion().IsInside(region);
}

// Calls f(full linear index) for the voxels of `region` in scan order.
template <class F>
void scan(const itk::ImageBase<3>* grid, const itk::ImageRegion<3>& region, F f) {
    const auto n = dims(grid);
    const auto start = region.GetIndex();
    const auto size = region.GetSize();
    for (size_t k = 0; k < size[2]; ++k)
        for (size_t j = 0; j < size[1]; ++j) {
            const size_t row = size_t(start[0]) + n[0] * (size_t(start[1]) + j + n[1] * (size_t(start[2]) + k));
            for (size_t i = 0; i < size[0]; ++i) f(row + i);
        }
}

} // namespace

size_t EditHistory::record(LabelImage* labels, const Region& region, const std::string& name,
                           const std::function<void()>& apply) {
    if (region.GetNumberOfPixels() == 0 || !inside(labels, region)) {
        // Nothing can change (or a caller's bug): run the edit, record nothing.
        apply();
        return 0;
    }
    // The box's values before (a temporary copy of the box, not of the map).
    auto before = crop(labels, region);
    apply();
    Step step = encode(before, labels, region, name);
    const size_t voxels = step.voxels;
    if (voxels) push(std::move(step));
    return voxels;
}

EditHistory::Step EditHistory::encode(const LabelImage* before, const LabelImage* labels, const Region& region,
                                      const std::string& name) {
    Step step;
    step.name = name;
    step.region = region;
    const auto* b = before->GetBufferPointer();
    const auto* l = labels->GetBufferPointer();
    size_t local = 0, skip = 0;
    scan(labels, region, [&](size_t full) {
        const auto old = b[local++];
        const auto now = l[full];
        if (old == now) {
            ++skip;
            return;
        }
        ++step.voxels;
        if (skip == 0 && !step.runs.empty() && step.runs.back().before == old && step.runs.back().after == now &&
            step.runs.back().length < std::numeric_limits<std::uint32_t>::max()) {
            ++step.runs.back().length;
            return;
        }
        while (skip > std::numeric_limits<std::uint32_t>::max()) { // boxes over 4 G voxels
            step.runs.push_back({std::numeric_limits<std::uint32_t>::max(), 0, old, now});
            skip -= std::numeric_limits<std::uint32_t>::max();
        }
        step.runs.push_back({static_cast<std::uint32_t>(skip), 1, old, now});
        skip = 0;
    });
    step.runs.shrink_to_fit();
    return step;
}

void EditHistory::push(Step step) {
    for (size_t i = position_; i < steps_.size(); ++i) bytes_ -= stepBytes(steps_[i]);
    steps_.resize(position_);
    bytes_ += stepBytes(step);
    steps_.push_back(std::move(step));
    position_ = steps_.size();
    trim();
}

size_t EditHistory::mergeLast(LabelImage* labels, size_t count, const std::string& name) {
    if (count > position_ || position_ != steps_.size()) throw Error("edit history: cannot merge those steps");
    if (count == 0) return 0;
    const size_t first = position_ - count;
    // The box holding every step, its values now and before the first step.
    Region box = steps_[first].region;
    for (size_t i = first + 1; i < position_; ++i) {
        const Region& r = steps_[i].region;
        Region u;
        for (unsigned a = 0; a < 3; ++a) {
            const long lo = std::min(box.GetIndex(a), r.GetIndex(a));
            const long hi = std::max(box.GetIndex(a) + long(box.GetSize(a)), r.GetIndex(a) + long(r.GetSize(a)));
            u.SetIndex(a, lo);
            u.SetSize(a, static_cast<itk::SizeValueType>(hi - lo));
        }
        box = u;
    }
    auto after = crop(labels, box);
    for (size_t i = position_; i-- > first;) apply(labels, steps_[i], false);
    auto before = crop(labels, box);
    paste(labels, after.GetPointer());
    Step merged = encode(before, labels, box, name);
    for (size_t i = first; i < steps_.size(); ++i) bytes_ -= stepBytes(steps_[i]);
    steps_.resize(first);
    position_ = first;
    const size_t voxels = merged.voxels;
    if (voxels) push(std::move(merged));
    return voxels;
}

void EditHistory::apply(LabelImage* labels, const Step& step, bool forward) {
    if (!inside(labels, step.region)) throw Error("undo: the label map is not the one that was edited");
    auto* l = labels->GetBufferPointer();
    const auto n = dims(labels);
    const auto start = step.region.GetIndex();
    const auto size = step.region.GetSize();
    size_t p = 0; // position in the box's scan order
    for (const Run& run : step.runs) {
        p += run.skip;
        const auto value = forward ? run.after : run.before;
        for (std::uint32_t r = 0; r < run.length; ++r, ++p) {
            const size_t x = p % size[0], y = (p / size[0]) % size[1], z = p / (size[0] * size[1]);
            l[size_t(start[0]) + x + n[0] * (size_t(start[1]) + y + n[1] * (size_t(start[2]) + z))] = value;
        }
    }
    labels->Modified();
}

EditHistory::Region EditHistory::undo(LabelImage* labels) {
    if (!canUndo()) throw Error("nothing to undo");
    apply(labels, steps_[position_ - 1], false);
    return steps_[--position_].region;
}

EditHistory::Region EditHistory::redo(LabelImage* labels) {
    if (!canRedo()) throw Error("nothing to redo");
    apply(labels, steps_[position_], true);
    return steps_[position_++].region;
}

std::string EditHistory::undoName() const { return canUndo() ? steps_[position_ - 1].name : std::string(); }
std::string EditHistory::redoName() const { return canRedo() ? steps_[position_].name : std::string(); }

size_t EditHistory::stepBytes(const Step& step) {
    return sizeof(Step) + step.name.capacity() + step.runs.capacity() * sizeof(Run);
}

size_t EditHistory::bytes() const { return bytes_ + steps_.capacity() * sizeof(Step) - steps_.size() * sizeof(Step); }

void EditHistory::trim() {
    size_t drop = 0;
    while (bytes_ > limit_ && drop + 1 < position_) bytes_ -= stepBytes(steps_[drop++]);
    if (!drop) return;
    steps_.erase(steps_.begin(), steps_.begin() + static_cast<long>(drop));
    position_ -= drop;
}

void EditHistory::clear() {
    steps_.clear();
    steps_.shrink_to_fit();
    position_ = 0;
    bytes_ = 0;
}

} // namespace irplan::seg
