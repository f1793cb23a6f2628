#include "app/gui/session/Headless.h"

#include "core/Log.h"
#include "render/ImageFiles.h"

namespace irplan::viewer {

HeadlessFrontend::HeadlessFrontend(Viewer& viewer, int width, int height)
    : viewer_(viewer), views_(render::CanvasOptions{}), width_(width), height_(height) {}

void HeadlessFrontend::screenshot(const std::filesystem::path& path) {
    viewer_.tasks().waitIdle();
    viewer_.poll();
    render::writePng(views_.renderLayout(viewer_, width_, height_), path);
    log::info("screenshot " + path.string());
}

void HeadlessFrontend::screenshotView(render::ViewKind view, const std::filesystem::path& path) {
    viewer_.tasks().waitIdle();
    viewer_.poll();
    views_.renderLayout(viewer_, width_, height_); // the view at its size in the layout
    writeViewCapture(views_.capture(view), views_.slice(view), path);
}

void HeadlessFrontend::setSize(int width, int height) {
    width_ = width;
    height_ = height;
}

void HeadlessFrontend::zoom(render::ViewKind view, double factor) {
    views_.sync(viewer_);
    // A zoom needs the view's size to know its picture; give it the layout size first.
    for (const ViewRect& r : layoutRects(viewer_.state().layout, viewer_.state().mainView, width_, height_, 4))
        if (r.view == view) views_.render(view, r.width - 4, r.height - 4);
    views_.zoom(view, factor);
}

void HeadlessFrontend::resetViews() { views_.resetViews(); }

void HeadlessFrontend::set3dAngles(double az, double el) {
    views_.sync(viewer_);
    views_.volume().setViewAngles(az, el);
    views_.markDirty(render::ViewKind::ThreeD);
}

} // namespace irplan::viewer
