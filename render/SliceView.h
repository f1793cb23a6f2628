#pragma once
// One 2D view on screen: a composited slice (or the PET MIP) with its
// annotations: orientation letters at every edge, the slice position, the
// window/level, the PET colour bar with its unit, crosshair lines, applicators,
// rulers and points. Zoom and pan are kept here; the mapping between view
// pixels and patient space is exact and available without rendering.
#include "render/SliceCompositor.h"
#include "render/ViewCanvas.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace irplan::render {

// A colour bar for the PET: `unit` is printed as its title (SUVbw, Bq/mL ...).
struct ColourBar {
    Colormap map = Colormap::Hot;
    double low = 0, high = 1;
    std::string unit;
    bool warn = false; // unit is not SUV: the title is drawn in the warning colour
};

struct SliceAnnotations {
    std::string title;       // top left, e.g. "Axial  z = 12.5 mm  slice 57/134"
    std::string windowText;  // bottom left, e.g. "W 400 L 50 (abdomen)"
    std::vector<std::string> infoLines; // bottom right (PET settings, alignment)
    bool infoWarning = false;           // draw infoLines in the warning colour
    std::optional<ColourBar> colourBar;
    std::optional<Vec3> crosshair_mm;
    std::vector<ProbeShape> probes;
    std::vector<MeasurementShape> measurements;
    std::vector<ZoneOverlay> zones;
    std::vector<MarkerShape> markers;
    std::optional<std::pair<Vec3, Vec3>> pendingRuler; // a ruler being drawn
    double sliceThickness_mm = 1; // items farther than this from the plane are hidden
};

class SliceView {
public:
    SliceView(ViewKind kind, const CanvasOptions& canvas);
    ~SliceView();
    SliceView(const SliceView&) = delete;
    SliceView& operator=(const SliceView&) = delete;

    ViewKind kind() const { return kind_; }
    void setSize(int width, int height);
    int width() const { return width_; }
    int height() const { return height_; }

    // New picture and annotations (cheap to call every frame; VTK objects are reused).
    void setImage(const SliceImage& image);
    void setAnnotations(const SliceAnnotations& annotations);
    const SliceImage& image() const { return image_; }

    // Camera: the whole picture fits the view after reset.
    void resetCamera();
    void zoom(double factor, std::optional<std::pair<double, double>> aboutPixel = std::nullopt);
    void pan(double dxPixels, double dyPixels);
    double mmPerPixel() const { return mmPerPixel_; }

    // View pixel (x right, y down from the top-left corner) <-> patient space.
    Vec3 pixelToLps(double x, double y) const;
    void lpsToPixel(const Vec3& p, double& x, double& y) const;

    void render();
    RgbaImage capture();
    unsigned texture() const;
    void releaseGraphics();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    ViewKind kind_;
    SliceImage image_;
    int width_ = 0, height_ = 0;
    double centreU_ = 0, centreV_ = 0, mmPerPixel_ = 1;
    bool cameraSet_ = false;
    bool fitted_ = false; // camera shows the whole picture (no zoom/pan since): refit on resize
    void applyCamera();
};

} // namespace irplan::render
