#include "segmentation/LesionOutline.h"

#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>

namespace irplan::seg {

namespace {

constexpr int kRays = 600;
constexpr int kNeighbours = 12;   // angular median filter (the ray and its 11 nearest)
constexpr double kStep_mm = 0.4;  // sampling step along a ray
constexpr double kSustain_mm = 2.0;
constexpr int kThetaBins = 48, kPhiBins = 96;

// Evenly spread directions (Fibonacci sphere), their nearest neighbours, and a
// theta/phi table of the three nearest directions for interpolating radii.
struct Sphere {
    std::vector<Vec3> dirs;
    std::vector<std::array<int, kNeighbours>> nb;
    std::vector<double> nbAngle; // mean angle to the neighbours (rad)
    struct Cell {
        std::array<int, 3> idx;
        std::array<double, 3> w;
    };
    std::vector<Cell> table;

    Sphere() {
        const double golden = M_PI * (1.0 + std::sqrt(5.0));
        for (int i = 0; i < kRays; ++i) {
            const double z = 1.0 - 2.0 * (i + 0.5) / kRays;
            const double r = std::sqrt(std::max(0.0, 1.0 - z * z));
            dirs.push_back({r * std::cos(golden * i), r * std::sin(golden * i), z});
        }
        nb.resize(kRays);
        nbAngle.resize(kRays);
        std::vector<std::pair<double, int>> d(kRays);
        for (int i = 0; i < kRays; ++i) {
            for (int j = 0; j < kRays; ++j) d[size_t(j)] = {-dot(dirs[size_t(i)], dirs[size_t(j)]), j};
            std::partial_sort(d.begin(), d.begin() + kNeighbours, d.end());
            double a = 0;
            for (int k = 0; k < kNeighbours; ++k) {
                nb[size_t(i)][size_t(k)] = d[size_t(k)].second;
                if (k > 0) a += std::acos(std::clamp(-d[size_t(k)].first, -1.0, 1.0));
            }
            nbAngle[size_t(i)] = a / (kNeighbours - 1);
        }
        table.resize(kThetaBins * kPhiBins);
        for (int t = 0; t < kThetaBins; ++t)
            for (int p = 0; p < kPhiBins; ++p) {
                const double th = (t + 0.5) * M_PI / kThetaBins, ph = (p + 0.5) * 2 * M_PI / kPhiBins - M_PI;
                const Vec3 u{std::sin(th) * std::cos(ph), std::sin(th) * std::sin(ph), std::cos(th)};
                std::array<std::pair<double, int>, 3> best{{{-2, 0}, {-2, 0}, {-2, 0}}};
                for (int j = 0; j < kRays; ++j) {
                    const double c = dot(u, dirs[size_t(j)]);
                    if (c > best[2].first) {
                        best[2] = {c, j};
                        std::sort(best.begin(), best.end(), [](auto& a, auto& b) { return a.first > b.first; });
                    }
                }
                Cell cell;
                double sum = 0;
                for (int k = 0; k < 3; ++k) {
                    const double ang = std::acos(std::clamp(best[size_t(k)].first, -1.0, 1.0));
                    cell.idx[size_t(k)] = best[size_t(k)].second;
                    cell.w[size_t(k)] = 1.0 / std::max(ang, 1e-3);
                    sum += cell.w[size_t(k)];
                }
                for (auto& w : cell.w) w /= sum;
                table[size_t(t * kPhiBins + p)] = cell;
            }
    }

    double radiusToward(const Vec3& u, const std::vector<double>& radii) const {
        const double th = std::acos(std::clamp(u.z, -1.0, 1.0)), ph = std::atan2(u.y, u.x);
        const int t = std::clamp(int(th / M_PI * kThetaBins), 0, kThetaBins - 1);
        const int p = std::clamp(int((ph + M_PI) / (2 * M_PI) * kPhiBins), 0, kPhiBins - 1);
        const Cell& c = table[size_t(t * kPhiBins + p)];
        return c.w[0] * radii[size_t(c.idx[0])] + c.w[1] * radii[size_t(c.idx[1])] + c.w[2] * radii[size_t(c.idx[2])];
    }
};

const Sphere& sphere() {
    static const Sphere s;
    return s;
}

struct Trimmed {
    double median = 0, sd = 0;
    size_t n = 0;
};

// Level and noise of the parenchyma from a sample that may also hold part of
// the lesion (a large one fills much of the ring around a click), vessels or
// another lesion: the level is the histogram's main peak, and the SD is the
// smaller of the two half-widths around it (1.4826 x the median distance to
// the peak on each side), so a second population on one side leaves it alone.
Trimmed parenchymaStats(const std::vector<float>& v) {
    Trimmed t;
    if (v.size() < 10) return t;
    const RobustStats a = robustStats(v);
    const double lo = a.median - 6.0 * std::max(a.sd, 1.0), hi = a.median + 6.0 * std::max(a.sd, 1.0);
    const int bins = 120;
    const double bw = (hi - lo) / bins;
    std::vector<double> h(bins, 0.0), sm(bins, 0.0);
    for (float x : v) {
        const int b = int((x - lo) / bw);
        if (b >= 0 && b < bins) h[size_t(b)] += 1;
    }
    for (int b = 0; b < bins; ++b)
        for (int d = -3; d <= 3; ++d)
            if (b + d >= 0 && b + d < bins) sm[size_t(b)] += h[size_t(b + d)] * (4 - std::abs(d));
    const int peak = int(std::max_element(sm.begin(), sm.end()) - sm.begin());
    const double mode = lo + (peak + 0.5) * bw;
    std::vector<float> below, above;
    for (float x : v) (x < mode ? below : above).push_back(static_cast<float>(std::abs(x - mode)));
    auto halfSd = [](std::vector<float>& d) { return d.size() < 5 ? 1e9 : 1.4826 * percentile(d, 50); };
    t.median = mode;
    t.sd = std::min(halfSd(below), halfSd(above));
    if (t.sd > 1e8) t.sd = a.sd;
    t.n = v.size();
    return t;
}

std::string fmt(double v, int precision = 0) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", precision, v);
    return b;
}

} // namespace

MaskImage::Pointer lesionBound(const FloatImage* image, const MaskImage* liver, const OutlineOptions& o) {
    auto bound = closeCoarse(liver, o.closeLiver_mm);
    const size_t total = image->GetBufferedRegion().GetNumberOfPixels();
    auto* b = bound->GetBufferPointer();
    if (o.isCt) {
        auto fine = gaussianSmooth(image, 0.7);
        auto soft = newMask(image);
        for (size_t i = 0; i < total; ++i) soft->GetBufferPointer()[i] = fine->GetBufferPointer()[i] > o.softTissue_hu;
        auto deep = erode(soft, 2.0);
        for (size_t i = 0; i < total; ++i)
            if (!liver->GetBufferPointer()[i]) b[i] = b[i] && deep->GetBufferPointer()[i];
            else b[i] = soft->GetBufferPointer()[i];
    }
    return bound;
}

LesionOutline outlineLesion(const FloatImage* image, const Vec3& point_mm, const MaskImage* liver, const OutlineOptions& o) {
    LesionOutline out;
    const Sphere& S = sphere();
    const auto nFull = dims(image);
    const Vec3 pi = pointToIndex(image, point_mm);
    for (int a = 0; a < 3; ++a)
        if (pi[a] < -0.5 || pi[a] > double(nFull[size_t(a)]) - 0.5) {
            out.problem = "the point " + toString(point_mm, 1) + " mm lies outside the image";
            return out;
        }
    // The working box and the smoothed image in it.
    Region box;
    {
        Region::IndexType start;
        Region::SizeType size;
        const double half = o.reach_mm + 15.0;
        for (unsigned a = 0; a < 3; ++a) {
            const double h = image->GetSpacing()[a];
            const long s0 = std::max(0L, long(std::floor(pi[int(a)] - half / h)));
            const long e0 = std::min(long(nFull[a]) - 1, long(std::ceil(pi[int(a)] + half / h)));
            start[a] = s0;
            size[a] = size_t(e0 - s0 + 1);
        }
        box.SetIndex(start);
        box.SetSize(size);
    }
    auto sub = crop(image, box);
    // The same box on another image of this lattice (a crop of the same grid, or the grid itself).
    auto sameBox = [&](const itk::ImageBase<3>* other) {
        const Vec3 q = pointToIndex(other, indexToPoint(image, {double(box.GetIndex()[0]), double(box.GetIndex()[1]),
                                                                double(box.GetIndex()[2])}));
        Region r = box;
        r.SetIndex({{std::lround(q.x), std::lround(q.y), std::lround(q.z)}});
        return r;
    };
    auto S1 = o.smoothed ? crop(o.smoothed, sameBox(o.smoothed)) : gaussianSmooth(sub, o.smooth_mm);
    if (!sameGrid(S1, sub)) {
        out.problem = "lesion outline: the smoothed image is not on the image's grid";
        return out;
    }
    MaskImage::Pointer L = liver ? crop(liver, box) : newMask(sub, 1);
    const auto n = dims(S1);
    const size_t total = n[0] * n[1] * n[2];
    const float* s = S1->GetBufferPointer();
    const auto* lv = L->GetBufferPointer();
    // Where the lesion may lie.
    MaskImage::Pointer allowed;
    if (o.bound) {
        allowed = crop(o.bound, sameBox(o.bound));
    } else if (liver) {
        allowed = lesionBound(sub, L, o);
    } else {
        allowed = newMask(sub, 1);
        if (o.isCt) {
            auto fine = gaussianSmooth(sub, 0.7);
            for (size_t i = 0; i < total; ++i) allowed->GetBufferPointer()[i] = fine->GetBufferPointer()[i] > o.softTissue_hu;
        }
    }
    auto* al = allowed->GetBufferPointer();
    const size_t atPoint = [&] {
        const Vec3 q = pointToIndex(S1, point_mm);
        return linearIndex(n, size_t(std::lround(q.x)), size_t(std::lround(q.y)), size_t(std::lround(q.z)));
    }();
    if (!al[atPoint] && liver && o.outsideLiver_mm > 0) {
        // Near the liver: soft tissue only bounds it (fat and air stay out).
        double d = std::numeric_limits<double>::max();
        for (size_t i = 0; i < total; ++i)
            if (lv[i])
                d = std::min(d, distance(indexToPoint(S1, {double(i % n[0]), double((i / n[0]) % n[1]),
                                                           double(i / (n[0] * n[1]))}),
                                         point_mm));
        if (d <= o.outsideLiver_mm) {
            auto soft = newMask(sub);
            auto fine = o.isCt ? gaussianSmooth(sub, 0.7) : nullptr;
            for (size_t i = 0; i < total; ++i)
                soft->GetBufferPointer()[i] = !o.isCt || fine->GetBufferPointer()[i] > o.softTissue_hu;
            // Eroded by 1 mm only: a tumour's edge against fat lies where the
            // blurred step crosses softTissue_hu (half-way from fat to tissue),
            // and thin bridges to a neighbouring organ are cut.
            auto deep = o.isCt ? erode(soft, 1.0) : soft;
            for (size_t i = 0; i < total; ++i) al[i] = al[i] || deep->GetBufferPointer()[i];
            if (al[atPoint]) out.pointOutsideLiver_mm = d;
        }
    }
    if (!al[atPoint]) {
        out.problem = "the point " + toString(point_mm, 1) + " mm lies " + (liver ? "outside the liver" : "in fat or air");
        return out;
    }
    // Segmented vessels a bright lesion stops at (none when the point is on one).
    MaskImage::Pointer vesselStop;
    if (o.vessels) {
        vesselStop = crop(o.vessels, sameBox(o.vessels));
        if (vesselStop->GetBufferPointer()[atPoint] || countOn(vesselStop) == 0) vesselStop = nullptr;
    }
    const auto* vs = vesselStop ? vesselStop->GetBufferPointer() : nullptr;
    int sign = 0; // of the current iteration: +1 bright, -1 dark
    auto blocked = [&](size_t idx) { return sign > 0 && vs && vs[idx]; };
    auto valueAt = [&](const Vec3& p, bool& inLiver, bool& onVessel) {
        onVessel = false;
        const Vec3 q = pointToIndex(S1, p);
        const long x = std::lround(q.x), y = std::lround(q.y), z = std::lround(q.z);
        if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) {
            inLiver = false;
            return 0.0;
        }
        const size_t idx = linearIndex(n, size_t(x), size_t(y), size_t(z));
        inLiver = al[idx] != 0;
        onVessel = blocked(idx);
        return sampleLinear(s, n, q);
    };

    // First levels: the lesion near the point, the parenchyma 15-40 mm away.
    Vec3 centre = point_mm;
    std::vector<float> ball, ring;
    for (size_t i = 0; i < total; ++i) {
        const Vec3 p = indexToPoint(S1, {double(i % n[0]), double((i / n[0]) % n[1]), double(i / (n[0] * n[1]))});
        const double d = distance(p, centre);
        if (d <= o.seedBall_mm) ball.push_back(s[i]);
        else if (d >= 15.0 && d <= 40.0 && lv[i]) ring.push_back(s[i]);
    }
    if (ball.empty()) ball.push_back(static_cast<float>(sampleLinear(s, n, pointToIndex(S1, centre))));
    double ml = robustStats(ball).median;
    Trimmed par = parenchymaStats(ring);
    if (par.n < 10) {
        out.problem = "too little liver around " + toString(point_mm, 1) + " mm to tell a lesion from it";
        return out;
    }
    MaskImage::Pointer mask;
    std::vector<double> radii(kRays);
    for (int it = 0; it < o.iterations; ++it) {
        const double sdp = std::max(par.sd, 1.0);
        if (std::abs(ml - par.median) < 2.5 * sdp) {
            out.problem = "no lesion at " + toString(point_mm, 1) + " mm: its level (" + fmt(ml) + ") is within " +
                          fmt(std::abs(ml - par.median)) + " of the liver around it (" + fmt(par.median) + " +- " +
                          fmt(sdp) + ")";
            return out;
        }
        sign = ml > par.median ? 1 : -1;
        double t = par.median + (sign < 0 ? o.edgeFraction : o.edgeFractionBright) * (ml - par.median);
        if (std::abs(t - par.median) < o.minEdgeSd * sdp) t = par.median + sign * o.minEdgeSd * sdp;
        out.sign = sign;
        out.edgeLevel = t;
        // Rays.
        const int steps = int(o.reach_mm / kStep_mm);
        const int sustain = std::max(1, int(std::lround(kSustain_mm / kStep_mm)));
        int onEdge = 0, unclosed = 0;
        for (int r = 0; r < kRays; ++r) {
            const Vec3& u = S.dirs[size_t(r)];
            int outside = 0, endAt = steps;
            bool stoppedByLiver = false;
            for (int k = 1; k <= steps; ++k) {
                bool inL = false, onV = false;
                const double v = valueAt(centre + u * (k * kStep_mm), inL, onV);
                const bool inside = inL && !onV && sign * (v - t) > 0;
                if (inside) {
                    outside = 0;
                    continue;
                }
                if (outside == 0) stoppedByLiver = !inL && sign * (v - t) > 0;
                if (++outside >= sustain) {
                    endAt = k - sustain + 1;
                    break;
                }
            }
            radii[size_t(r)] = (endAt - 0.5) * kStep_mm;
            onEdge += endAt < steps && stoppedByLiver;
            unclosed += endAt >= steps;
        }
        out.raysOnLiverEdge = double(onEdge) / kRays;
        out.raysUnclosed = double(unclosed) / kRays;
        std::vector<double> filtered(kRays);
        for (int r = 0; r < kRays; ++r) {
            std::array<double, kNeighbours> w;
            for (int k = 0; k < kNeighbours; ++k) w[size_t(k)] = radii[size_t(S.nb[size_t(r)][size_t(k)])];
            std::nth_element(w.begin(), w.begin() + kNeighbours / 2, w.end());
            filtered[size_t(r)] = w[kNeighbours / 2];
        }
        radii = filtered;
        // The star-shaped surface, on the crop.
        mask = newMask(S1);
        auto* mk = mask->GetBufferPointer();
        const double rMax = *std::max_element(radii.begin(), radii.end());
        const Vec3 ci = pointToIndex(S1, centre);
        long lo[3], hi[3];
        for (unsigned a = 0; a < 3; ++a) {
            const double h = S1->GetSpacing()[a];
            lo[a] = std::max(0L, long(std::floor(ci[int(a)] - (rMax + 1) / h)));
            hi[a] = std::min(long(n[a]) - 1, long(std::ceil(ci[int(a)] + (rMax + 1) / h)));
        }
        size_t count = 0;
        Vec3 sum;
        for (long k = lo[2]; k <= hi[2]; ++k)
            for (long j = lo[1]; j <= hi[1]; ++j)
                for (long i = lo[0]; i <= hi[0]; ++i) {
                    const size_t idx = linearIndex(n, size_t(i), size_t(j), size_t(k));
                    if (!al[idx] || blocked(idx)) continue;
                    const Vec3 p = indexToPoint(S1, {double(i), double(j), double(k)});
                    const Vec3 v = p - centre;
                    const double d = norm(v);
                    if (d > rMax) continue;
                    if (d > 1e-9 && d > S.radiusToward(v / d, radii)) continue;
                    mk[idx] = 1;
                    ++count;
                    sum += p;
                }
        if (count == 0) {
            out.problem = "the outline around " + toString(point_mm, 1) + " mm is empty";
            return out;
        }
        // Thin sheets along the liver's dark partial-volume rim are not lesion:
        // an opening (radius up to 2 mm, a quarter of the lesion's) cuts them.
        {
            const double rEq = std::cbrt(3.0 * double(count) * voxelVolume_mm3(S1) / (4.0 * M_PI));
            const double rOpen = std::min(2.0, 0.25 * rEq);
            if (rOpen >= 0.75 * std::min({S1->GetSpacing()[0], S1->GetSpacing()[1], S1->GetSpacing()[2]})) {
                auto opened = open(mask, rOpen);
                const Vec3 cq0 = pointToIndex(S1, centre);
                const Index3 at{std::lround(cq0.x), std::lround(cq0.y), std::lround(cq0.z)};
                if (opened->GetBufferPointer()[linearIndex(n, size_t(at[0]), size_t(at[1]), size_t(at[2]))]) {
                    mask = componentAt(opened, at);
                    mk = mask->GetBufferPointer();
                    count = 0;
                    sum = Vec3{};
                    for (size_t i = 0; i < total; ++i)
                        if (mk[i]) {
                            ++count;
                            sum += indexToPoint(S1, {double(i % n[0]), double((i / n[0]) % n[1]), double(i / (n[0] * n[1]))});
                        }
                }
            }
        }
        // Levels again, from the outline itself and a shell around it (in a
        // box around the outline: distance maps cost per voxel).
        std::vector<float> inner, all, shell;
        {
            const Region near = boundingRegion(mask, 13.0);
            auto m = crop(mask.GetPointer(), near);
            auto depth = distanceToOff(m);
            auto away = distanceToOn(m);
            const auto nn = dims(m);
            const auto st = near.GetIndex();
            for (size_t k = 0; k < nn[2]; ++k)
                for (size_t j = 0; j < nn[1]; ++j)
                    for (size_t i = 0; i < nn[0]; ++i) {
                        const size_t a = linearIndex(nn, i, j, k);
                        const size_t b = linearIndex(n, i + size_t(st[0]), j + size_t(st[1]), k + size_t(st[2]));
                        if (m->GetBufferPointer()[a]) {
                            all.push_back(s[b]);
                            if (depth->GetBufferPointer()[a] > 2.0f) inner.push_back(s[b]);
                        } else if (lv[b]) {
                            const float d = away->GetBufferPointer()[a];
                            if (d > 3.0f && d <= 12.0f) shell.push_back(s[b]);
                        }
                    }
        }
        ml = robustStats(inner.size() >= 20 ? inner : all).median;
        out.innerSpread = robustStats(inner.size() >= 20 ? inner : all).sd;
        const Trimmed sh = parenchymaStats(shell);
        if (sh.n >= 30) par = sh;
        const Vec3 c = sum / double(count);
        const Vec3 cq = pointToIndex(S1, c);
        const long cx = std::lround(cq.x), cy = std::lround(cq.y), cz = std::lround(cq.z);
        if (cx >= 0 && cy >= 0 && cz >= 0 && cx < long(n[0]) && cy < long(n[1]) && cz < long(n[2]) &&
            mk[linearIndex(n, size_t(cx), size_t(cy), size_t(cz))])
            centre = c;
        out.centre_mm = c;
        out.volume_ml = double(count) * voxelVolume_mm3(S1) / 1000.0;
    }
    out.mask = mask;
    out.lesionLevel = ml;
    out.parenchymaLevel = par.median;
    out.parenchymaSd = par.sd;
    out.equivalentDiameter_mm = std::cbrt(6.0 * out.volume_ml * 1000.0 / M_PI);
    double sumR = 0, area = 0;
    out.maxRadius_mm = 0;
    for (int r = 0; r < kRays; ++r) {
        const double ri = radii[size_t(r)];
        sumR += ri;
        out.maxRadius_mm = std::max(out.maxRadius_mm, ri);
        std::array<double, kNeighbours - 1> g;
        for (int k = 1; k < kNeighbours; ++k)
            g[size_t(k - 1)] = std::abs(ri - radii[size_t(S.nb[size_t(r)][size_t(k)])]) / S.nbAngle[size_t(r)];
        std::nth_element(g.begin(), g.begin() + g.size() / 2, g.end());
        const double grad = g[g.size() / 2];
        area += 4.0 * M_PI / kRays * ri * std::sqrt(ri * ri + grad * grad);
    }
    out.meanRadius_mm = sumR / kRays;
    const double V = out.volume_ml * 1000.0;
    out.sphericity = area > 0 ? std::min(1.0, 36.0 * M_PI * V * V / (area * area * area)) : 0.0;
    const double minVoxels = 8;
    if (double(countOn(mask)) < minVoxels) {
        out.problem = "the lesion at " + toString(point_mm, 1) + " mm is only " + std::to_string(countOn(mask)) +
                      " voxels: nothing that stands out from the liver there";
        return out;
    }
    if (out.raysUnclosed > 0.25) {
        out.problem = "the region around " + toString(point_mm, 1) + " mm does not close within " + fmt(o.reach_mm) +
                      " mm in " + fmt(100 * out.raysUnclosed) + "% of directions: not a focal lesion (or larger than " +
                      fmt(2 * o.reach_mm) + " mm)";
        return out;
    }
    out.ok = true;
    return out;
}

} // namespace irplan::seg
