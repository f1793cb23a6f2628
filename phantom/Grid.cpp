#include "phantom/Grid.h"

#include <cmath>

namespace irplan::phantom {

Grid Grid::centred(const Vec3& centre, const Vec3& extent, const Vec3& spacing, const Mat3& direction) {
    Grid g;
    g.spacing = spacing;
    g.direction = direction;
    for (int i = 0; i < 3; ++i) g.size[static_cast<size_t>(i)] = static_cast<size_t>(std::round(extent[i] / spacing[i]));
    const Vec3 halfIndex{(g.size[0] - 1) * 0.5 * spacing.x, (g.size[1] - 1) * 0.5 * spacing.y,
                         (g.size[2] - 1) * 0.5 * spacing.z};
    g.origin = centre - direction * halfIndex;
    return g;
}

} // namespace irplan::phantom
