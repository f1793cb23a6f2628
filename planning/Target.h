#pragma once
// The target lesion on the planning grid: its voxels, its surface (voxel faces
// between lesion and non-lesion voxels) and the lesion-plus-margin region.
#include "io/ImageTypes.h"
#include "planning/GridGeometry.h"
#include "planning/ZoneField.h"

#include <cstdint>
#include <string>
#include <vector>

namespace irplan::planning {

struct TargetLesion {
    int lesionId = 0;
    int labelValue = 0;               // the value in the map it came from
    std::string source;               // "labels" or "lesions"
    GridGeometry grid;                // the planning grid
    std::vector<std::uint8_t> mask;   // 1 = lesion, on grid
    std::vector<size_t> voxels;       // offsets of lesion voxels
    std::vector<Vec3> surfacePoints;  // centres of lesion voxel faces that border non-lesion voxels
    std::vector<size_t> surfaceOwner; // index into `voxels` of the lesion voxel of each face
    BoundaryIndex surface;            // nearest-point search on surfacePoints
    double volume_ml = 0;
    Vec3 centroid_mm;
    double diameter_mm = 0; // longest extent across the surface
    Vec3 lo_mm, hi_mm;      // LPS bounding box of the lesion

    // Signed distance (mm) from p to the lesion surface: negative inside.
    double signedDistance(const Vec3& p) const;
};

// Voxels of the lesion-plus-margin region that are not lesion (the margin
// shell), for one requested margin.
struct MarginRegion {
    double margin_mm = 0;
    std::vector<size_t> shellVoxels; // offsets on the planning grid
};

// Builds the target from a label map: voxels equal to `labelValue`. The
// planning grid has `spacing_mm` isotropic voxels in the label map's direction
// frame and covers the lesion plus `pad_mm` on every side. Throws irplan::Error
// when the map holds no such voxel.
TargetLesion buildTarget(const LabelImage* labels, int labelValue, int lesionId, const std::string& source,
                         double spacing_mm = 1.0, double pad_mm = 40.0);

MarginRegion buildMarginRegion(const TargetLesion& target, double margin_mm);

} // namespace irplan::planning
