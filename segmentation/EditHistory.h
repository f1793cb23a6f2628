#pragma once
// Undo/redo of label map edits, in the manner of ITK-SNAP's UndoDataManager:
// each step keeps only the voxels it changed, as runs over its bounding box
// (skip so many voxels, then so many voxels went from value a to value b),
// never a copy of the label map. A brush stroke costs a few kB, so hundreds of
// edits on a 512 x 512 x 300 map stay within a few MB (bytes() says how many).
// ITK + std only.
#include "io/ImageTypes.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace irplan::seg {

class EditHistory {
public:
    using Region = itk::ImageRegion<3>;

    // Runs `apply`, which may change `labels` only inside `region`, and records
    // what it changed as one step (dropping what could be redone). Returns the
    // number of voxels changed; 0 records nothing.
    size_t record(LabelImage* labels, const Region& region, const std::string& name, const std::function<void()>& apply);

    // Merges the last `count` steps (all done, none to redo) into one named
    // `name`: a brush drag is one undo step. Returns the voxels it changed.
    size_t mergeLast(LabelImage* labels, size_t count, const std::string& name);

    bool canUndo() const { return position_ > 0; }
    bool canRedo() const { return position_ < steps_.size(); }
    // Take the last step back / do the next one again; return the region they
    // changed. Throw irplan::Error when there is nothing to undo/redo or the map
    // is not the one recorded (other size).
    Region undo(LabelImage* labels);
    Region redo(LabelImage* labels);
    std::string undoName() const;
    std::string redoName() const;
    size_t size() const { return steps_.size(); }
    size_t position() const { return position_; }
    // Memory held by the steps (runs, regions, names).
    size_t bytes() const;
    // The oldest steps are dropped when the history passes this (default 256 MB).
    void setLimitBytes(size_t limit) { limit_ = limit; }
    void clear();

private:
    struct Run {
        std::uint32_t skip = 0;   // unchanged voxels before this run (in the box's scan order)
        std::uint32_t length = 0; // voxels changed from `before` to `after`
        LabelImage::PixelType before = 0, after = 0;
    };
    struct Step {
        std::string name;
        Region region;
        std::vector<Run> runs;
        size_t voxels = 0;
    };
    static void apply(LabelImage* labels, const Step& step, bool forward);
    // The step that takes `before` (a crop of `region`) to what `labels` holds there.
    static Step encode(const LabelImage* before, const LabelImage* labels, const Region& region, const std::string& name);
    void push(Step step);
    static size_t stepBytes(const Step& step);
    void trim();

    std::vector<Step> steps_;
    size_t position_ = 0; // steps_[0..position_) are done
    size_t bytes_ = 0;
    size_t limit_ = size_t(256) << 20;
};

} // namespace irplan::seg
