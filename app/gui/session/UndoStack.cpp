#include "app/gui/session/UndoStack.h"

#include "core/Error.h"

namespace irplan::viewer {

void UndoStack::push(const std::string& label, Json before, Json after) {
    if (before == after) return; // nothing changed: not a step
    steps_.resize(position_);    // a new edit drops what could be redone
    if (grouping_ && groupHasStep_ && !steps_.empty()) {
        if (!steps_.back().hook) {
            steps_.back().after = std::move(after);
            return;
        }
        steps_.push_back({groupLabel_, std::move(before), std::move(after), nullptr});
        position_ = steps_.size();
        return;
    }
    steps_.push_back({grouping_ ? groupLabel_ : label, std::move(before), std::move(after), nullptr});
    position_ = steps_.size();
    if (grouping_) groupHasStep_ = true;
}

void UndoStack::push(const std::string& label, Json before, Json after, std::shared_ptr<UndoHook> hook) {
    if (!hook) {
        push(label, std::move(before), std::move(after));
        return;
    }
    steps_.resize(position_);
    steps_.push_back({label, std::move(before), std::move(after), std::move(hook)});
    position_ = steps_.size();
    groupHasStep_ = false; // a later push of an open group starts a new step
}

void UndoStack::beginGroup(const std::string& label) {
    grouping_ = true;
    groupHasStep_ = false;
    groupLabel_ = label;
}

void UndoStack::endGroup() {
    grouping_ = false;
    groupHasStep_ = false;
}

const Json& UndoStack::undo() {
    if (!canUndo()) throw Error("nothing to undo");
    endGroup();
    return steps_[--position_].before;
}

const Json& UndoStack::redo() {
    if (!canRedo()) throw Error("nothing to redo");
    return steps_[position_++].after;
}

std::string UndoStack::undoLabel() const { return canUndo() ? steps_[position_ - 1].label : std::string(); }
std::string UndoStack::redoLabel() const { return canRedo() ? steps_[position_].label : std::string(); }

void UndoStack::clear() {
    steps_.clear();
    position_ = 0;
    endGroup();
}

} // namespace irplan::viewer
