#pragma once
// The viewer without a window: the same command layer and views, rendered
// offscreen into pictures (screenshots are the view area without panels).
#include "app/gui/session/Script.h"
#include "app/gui/session/ViewSet.h"

namespace irplan::viewer {

class HeadlessFrontend : public Frontend {
public:
    HeadlessFrontend(Viewer& viewer, int width, int height);
    void screenshot(const std::filesystem::path& path) override;
    void screenshotView(render::ViewKind view, const std::filesystem::path& path) override;
    void setSize(int width, int height) override;
    void zoom(render::ViewKind view, double factor) override;
    void resetViews() override;
    void set3dAngles(double azimuth_deg, double elevation_deg) override;
    void quit() override { quit_ = true; }
    bool quitRequested() const { return quit_; }
    ViewSet& views() { return views_; }

private:
    Viewer& viewer_;
    ViewSet views_;
    int width_, height_;
    bool quit_ = false;
};

} // namespace irplan::viewer
