#pragma once
// Signed distances to a zone's boundary tabulated on a box of the planning
// lattice by a closest-point transform: every voxel inherits the nearest of
// its neighbours' closest boundary points in two raster sweeps, seeded with the
// sub-voxel boundary points. Linear in the voxel count (~0.1 s per million
// voxels), exact except in rare sweep-order cases, so it serves the margin map
// and the sampling of margin probabilities where per-point searches would be
// too slow.
#include "planning/ZoneField.h"

#include <vector>

namespace irplan::planning {

struct DistanceTable {
    Box box;               // on the zone's lattice
    std::vector<float> sd; // signed distance (mm), positive inside the zone; box.voxels() values
    const Zone* zone = nullptr;
    // Trilinear inside the box, an exact query outside it.
    double sample(const Vec3& p) const;
};

// The box must lie on zone.field.lattice. Boundary points outside the box are
// still used as seeds when they are within one voxel of it; a box that does not
// contain the whole zone boundary gives distances that can be too large for
// voxels whose nearest boundary point lies outside.
DistanceTable zoneDistanceTable(const Zone& zone, const Box& box);

} // namespace irplan::planning
