#include "segmentation/Vessels.h"

#include "core/Error.h"
#include "core/Parallel.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Liver.h"
#include "segmentation/Skeleton.h"
#include "segmentation/SkeletonGraph.h"
#include "segmentation/SparseOps.h"
#include "segmentation/VesselBranches.h"
#include "segmentation/VesselDiameter.h"
#include "segmentation/VesselKinds.h"
#include "segmentation/VesselMask.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace irplan::seg {

std::string vesselKindName(VesselKind kind) {
    switch (kind) {
    case VesselKind::Portal: return "portal";
    case VesselKind::Hepatic: return "hepatic";
    case VesselKind::Artery: return "artery";
    case VesselKind::Ivc: return "ivc";
    default: return "unknown";
    }
}

std::string vesselKindLabelName(VesselKind kind) {
    switch (kind) {
    case VesselKind::Portal: return "portal vein";
    case VesselKind::Hepatic: return "hepatic vein";
    case VesselKind::Artery: return "artery";
    case VesselKind::Ivc: return "inferior vena cava";
    default: return "vessel (kind unknown)";
    }
}

int vesselKindLabel(VesselKind kind) {
    switch (kind) {
    case VesselKind::Portal: return 2;
    case VesselKind::Hepatic: return 3;
    case VesselKind::Artery: return 4;
    case VesselKind::Ivc: return 6;
    default: return 1;
    }
}

VesselKind vesselKindFromName(const std::string& name) {
    for (VesselKind k : {VesselKind::Portal, VesselKind::Hepatic, VesselKind::Artery, VesselKind::Ivc})
        if (name == vesselKindName(k) || name == vesselKindLabelName(k)) return k;
    return VesselKind::Unknown;
}

namespace {

std::string fmt(double v, int precision = 1) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", precision, v);
    return b;
}

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    auto mid = v.begin() + static_cast<long>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

// The search region: the liver grown by the margin, but nothing above the
// liver's own top in each column (grown in-plane by the margin): the heart
// and the atrium lie on the dome, and the IVC joins them there.
MaskImage::Pointer searchRegion(const MaskImage* L, double margin_mm) {
    auto W = dilate(L, margin_mm);
    const auto n = dims(L);
    const int a = voxelAxisClosestTo(L, 2);
    const int b = (a + 1) % 3, c = (a + 2) % 3;
    const auto& sp = L->GetSpacing();
    const auto* l = L->GetBufferPointer();
    auto zOf = [&](size_t i, size_t j, size_t k) { return indexToPoint(L, {double(i), double(j), double(k)}).z; };
    auto at = [&](size_t ia, size_t ib, size_t ic) {
        size_t idx[3];
        idx[a] = ia;
        idx[b] = ib;
        idx[c] = ic;
        return std::array<size_t, 3>{idx[0], idx[1], idx[2]};
    };
    const double none = -1e300;
    std::vector<double> top(n[size_t(b)] * n[size_t(c)], none);
    for (size_t ic = 0; ic < n[size_t(c)]; ++ic)
        for (size_t ib = 0; ib < n[size_t(b)]; ++ib)
            for (size_t ia = 0; ia < n[size_t(a)]; ++ia) {
                const auto v = at(ia, ib, ic);
                if (l[linearIndex(n, v[0], v[1], v[2])])
                    top[ib + n[size_t(b)] * ic] = std::max(top[ib + n[size_t(b)] * ic], zOf(v[0], v[1], v[2]));
            }
    const long rb = long(margin_mm / sp[size_t(b)]), rc = long(margin_mm / sp[size_t(c)]);
    std::vector<double> grown(top.size(), none);
    for (long ic = 0; ic < long(n[size_t(c)]); ++ic)
        for (long ib = 0; ib < long(n[size_t(b)]); ++ib) {
            double best = none;
            for (long dc = -rc; dc <= rc; ++dc)
                for (long db = -rb; db <= rb; ++db) {
                    const long x = ib + db, y = ic + dc;
                    if (x < 0 || y < 0 || x >= long(n[size_t(b)]) || y >= long(n[size_t(c)])) continue;
                    const double d2 = std::pow(db * sp[size_t(b)], 2) + std::pow(dc * sp[size_t(c)], 2);
                    if (d2 <= margin_mm * margin_mm) best = std::max(best, top[size_t(x) + n[size_t(b)] * size_t(y)]);
                }
            grown[size_t(ib) + n[size_t(b)] * size_t(ic)] = best;
        }
    auto* w = W->GetBufferPointer();
    const double tolerance = sp[size_t(a)];
    for (size_t ic = 0; ic < n[size_t(c)]; ++ic)
        for (size_t ib = 0; ib < n[size_t(b)]; ++ib)
            for (size_t ia = 0; ia < n[size_t(a)]; ++ia) {
                const auto v = at(ia, ib, ic);
                const size_t i = linearIndex(n, v[0], v[1], v[2]);
                if (w[i] && zOf(v[0], v[1], v[2]) > grown[ib + n[size_t(b)] * ic] + tolerance) w[i] = 0;
            }
    return W;
}

// Vessels wider than 2 x this (IVC, portal trunk) do not lend their lumen
// intensity to thinner branches.
constexpr double kMaxDonorRadius_mm = 6.0;

// Blood (lumen) intensity: the raw CT at the centre of thick branches; thin
// branches inherit it from their nearest thick ancestor.
void assignBlood(std::vector<BranchWork>& works, const FloatImage* C, const MaskImage* mask, double thick_mm,
                 std::vector<std::string>& warnings) {
    const auto n = dims(C);
    const float* c = C->GetBufferPointer();
    std::vector<double> thickBloods, donorBloods;
    for (auto& w : works) {
        std::vector<double> vals;
        for (size_t i = 0; i < w.points.size(); ++i)
            if (w.r0[i] >= thick_mm) vals.push_back(sampleLinear(c, n, pointToIndex(C, w.points[i])));
        if (vals.size() >= 5) {
            w.blood = median(vals);
            w.bloodFrom = "own centre";
            thickBloods.push_back(w.blood);
            if (median(w.r0) <= kMaxDonorRadius_mm) donorBloods.push_back(w.blood);
        }
    }
    double globalBlood = median(donorBloods);
    if (donorBloods.empty() && !thickBloods.empty()) globalBlood = median(thickBloods);
    if (thickBloods.empty()) {
        std::vector<float> inside;
        const auto* m = mask->GetBufferPointer();
        for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i)
            if (m[i]) inside.push_back(c[i]);
        globalBlood = percentile(inside, 95);
        warnings.push_back("no vessel thicker than " + fmt(2 * thick_mm) +
                           " mm to read the blood intensity from; used the 95th percentile inside the vessels (" +
                           fmt(globalBlood) + " HU), so thin-vessel diameters may be overestimated");
    }
    // Wide trunks (the IVC mixes opacified and unopacified blood) do not pass
    // their level on to the veins that drain into them.
    auto donor = [&](const BranchWork& w) { return w.bloodFrom == "own centre" && median(w.r0) <= kMaxDonorRadius_mm; };
    for (auto& w : works) {
        if (!w.bloodFrom.empty()) continue;
        int a = w.parent;
        while (a >= 0 && !donor(works[size_t(a)])) a = works[size_t(a)].parent;
        w.blood = a >= 0 ? works[size_t(a)].blood : globalBlood;
        w.bloodFrom = a >= 0 ? "ancestor" : "thick vessels";
    }
}

// Diameter at every point from the image's cross-section (VesselDiameter.h),
// against the local parenchyma level.
void measureDiameters(std::vector<BranchWork>& works, const FloatImage* C, const FloatImage* background, double hGeo,
                      const VesselOptions& opt) {
    const auto nb = dims(background);
    const float* bgData = background->GetBufferPointer();
    parallelFor(0, works.size(), [&](size_t wi) {
        opt.progress.checkCancel();
        auto& w = works[wi];
        const size_t np = w.points.size();
        w.diameters.assign(np, 0.0);
        // Every other point (they lie ~1 voxel apart and the result is
        // median-filtered anyway); the ones between are interpolated.
        for (size_t i = 0; i < np; ++i) {
            if (i % 2 == 1 && i + 1 < np) continue;
            const size_t a = i >= 2 ? i - 2 : 0, b = std::min(np - 1, i + 2);
            Vec3 t = w.points[b] - w.points[a];
            if (norm(t) == 0) t = {0, 0, 1};
            CrossSectionInput in;
            in.image = C;
            in.centre_mm = w.points[i];
            in.tangent = t;
            in.radiusGuess_mm = w.r0[i];
            in.blood = w.blood;
            in.fallbackBackground = sampleLinear(bgData, nb, pointToIndex(background, w.points[i]));
            in.slab_mm = std::max(0.5, 0.5 * hGeo);
            const CrossSection cs = measureCrossSection(in);
            // A centreline point lies in the lumen: never narrower than half a
            // voxel (a failed section with a zero distance would say 0 mm).
            w.diameters[i] = std::max(cs.valid ? cs.diameter_mm : 2.0 * w.r0[i], 0.5 * hGeo);
        }
        for (size_t i = 1; i + 1 < np; i += 2) w.diameters[i] = 0.5 * (w.diameters[i - 1] + w.diameters[i + 1]);
        // Running median of five against noise.
        std::vector<double> sm(np);
        for (size_t i = 0; i < np; ++i) {
            std::vector<double> win;
            for (long d = -2; d <= 2; ++d) {
                const long j = long(i) + d;
                if (j >= 0 && j < long(np)) win.push_back(w.diameters[size_t(j)]);
            }
            sm[i] = median(win);
        }
        w.diameters = sm;
        // Junction points take the diameter of the nearest point of this branch outside the junction.
        for (size_t i = 0; i < np; ++i) {
            if (!w.inJunction[i]) continue;
            long best = -1;
            for (long d = 1; d < long(np) && best < 0; ++d) {
                if (long(i) - d >= 0 && !w.inJunction[size_t(long(i) - d)]) best = long(i) - d;
                else if (i + size_t(d) < np && !w.inJunction[i + size_t(d)]) best = long(i) + d;
            }
            if (best >= 0) w.diameters[i] = sm[size_t(best)];
        }
    }, opt.threads);
}

// Branch records (ids in breadth-first order, so parents come first).
std::vector<VesselBranch> branchRecords(const BranchSet& set, double threshold_mm) {
    std::vector<VesselBranch> out;
    for (size_t wi = 0; wi < set.branches.size(); ++wi) {
        const auto& w = set.branches[wi];
        VesselBranch b;
        b.id = int(wi) + 1;
        b.parent = w.parent >= 0 ? w.parent + 1 : -1;
        b.points_mm = w.points;
        b.diameters_mm = w.diameters;
        for (size_t i = 1; i < w.points.size(); ++i) b.length_mm += distance(w.points[i - 1], w.points[i]);
        // Median away from junctions (where neighbouring branches bias the section).
        const bool jStart = set.degree(w.startNode) >= 2, jEnd = set.degree(w.endNode) >= 2;
        const double rs = w.r0.front() + 1.0, re = w.r0.back() + 1.0;
        std::vector<double> mid;
        double along = 0;
        for (size_t i = 0; i < w.points.size(); ++i) {
            if (i > 0) along += distance(w.points[i - 1], w.points[i]);
            if ((jStart && along < rs) || (jEnd && b.length_mm - along < re)) continue;
            mid.push_back(w.diameters[i]);
        }
        b.diameter_mm = mid.empty() ? median(w.diameters) : median(mid);
        b.ge3mm = b.diameter_mm >= threshold_mm;
        b.blood = w.blood;
        b.bloodFrom = w.bloodFrom;
        out.push_back(b);
    }
    return out;
}

void classifyKinds(VesselResult& res, const BranchSet& set, const MaskImage* liver, const VesselOptions& opt) {
    KindInput ki;
    ki.phase = opt.phase;
    ki.noise_hu = res.liverNoise_hu;
    const auto n = dims(liver);
    const auto* l = liver->GetBufferPointer();
    ki.liverTop_z = -1e300;
    ki.liverBottom_z = 1e300;
    for (size_t k = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i)
                if (l[linearIndex(n, i, j, k)]) {
                    const double z = indexToPoint(liver, {double(i), double(j), double(k)}).z;
                    ki.liverTop_z = std::max(ki.liverTop_z, z);
                    ki.liverBottom_z = std::min(ki.liverBottom_z, z);
                }
    for (size_t i = 0; i < res.branches.size(); ++i) {
        const auto& b = res.branches[i];
        KindBranch k;
        k.points = b.points_mm;
        k.diameter_mm = b.diameter_mm;
        k.length_mm = b.length_mm;
        k.lumen_hu = b.blood;
        k.startNode = set.branches[i].startNode;
        k.endNode = set.branches[i].endNode;
        size_t inside = 0;
        for (const auto& p : b.points_mm) {
            const Vec3 q = pointToIndex(liver, p);
            const long x = std::lround(q.x), y = std::lround(q.y), z = std::lround(q.z);
            if (x >= 0 && y >= 0 && z >= 0 && x < long(n[0]) && y < long(n[1]) && z < long(n[2]))
                inside += l[linearIndex(n, size_t(x), size_t(y), size_t(z))] != 0;
        }
        k.insideLiver = b.points_mm.empty() ? 0.0 : double(inside) / double(b.points_mm.size());
        ki.branches.push_back(std::move(k));
    }
    const KindResult kr = classifyVesselKinds(ki);
    for (size_t i = 0; i < res.branches.size(); ++i) {
        res.branches[i].kind = kr.kinds[i];
        res.branches[i].kindFrom = kr.why[i];
    }
    res.kindMethod = kr.method;
    for (const auto& w : kr.warnings) res.warnings.push_back(w);
}

} // namespace

VesselResult segmentVessels(const Volume& ct, const MaskImage* liver, const VesselOptions& opt) {
    const auto t0 = std::chrono::steady_clock::now();
    const Progress& progress = opt.progress;
    VesselResult res;
    auto lap = t0;
    auto stamp = [&](const char* step) {
        const auto now = std::chrono::steady_clock::now();
        res.stepSeconds.emplace_back(step, std::chrono::duration<double>(now - lap).count());
        lap = now;
    };
    res.threshold_mm = opt.threshold_mm;
    if (!ct.image) throw Error("vessel segmentation: no CT");
    if (!liver) throw Error("vessel segmentation needs a liver mask (irplan segment liver)");
    if (imageKindOf(ct, &res.warnings) != ImageKind::CT)
        throw Error("vessel segmentation needs a contrast CT in HU; " + ct.meta.sourcePath + " is not a CT");
    if (!sameGrid(ct.image, liver))
        throw Error("the liver mask is not on the CT's grid (size, spacing, origin or direction differ): segment the "
                    "liver on this CT");
    if (countOn(liver) == 0) throw Error("the liver mask is empty: no liver to look for vessels in");

    progress.update(0.0, "vessels: cropping to the liver");
    const Region box = boundingRegion(liver, opt.margin_mm + 6.0);
    auto C = crop(ct.image.GetPointer(), box);
    auto L = crop(liver, box);
    auto W = searchRegion(L, opt.margin_mm);
    const auto& sp = C->GetSpacing();
    const double hMax = std::max({sp[0], sp[1], sp[2]});
    // Typical voxel size: thick slices (5 mm CT) must not make every vessel "thin".
    const double hGeo = std::cbrt(sp[0] * sp[1] * sp[2]);
    stamp("crop");
    progress.checkCancel();

    // The lumen mask against the local parenchyma (VesselMask.h).
    VesselMaskOptions mo;
    mo.threads = opt.threads;
    const VesselMask vm = vesselLumenMask(C, L, W, mo, progress.sub(0.02, 0.55));
    res.liverMedian_hu = vm.parenchyma_hu;
    res.liverNoise_hu = vm.noise_hu;
    res.contrast_hu = vm.contrast_hu;
    res.blood_hu = vm.blood_hu;
    res.seedThreshold_hu = vm.seed_hu;
    res.growThreshold_hu = vm.grow_hu;
    res.edgeThreshold_hu = vm.edge_hu;
    for (const auto& w : vm.warnings) res.warnings.push_back(w);
    const MaskImage::Pointer mask = vm.lumen;
    stamp("lumen mask");
    for (const auto& st : vm.stepSeconds) res.stepSeconds.emplace_back("lumen mask: " + st.first, st.second);

    progress.update(0.6, "vessels: centrelines");
    auto skeleton = skeletonize(mask, progress.sub(0.6, 0.7));
    stamp("skeleton");
    auto edt = distanceToOff(mask, opt.threads);
    SkeletonGraph graph = buildGraph(skeleton);
    pruneGraph(graph, skeleton, edt, 2.0 * hGeo);
    progress.update(0.72, "vessels: branches");
    BranchSet set = buildBranches(graph, edt, dilateSmall(mask, 1.01 * hMax), opt.minLength_mm);
    stamp("branch graph");
    progress.update(0.75, "vessels: diameters");
    assignBlood(set.branches, C, mask, std::max(1.5, 1.5 * hGeo), res.warnings);
    measureDiameters(set.branches, C, vm.background, hGeo, opt);
    stamp("diameters");
    progress.update(0.9, "vessels: kinds");
    res.branches = branchRecords(set, opt.threshold_mm);
    classifyKinds(res, set, L, opt);
    stamp("kinds");
    progress.update(0.93, "vessels: writing the tree");

    // Images on the CT grid.
    auto maskCrop = newMask(C);
    auto diamCrop = newFloat(C);
    auto labelCrop = newLabels(C);
    auto kindCrop = newLabels(C);
    {
        const size_t total = set.owner.size();
        const auto* m = mask->GetBufferPointer();
        auto* mo2 = maskCrop->GetBufferPointer();
        float* d = diamCrop->GetBufferPointer();
        auto* lb = labelCrop->GetBufferPointer();
        auto* kd = kindCrop->GetBufferPointer();
        for (size_t i = 0; i < total; ++i) {
            const int o = set.owner[i];
            if (!m[i] || o < 0) continue;
            const auto& w = set.branches[size_t(o)];
            mo2[i] = 1;
            d[i] = static_cast<float>(w.diameters[size_t(std::clamp(set.ownerPoint[i], 0, int(w.diameters.size()) - 1))]);
            lb[i] = static_cast<LabelImage::PixelType>(std::min(65535, o + 1));
            kd[i] = static_cast<LabelImage::PixelType>(vesselKindLabel(res.branches[size_t(o)].kind));
        }
    }
    res.mask = newMask(ct.image);
    res.diameter_mm = newFloat(ct.image);
    res.branchLabels = newLabels(ct.image);
    res.kindLabels = newLabels(ct.image);
    paste(res.mask.GetPointer(), maskCrop.GetPointer());
    paste(res.diameter_mm.GetPointer(), diamCrop.GetPointer());
    paste(res.branchLabels.GetPointer(), labelCrop.GetPointer());
    paste(res.kindLabels.GetPointer(), kindCrop.GetPointer());
    if (res.branches.empty()) throw Error("no vessels found in the liver (contrast " + fmt(res.contrast_hu) + " HU)");
    if (set.branches.size() > 65535) res.warnings.push_back("more than 65535 branches: branch labels above that are clipped");
    stamp("output images");
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.update(1.0, "vessels: done");
    return res;
}

} // namespace irplan::seg
