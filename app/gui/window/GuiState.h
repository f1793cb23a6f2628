#pragma once
// State of the window that is not part of the case or the views: the active
// tool, pending clicks, notices and the log (internal to the GUI).
#include "core/Geometry.h"
#include "core/Log.h"
#include "render/RenderTypes.h"

#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace irplan::viewer {

// Paint and Erase: the segment editor's brush (Segmentation panel) on the slices.
enum class Tool { Navigate, Ruler, Point, Probe, Seed, Paint, Erase };

// Log lines from any thread, shown in the Log panel.
class LogBuffer {
public:
    struct Line {
        log::Level level;
        std::string text;
    };
    void add(log::Level level, const std::string& text) {
        std::lock_guard<std::mutex> lock(m_);
        lines_.push_back({level, text});
        if (lines_.size() > 500) lines_.pop_front();
    }
    std::vector<Line> lines() const {
        std::lock_guard<std::mutex> lock(m_);
        return {lines_.begin(), lines_.end()};
    }

private:
    mutable std::mutex m_;
    std::deque<Line> lines_;
};

struct GuiState {
    Tool tool = Tool::Navigate;
    std::optional<Vec3> pendingProbeTip;
    std::string hoverText;
    std::vector<std::string> notices; // warnings and errors waiting to be read
    LogBuffer log;
    // Double-click maximises a view; this is the layout to go back to.
    std::optional<render::Layout> restoreLayout;
    std::optional<render::ViewKind> restoreMain;
    float uiScale = 1.0f;
};

} // namespace irplan::viewer
