#pragma once
// Template part of LabelEdit.h: the brush's voxels.
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>

namespace irplan::seg {

template <class F>
EditRegion forEachInBrush(const itk::ImageBase<3>* grid, const Vec3& centre_mm, const Brush& brush, F f) {
    EditRegion none;
    const auto n = dims(grid);
    const auto& s = grid->GetSpacing();
    // The direction is orthonormal, so the physical distance between two voxel
    // positions is the index difference scaled by the spacing, axis by axis.
    const Vec3 c = pointToIndex(grid, centre_mm);
    const double r = brush.radius_mm;
    if (!(r >= 0) || !std::isfinite(c.x) || !std::isfinite(c.y) || !std::isfinite(c.z)) return none;
    const double r2 = r * r * (1 + 1e-12);
    long lo[3], hi[3];
    for (int a = 0; a < 3; ++a) {
        const double reach = r / s[static_cast<unsigned>(a)];
        lo[a] = std::max(0L, static_cast<long>(std::ceil(c[a] - reach - 1e-9)));
        hi[a] = std::min(static_cast<long>(n[static_cast<size_t>(a)]) - 1, static_cast<long>(std::floor(c[a] + reach + 1e-9)));
    }
    const bool disc = brush.shape == BrushShape::Disc;
    const int axis = std::clamp(brush.sliceAxis, 0, 2);
    if (disc) {
        const long k = std::lround(c[axis]);
        lo[axis] = hi[axis] = k;
        if (k < 0 || k >= static_cast<long>(n[static_cast<size_t>(axis)])) return none;
    }
    for (int a = 0; a < 3; ++a)
        if (lo[a] > hi[a]) return none;
    const double sx = s[0], sy = s[1], sz = s[2];
    for (long z = lo[2]; z <= hi[2]; ++z) {
        const double dz = disc && axis == 2 ? 0.0 : (static_cast<double>(z) - c.z) * sz;
        for (long y = lo[1]; y <= hi[1]; ++y) {
            const double dy = disc && axis == 1 ? 0.0 : (static_cast<double>(y) - c.y) * sy;
            const double dyz = dy * dy + dz * dz;
            if (dyz > r2) continue;
            const size_t row = n[0] * (static_cast<size_t>(y) + n[1] * static_cast<size_t>(z));
            for (long x = lo[0]; x <= hi[0]; ++x) {
                const double dx = disc && axis == 0 ? 0.0 : (static_cast<double>(x) - c.x) * sx;
                if (dx * dx + dyz <= r2) f(row + static_cast<size_t>(x));
            }
        }
    }
    EditRegion region;
    for (unsigned a = 0; a < 3; ++a) {
        region.SetIndex(a, lo[a]);
        region.SetSize(a, static_cast<itk::SizeValueType>(hi[a] - lo[a] + 1));
    }
    return region;
}

} // namespace irplan::seg
