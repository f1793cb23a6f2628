#pragma once
// Builds the picture of a slice view on the CPU: the CT through the plane with
// its window/level, the PET (through the case's CT->PET transform) blended with
// its colour map, and the label map as outlines or fills. The result is an RGBA
// image on a pixel grid of the plane; the VTK view only puts it on screen and
// draws the annotations. Keeping this free of OpenGL makes the geometry testable
// pixel by pixel and identical in the GUI, the headless screenshots and the tests.
#include "core/Progress.h"
#include "render/Scene.h"
#include "render/SliceGeometry.h"

namespace irplan::render {

// A picture of a plane: pixel (x, y) (y down from the top) has its centre at
// plane coordinates u = uLeft + (x + 0.5) pixel_mm, v = vTop - (y + 0.5) pixel_mm.
struct SliceImage {
    ViewKind view = ViewKind::Axial;
    SlicePlane plane;
    double uLeft = 0, vTop = 0, pixel_mm = 1;
    RgbaImage rgba;

    // Continuous pixel coordinates (0..width, 0..height) to LPS and back.
    Vec3 lps(double x, double y) const { return plane.point(uLeft + x * pixel_mm, vTop - y * pixel_mm); }
    void pixelOf(const Vec3& p, double& x, double& y) const {
        x = (plane.u(p) - uLeft) / pixel_mm;
        y = (vTop - plane.v(p)) / pixel_mm;
    }
    double width_mm() const { return rgba.width * pixel_mm; }
    double height_mm() const { return rgba.height * pixel_mm; }
};

// Bounds (LPS) of the reference image: the CT, else the PET, else the labels; false when empty.
bool sceneBounds(const Scene& scene, Vec3& lo, Vec3& hi);
// Distance between neighbouring slices of the reference image along `direction`.
double sceneSliceStep(const Scene& scene, const Vec3& direction);
// Snaps `p` along `direction` to the nearest voxel-centre plane of the reference
// image, so axis-aligned slices show voxels, not interpolations between them.
Vec3 snapToSlice(const Scene& scene, const Vec3& p, const Vec3& direction);

// The slice of `view` through `centre`, covering the scene's extent at the
// reference image's in-plane resolution (at most maxPixels per side).
SliceImage composeSlice(const Scene& scene, const DisplaySettings& settings, ViewKind view, const Vec3& centre,
                        int maxPixels = 1024);

// A coronal maximum-intensity projection of the PET (anterior view, patient
// Right on the left), in display units with the MIP colour map. Rays run through
// CT space and sample the PET through the case transform, like the slices.
SliceImage composePetMip(const Scene& scene, const DisplaySettings& settings, int maxPixels = 512);

// Display value of the PET at an LPS point of CT space (SUV or the PET's own unit),
// nullopt outside the PET.
std::optional<double> petValueAt(const Scene& scene, const Vec3& p_lps);

} // namespace irplan::render
