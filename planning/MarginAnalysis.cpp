#include "planning/MarginAnalysis.h"

#include "core/Parallel.h"
#include "planning/DistanceTransform.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <random>

namespace irplan::planning {

namespace {

// Signed distance to the zone scaled by s about c: s * sd(c + (p - c) / s).
struct ScaledZone {
    const Zone& zone;
    Vec3 centre;
    double scale = 1.0;
    Vec3 shift;
    const DistanceTable* table = nullptr;
    Vec3 toZone(const Vec3& p) const { return centre + (p - shift - centre) / scale; }
    double sd(const Vec3& p, Vec3* closest = nullptr) const {
        if (table && !closest) return table->sample(toZone(p)) * scale;
        const double d = zone.signedDistance(toZone(p), closest);
        if (closest) *closest = centre + (*closest - centre) * scale + shift;
        return d * scale;
    }
    bool inside(const Vec3& p) const { return zone.insidePoint(toZone(p)); }
    bool insideVoxel(const GridGeometry& g, size_t offset, int i, int j, int k) const {
        (void)offset;
        if (scale == 1.0 && shift == Vec3{}) return zone.field.insideVoxel(i, j, k);
        return inside(g.point(i, j, k));
    }
};

void indexOf(const GridGeometry& g, size_t o, int& i, int& j, int& k) {
    const size_t nx = static_cast<size_t>(g.size[0]), ny = static_cast<size_t>(g.size[1]);
    i = static_cast<int>(o % nx);
    j = static_cast<int>((o / nx) % ny);
    k = static_cast<int>(o / (nx * ny));
}

MarginResult analyse(const TargetLesion& t, const MarginRegion& region, const ScaledZone& z) {
    MarginResult r;
    r.requested_mm = region.margin_mm;
    const GridGeometry& g = t.grid;
    const double voxelMl = g.voxelVolume_ml();
    size_t lesionIn = 0, shellIn = 0;
    for (size_t o : t.voxels) {
        int i, j, k;
        indexOf(g, o, i, j, k);
        if (z.insideVoxel(g, o, i, j, k)) ++lesionIn;
    }
    for (size_t o : region.shellVoxels) {
        int i, j, k;
        indexOf(g, o, i, j, k);
        if (z.insideVoxel(g, o, i, j, k)) ++shellIn;
    }
    const size_t nL = t.voxels.size(), nS = region.shellVoxels.size();
    r.coverageLesion_pct = nL ? 100.0 * static_cast<double>(lesionIn) / static_cast<double>(nL) : 0.0;
    r.coverageShell_pct = nS ? 100.0 * static_cast<double>(shellIn) / static_cast<double>(nS) : 100.0;
    r.coverageMargin_pct = 100.0 * static_cast<double>(lesionIn + shellIn) / static_cast<double>(nL + nS);
    r.insufficient_ml = static_cast<double>((nL - lesionIn) + (nS - shellIn)) * voxelMl;
    r.untreatedTumour_ml = static_cast<double>(nL - lesionIn) * voxelMl;

    if (z.zone.empty()) {
        r.minimal_mm = std::numeric_limits<double>::quiet_NaN();
        r.surfaceMargin_mm.assign(t.surfacePoints.size(), std::numeric_limits<float>::quiet_NaN());
        return r;
    }
    // Minimal margin over surface points and lesion voxel centres, in two
    // threads' worth of chunks.
    const size_t nSurf = t.surfacePoints.size();
    r.surfaceMargin_mm.resize(nSurf);
    // A single chart ellipsoid is convex, so the signed distance to it is a
    // concave function and its minimum over the lesion lies on the lesion's
    // surface: the interior voxels can be skipped (half the work while dragging).
    const bool convex = z.zone.ellipsoids.size() == 1;
    const size_t total = nSurf + (convex ? 0 : nL);
    const unsigned chunks = std::max(1u, std::min(workerCount(), 8u));
    std::vector<double> best(chunks, std::numeric_limits<double>::infinity());
    std::vector<Vec3> bestP(chunks);
    parallelFor(0, chunks, [&](size_t c) {
        const size_t from = total * c / chunks, to = total * (c + 1) / chunks;
        for (size_t n = from; n < to; ++n) {
            Vec3 p;
            if (n < nSurf)
                p = t.surfacePoints[n];
            else {
                int i, j, k;
                indexOf(g, t.voxels[n - nSurf], i, j, k);
                p = g.point(i, j, k);
            }
            const double d = z.sd(p);
            if (n < nSurf) r.surfaceMargin_mm[n] = static_cast<float>(d);
            if (d < best[c]) best[c] = d, bestP[c] = p;
        }
    });
    size_t arg = static_cast<size_t>(std::min_element(best.begin(), best.end()) - best.begin());
    r.minimal_mm = best[arg];
    r.minimalPoint_mm = bestP[arg];
    z.sd(r.minimalPoint_mm, &r.minimalZonePoint_mm);
    return r;
}

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::sort(v.begin(), v.end());
    const double pos = q * static_cast<double>(v.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(pos)), hi = std::min(v.size() - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
}

} // namespace

MarginResult analyseMargins(const TargetLesion& target, const MarginRegion& region, const Zone& zone) {
    return analyse(target, region, ScaledZone{zone, Vec3{}, 1.0, Vec3{}, nullptr});
}

MarginResult analyseScaledMargins(const TargetLesion& target, const MarginRegion& region, const Zone& zone,
                                  const Vec3& centre, double linearScale) {
    return analyse(target, region, ScaledZone{zone, centre, linearScale, Vec3{}, nullptr});
}

RobustnessResult sampleMarginProbability(const TargetLesion& t, const Zone& zone, const Vec3& centre,
                                         double requested_mm, const InVivoFactor& inVivo, const RobustnessOptions& o) {
    RobustnessResult r;
    r.samples = std::max(1, o.samples);
    if (zone.empty()) return r;
    // Draw every sample first so the result does not depend on threading.
    std::mt19937_64 rng(o.seed);
    std::normal_distribution<double> gauss(0.0, 1.0);
    const double sigma = o.placementError_mm / std::sqrt(3.0);
    const double mu = std::log(inVivo.volumeFactor) - 0.5 * inVivo.logSd * inVivo.logSd;
    std::vector<Vec3> shifts(static_cast<size_t>(r.samples));
    std::vector<double> scales(static_cast<size_t>(r.samples), 1.0);
    for (int s = 0; s < r.samples; ++s) {
        shifts[static_cast<size_t>(s)] = {sigma * gauss(rng), sigma * gauss(rng), sigma * gauss(rng)};
        const double g = gauss(rng);
        if (o.deviceSpread) scales[static_cast<size_t>(s)] = std::exp((mu + inVivo.logSd * g) / 3.0);
    }
    // Non-analytic zones: tabulate distances where the samples look (the zone's
    // own box, where its boundary lies, and every transformed surface point).
    std::unique_ptr<DistanceTable> table;
    if (zone.ellipsoids.empty()) {
        Vec3 lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
        for (size_t s = 0; s < scales.size(); ++s)
            for (const Vec3& p : t.surfacePoints) {
                const Vec3 q = centre + (p - shifts[s] - centre) / scales[s];
                for (int a = 0; a < 3; ++a)
                    lo[a] = std::min(lo[a], q[a]), hi[a] = std::max(hi[a], q[a]);
            }
        const GridGeometry& g = zone.field.lattice;
        Box b = zone.field.box.united(g.boxAround(lo, hi).grown(1));
        // Far-flung samples (tiny scale factors) get exact queries instead of a huge table.
        if (b.voxels() > 6000000) b = zone.field.box.united(g.boxAround(t.lo_mm, t.hi_mm).grown(30));
        table = std::make_unique<DistanceTable>(zoneDistanceTable(zone, b));
    }
    std::vector<double> minimal(static_cast<size_t>(r.samples));
    parallelFor(0, minimal.size(), [&](size_t s) {
        const ScaledZone z{zone, centre, scales[s], shifts[s], table.get()};
        double m = std::numeric_limits<double>::infinity();
        for (const Vec3& p : t.surfacePoints)
            m = std::min(m, z.sd(p));
        minimal[s] = m;
    });
    size_t reached = 0, covered = 0;
    for (double m : minimal) {
        if (m >= requested_mm) ++reached;
        if (m >= 0) ++covered;
    }
    r.pMarginReached = static_cast<double>(reached) / static_cast<double>(minimal.size());
    r.pTumourCovered = static_cast<double>(covered) / static_cast<double>(minimal.size());
    r.minimalP10_mm = quantile(minimal, 0.1);
    r.minimalP50_mm = quantile(minimal, 0.5);
    r.minimalP90_mm = quantile(minimal, 0.9);
    return r;
}

std::vector<float> marginMap(const TargetLesion& t, const Zone& zone, double exactBand_mm) {
    const GridGeometry& g = t.grid;
    std::vector<float> map(g.voxels(), -1000.0f); // an empty zone: everything untreated
    if (zone.empty()) return map;
    // Closest-point transform over the grid and the zone (so boundary points
    // beyond the grid still count).
    Box b = g.box().united(zone.field.box);
    if (b.voxels() > 40000000) b = g.box();
    const DistanceTable table = zoneDistanceTable(zone, b);
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i)
                map[g.offset(i, j, k)] = table.sd[b.offset(i, j, k)];
    // Chart zones near the lesion: the exact analytic distances.
    if (zone.ellipsoids.empty()) return map;
    const Vec3 band{exactBand_mm, exactBand_mm, exactBand_mm};
    const Box nb = g.boxAround(t.lo_mm - band, t.hi_mm + band).intersected(g.box());
    parallelFor(0, static_cast<size_t>(std::max(0, nb.size(2))), [&](size_t s) {
        const int k = nb.lo[2] + static_cast<int>(s);
        for (int j = nb.lo[1]; j < nb.hi[1]; ++j)
            for (int i = nb.lo[0]; i < nb.hi[0]; ++i)
                map[g.offset(i, j, k)] = static_cast<float>(zone.signedDistance(g.point(i, j, k)));
    });
    return map;
}

} // namespace irplan::planning
