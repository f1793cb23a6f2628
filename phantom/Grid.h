#pragma once
// Image grids for the phantom's volumes and conversions to ITK images.
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <array>

namespace irplan::phantom {

struct Grid {
    std::array<size_t, 3> size{};
    Vec3 spacing;
    Vec3 origin;    // centre of voxel (0,0,0), LPS mm
    Mat3 direction; // columns: directions of the voxel axes

    size_t voxels() const { return size[0] * size[1] * size[2]; }
    Vec3 point(double i, double j, double k) const {
        return origin + direction * Vec3{i * spacing.x, j * spacing.y, k * spacing.z};
    }
    // Continuous index of a point.
    Vec3 index(const Vec3& p) const {
        const Vec3 q = direction.transposed() * (p - origin);
        return {q.x / spacing.x, q.y / spacing.y, q.z / spacing.z};
    }
    // Grid centred on `centre` covering `extent` mm with `spacing`.
    static Grid centred(const Vec3& centre, const Vec3& extent, const Vec3& spacing, const Mat3& direction = Mat3{});
};

template <class TImage>
typename TImage::Pointer allocate(const Grid& g, typename TImage::PixelType fill) {
    auto img = TImage::New();
    typename TImage::RegionType region;
    region.SetSize({{g.size[0], g.size[1], g.size[2]}});
    img->SetRegions(region);
    typename TImage::SpacingType sp;
    typename TImage::PointType org;
    typename TImage::DirectionType dir;
    for (unsigned i = 0; i < 3; ++i) {
        sp[i] = g.spacing[static_cast<int>(i)];
        org[i] = g.origin[static_cast<int>(i)];
        for (unsigned j = 0; j < 3; ++j) dir(i, j) = g.direction(static_cast<int>(i), static_cast<int>(j));
    }
    img->SetSpacing(sp);
    img->SetOrigin(org);
    img->SetDirection(dir);
    img->Allocate();
    img->FillBuffer(fill);
    return img;
}

} // namespace irplan::phantom
