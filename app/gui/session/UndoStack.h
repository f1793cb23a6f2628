#pragma once
// Undo/redo for every edit of the case (probes, measurements, and later plan
// and segmentation items). The case is small plain data, so an edit is stored as
// the case's JSON before and after: exact, and new kinds of edit need no undo
// code of their own. Consecutive edits inside a group (a drag) become one step.
#include "core/Case.h"

#include <memory>
#include <string>
#include <vector>

namespace irplan::viewer {

// What an edit changed outside the case's JSON (a label map's voxels, kept by
// the segment editor as deltas): undone and redone with the step.
class UndoHook {
public:
    virtual ~UndoHook() = default;
    virtual void undo() = 0;
    virtual void redo() = 0;
};

class UndoStack {
public:
    // Record an edit: the case's JSON before and after it.
    void push(const std::string& label, Json before, Json after);
    // An edit with a hook is always a step of its own (never merged into a group).
    void push(const std::string& label, Json before, Json after, std::shared_ptr<UndoHook> hook);
    // The hook of the step undo() / redo() would take (nullptr when none).
    std::shared_ptr<UndoHook> undoHook() const { return canUndo() ? steps_[position_ - 1].hook : nullptr; }
    std::shared_ptr<UndoHook> redoHook() const { return canRedo() ? steps_[position_].hook : nullptr; }
    // While a group is open, pushes merge into one step (the first `before`, the last `after`).
    void beginGroup(const std::string& label);
    void endGroup();
    bool grouping() const { return grouping_; }

    bool canUndo() const { return position_ > 0; }
    bool canRedo() const { return position_ < steps_.size(); }
    // The case JSON to restore; throws irplan::Error when there is nothing to undo/redo.
    const Json& undo();
    const Json& redo();
    std::string undoLabel() const;
    std::string redoLabel() const;
    size_t size() const { return steps_.size(); }
    void clear();

private:
    struct Step {
        std::string label;
        Json before, after;
        std::shared_ptr<UndoHook> hook;
    };
    std::vector<Step> steps_;
    size_t position_ = 0; // steps_[0..position_) are done
    bool grouping_ = false;
    bool groupHasStep_ = false;
    std::string groupLabel_;
};

} // namespace irplan::viewer
