// One-click lesion growing (Lesions.h growLesion).
#include "core/Error.h"
#include "segmentation/ImageOps.h"
#include "segmentation/LesionOutline.h"
#include "segmentation/Lesions.h"
#include "segmentation/Liver.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace irplan::seg {

namespace {

std::string fmt(double v, int precision = 1) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*g", precision, v);
    return b;
}

// Median of `v` over voxels between r0 and r1 mm from `c` (index space of
// `grid`), leaving out `exclude` voxels.
double shellMedian(const FloatImage* v, const Vec3& centreIndex, double r0, double r1, const MaskImage* exclude,
                   const MaskImage* within) {
    const auto n = dims(v);
    const auto& sp = v->GetSpacing();
    const float* p = v->GetBufferPointer();
    std::vector<float> vals;
    long lo[3], hi[3];
    for (unsigned a = 0; a < 3; ++a) {
        lo[a] = std::max(0L, long(std::floor(centreIndex[int(a)] - r1 / sp[a])));
        hi[a] = std::min(long(n[a]) - 1, long(std::ceil(centreIndex[int(a)] + r1 / sp[a])));
    }
    for (long k = lo[2]; k <= hi[2]; ++k)
        for (long j = lo[1]; j <= hi[1]; ++j)
            for (long i = lo[0]; i <= hi[0]; ++i) {
                const double d = std::sqrt(std::pow((i - centreIndex.x) * sp[0], 2) + std::pow((j - centreIndex.y) * sp[1], 2) +
                                           std::pow((k - centreIndex.z) * sp[2], 2));
                if (d < r0 || d > r1) continue;
                const size_t idx = linearIndex(n, size_t(i), size_t(j), size_t(k));
                if (exclude && exclude->GetBufferPointer()[idx]) continue;
                if (within && !within->GetBufferPointer()[idx]) continue;
                vals.push_back(p[idx]);
            }
    if (vals.size() < 10) return NAN;
    return robustStats(vals).median;
}

// Mean gradient magnitude (per mm) over the boundary voxels of `mask`.
double boundaryGradient(const FloatImage* v, const MaskImage* mask) {
    const auto n = dims(v);
    const auto& sp = v->GetSpacing();
    const float* p = v->GetBufferPointer();
    const auto* m = mask->GetBufferPointer();
    double sum = 0;
    size_t count = 0;
    for (size_t k = 1; k + 1 < n[2]; ++k)
        for (size_t j = 1; j + 1 < n[1]; ++j)
            for (size_t i = 1; i + 1 < n[0]; ++i) {
                const size_t c = linearIndex(n, i, j, k);
                if (!m[c]) continue;
                const size_t sx = 1, sy = n[0], sz = n[0] * n[1];
                if (m[c - sx] && m[c + sx] && m[c - sy] && m[c + sy] && m[c - sz] && m[c + sz]) continue;
                const double gx = (p[c + sx] - p[c - sx]) / (2 * sp[0]), gy = (p[c + sy] - p[c - sy]) / (2 * sp[1]),
                             gz = (p[c + sz] - p[c - sz]) / (2 * sp[2]);
                sum += std::sqrt(gx * gx + gy * gy + gz * gz);
                ++count;
            }
    return count ? sum / double(count) : 0.0;
}

} // namespace

GrownLesion growLesion(const Volume& image, const Vec3& seed_mm, const MaskImage* liver, const LesionOptions& o) {
    if (!image.image) throw Error("lesion growing: no image");
    const ImageKind kind = imageKindOf(image);
    if (liver && !sameGrid(liver, image.image)) throw Error("lesion growing: the liver mask is not on the image's grid");
    const Vec3 si = pointToIndex(image.image, seed_mm);
    const auto nFull = dims(image.image);
    for (int a = 0; a < 3; ++a)
        if (si[a] < -0.5 || si[a] > double(nFull[static_cast<size_t>(a)]) - 0.5)
            throw Error("the seed " + toString(seed_mm) + " mm lies outside " + image.meta.sourcePath);
    GrownLesion out;
    if (kind != ImageKind::PET) {
        // CT and MR: the star-shaped outline from the point (LesionOutline.h).
        OutlineOptions oo;
        // A tumour bulging out of the liver is often left out of an automatic
        // liver mask: a click up to 25 mm outside it is still outlined.
        oo.outsideLiver_mm = 25.0;
        const LesionOutline ol = outlineLesion(image.image, seed_mm, liver, oo);
        if (!ol.ok) throw Error(ol.problem);
        out.mask = newMask(image.image);
        paste(out.mask.GetPointer(), ol.mask.GetPointer());
        out.level = ol.edgeLevel;
        out.background = ol.parenchymaLevel;
        out.peak = ol.lesionLevel;
        out.appearance = ol.sign < 0 ? "hypo" : "hyper";
        out.rule = std::string(ol.sign < 0 ? "darker" : "brighter") + " than the liver around it (" +
                   fmt(ol.lesionLevel, 4) + " against " + fmt(ol.parenchymaLevel, 4) + "); edge " +
                   (ol.sign < 0 ? fmt(100 * oo.edgeFraction, 2) : fmt(100 * oo.edgeFractionBright, 2)) +
                   "% of that contrast from the liver's level, " + fmt(ol.volume_ml, 3) + " mL";
        if (ol.pointOutsideLiver_mm > 0)
            out.warnings.push_back("the click " + toString(seed_mm, 1) + " mm lies " + fmt(ol.pointOutsideLiver_mm, 2) +
                                   " mm outside the liver mask: outlined against the liver next to it and bounded by "
                                   "soft tissue only; check that it is a liver lesion and that it stops at the "
                                   "neighbouring organs");
        return out;
    }
    // PET/SPECT: work in a box around the seed; grow it when the lesion reaches its edge.
    for (double reach = 45.0; reach <= 95.0; reach += 25.0) {
        o.progress.checkCancel();
        Region r;
        Region::IndexType start;
        Region::SizeType size;
        for (unsigned a = 0; a < 3; ++a) {
            const double h = image.image->GetSpacing()[a];
            const long s = std::max(0L, long(std::floor(si[int(a)] - reach / h)));
            const long e = std::min(long(nFull[a]) - 1, long(std::ceil(si[int(a)] + reach / h)));
            start[a] = s;
            size[a] = size_t(e - s + 1);
        }
        r.SetIndex(start);
        r.SetSize(size);
        auto sub = crop(image.image.GetPointer(), r);
        MaskImage::Pointer liv = liver ? crop(liver, r) : nullptr;
        // CT/MR: 1 mm smoothing against noise; PET/SPECT is smooth already.
        auto S = kind == ImageKind::PET ? sub : gaussianSmooth(sub, 1.0);
        const auto n = dims(S);
        const float* s = S->GetBufferPointer();
        const Vec3 c = pointToIndex(S, seed_mm);
        const Index3 ci{std::lround(c.x), std::lround(c.y), std::lround(c.z)};
        // Lesion level: median in a 2.5 mm ball (CT/MR), or the hottest voxel
        // within 6 mm (PET: the click may miss the maximum).
        const auto& sp = S->GetSpacing();
        std::vector<float> ball;
        double peak = -1e300;
        Index3 start3 = ci;
        const double ballR = kind == ImageKind::PET ? 6.0 : 2.5;
        for (long dz = -long(ballR / sp[2]) - 1; dz <= long(ballR / sp[2]) + 1; ++dz)
            for (long dy = -long(ballR / sp[1]) - 1; dy <= long(ballR / sp[1]) + 1; ++dy)
                for (long dx = -long(ballR / sp[0]) - 1; dx <= long(ballR / sp[0]) + 1; ++dx) {
                    const long x = ci[0] + dx, y = ci[1] + dy, z = ci[2] + dz;
                    if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
                    if (std::pow(dx * sp[0], 2) + std::pow(dy * sp[1], 2) + std::pow(dz * sp[2], 2) > ballR * ballR) continue;
                    const float v = s[linearIndex(n, size_t(x), size_t(y), size_t(z))];
                    ball.push_back(v);
                    if (v > peak) {
                        peak = v;
                        start3 = {x, y, z};
                    }
                }
        if (kind != ImageKind::PET) {
            peak = robustStats(ball).median;
            start3 = ci;
        }
        // Background: the median of a shell outside the lesion, pushed out
        // until the shell clears the grown region.
        double shellIn = 10.0;
        MaskImage::Pointer region;
        double bg = NAN, level = 0;
        bool reachedEdge = false;
        for (int it = 0; it < 4; ++it) {
            bg = shellMedian(S, c, shellIn, shellIn + 10.0, region, kind == ImageKind::PET ? nullptr : liv.GetPointer());
            if (!std::isfinite(bg)) bg = shellMedian(S, c, shellIn, shellIn + 10.0, region, nullptr);
            if (!std::isfinite(bg)) throw Error("lesion growing: no background around the seed " + toString(seed_mm) + " mm");
            const double sign = peak >= bg ? 1.0 : -1.0;
            const double contrast = std::abs(peak - bg);
            const double minContrast = kind == ImageKind::CT ? 15.0 : 0.15 * std::abs(bg) + 1e-6;
            if (contrast < minContrast)
                throw Error("no lesion at the seed " + toString(seed_mm, 1) + " mm: its level (" + fmt(peak, 4) +
                            ") is within " + fmt(contrast, 3) + " of its surroundings (" + fmt(bg, 4) + ")");
            auto grownAt = [&](double f) {
                const double lv = bg + f * (peak - bg);
                auto m = newMask(S);
                auto* mm = m->GetBufferPointer();
                for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i) {
                    mm[i] = sign * (s[i] - lv) > 0;
                    if (liv && kind != ImageKind::PET && !liv->GetBufferPointer()[i]) mm[i] = 0;
                }
                mm[linearIndex(n, size_t(start3[0]), size_t(start3[1]), size_t(start3[2]))] = 1;
                return fillHoles(componentAt(m, start3));
            };
            double f = 0.5;
            out.rule = "half-way between the lesion level and its surroundings";
            if (kind == ImageKind::PET) {
                // The iso-level where the lesion's edge is steepest (between
                // 25% and 70% of the lesion's contrast).
                double bestGrad = -1;
                for (double t = 0.25; t <= 0.701; t += 0.05) {
                    auto m = grownAt(t);
                    const double g = boundaryGradient(S, m);
                    if (g > bestGrad) {
                        bestGrad = g;
                        f = t;
                    }
                }
                out.rule = "the iso-level of steepest edge: background + " + std::to_string(int(std::lround(f * 100))) +
                           "% of (max - background)";
            }
            level = bg + f * (peak - bg);
            region = grownAt(f);
            // How far the region reaches from the seed.
            double far = 0;
            reachedEdge = false;
            const auto* rm = region->GetBufferPointer();
            for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i) {
                if (!rm[i]) continue;
                const size_t x = i % n[0], y = (i / n[0]) % n[1], z = i / (n[0] * n[1]);
                far = std::max(far, std::sqrt(std::pow((x - c.x) * sp[0], 2) + std::pow((y - c.y) * sp[1], 2) +
                                              std::pow((z - c.z) * sp[2], 2)));
                if ((x == 0 && start[0] > 0) || (y == 0 && start[1] > 0) || (z == 0 && start[2] > 0) ||
                    (x + 1 == n[0] && start[0] + long(n[0]) < long(nFull[0])) ||
                    (y + 1 == n[1] && start[1] + long(n[1]) < long(nFull[1])) ||
                    (z + 1 == n[2] && start[2] + long(n[2]) < long(nFull[2])))
                    reachedEdge = true;
            }
            if (far + 3.0 <= shellIn) break;
            shellIn = far + 5.0;
        }
        if (reachedEdge) continue; // a larger box
        out.mask = newMask(image.image);
        paste(out.mask.GetPointer(), region.GetPointer());
        out.level = level;
        out.background = bg;
        out.peak = peak;
        out.appearance = "pet-avid";
        return out;
    }
    throw Error("the region grown from the seed " + toString(seed_mm, 1) +
                " mm is not separated from its surroundings within 95 mm: is the seed inside a lesion?");
}

} // namespace irplan::seg
