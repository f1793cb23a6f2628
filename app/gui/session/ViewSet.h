#pragma once
// The render objects of the viewer (three slice views, the PET MIP and the 3D
// view) kept in step with the command layer: a view recomposes only when what
// it shows changed, and renders only when it is dirty, so scrolling the axial
// slice does not re-render the 3D ray cast.
#include "app/gui/session/Layout.h"
#include "app/gui/session/Viewer.h"
#include "render/SliceView.h"
#include "render/Colormaps.h"
#include "render/VolumeView.h"

#include <map>
#include <memory>

namespace irplan::viewer {

using render::Rgb;
using render::RgbaImage;

class ViewSet {
public:
    explicit ViewSet(const render::CanvasOptions& canvas);
    ~ViewSet();

    // Pulls changes from the viewer (cheap when nothing changed).
    void sync(const Viewer& viewer);
    // Renders `view` at this size when it is dirty or resized; true when it rendered.
    bool render(render::ViewKind view, int width, int height);
    void markDirty(render::ViewKind view) { dirty_[view] = true; }
    void markAllDirty();

    render::SliceView& slice(render::ViewKind view);
    render::VolumeView& volume() { return *volume_; }
    unsigned texture(render::ViewKind view) const;
    RgbaImage capture(render::ViewKind view);

    // The whole view area as one picture (headless screenshots): each view of the
    // layout rendered at its size, on a dark background with coloured frames.
    RgbaImage renderLayout(const Viewer& viewer, int width, int height);

    void resetViews();
    void zoom(render::ViewKind view, double factor);
    void releaseGraphics();

private:
    render::SliceAnnotations annotations(const Viewer& viewer, render::ViewKind view) const;
    std::map<render::ViewKind, std::unique_ptr<render::SliceView>> slices_;
    std::unique_ptr<render::VolumeView> volume_;
    std::map<render::ViewKind, bool> dirty_;
    std::map<render::ViewKind, double> composedOffset_; // plane offset of the composed slice
    Versions seen_;
    bool first_ = true;
};

// Colour of a view's frame (axial red, coronal green, sagittal yellow, 3D grey, MIP white).
Rgb viewFrameColour(render::ViewKind view);

} // namespace irplan::viewer
