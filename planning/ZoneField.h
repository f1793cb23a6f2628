#pragma once
// An ablation zone as a scalar field on a box of the planning lattice: the zone
// is where the field is >= 0 (chart: 1 - normalised radius; thermal:
// log2(CEM43 / lethal dose); IRE: field - threshold). One representation for
// every model lets coverage, margins, warnings and outputs ignore the model.
//
// The zone boundary is found with sub-voxel precision by linear interpolation
// of the field along voxel edges; signed distances to it come from a bucketed
// nearest-point search (BoundaryIndex), which is what keeps a chart update on a
// 1 mm grid within a few milliseconds.
#include "core/Geometry.h"
#include "planning/Ellipsoid.h"
#include "planning/GridGeometry.h"

#include <limits>
#include <string>
#include <vector>

namespace irplan::planning {

struct ZoneField {
    GridGeometry lattice;          // the planning lattice (box indices refer to it)
    Box box;                       // where values live; outside it nothing is ablated
    std::vector<float> value;      // box.voxels() values, x fastest
    std::string quantity;          // what the field is, for plan.json
    bool touchesBoxBorder = false; // the zone reaches the edge of its domain (clipped)

    bool empty() const { return value.empty(); }
    float at(int i, int j, int k) const {
        return box.contains(i, j, k) ? value[box.offset(i, j, k)] : -std::numeric_limits<float>::infinity();
    }
    bool insideVoxel(int i, int j, int k) const { return at(i, j, k) >= 0.0f; }
    // Trilinear interpolation of the field at a point (outside the box: -inf).
    double sample(const Vec3& p) const;
    bool insidePoint(const Vec3& p) const { return sample(p) >= 0.0; }
    size_t insideCount() const;
    double volume_ml() const { return static_cast<double>(insideCount()) * lattice.voxelVolume_ml(); }

    // Sub-voxel boundary points (crossings of 0 along voxel edges).
    std::vector<Vec3> boundaryPoints() const;
};

// Nearest-point queries on a fixed point set (the zone boundary).
class BoundaryIndex {
  public:
    BoundaryIndex() = default;
    explicit BoundaryIndex(std::vector<Vec3> points, double cell_mm = 3.0);
    bool empty() const { return points_.empty(); }
    size_t size() const { return points_.size(); }
    const std::vector<Vec3>& points() const { return points_; }
    // Distance to the nearest point (+inf when empty); `closest` receives it.
    double nearest(const Vec3& q, Vec3* closest = nullptr) const;

  private:
    std::vector<Vec3> points_; // sorted by cell
    std::vector<unsigned> cellStart_;
    Vec3 origin_;
    double cell_ = 3.0;
    std::array<int, 3> cells_{0, 0, 0};
    size_t cellIndex(int i, int j, int k) const {
        return (static_cast<size_t>(k) * static_cast<size_t>(cells_[1]) + static_cast<size_t>(j)) *
                   static_cast<size_t>(cells_[0]) +
               static_cast<size_t>(i);
    }
};

// A zone ready for queries: the field and its boundary index. A chart zone
// also keeps its ellipsoids: distances are then exact and fast (a few hundred
// nanoseconds), the boundary index only settles points of overlapping zones.
struct Zone {
    ZoneField field;
    BoundaryIndex boundary;
    std::vector<Ellipsoid> ellipsoids; // chart zones only

    static Zone fromField(ZoneField f);
    static Zone fromEllipsoids(std::vector<Ellipsoid> e, const GridGeometry& lattice);
    // Signed distance (mm) from p to the zone boundary: positive inside the zone.
    // -inf when the zone is empty.
    double signedDistance(const Vec3& p, Vec3* closest = nullptr) const;
    bool insidePoint(const Vec3& p) const;
    bool empty() const { return boundary.empty(); }
};

// Principal extents of a zone (mm), longest first, and its centre of mass.
struct ZoneShape {
    double volume_ml = 0;
    Vec3 centre_mm;
    std::array<double, 3> axes_mm{0, 0, 0};
    std::array<Vec3, 3> axisDirections;
};
ZoneShape measureZoneShape(const Zone& zone);

// Extent of the zone along a line through `centre` in direction `dir` (both
// ways), from the field's zero crossings: the chart-style length or width.
double extentAlong(const ZoneField& f, const Vec3& centre, const Vec3& dir, double maxReach_mm = 100.0);
// The farthest zero crossing from `centre` along +dir (mm; 0 when centre is outside).
double reachAlong(const ZoneField& f, const Vec3& centre, const Vec3& dir, double maxReach_mm = 100.0);

// The zone as a 0/1 mask on `grid` (same lattice); voxels outside the field's box are 0.
std::vector<std::uint8_t> rasterMask(const ZoneField& f, const GridGeometry& grid);

} // namespace irplan::planning
