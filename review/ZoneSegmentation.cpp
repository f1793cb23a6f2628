#include "review/ZoneSegmentation.h"

#include "core/Error.h"
#include "core/Parallel.h"
#include "planning/GridGeometry.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <sstream>

namespace irplan::review {
namespace {

using planning::Box;
using planning::GridGeometry;

// A crop of the CT: values on a box of the CT's lattice, x fastest.
struct Crop {
    Box box;
    int nx = 0, ny = 0, nz = 0;
    size_t offset(int i, int j, int k) const {
        return (static_cast<size_t>(k) * static_cast<size_t>(ny) + static_cast<size_t>(j)) * static_cast<size_t>(nx) +
               static_cast<size_t>(i);
    }
    size_t voxels() const { return static_cast<size_t>(nx) * static_cast<size_t>(ny) * static_cast<size_t>(nz); }
};

// Separable Gaussian along one axis of the crop (borders: nearest value).
void smoothAxis(std::vector<float>& v, const Crop& c, int axis, double sigmaVoxels) {
    if (sigmaVoxels < 0.3) return; // less than a third of a voxel: nothing to smooth
    const int radius = static_cast<int>(std::ceil(3.0 * sigmaVoxels));
    std::vector<float> kernel(static_cast<size_t>(2 * radius + 1));
    double sum = 0;
    for (int t = -radius; t <= radius; ++t) {
        const double w = std::exp(-0.5 * t * t / (sigmaVoxels * sigmaVoxels));
        kernel[static_cast<size_t>(t + radius)] = static_cast<float>(w);
        sum += w;
    }
    for (auto& w : kernel) w = static_cast<float>(w / sum);
    const int n[3] = {c.nx, c.ny, c.nz};
    const int len = n[axis];
    const int a1 = axis == 0 ? 1 : 0, a2 = axis == 2 ? 1 : 2;
    std::vector<float> out(v.size());
    parallelFor(0, static_cast<size_t>(n[a2]), [&](size_t q2) {
        std::vector<float> line(static_cast<size_t>(len));
        for (int q1 = 0; q1 < n[a1]; ++q1) {
            int idx[3];
            idx[a1] = q1;
            idx[a2] = static_cast<int>(q2);
            for (int t = 0; t < len; ++t) {
                idx[axis] = t;
                line[static_cast<size_t>(t)] = v[c.offset(idx[0], idx[1], idx[2])];
            }
            for (int t = 0; t < len; ++t) {
                double s = 0;
                for (int u = -radius; u <= radius; ++u) {
                    const int tt = std::clamp(t + u, 0, len - 1);
                    s += kernel[static_cast<size_t>(u + radius)] * line[static_cast<size_t>(tt)];
                }
                idx[axis] = t;
                out[c.offset(idx[0], idx[1], idx[2])] = static_cast<float>(s);
            }
        }
    });
    v.swap(out);
}

// Offsets of a ball of `radius_mm` on an anisotropic lattice (at least the 6-neighbourhood).
std::vector<std::array<int, 3>> ballOffsets(const Vec3& spacing, double radius_mm) {
    std::vector<std::array<int, 3>> out;
    int r[3];
    for (int a = 0; a < 3; ++a) r[a] = std::max(1, static_cast<int>(std::floor(radius_mm / spacing[a] + 1e-6)));
    for (int k = -r[2]; k <= r[2]; ++k)
        for (int j = -r[1]; j <= r[1]; ++j)
            for (int i = -r[0]; i <= r[0]; ++i) {
                const double d = std::sqrt(std::pow(i * spacing.x, 2) + std::pow(j * spacing.y, 2) +
                                           std::pow(k * spacing.z, 2));
                const bool axisNeighbour = std::abs(i) + std::abs(j) + std::abs(k) == 1;
                if (d <= radius_mm + 1e-6 || axisNeighbour) out.push_back({i, j, k});
            }
    return out;
}

struct SeedResult {
    std::vector<size_t> zone; // crop offsets
    size_t start = 0;
    bool found = false;
    bool reachesLimit = false;
    std::string note;
};

SeedResult growZone(const std::vector<float>& smooth, const std::vector<std::uint8_t>& candidate,
                    const std::vector<float>& dist, const Crop& c, const Vec3& spacing,
                    const ZoneSegmentationOptions& o) {
    SeedResult r;
    const size_t n = c.voxels();
    (void)smooth;
    // Erosion by the ball.
    const auto ball = ballOffsets(spacing, o.openRadius_mm);
    std::vector<std::uint8_t> eroded(n, 0);
    parallelFor(0, static_cast<size_t>(c.nz), [&](size_t kk) {
        const int k = static_cast<int>(kk);
        for (int j = 0; j < c.ny; ++j)
            for (int i = 0; i < c.nx; ++i) {
                const size_t off = c.offset(i, j, k);
                if (!candidate[off]) continue;
                bool all = true;
                for (const auto& b : ball) {
                    const int ii = i + b[0], jj = j + b[1], kq = k + b[2];
                    if (ii < 0 || jj < 0 || kq < 0 || ii >= c.nx || jj >= c.ny || kq >= c.nz ||
                        !candidate[c.offset(ii, jj, kq)]) {
                        all = false;
                        break;
                    }
                }
                eroded[off] = all;
            }
    });
    // Start: the eroded voxel nearest the seed.
    double best = o.seedSearch_mm;
    bool any = false;
    for (size_t off = 0; off < n; ++off)
        if (eroded[off] && dist[off] <= best) best = dist[off], r.start = off, any = true;
    if (!any) {
        std::ostringstream s;
        s << "no non-enhancing region (" << o.huLow << " to " << o.huHigh << " HU) within " << o.seedSearch_mm
          << " mm of the lesion centre on the follow-up CT";
        r.note = s.str();
        return r;
    }
    // Component of the start in the eroded set (6-connected), then dilated back.
    std::vector<std::uint8_t> comp(n, 0);
    std::deque<size_t> queue{r.start};
    comp[r.start] = 1;
    std::vector<size_t> core;
    while (!queue.empty()) {
        const size_t off = queue.front();
        queue.pop_front();
        core.push_back(off);
        const int i = static_cast<int>(off % static_cast<size_t>(c.nx));
        const int j = static_cast<int>((off / static_cast<size_t>(c.nx)) % static_cast<size_t>(c.ny));
        const int k = static_cast<int>(off / (static_cast<size_t>(c.nx) * static_cast<size_t>(c.ny)));
        const int nb[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        for (const auto& d : nb) {
            const int ii = i + d[0], jj = j + d[1], kq = k + d[2];
            if (ii < 0 || jj < 0 || kq < 0 || ii >= c.nx || jj >= c.ny || kq >= c.nz) continue;
            const size_t o2 = c.offset(ii, jj, kq);
            if (eroded[o2] && !comp[o2]) comp[o2] = 1, queue.push_back(o2);
        }
    }
    std::vector<std::uint8_t> zone(n, 0);
    for (size_t off : core) {
        const int i = static_cast<int>(off % static_cast<size_t>(c.nx));
        const int j = static_cast<int>((off / static_cast<size_t>(c.nx)) % static_cast<size_t>(c.ny));
        const int k = static_cast<int>(off / (static_cast<size_t>(c.nx) * static_cast<size_t>(c.ny)));
        for (const auto& b : ball) {
            const int ii = i + b[0], jj = j + b[1], kq = k + b[2];
            if (ii < 0 || jj < 0 || kq < 0 || ii >= c.nx || jj >= c.ny || kq >= c.nz) continue;
            zone[c.offset(ii, jj, kq)] = 1;
        }
    }
    const double limit = o.maxRadius_mm - std::max({spacing.x, spacing.y, spacing.z});
    for (size_t off = 0; off < n; ++off)
        if (zone[off]) {
            r.zone.push_back(off);
            if (dist[off] >= limit) r.reachesLimit = true;
        }
    r.found = true;
    return r;
}

// The boundary where the HU crosses halfway between the zone's interior and
// what lies outside it locally (the hyperaemic rim, enhancing liver, tumour or
// a vessel): a fixed threshold would sit too far in against the bright rim
// and too far out against tumour. Works on the voxels within `band_mm` of the
// first zone; returns the level (>= 0 inside) over the crop and the new zone.
void refineBoundary(const std::vector<float>& smooth, const Crop& c, const Vec3& spacing,
                    const ZoneSegmentationOptions& o, SeedResult& r, std::vector<float>& level) {
    const size_t n = c.voxels();
    std::vector<std::uint8_t> zone(n, 0);
    for (size_t off : r.zone) zone[off] = 1;
    std::vector<float> inside;
    for (size_t off : r.zone) inside.push_back(smooth[off]);
    std::nth_element(inside.begin(), inside.begin() + inside.size() / 2, inside.end());
    const double median = inside[inside.size() / 2];
    const double band_mm = 3.0;
    const auto ball = ballOffsets(spacing, band_mm);
    auto ijk = [&](size_t off, int& i, int& j, int& k) {
        i = static_cast<int>(off % static_cast<size_t>(c.nx));
        j = static_cast<int>((off / static_cast<size_t>(c.nx)) % static_cast<size_t>(c.ny));
        k = static_cast<int>(off / (static_cast<size_t>(c.nx) * static_cast<size_t>(c.ny)));
    };
    // The band: voxels within band_mm of a zone boundary voxel, both sides.
    std::vector<std::uint8_t> band(n, 0);
    for (size_t off : r.zone) {
        int i, j, k;
        ijk(off, i, j, k);
        bool boundary = false;
        const int nb[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        for (const auto& d : nb) {
            const int ii = i + d[0], jj = j + d[1], kq = k + d[2];
            if (ii < 0 || jj < 0 || kq < 0 || ii >= c.nx || jj >= c.ny || kq >= c.nz || !zone[c.offset(ii, jj, kq)])
                boundary = true;
        }
        if (!boundary) continue;
        for (const auto& b : ball) {
            const int ii = i + b[0], jj = j + b[1], kq = k + b[2];
            if (ii < 0 || jj < 0 || kq < 0 || ii >= c.nx || jj >= c.ny || kq >= c.nz) continue;
            band[c.offset(ii, jj, kq)] = 1;
        }
    }
    // Level everywhere: the fixed window first, the local halfway threshold in the band.
    level.assign(n, 0.0f);
    for (size_t off = 0; off < n; ++off)
        level[off] = static_cast<float>(std::min(smooth[off] - o.huLow, o.huHigh - smooth[off]));
    std::vector<size_t> bandVoxels;
    for (size_t off = 0; off < n; ++off)
        if (band[off]) bandVoxels.push_back(off);
    parallelFor(0, bandVoxels.size(), [&](size_t q) {
        const size_t off = bandVoxels[q];
        int i, j, k;
        ijk(off, i, j, k);
        double outside = -1e30;
        for (const auto& b : ball) {
            const int ii = i + b[0], jj = j + b[1], kq = k + b[2];
            if (ii < 0 || jj < 0 || kq < 0 || ii >= c.nx || jj >= c.ny || kq >= c.nz) continue;
            const size_t o2 = c.offset(ii, jj, kq);
            if (band[o2] && !zone[o2]) outside = std::max(outside, static_cast<double>(smooth[o2]));
        }
        if (outside < median) return; // nothing brighter around: keep the window
        // Halfway, kept between the window's top and 45 HU above it.
        const double t = std::clamp(0.5 * (median + outside), o.huHigh, o.huHigh + 45.0);
        level[off] = static_cast<float>(std::min(t - smooth[off], smooth[off] - o.huLow));
    }, 0, 256);
    // The refined zone: the component of the start among the first zone's
    // voxels and the band, where the level is >= 0.
    std::vector<std::uint8_t> in(n, 0);
    for (size_t off = 0; off < n; ++off) in[off] = (zone[off] || band[off]) && level[off] >= 0.0f;
    std::vector<std::uint8_t> comp(n, 0);
    std::deque<size_t> queue;
    size_t start = r.start;
    if (!in[start]) {
        // The start voxel itself moved out: any zone voxel still in.
        for (size_t off : r.zone)
            if (in[off]) {
                start = off;
                break;
            }
    }
    r.zone.clear();
    if (!in[start]) return;
    queue.push_back(start);
    comp[start] = 1;
    while (!queue.empty()) {
        const size_t off = queue.front();
        queue.pop_front();
        r.zone.push_back(off);
        int i, j, k;
        ijk(off, i, j, k);
        const int nb[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
        for (const auto& d : nb) {
            const int ii = i + d[0], jj = j + d[1], kq = k + d[2];
            if (ii < 0 || jj < 0 || kq < 0 || ii >= c.nx || jj >= c.ny || kq >= c.nz) continue;
            const size_t o2 = c.offset(ii, jj, kq);
            if (in[o2] && !comp[o2]) comp[o2] = 1, queue.push_back(o2);
        }
    }
    for (size_t off = 0; off < n; ++off)
        if (!comp[off]) level[off] = std::min(level[off], -0.5f);
}

} // namespace

ZoneSegmentation segmentAblationZones(const Volume& ct, const std::vector<ZoneSeed>& seeds,
                                      const ZoneSegmentationOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!ct.image) throw Error("the follow-up CT is empty");
    if (ct.meta.units != Units::HU && ct.meta.units != Units::Unknown)
        throw Error(std::string("the follow-up image is not a CT in HU (its units are ") + unitsName(ct.meta.units) +
                    "); the ablation zone is segmented on a contrast-enhanced CT");
    if (!(o.huLow < o.huHigh)) throw Error("the zone HU window is empty");
    if (!(o.maxRadius_mm > o.openRadius_mm) || !(o.seedSearch_mm > 0))
        throw Error("the zone search radii must be positive");
    const GridGeometry g = GridGeometry::of(ct.image.GetPointer());
    if (o.within && !(GridGeometry::of(o.within) == g))
        throw Error("the mask for the zone search is not on the follow-up CT's grid");
    ZoneSegmentation out;
    out.labels = g.allocate<LabelImage>(0);
    out.level = g.allocate<FloatImage>(kZoneLevelOutside);
    const float* hu = ct.image->GetBufferPointer();
    auto* lab = out.labels->GetBufferPointer();
    float* lev = out.level->GetBufferPointer();
    const std::uint8_t* within = o.within ? o.within->GetBufferPointer() : nullptr;

    for (size_t s = 0; s < seeds.size(); ++s) {
        const ZoneSeed& seed = seeds[s];
        const Progress p = o.progress.sub(static_cast<double>(s) / static_cast<double>(seeds.size()),
                                          static_cast<double>(s + 1) / static_cast<double>(seeds.size()));
        p.update(0.0, "ablation zone of lesion " + std::to_string(seed.lesionId));
        p.checkCancel();
        ZoneFound f;
        f.lesionId = seed.lesionId;
        f.seed_mm = seed.point_mm;
        const double pad = o.maxRadius_mm + 3.0 * o.smoothingSigma_mm + 2.0;
        Crop c;
        c.box = g.boxAround(seed.point_mm - Vec3{pad, pad, pad}, seed.point_mm + Vec3{pad, pad, pad})
                    .intersected(g.box());
        if (c.box.empty()) {
            f.note = "the lesion centre maps outside the follow-up CT";
            out.zones.push_back(f);
            continue;
        }
        c.nx = c.box.size(0), c.ny = c.box.size(1), c.nz = c.box.size(2);
        const size_t n = c.voxels();
        std::vector<float> smooth(n), dist(n);
        std::vector<std::uint8_t> candidate(n, 0);
        parallelFor(0, static_cast<size_t>(c.nz), [&](size_t kk) {
            const int k = static_cast<int>(kk);
            for (int j = 0; j < c.ny; ++j)
                for (int i = 0; i < c.nx; ++i) {
                    const int gi = i + c.box.lo[0], gj = j + c.box.lo[1], gk = k + c.box.lo[2];
                    const size_t off = c.offset(i, j, k);
                    smooth[off] = hu[g.offset(gi, gj, gk)];
                    dist[off] = static_cast<float>(distance(g.point(gi, gj, gk), seed.point_mm));
                }
        });
        for (int a = 0; a < 3; ++a) smoothAxis(smooth, c, a, o.smoothingSigma_mm / g.spacing[a]);
        p.checkCancel();
        for (int k = 0; k < c.nz; ++k)
            for (int j = 0; j < c.ny; ++j)
                for (int i = 0; i < c.nx; ++i) {
                    const size_t off = c.offset(i, j, k);
                    const size_t go = g.offset(i + c.box.lo[0], j + c.box.lo[1], k + c.box.lo[2]);
                    candidate[off] = smooth[off] >= o.huLow && smooth[off] <= o.huHigh &&
                                     dist[off] <= o.maxRadius_mm && (!within || within[go]);
                }
        p.update(0.3, "ablation zone of lesion " + std::to_string(seed.lesionId));
        SeedResult r = growZone(smooth, candidate, dist, c, g.spacing, o);
        std::vector<float> cropLevel;
        if (r.found) {
            refineBoundary(smooth, c, g.spacing, o, r, cropLevel);
            if (r.zone.empty()) {
                r.found = false;
                r.note = "the non-enhancing region near the lesion vanished when its boundary was refined";
            }
        }
        p.checkCancel();
        if (!r.found) {
            f.note = r.note;
            out.zones.push_back(f);
            continue;
        }
        auto globalOffset = [&](size_t off) {
            const int i = static_cast<int>(off % static_cast<size_t>(c.nx));
            const int j = static_cast<int>((off / static_cast<size_t>(c.nx)) % static_cast<size_t>(c.ny));
            const int k = static_cast<int>(off / (static_cast<size_t>(c.nx) * static_cast<size_t>(c.ny)));
            return g.offset(i + c.box.lo[0], j + c.box.lo[1], k + c.box.lo[2]);
        };
        const size_t startG = globalOffset(r.start);
        f.found = true;
        f.start_mm = g.point(static_cast<int>(r.start % static_cast<size_t>(c.nx)) + c.box.lo[0],
                             static_cast<int>((r.start / static_cast<size_t>(c.nx)) % static_cast<size_t>(c.ny)) +
                                 c.box.lo[1],
                             static_cast<int>(r.start / (static_cast<size_t>(c.nx) * static_cast<size_t>(c.ny))) +
                                 c.box.lo[2]);
        f.reachesLimit = r.reachesLimit;
        if (lab[startG]) {
            // The zone of an earlier lesion: one ablation treated both.
            f.label = lab[startG];
            f.note = "the same ablation zone as lesion " + std::to_string(f.label);
        } else {
            f.label = seed.lesionId;
        }
        std::vector<std::uint8_t> inZone(n, 0);
        for (size_t off : r.zone) inZone[off] = 1;
        size_t count = 0;
        for (size_t off = 0; off < n; ++off) {
            const size_t go = globalOffset(off);
            // Level: how far the smoothed HU is inside the window; forced
            // negative outside the zone (candidates cut off by the opening).
            float level = cropLevel[off];
            if (!inZone[off]) level = std::min(level, -0.5f);
            level = std::clamp(level, kZoneLevelOutside, -kZoneLevelOutside);
            lev[go] = std::max(lev[go], level);
            if (inZone[off]) {
                ++count;
                if (!lab[go]) lab[go] = static_cast<LabelImage::PixelType>(f.label);
            }
        }
        f.volume_ml = static_cast<double>(count) * g.voxelVolume_ml();
        out.zones.push_back(f);
        p.update(1.0, "ablation zone of lesion " + std::to_string(seed.lesionId));
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

} // namespace irplan::review
