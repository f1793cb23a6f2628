#include "planning/Target.h"

#include "core/Error.h"
#include "core/Parallel.h"

#include <algorithm>
#include <cmath>

namespace irplan::planning {

double TargetLesion::signedDistance(const Vec3& p) const {
    const double d = surface.nearest(p);
    const auto idx = grid.nearest(p);
    const bool in = grid.inside(idx[0], idx[1], idx[2]) && mask[grid.offset(idx[0], idx[1], idx[2])];
    return in ? -d : d;
}

TargetLesion buildTarget(const LabelImage* labels, int labelValue, int lesionId, const std::string& source,
                         double spacing_mm, double pad_mm) {
    if (!(spacing_mm > 0.1 && spacing_mm <= 5.0))
        throw Error("planning grid spacing must be between 0.1 and 5 mm, not " + std::to_string(spacing_mm));
    const GridGeometry lg = GridGeometry::of(labels);
    const auto* lab = labels->GetBufferPointer();
    Vec3 lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
    size_t count = 0;
    for (int k = 0; k < lg.size[2]; ++k)
        for (int j = 0; j < lg.size[1]; ++j)
            for (int i = 0; i < lg.size[0]; ++i) {
                if (lab[lg.offset(i, j, k)] != labelValue) continue;
                ++count;
                // The voxel's corners bound the lesion in LPS.
                for (int c = 0; c < 8; ++c) {
                    const Vec3 p =
                        lg.point(i + ((c & 1) ? 0.5 : -0.5), j + ((c & 2) ? 0.5 : -0.5), k + ((c & 4) ? 0.5 : -0.5));
                    for (int a = 0; a < 3; ++a) {
                        lo[a] = std::min(lo[a], p[a]);
                        hi[a] = std::max(hi[a], p[a]);
                    }
                }
            }
    if (count == 0)
        throw Error("lesion " + std::to_string(lesionId) + " (label " + std::to_string(labelValue) +
                    ") is not in the " + source + " map");
    TargetLesion t;
    t.lesionId = lesionId;
    t.labelValue = labelValue;
    t.source = source;
    t.lo_mm = lo;
    t.hi_mm = hi;
    t.grid = gridCovering(lo, hi, pad_mm, spacing_mm, lg.direction);
    // Put a planning voxel centre on a label voxel centre: with equal spacing
    // the lattices coincide and the lesion is copied, not resampled.
    const auto snapped = lg.nearest(t.grid.origin);
    t.grid.origin = lg.point(snapped[0], snapped[1], snapped[2]);
    const GridGeometry& g = t.grid;
    t.mask.assign(g.voxels(), 0);
    // Nearest-neighbour lookup of the label map at each planning voxel centre:
    // the lesion is exactly what the map says, at the planning resolution.
    parallelFor(0, static_cast<size_t>(g.size[2]), [&](size_t kk) {
        const int k = static_cast<int>(kk);
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i) {
                const auto n = lg.nearest(g.point(i, j, k));
                if (lg.inside(n[0], n[1], n[2]) && lab[lg.offset(n[0], n[1], n[2])] == labelValue)
                    t.mask[g.offset(i, j, k)] = 1;
            }
    });
    Vec3 sum;
    const Vec3 steps[3] = {g.step(0), g.step(1), g.step(2)};
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i) {
                const size_t o = g.offset(i, j, k);
                if (!t.mask[o]) continue;
                const Vec3 p = g.point(i, j, k);
                sum += p;
                t.voxels.push_back(o);
                const int idx[3] = {i, j, k};
                for (int a = 0; a < 3; ++a)
                    for (int s = -1; s <= 1; s += 2) {
                        int n[3] = {idx[0], idx[1], idx[2]};
                        n[a] += s;
                        const bool neighbourIn = g.inside(n[0], n[1], n[2]) && t.mask[g.offset(n[0], n[1], n[2])];
                        if (neighbourIn) continue;
                        t.surfacePoints.push_back(p + steps[a] * (0.5 * s));
                        t.surfaceOwner.push_back(t.voxels.size() - 1);
                    }
            }
    if (t.voxels.empty())
        throw Error("lesion " + std::to_string(lesionId) + " is smaller than one planning voxel (" +
                    std::to_string(spacing_mm) + " mm); use a finer --grid-mm");
    t.volume_ml = static_cast<double>(t.voxels.size()) * g.voxelVolume_ml();
    t.centroid_mm = sum / static_cast<double>(t.voxels.size());
    t.surface = BoundaryIndex(t.surfacePoints);
    // Longest extent: farthest pair of surface points, found from the point
    // farthest from the centroid (exact for convex blobs, close otherwise).
    Vec3 far = t.centroid_mm;
    double best = -1;
    for (const auto& p : t.surfacePoints)
        if (distance(p, t.centroid_mm) > best) best = distance(p, t.centroid_mm), far = p;
    for (const auto& p : t.surfacePoints)
        t.diameter_mm = std::max(t.diameter_mm, distance(p, far));
    return t;
}

MarginRegion buildMarginRegion(const TargetLesion& t, double margin_mm) {
    MarginRegion r;
    r.margin_mm = margin_mm;
    const GridGeometry& g = t.grid;
    const Box b = g.boxAround(t.lo_mm - Vec3{margin_mm, margin_mm, margin_mm} - Vec3{1, 1, 1},
                              t.hi_mm + Vec3{margin_mm, margin_mm, margin_mm} + Vec3{1, 1, 1})
                      .intersected(g.box());
    std::vector<std::vector<size_t>> perSlice(static_cast<size_t>(std::max(0, b.size(2))));
    parallelFor(0, perSlice.size(), [&](size_t s) {
        const int k = b.lo[2] + static_cast<int>(s);
        for (int j = b.lo[1]; j < b.hi[1]; ++j)
            for (int i = b.lo[0]; i < b.hi[0]; ++i) {
                const size_t o = g.offset(i, j, k);
                if (t.mask[o]) continue;
                if (t.surface.nearest(g.point(i, j, k)) <= margin_mm) perSlice[s].push_back(o);
            }
    });
    for (auto& s : perSlice)
        r.shellVoxels.insert(r.shellVoxels.end(), s.begin(), s.end());
    return r;
}

} // namespace irplan::planning
