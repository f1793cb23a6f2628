#pragma once
// The 3D view: the fused CT + PET ray cast (the project's own GLSL), surfaces
// of the liver (translucent), lesions and vessels, vessel trees coloured by
// diameter, applicators, the crosshair and an orientation cube that always
// shows where the patient's L/R, A/P and S/I are.
#include "render/FusedVolume.h"
#include "render/Surfaces.h"
#include "render/ViewCanvas.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace irplan::render {

class VolumeView {
public:
    explicit VolumeView(const CanvasOptions& canvas);
    ~VolumeView();
    VolumeView(const VolumeView&) = delete;
    VolumeView& operator=(const VolumeView&) = delete;

    void setSize(int width, int height);
    int width() const { return width_; }
    int height() const { return height_; }

    void setVolume(std::shared_ptr<const FusedVolumeData> volume);
    void setSurfaces(std::shared_ptr<const LabelSurfaces> surfaces, const std::set<int>& hidden = {});
    void setVesselTubes(std::shared_ptr<const VesselTubes> tubes, const std::string& source);
    void setProbes(const std::vector<ProbeShape>& probes);
    // Ablation zones (translucent surfaces) and warning markers (spheres).
    void setZones(const std::vector<ZoneOverlay>& zones, const std::vector<MarkerShape>& markers);
    void setCrosshair(std::optional<Vec3> p);
    void setSettings(const DisplaySettings& settings);
    void setTitle(const std::string& title);

    // While the mouse drags, frames render at reduced resolution (ImageSampleDistance 2,
    // coarser ray steps); full quality again when interaction stops.
    void setInteractive(bool interactive);
    bool interactive() const { return interactive_; }
    // A time budget for frames at rest (0 = none: every pixel, as in screenshots).
    // With software OpenGL a full-resolution frame of a large window takes seconds
    // and blocks the window; with a budget the next frames at rest cast fewer rays
    // (down to 1/4 per axis) so they take about that long. Say so on screen.
    void setRestFrameBudget(double ms) { restBudgetMs_ = ms; }
    double restSampleDistance() const { return restSampleDistance_; }

    // Camera: anterior view (patient's right on the screen's left) after reset.
    void resetCamera();
    void rotate(double dxPixels, double dyPixels);
    void zoom(double factor);
    void pan(double dxPixels, double dyPixels);
    // Azimuth/elevation in degrees from the anterior view (scripts, tests).
    void setViewAngles(double azimuth_deg, double elevation_deg);

    void render();
    RgbaImage capture();
    unsigned texture() const;
    void releaseGraphics();
    // Time of the last render() in milliseconds.
    double lastFrameMs() const { return lastFrameMs_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    int width_ = 0, height_ = 0;
    bool interactive_ = false;
    double lastFrameMs_ = 0;
    double restBudgetMs_ = 0;
    double restSampleDistance_ = 1.0;
};

} // namespace irplan::render
