#pragma once
// The view area of the window: the views of the layout, drawn from VTK's
// textures, and the mouse/keyboard habits of radiology viewers:
//   wheel or arrow keys: next/previous slice (Ctrl+wheel: zoom); left click:
//   crosshair; left drag: window/level (slices) or rotate (3D); right drag: zoom;
//   middle drag: pan; R: reset views; double click: maximise a view and back;
//   drag a probe's tip or entry to move it. Tools add rulers, points and probes;
//   the paint and erase brushes (Segmentation panel) follow the cursor as a
//   circle of the brush's radius and paint while the left button is down.
#include "app/gui/session/ViewSet.h"
#include "app/gui/window/GuiState.h"

#include <imgui.h>

#include <optional>

namespace irplan::viewer {

class ViewArea {
public:
    ViewArea(Viewer& viewer, ViewSet& views, GuiState& gui) : viewer_(viewer), views_(views), gui_(gui) {}
    void draw(ImVec2 origin, ImVec2 size);

private:
    enum class DragKind { None, WindowLevel, Rotate, Zoom, Pan, ProbeEnd, Ruler, Brush };
    struct Drag {
        render::ViewKind view = render::ViewKind::Axial;
        DragKind kind = DragKind::None;
        ImVec2 start;
        bool moved = false;
        render::WindowLevel startWindow;
        std::string probeId;
        bool probeTip = true;
        Vec3 rulerStart;
        Vec3 lastDab; // the brush's last position (a new dab every half radius)
    };

    void drawView(const ViewRect& r, ImVec2 origin);
    void handleInput(const ViewRect& r, ImVec2 viewOrigin, bool hovered);
    void keyboard(std::optional<render::ViewKind> hovered);
    Vec3 toLps(render::ViewKind view, ImVec2 local) const;
    bool findProbeHandle(render::ViewKind view, ImVec2 local, std::string& id, bool& tip) const;
    // One dab of the paint/erase brush at p (a disc lies in this view's slice).
    void dab(render::ViewKind view, const Vec3& p);

    Viewer& viewer_;
    ViewSet& views_;
    GuiState& gui_;
    std::optional<Drag> drag_;
    double lastInteraction_ = -1;
};

} // namespace irplan::viewer
