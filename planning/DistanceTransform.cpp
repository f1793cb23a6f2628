#include "planning/DistanceTransform.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace irplan::planning {

double DistanceTable::sample(const Vec3& p) const {
    const Vec3 c = zone->field.lattice.index(p);
    const int i0 = static_cast<int>(std::floor(c.x)), j0 = static_cast<int>(std::floor(c.y)),
              k0 = static_cast<int>(std::floor(c.z));
    if (!box.contains(i0, j0, k0) || !box.contains(i0 + 1, j0 + 1, k0 + 1)) return zone->signedDistance(p);
    const double fx = c.x - i0, fy = c.y - j0, fz = c.z - k0;
    double s = 0;
    for (int dz = 0; dz < 2; ++dz)
        for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx)
                s += (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz) *
                     sd[box.offset(i0 + dx, j0 + dy, k0 + dz)];
    return s;
}

DistanceTable zoneDistanceTable(const Zone& zone, const Box& box) {
    DistanceTable t;
    t.box = box;
    t.zone = &zone;
    const size_t n = box.voxels();
    t.sd.assign(n, -1000.0f);
    if (zone.empty() || n == 0) return t;
    const GridGeometry& g = zone.field.lattice;
    const auto& pts = zone.boundary.points();
    std::vector<std::int32_t> nearest(n, -1);
    std::vector<float> d2(n, std::numeric_limits<float>::infinity());
    auto centre = [&](int i, int j, int k) { return g.point(i, j, k); };
    // Seeds: the 8 voxels around each boundary point.
    for (size_t q = 0; q < pts.size(); ++q) {
        const Vec3 c = g.index(pts[q]);
        const int i0 = static_cast<int>(std::floor(c.x)), j0 = static_cast<int>(std::floor(c.y)),
                  k0 = static_cast<int>(std::floor(c.z));
        for (int dz = 0; dz < 2; ++dz)
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx) {
                    const int i = i0 + dx, j = j0 + dy, k = k0 + dz;
                    if (!box.contains(i, j, k)) continue;
                    const size_t o = box.offset(i, j, k);
                    const Vec3 v = centre(i, j, k) - pts[q];
                    const float dd = static_cast<float>(dot(v, v));
                    if (dd < d2[o]) d2[o] = dd, nearest[o] = static_cast<std::int32_t>(q);
                }
    }
    // Two sweeps; each voxel looks at the 13 neighbours already visited.
    const int nx = box.size(0), ny = box.size(1), nz = box.size(2);
    const Vec3 sx = g.step(0);
    auto sweep = [&](int dir) {
        const int k0 = dir > 0 ? 0 : nz - 1, k1 = dir > 0 ? nz : -1;
        const int j0 = dir > 0 ? 0 : ny - 1, j1 = dir > 0 ? ny : -1;
        const int i0 = dir > 0 ? 0 : nx - 1, i1 = dir > 0 ? nx : -1;
        for (int k = k0; k != k1; k += dir) {
            for (int j = j0; j != j1; j += dir) {
                Vec3 p = g.point(box.lo[0] + i0, box.lo[1] + j, box.lo[2] + k);
                for (int i = i0; i != i1; i += dir, p += sx * dir) {
                    const size_t o =
                        (static_cast<size_t>(k) * ny + static_cast<size_t>(j)) * nx + static_cast<size_t>(i);
                    for (int dz = -1; dz <= 0; ++dz)
                        for (int dy = -1; dy <= 1; ++dy)
                            for (int dx = -1; dx <= 1; ++dx) {
                                if (dz == 0 && (dy > 0 || (dy == 0 && dx >= 0))) continue;
                                const int a = i + dx * dir, b = j + dy * dir, c = k + dz * dir;
                                if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
                                const std::int32_t q =
                                    nearest[(static_cast<size_t>(c) * ny + static_cast<size_t>(b)) * nx +
                                            static_cast<size_t>(a)];
                                if (q < 0 || q == nearest[o]) continue;
                                const Vec3 v = p - pts[static_cast<size_t>(q)];
                                const float dd = static_cast<float>(dot(v, v));
                                if (dd < d2[o]) d2[o] = dd, nearest[o] = q;
                            }
                }
            }
        }
    };
    sweep(+1);
    sweep(-1);
    sweep(+1);
    for (int k = 0; k < nz; ++k)
        for (int j = 0; j < ny; ++j)
            for (int i = 0; i < nx; ++i) {
                const size_t o = (static_cast<size_t>(k) * ny + static_cast<size_t>(j)) * nx + static_cast<size_t>(i);
                if (nearest[o] < 0) continue;
                const int gi = box.lo[0] + i, gj = box.lo[1] + j, gk = box.lo[2] + k;
                const double d = std::sqrt(static_cast<double>(d2[o]));
                t.sd[o] = static_cast<float>(zone.field.insideVoxel(gi, gj, gk) ? d : -d);
            }
    return t;
}

} // namespace irplan::planning
