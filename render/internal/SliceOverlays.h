#pragma once
// What a slice view draws over its picture, one function per kind of item
// (crosshair, applicators, measurements, texts and orientation letters, the PET
// colour bar). An ablation zone's outline on a slice is added the same way.
// Internal to render/.
#include "render/SliceView.h"
#include "render/internal/Overlay.h"

namespace irplan::render::detail {

struct SliceOverlayContext {
    ViewKind kind;
    const SliceImage& image;
    const SliceAnnotations& annotations;
    LineBatch& lines; // plane coordinates (u, v), drawn over the picture
    LineBatch& bar;   // display coordinates
    TextPool& texts;  // display coordinates
    double width, height;           // view size in pixels
    double centreU, centreV, mmPerPixel; // camera

    // Plane coordinates of a patient-space point.
    double u(const Vec3& p) const { return image.plane.u(p); }
    double v(const Vec3& p) const { return image.plane.v(p); }
    // VTK display coordinates (origin bottom left) of a patient-space point.
    void display(const Vec3& p, double& x, double& y) const {
        x = 0.5 * width + (u(p) - centreU) / mmPerPixel;
        y = 0.5 * height + (v(p) - centreV) / mmPerPixel;
    }
    bool nearPlane(const Vec3& p) const { return std::abs(image.plane.distance(p)) <= annotations.sliceThickness_mm; }
    int smallFont() const;
    int bigFont() const;
};

void drawCrosshair(const SliceOverlayContext& c);
void drawProbes(const SliceOverlayContext& c);
void drawMeasurements(const SliceOverlayContext& c);
// Ablation zone outlines (iso-line 0 of each zone's field on the plane) and markers.
void drawZones(const SliceOverlayContext& c);
void drawMarkers(const SliceOverlayContext& c);
// Title, window/level, PET lines and the orientation letters at the four edges.
void drawTexts(const SliceOverlayContext& c);
void drawColourBar(const SliceOverlayContext& c);

} // namespace irplan::render::detail
