#pragma once
// Vessel diameter from the image itself, below the voxel size.
//
// A binary mask's distance map measures a radius in whole voxels (a 1 mm
// vessel on 0.8 mm voxels reads 0.8 or 1.6 mm). Instead the lumen's
// cross-sectional area is measured by conservation of contrast: in the plane
// perpendicular to the centreline, sum (I - background) / (blood - background)
// over a disc that holds the vessel and its partial-volume rim, and report the
// diameter of the circle of that area. Partial volume and blur move signal
// around but do not change the sum, so thin vessels are measured without bias
// as long as the blood intensity is known (taken from the centre of thick
// vessels of the same tree).
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <cstdint>

namespace irplan::seg {

struct CrossSection {
    double diameter_mm = 0;
    double background = 0;  // local parenchyma level used
    double area_mm2 = 0;
    double ringLevel = 0;   // median of the ring around the disc
    double rayDiameter_mm = 0; // twice the median half-maximum radius over 32 rays
    double peakFraction = 0;   // (peak - background) / (blood - background)
    bool touchesDisc = false; // the lumen reached the disc's edge (the disc was too small)
    bool valid = false;
};

struct CrossSectionInput {
    const FloatImage* image = nullptr;  // the CT (raw or lightly smoothed)
    Vec3 centre_mm;
    Vec3 tangent;             // unit, along the vessel
    double radiusGuess_mm = 1; // from the binary mask's distance map
    double blood = 0;          // lumen intensity (HU)
    double fallbackBackground = 0;
    double slab_mm = 1.0;      // planes at -slab, 0, +slab along the tangent are averaged
};

CrossSection measureCrossSection(const CrossSectionInput& in);

} // namespace irplan::seg
