#include "segmentation/VesselMask.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"
#include "segmentation/SparseOps.h"
#include "segmentation/Vesselness.h"
#include "core/Parallel.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace irplan::seg {

namespace {

std::string fmt(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.0f", v);
    return b;
}

// Voxels of `candidates` (26-connected) that reach a voxel of `seeds`.
MaskImage::Pointer hysteresis(const MaskImage* seeds, const MaskImage* candidates) {
    std::vector<size_t> sizes;
    auto cc = components(candidates, true, &sizes);
    std::vector<char> keep(sizes.size(), 0);
    const auto* l = cc->GetBufferPointer();
    const auto* s = seeds->GetBufferPointer();
    const size_t total = candidates->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < total; ++i)
        if (s[i] && l[i]) keep[l[i]] = 1;
    auto out = newMask(candidates);
    auto* o = out->GetBufferPointer();
    for (size_t i = 0; i < total; ++i) o[i] = l[i] && keep[l[i]];
    return out;
}

// Local parenchyma level: a normalised Gaussian of the parenchyma-like voxels
// (`weight` set), the global median where there is no such voxel nearby. The
// field is smooth, so it is computed on ~2.5 mm blocks and interpolated back.
FloatImage::Pointer backgroundField(const FloatImage* smooth, const MaskImage* weight, double sigma_mm, double fallback) {
    auto num = newFloat(smooth);
    auto den = newFloat(smooth);
    const size_t total = smooth->GetBufferedRegion().GetNumberOfPixels();
    const float* g = smooth->GetBufferPointer();
    const auto* w = weight->GetBufferPointer();
    float* nu = num->GetBufferPointer();
    float* de = den->GetBufferPointer();
    for (size_t i = 0; i < total; ++i)
        if (w[i]) {
            nu[i] = g[i];
            de[i] = 1.0f;
        }
    std::array<unsigned, 3> f{};
    auto sn = gaussianSmooth(blockDownsample(num, 2.5, &f), sigma_mm);
    auto sd = gaussianSmooth(blockDownsample(den, 2.5), sigma_mm);
    const auto nc = dims(sn);
    const auto n = dims(smooth);
    auto out = newFloat(smooth);
    float* o = out->GetBufferPointer();
    const float* a = sn->GetBufferPointer();
    const float* b = sd->GetBufferPointer();
    // Fine index i sits at coarse index (i - (f - 1) / 2) / f on each axis
    // (blockDownsample's origin): per-axis cells and weights, then trilinear.
    struct Tap {
        size_t i0, i1;
        float w1;
    };
    std::array<std::vector<Tap>, 3> taps;
    for (size_t ax = 0; ax < 3; ++ax)
        for (size_t i = 0; i < n[ax]; ++i) {
            const double q = std::clamp((double(i) - (f[ax] - 1) / 2.0) / f[ax], 0.0, double(nc[ax] - 1));
            const size_t i0 = size_t(std::floor(q));
            taps[ax].push_back({i0, std::min(i0 + 1, nc[ax] - 1), float(q - double(i0))});
        }
    parallelFor(0, n[2], [&](size_t k) {
        const Tap tk = taps[2][k];
        for (size_t j = 0; j < n[1]; ++j) {
            const Tap tj = taps[1][j];
            for (size_t i = 0; i < n[0]; ++i) {
                const Tap ti = taps[0][i];
                auto tri = [&](const float* d) {
                    auto at = [&](size_t x, size_t y, size_t z) { return d[x + nc[0] * (y + nc[1] * z)]; };
                    const float c00 = at(ti.i0, tj.i0, tk.i0) * (1 - ti.w1) + at(ti.i1, tj.i0, tk.i0) * ti.w1;
                    const float c10 = at(ti.i0, tj.i1, tk.i0) * (1 - ti.w1) + at(ti.i1, tj.i1, tk.i0) * ti.w1;
                    const float c01 = at(ti.i0, tj.i0, tk.i1) * (1 - ti.w1) + at(ti.i1, tj.i0, tk.i1) * ti.w1;
                    const float c11 = at(ti.i0, tj.i1, tk.i1) * (1 - ti.w1) + at(ti.i1, tj.i1, tk.i1) * ti.w1;
                    return double((c00 * (1 - tj.w1) + c10 * tj.w1) * (1 - tk.w1) + (c01 * (1 - tj.w1) + c11 * tj.w1) * tk.w1);
                };
                const double sw = tri(b);
                // Below 5% support the estimate is an extrapolation: blend towards the median.
                const double support = std::clamp(sw / 0.05, 0.0, 1.0);
                const double local = sw > 1e-4 ? tri(a) / sw : fallback;
                o[linearIndex(n, i, j, k)] = static_cast<float>(support * local + (1.0 - support) * fallback);
            }
        }
    });
    return out;
}

// Whether a component can be vessels: elongated (the square root of the ratio
// of its two largest principal moments at least 2: a ball gives 1, a tube
// three times longer than wide 3.5, most lesions stay under 2:1) or sparse in
// its bounding box like a tree (under 15% of it; a ball fills 52%).
std::vector<char> vesselLike(const ComponentImage* cc, size_t count, const itk::ImageBase<3>* grid) {
    const auto n = dims(grid);
    const auto& sp = grid->GetSpacing();
    std::vector<std::array<double, 10>> m(count, std::array<double, 10>{}); // n, x, y, z, xx, yy, zz, xy, xz, yz
    std::vector<std::array<size_t, 6>> box(count, {n[0], n[1], n[2], 0, 0, 0});
    const auto* l = cc->GetBufferPointer();
    for (size_t k = 0, idx = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i, ++idx) {
                const auto c = l[idx];
                if (!c) continue;
                const double x = double(i) * sp[0], y = double(j) * sp[1], z = double(k) * sp[2];
                auto& a = m[c];
                a[0] += 1;
                a[1] += x, a[2] += y, a[3] += z;
                a[4] += x * x, a[5] += y * y, a[6] += z * z, a[7] += x * y, a[8] += x * z, a[9] += y * z;
                auto& b = box[c];
                b = {std::min(b[0], i), std::min(b[1], j), std::min(b[2], k), std::max(b[3], i), std::max(b[4], j),
                     std::max(b[5], k)};
            }
    std::vector<char> out(count, 0);
    for (size_t c = 1; c < count; ++c) {
        const auto& a = m[c];
        if (a[0] < 2) continue;
        const double mx = a[1] / a[0], my = a[2] / a[0], mz = a[3] / a[0];
        const double cxx = a[4] / a[0] - mx * mx, cyy = a[5] / a[0] - my * my, czz = a[6] / a[0] - mz * mz;
        const double cxy = a[7] / a[0] - mx * my, cxz = a[8] / a[0] - mx * mz, cyz = a[9] / a[0] - my * mz;
        double e[3];
        symmetricEigenvalues(cxx, cyy, czz, cxy, cxz, cyz, e); // increasing |value|
        const auto& b = box[c];
        const double boxVoxels = double(b[3] - b[0] + 1) * double(b[4] - b[1] + 1) * double(b[5] - b[2] + 1);
        out[c] = e[2] >= 4.0 * std::max(e[1], 1e-9) || a[0] < 0.15 * boxVoxels;
    }
    return out;
}

struct Thresholds {
    double seed, seedEdge, seedRaw, grow;
};

// Hysteresis detection on the heights above the background, inside `region`:
// seeds at any smoothing (thin vessels keep their peak only at the lighter
// ones), grown on the detection smoothing.
MaskImage::Pointer detect(const float* hDetect, const float* hEdge, const float* hRaw, const MaskImage* region,
                          const Thresholds& t) {
    auto seeds = newMask(region);
    auto cand = newMask(region);
    const auto* r = region->GetBufferPointer();
    auto* s = seeds->GetBufferPointer();
    auto* c = cand->GetBufferPointer();
    const size_t total = region->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < total; ++i) {
        if (!r[i]) continue;
        s[i] = hDetect[i] > t.seed || hEdge[i] > t.seedEdge || hRaw[i] > t.seedRaw;
        c[i] = s[i] || hDetect[i] > t.grow;
    }
    return hysteresis(seeds, cand);
}

} // namespace

VesselMask vesselLumenMask(const FloatImage* C, const MaskImage* L, const MaskImage* W, const VesselMaskOptions& opt,
                           const Progress& progress) {
    VesselMask res;
    auto lap = std::chrono::steady_clock::now();
    auto stamp = [&](const char* step) {
        const auto now = std::chrono::steady_clock::now();
        res.stepSeconds.emplace_back(step, std::chrono::duration<double>(now - lap).count());
        lap = now;
    };
    const auto n = dims(C);
    const size_t total = n[0] * n[1] * n[2];
    const auto& sp = C->GetSpacing();
    const double hMin = std::min({sp[0], sp[1], sp[2]});
    const double hGeo = std::cbrt(sp[0] * sp[1] * sp[2]);
    res.detectSigma_mm = std::max(1.0, 1.25 * hMin);
    res.edgeSigma_mm = std::max(0.5, 0.6 * hMin);

    // 1. Parenchyma statistics (liver core).
    auto core = erode(L, 3.0);
    if (countOn(core) < 1000) core = andMask(L, L);
    auto gDetect = gaussianSmoothFir(C, res.detectSigma_mm, opt.threads);
    auto gEdge = gaussianSmoothFir(C, res.edgeSigma_mm, opt.threads);
    stamp("parenchyma: smoothing");
    const float* c = C->GetBufferPointer();
    const float* gd = gDetect->GetBufferPointer();
    const float* ge = gEdge->GetBufferPointer();
    const auto* cm = core->GetBufferPointer();
    {
        std::vector<float> raw, d, e;
        for (size_t i = 0; i < total; ++i)
            if (cm[i]) {
                raw.push_back(c[i]);
                d.push_back(gd[i]);
                e.push_back(ge[i]);
            }
        const RobustStats r = robustStats(raw), rd = robustStats(d), re = robustStats(e);
        res.parenchyma_hu = rd.median;
        res.noise_hu = r.sd;
        res.noiseDetect_hu = rd.sd;
        res.noiseEdge_hu = re.sd;
    }
    progress.checkCancel();

    stamp("parenchyma");
    // 2. Background field from parenchyma-like voxels (within 2.5 SD of the
    // median), away from `exclude` (vessels found so far, grown by 2 mm).
    std::vector<float> hDetect(total), hEdge(total), hRaw(total);
    auto makeBackground = [&](const MaskImage* exclude) {
        auto weight = newMask(C);
        auto* w = weight->GetBufferPointer();
        const double band = 2.5 * res.noiseDetect_hu;
        for (size_t i = 0; i < total; ++i) w[i] = cm[i] && std::abs(gd[i] - res.parenchyma_hu) < band;
        if (exclude) {
            auto grown = dilateSmall(exclude, 2.0);
            const auto* x = grown->GetBufferPointer();
            for (size_t i = 0; i < total; ++i) w[i] = w[i] && !x[i];
        }
        res.background = backgroundField(gDetect, weight, opt.background_mm, res.parenchyma_hu);
        const float* bg = res.background->GetBufferPointer();
        for (size_t i = 0; i < total; ++i) {
            hDetect[i] = gd[i] - bg[i];
            hEdge[i] = ge[i] - bg[i];
            hRaw[i] = c[i] - bg[i];
        }
    };
    makeBackground(nullptr);
    stamp("background");
    progress.update(0.3, "vessels: contrast");

    // 3. Contrast: first guess from the bright tail of the liver, then the lumen of thick vessels.
    double contrast = 0;
    {
        std::vector<float> tail;
        for (size_t i = 0; i < total; ++i)
            if (cm[i]) tail.push_back(hEdge[i]);
        contrast = percentile(tail, 99.5);
        const double minContrast = std::max(20.0, 4.0 * res.noiseEdge_hu);
        if (contrast < minContrast)
            throw Error("no enhanced vessels in the liver: its brightest 0.5% is only " + fmt(contrast) +
                        " HU above the parenchyma (" + fmt(res.parenchyma_hu) +
                        " HU); vessel segmentation needs a contrast-enhanced (portal venous) CT");
    }
    auto thresholds = [&](double k) {
        Thresholds t;
        t.seed = std::max(opt.seedFraction * k, opt.seedNoise * res.noiseDetect_hu);
        t.seedEdge = std::max(opt.seedEdgeFraction * k, opt.seedNoise * res.noiseEdge_hu);
        t.grow = std::max(opt.growFraction * k, opt.growNoise * res.noiseDetect_hu);
        t.seedRaw = std::max(opt.seedRawFraction * k, opt.seedNoise * res.noise_hu);
        return t;
    };
    {
        auto first = detect(hDetect.data(), hEdge.data(), hRaw.data(), W, thresholds(contrast));
        stamp("contrast: first detection");
        // The background again without the vessels (a wide, moderately
        // enhanced IVC is otherwise taken for parenchyma around it).
        makeBackground(first);
        stamp("contrast: background again");
        auto deep = distanceToOff(first, opt.threads);
        const float* dd = deep->GetBufferPointer();
        const auto* inLiver = L->GetBufferPointer();
        const float depth = static_cast<float>(std::max(1.5, 1.5 * hGeo) + 0.5 * hMin);
        std::vector<float> lumen, blood;
        const float* bg = res.background->GetBufferPointer();
        for (size_t i = 0; i < total; ++i)
            if (dd[i] >= depth && inLiver[i]) {
                lumen.push_back(c[i] - bg[i]);
                blood.push_back(c[i]);
            }
        if (lumen.size() >= 50) {
            res.blood_hu = percentile(blood, 50);
            contrast = std::max(contrast, double(percentile(lumen, 50)));
        } else {
            res.blood_hu = res.parenchyma_hu + contrast;
            res.warnings.push_back("no vessel in the liver is thick enough to read the blood level from; the contrast (" +
                                   fmt(contrast) + " HU) is the liver's brightest 0.5%");
        }
    }
    res.contrast_hu = contrast;
    stamp("contrast");
    const Thresholds t = thresholds(contrast);
    res.seed_hu = t.seed;
    res.grow_hu = t.grow;
    res.edge_hu = std::max(opt.edgeFraction * contrast, opt.edgeNoise * res.noiseEdge_hu);
    progress.update(0.4, "vessels: detection");

    // Bone (ribs, spine) and calcification in the margin are brighter than any
    // blood: voxels above the blood level plus the contrast (and 100 HU) are
    // not searched, nor 1.5 mm around them (their partial-volume rim).
    auto region = newMask(C);
    {
        auto bright = newMask(C);
        auto* br = bright->GetBufferPointer();
        const float limit = static_cast<float>(res.blood_hu + std::max(100.0, contrast));
        size_t count = 0;
        for (size_t i = 0; i < total; ++i) count += br[i] = ge[i] > limit;
        auto grown = count ? dilateSmall(bright, 1.5) : bright;
        const auto* gb = grown->GetBufferPointer();
        const auto* w = W->GetBufferPointer();
        auto* r = region->GetBufferPointer();
        for (size_t i = 0; i < total; ++i) r[i] = w[i] && !gb[i];
        res.boneLimit_hu = limit;
    }
    W = region.GetPointer();

    // 4. Detection, and the components worth keeping.
    auto D = detect(hDetect.data(), hEdge.data(), hRaw.data(), W, t);
    {
        // Components that are neither elongated nor tree-like (a lesion, a
        // blob of noise), that are small, or that lie mostly outside the liver (ribs, kidney or
        // bowel in the margin) are dropped.
        std::vector<size_t> sizes;
        auto cc = components(D, true, &sizes);
        const auto* l = cc->GetBufferPointer();
        const auto* inLiver = L->GetBufferPointer();
        const std::vector<char> tubular = vesselLike(cc, sizes.size(), C);
        std::vector<size_t> inside(sizes.size(), 0);
        for (size_t i = 0; i < total; ++i)
            if (l[i] && inLiver[i]) ++inside[l[i]];
        const double minVoxels = opt.minVolume_mm3 / voxelVolume_mm3(C);
        auto* d = D->GetBufferPointer();
        for (size_t i = 0; i < total; ++i)
            d[i] = l[i] && tubular[l[i]] && double(sizes[l[i]]) >= minVoxels && 4 * inside[l[i]] >= sizes[l[i]];
    }
    res.detection = D;
    stamp("detection");
    progress.update(0.7, "vessels: lumen edge");

    // 5. The lumen edge near the detection, smoothed, connected to it.
    {
        auto nearD = dilateSmall(D, std::max(1.2, 1.01 * hMin));
        auto edge = newFloat(C);
        float* e = edge->GetBufferPointer();
        const auto* nd = nearD->GetBufferPointer();
        const auto* w = W->GetBufferPointer();
        const float level = static_cast<float>(res.edge_hu);
        for (size_t i = 0; i < total; ++i) e[i] = (nd[i] && w[i] && hEdge[i] > level) ? 1.0f : 0.0f;
        stamp("lumen edge: near");
        auto smooth = gaussianSmoothFir(edge, std::max(0.6, 0.6 * hMin), opt.threads);
        stamp("lumen edge: smooth");
        auto lumen = newMask(C);
        auto* lm = lumen->GetBufferPointer();
        const float* s = smooth->GetBufferPointer();
        const auto* d = D->GetBufferPointer();
        // Vessels thinner than the resolution never reach the contour level:
        // on the detection, their own half-maximum (of the 3x3x3 peak) holds
        // where it is lower, above the noise.
        const float floor = static_cast<float>(opt.edgeNoise * res.noiseEdge_hu);
        const long nx = long(n[0]), ny = long(n[1]), nz = long(n[2]);
        for (long k = 0; k < nz; ++k)
            for (long j = 0; j < ny; ++j)
                for (long i = 0; i < nx; ++i) {
                    const size_t idx = size_t(i + nx * (j + ny * k));
                    lm[idx] = w[idx] && (s[idx] > 0.4f || (d[idx] && hEdge[idx] > level));
                    if (lm[idx] || !d[idx] || !w[idx] || hEdge[idx] <= floor) continue;
                    float peak = hEdge[idx];
                    for (long dz = -1; dz <= 1; ++dz)
                        for (long dy = -1; dy <= 1; ++dy)
                            for (long dx = -1; dx <= 1; ++dx) {
                                const long x = i + dx, y = j + dy, z = k + dz;
                                if (x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz)
                                    peak = std::max(peak, hEdge[size_t(x + nx * (y + ny * z))]);
                            }
                    lm[idx] = hEdge[idx] > std::min(level, 0.5f * peak);
                }
        auto connected = hysteresis(D, lumen);
        stamp("lumen edge: connected");
        res.lumen = fillSmallHoles(connected, 2.0);
    }
    stamp("lumen edge");
    progress.update(1.0, "vessels: lumen done");
    return res;
}

} // namespace irplan::seg
