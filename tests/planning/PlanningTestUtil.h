#pragma once
// Synthetic label maps with analytic shapes for the planning tests.
#include "core/Geometry.h"
#include "io/ImageTypes.h"
#include "planning/DeviceCatalogue.h"
#include "planning/GridGeometry.h"

#include <functional>

namespace irplan::test {

// A label map of `size` voxels; label(p) gives the label at each voxel centre (LPS mm).
inline LabelImage::Pointer makeLabels(std::array<int, 3> size, double spacing, const Vec3& origin,
                                      const Mat3& direction, const std::function<int(const Vec3&)>& label) {
    planning::GridGeometry g;
    g.size = size;
    g.spacing = {spacing, spacing, spacing};
    g.origin = origin;
    g.direction = direction;
    auto img = g.allocate<LabelImage>(0);
    auto* p = img->GetBufferPointer();
    for (int k = 0; k < size[2]; ++k)
        for (int j = 0; j < size[1]; ++j)
            for (int i = 0; i < size[0]; ++i)
                p[g.offset(i, j, k)] = static_cast<LabelImage::PixelType>(label(g.point(i, j, k)));
    return img;
}

// A grid of `extent_mm` centred on the origin.
inline LabelImage::Pointer makeCentredLabels(double extent_mm, double spacing,
                                             const std::function<int(const Vec3&)>& label,
                                             const Mat3& direction = Mat3{}) {
    const int n = static_cast<int>(std::lround(extent_mm / spacing)) + 1;
    const double h = 0.5 * (n - 1) * spacing;
    return makeLabels({n, n, n}, spacing, direction * Vec3{-h, -h, -h}, direction, label);
}

inline const planning::DeviceCatalogue& catalogue() {
    static const planning::DeviceCatalogue c = planning::DeviceCatalogue::loadDefault();
    return c;
}

// Distance from p to the segment a-b minus radius (a tube's signed distance).
inline double tubeDistance(const Vec3& p, const Vec3& a, const Vec3& b, double radius) {
    return distanceToSegment(p, a, b) - radius;
}

} // namespace irplan::test
