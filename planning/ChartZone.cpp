#include "planning/ChartZone.h"

#include <algorithm>
#include <cmath>

namespace irplan::planning {

std::vector<Ellipsoid> chartEllipsoids(const std::vector<PlacedApplicator>& applicators, double linearScale) {
    std::vector<Ellipsoid> e;
    for (const auto& a : applicators) {
        Ellipsoid x = a.chart;
        x.semiLength_mm *= linearScale;
        x.semiWidth_mm *= linearScale;
        e.push_back(x);
    }
    return e;
}

ZoneField chartZoneField(const std::vector<Ellipsoid>& ellipsoids, const GridGeometry& lattice) {
    ZoneField f;
    f.lattice = lattice;
    f.quantity = "chart: 1 - normalised ellipsoid radius (zone where >= 0)";
    Box box;
    for (const auto& e : ellipsoids) {
        Vec3 lo, hi;
        e.bounds(lo, hi);
        box = box.united(lattice.boxAround(lo, hi));
    }
    if (box.empty()) return f;
    f.box = box.grown(1);
    f.value.assign(f.box.voxels(), -1.0f);
    const Vec3 sx = lattice.step(0);
    for (int k = f.box.lo[2]; k < f.box.hi[2]; ++k)
        for (int j = f.box.lo[1]; j < f.box.hi[1]; ++j) {
            float* row = &f.value[f.box.offset(f.box.lo[0], j, k)];
            const Vec3 p0 = lattice.point(f.box.lo[0], j, k);
            for (const auto& e : ellipsoids) {
                // Quadratic form along the row: d(t) = d0 + t sx.
                const Vec3 d0 = p0 - e.centre_mm;
                const double a0 = dot(d0, e.axis), da = dot(sx, e.axis);
                const double inv2L = 1.0 / (e.semiLength_mm * e.semiLength_mm);
                const double inv2W = 1.0 / (e.semiWidth_mm * e.semiWidth_mm);
                const double dd0 = dot(d0, d0), dds = 2 * dot(d0, sx), ss = dot(sx, sx);
                for (int i = 0; i < f.box.size(0); ++i) {
                    const double t = i;
                    const double along = a0 + t * da;
                    const double r2 = dd0 + t * dds + t * t * ss;
                    const double perp2 = std::max(0.0, r2 - along * along);
                    const float v = static_cast<float>(1.0 - std::sqrt(along * along * inv2L + perp2 * inv2W));
                    row[i] = std::max(row[i], v);
                }
            }
        }
    return f;
}

} // namespace irplan::planning
