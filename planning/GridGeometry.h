#pragma once
// Voxel lattices in patient space (LPS mm) for planning: the planning sub-grid
// around a lesion, and boxes on that lattice (the thermal and electric-field
// domains, a chart zone's bounding box) that may reach beyond it. Keeping every
// planning field on one lattice means zone, margin map and label lookups share
// voxel centres and nothing is resampled twice.
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <array>
#include <cstddef>
#include <cstdint>

namespace irplan::planning {

// An index range [lo, hi) per axis; may lie partly outside a grid.
struct Box {
    std::array<int, 3> lo{0, 0, 0};
    std::array<int, 3> hi{0, 0, 0};

    bool empty() const { return hi[0] <= lo[0] || hi[1] <= lo[1] || hi[2] <= lo[2]; }
    int size(int a) const { return hi[static_cast<size_t>(a)] - lo[static_cast<size_t>(a)]; }
    size_t voxels() const {
        return empty() ? 0 : static_cast<size_t>(size(0)) * static_cast<size_t>(size(1)) * static_cast<size_t>(size(2));
    }
    bool contains(int i, int j, int k) const {
        return i >= lo[0] && i < hi[0] && j >= lo[1] && j < hi[1] && k >= lo[2] && k < hi[2];
    }
    size_t offset(int i, int j, int k) const {
        return (static_cast<size_t>(k - lo[2]) * static_cast<size_t>(size(1)) + static_cast<size_t>(j - lo[1])) *
                   static_cast<size_t>(size(0)) +
               static_cast<size_t>(i - lo[0]);
    }
    Box grown(int n) const;
    Box intersected(const Box& o) const;
    Box united(const Box& o) const;
};

struct GridGeometry {
    std::array<int, 3> size{0, 0, 0};
    Vec3 spacing{1, 1, 1};
    Vec3 origin;    // centre of voxel (0,0,0), LPS mm
    Mat3 direction; // columns: directions of the voxel axes in LPS

    size_t voxels() const {
        return static_cast<size_t>(size[0]) * static_cast<size_t>(size[1]) * static_cast<size_t>(size[2]);
    }
    Box box() const { return Box{{0, 0, 0}, size}; }
    bool inside(int i, int j, int k) const { return box().contains(i, j, k); }
    size_t offset(int i, int j, int k) const { return box().offset(i, j, k); }
    Vec3 point(double i, double j, double k) const {
        return origin + direction * Vec3{i * spacing.x, j * spacing.y, k * spacing.z};
    }
    // Continuous index of a point.
    Vec3 index(const Vec3& p) const;
    // Nearest voxel index of a point (may be outside the grid).
    std::array<int, 3> nearest(const Vec3& p) const;
    // Smallest index box holding every voxel centre inside the LPS bounding
    // box [lo, hi] (mm), whatever the grid's direction; bounds shapes.
    Box boxAround(const Vec3& lo_mm, const Vec3& hi_mm) const;
    double voxelVolume_ml() const { return spacing.x * spacing.y * spacing.z / 1000.0; }
    // The same lattice restricted to a box (origin moves, spacing/direction stay).
    GridGeometry sub(const Box& b) const;
    // Direction vectors of the voxel axes scaled by spacing (mm per index step).
    Vec3 step(int axis) const { return direction.column(axis) * spacing[axis]; }

    bool sameLattice(const GridGeometry& o, double tol = 1e-4) const;
    bool operator==(const GridGeometry& o) const;

    template <class TImage> static GridGeometry of(const TImage* image);
    // An ITK image on this grid, filled with `fill`.
    template <class TImage> typename TImage::Pointer allocate(typename TImage::PixelType fill) const;
};

// Axis-aligned (in the direction frame of `frame`) grid of isotropic spacing
// `spacing_mm` whose voxel centres cover [lo, hi] (given in LPS) padded by `pad_mm`.
GridGeometry gridCovering(const Vec3& lo_lps, const Vec3& hi_lps, double pad_mm, double spacing_mm, const Mat3& frame);

// ---- templates ----
template <class TImage> GridGeometry GridGeometry::of(const TImage* image) {
    GridGeometry g;
    const auto size = image->GetLargestPossibleRegion().GetSize();
    const auto sp = image->GetSpacing();
    const auto org = image->GetOrigin();
    const auto dir = image->GetDirection();
    for (unsigned i = 0; i < 3; ++i) {
        g.size[i] = static_cast<int>(size[i]);
        g.spacing[static_cast<int>(i)] = sp[i];
        g.origin[static_cast<int>(i)] = org[i];
        for (unsigned j = 0; j < 3; ++j)
            g.direction(static_cast<int>(i), static_cast<int>(j)) = dir(i, j);
    }
    return g;
}

template <class TImage> typename TImage::Pointer GridGeometry::allocate(typename TImage::PixelType fill) const {
    auto img = TImage::New();
    typename TImage::RegionType region;
    region.SetSize({{static_cast<itk::SizeValueType>(size[0]), static_cast<itk::SizeValueType>(size[1]),
                     static_cast<itk::SizeValueType>(size[2])}});
    img->SetRegions(region);
    typename TImage::SpacingType sp;
    typename TImage::PointType org;
    typename TImage::DirectionType dir;
    for (unsigned i = 0; i < 3; ++i) {
        sp[i] = spacing[static_cast<int>(i)];
        org[i] = origin[static_cast<int>(i)];
        for (unsigned j = 0; j < 3; ++j)
            dir(i, j) = direction(static_cast<int>(i), static_cast<int>(j));
    }
    img->SetSpacing(sp);
    img->SetOrigin(org);
    img->SetDirection(dir);
    img->Allocate();
    img->FillBuffer(fill);
    return img;
}

} // namespace irplan::planning
