#include "segmentation/Vessels.h"

#include "core/Error.h"
#include "core/Parallel.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Liver.h"
#include "segmentation/Skeleton.h"
#include "segmentation/SkeletonGraph.h"
#include "segmentation/VesselDiameter.h"
#include "segmentation/Vesselness.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace irplan::seg {

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

// A branch being assembled from the skeleton graph.
struct Work {
    int graphBranch = -1;
    int parent = -1;         // index into the work list
    int startNode = -1, endNode = -1;
    std::vector<Vec3> points;
    std::vector<double> r0;  // radius from the mask's distance map (mm)
    std::vector<size_t> voxels; // skeleton voxels, in order
    double blood = 0;
    std::string bloodFrom;
    std::vector<double> diameters;
    std::vector<char> inJunction; // point lies inside the lumen of the junction it starts or ends at
};

// Vessels wider than 2 x this (IVC, portal trunk) do not lend their lumen
// intensity to thinner branches.
constexpr double kMaxDonorRadius_mm = 6.0;

std::vector<double> defaultSigmas(double h) {
    // From the smallest resolvable tube (~1 voxel) up to ~5 mm (tubes of ~15 mm);
    // the bright lumen of larger vessels is caught by the intensity threshold.
    std::vector<double> s;
    for (double x = std::max(0.6, 0.5 * h); x < 5.6; x *= 1.5) s.push_back(x);
    return s;
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
    auto W = dilate(L, opt.margin_mm);
    const auto n = dims(C);
    const size_t total = n[0] * n[1] * n[2];
    const auto& sp = C->GetSpacing();
    const double hMin = std::min({sp[0], sp[1], sp[2]}), hMax = std::max({sp[0], sp[1], sp[2]});
    // Typical voxel size: thick slices (5 mm CT) must not make every vessel "thin".
    const double hGeo = std::cbrt(sp[0] * sp[1] * sp[2]);
    progress.checkCancel();

    // Parenchyma: median and noise of the liver away from its surface.
    auto core = erode(L, 3.0);
    if (countOn(core) < 1000) core = L;
    auto S = gaussianSmooth(C, std::max(0.5, 0.5 * hMin));
    double noiseSmooth = 0, smoothMedian = 0;
    const float* c = C->GetBufferPointer();
    const float* s = S->GetBufferPointer();
    {
        std::vector<float> raw, sm;
        const auto* m = core->GetBufferPointer();
        for (size_t i = 0; i < total; ++i)
            if (m[i]) {
                raw.push_back(c[i]);
                sm.push_back(s[i]);
            }
        const RobustStats r = robustStats(raw);
        const RobustStats q = robustStats(sm);
        res.liverMedian_hu = r.median;
        res.liverNoise_hu = r.sd;
        // First guess of the vessel contrast: the bright tail of the liver.
        res.contrast_hu = percentile(sm, 99.5) - q.median;
        noiseSmooth = q.sd;
        smoothMedian = q.median;
        const double minContrast = std::max(20.0, 4.0 * q.sd);
        if (res.contrast_hu < minContrast)
            throw Error("no enhanced vessels in the liver: its brightest 0.5% is only " + fmt(res.contrast_hu) +
                        " HU above the parenchyma (" + fmt(q.median) +
                        " HU); vessel segmentation needs a contrast-enhanced (portal venous) CT");
    }
    stamp("crop and parenchyma");
    progress.update(0.05, "vessels: vesselness");

    VesselnessOptions vo;
    vo.sigmas_mm = opt.sigmas_mm.empty() ? defaultSigmas(hGeo) : opt.sigmas_mm;
    vo.c = std::max(5.0, 0.1 * res.contrast_hu);
    vo.threads = opt.threads;
    res.sigmas_mm = vo.sigmas_mm;
    // Vesselness is only needed where the voxel is bright enough to be a
    // vessel at all (the low threshold can only rise in the second pass).
    auto candidates = newMask(C);
    {
        const double low0 = smoothMedian + std::max(3.0 * noiseSmooth, 0.1 * res.contrast_hu);
        auto* cm = candidates->GetBufferPointer();
        const auto* w = W->GetBufferPointer();
        for (size_t i = 0; i < total; ++i) cm[i] = w[i] && s[i] > low0;
    }
    const VesselnessResult vr = vesselness(C, candidates, vo, progress.sub(0.05, 0.55));
    const float* V = vr.vesselness->GetBufferPointer();
    stamp("vesselness");

    // Tubular and bright, or bright enough on its own (the lumen of large
    // vessels, above half the contrast); components without a clearly tubular
    // part inside the liver itself (ribs, kidney in the margin) are dropped.
    res.vesselnessThreshold = 0.05;
    const float vStrong = 0.25f;
    const auto* inLiver = L->GetBufferPointer();
    // Wide, low-contrast lumens (the IVC: ~35 HU above the liver in the portal
    // phase) are not tubular at these scales; a 2 mm smoothing finds them.
    auto S2 = gaussianSmooth(C, 2.0);
    const float* s2 = S2->GetBufferPointer();
    auto makeMask = [&]() {
        res.lowThreshold_hu = smoothMedian + std::max(3.0 * noiseSmooth, 0.1 * res.contrast_hu);
        res.highThreshold_hu = smoothMedian + 0.5 * res.contrast_hu;
        res.wideThreshold_hu = smoothMedian + std::max(5.0 * noiseSmooth / 4.0, 0.3 * res.contrast_hu);
        auto mk = newMask(C);
        auto* m = mk->GetBufferPointer();
        const auto* w = W->GetBufferPointer();
        const float lo = static_cast<float>(res.lowThreshold_hu), hi = static_cast<float>(res.highThreshold_hu);
        const float wide = static_cast<float>(res.wideThreshold_hu);
        const float vt = static_cast<float>(res.vesselnessThreshold);
        for (size_t i = 0; i < total; ++i) m[i] = w[i] && ((V[i] > vt && s[i] > lo) || s[i] > hi || s2[i] > wide);
        std::vector<size_t> sizes;
        auto cc = components(mk, true, &sizes);
        // Keep components that are tubular somewhere inside the liver and lie
        // mostly in it: ribs, kidney or bowel in the margin are dropped.
        std::vector<char> tubular(sizes.size(), 0);
        std::vector<size_t> inside(sizes.size(), 0);
        const auto* l = cc->GetBufferPointer();
        for (size_t i = 0; i < total; ++i) {
            if (!l[i] || !inLiver[i]) continue;
            ++inside[l[i]];
            if (V[i] > vStrong) tubular[l[i]] = 1;
        }
        const double minVoxels = 8.0 / voxelVolume_mm3(C); // 8 mm^3
        for (size_t i = 0; i < total; ++i)
            m[i] = l[i] && tubular[l[i]] && double(sizes[l[i]]) >= minVoxels && 4 * inside[l[i]] >= sizes[l[i]];
        return fillHoles(mk);
    };
    auto mask = makeMask();
    // Second pass with the contrast of the lumen itself: the raw CT deep inside
    // thick vessels (the liver's bright tail mixes lumen and partial volume).
    {
        auto deep = distanceToOff(mask);
        const float* dd = deep->GetBufferPointer();
        std::vector<float> lumen;
        const float depth = static_cast<float>(std::max(1.5, 1.5 * hGeo) + 0.5 * hMin);
        for (size_t i = 0; i < total; ++i)
            if (dd[i] >= depth && inLiver[i]) lumen.push_back(c[i]);
        if (lumen.size() >= 50) {
            const double contrast = percentile(lumen, 50) - smoothMedian;
            if (contrast > res.contrast_hu) {
                res.contrast_hu = contrast;
                mask = makeMask();
            }
        }
    }
    stamp("threshold and clean-up");
    progress.update(0.6, "vessels: centrelines");
    auto skeleton = skeletonize(mask, progress.sub(0.6, 0.7));
    stamp("skeleton");
    auto edt = distanceToOff(mask);
    SkeletonGraph graph = buildGraph(skeleton);
    pruneGraph(graph, skeleton, edt, 2.0 * hGeo);
    progress.update(0.72, "vessels: branches");

    // Connected groups of branches; tiny isolated pieces are dropped.
    const float* e = edt->GetBufferPointer();
    auto voxelPoint = [&](size_t v) {
        return indexToPoint(C, {double(v % n[0]), double((v / n[0]) % n[1]), double(v / (n[0] * n[1]))});
    };
    auto radiusAt = [&](size_t v) { return std::max(0.5 * hMin, double(e[v]) - 0.5 * hMin); };
    std::vector<int> live;
    for (size_t b = 0; b < graph.branches.size(); ++b)
        if (!graph.branches[b].removed) live.push_back(static_cast<int>(b));
    std::map<int, std::vector<int>> nodeBranches;
    for (int b : live) {
        nodeBranches[graph.branches[static_cast<size_t>(b)].a].push_back(b);
        if (graph.branches[static_cast<size_t>(b)].b != graph.branches[static_cast<size_t>(b)].a)
            nodeBranches[graph.branches[static_cast<size_t>(b)].b].push_back(b);
    }
    auto nodeCentre = [&](int node) {
        Vec3 p;
        for (size_t v : graph.nodes[static_cast<size_t>(node)].voxels) p += voxelPoint(v);
        return p / double(graph.nodes[static_cast<size_t>(node)].voxels.size());
    };
    auto nodeRadius = [&](int node) {
        double r = 0;
        for (size_t v : graph.nodes[static_cast<size_t>(node)].voxels) r = std::max(r, radiusAt(v));
        return r;
    };
    auto medianRadius = [&](int b) {
        std::vector<double> r;
        for (size_t v : graph.branches[static_cast<size_t>(b)].voxels) r.push_back(radiusAt(v));
        for (int node : {graph.branches[static_cast<size_t>(b)].a, graph.branches[static_cast<size_t>(b)].b})
            if (graph.nodes[static_cast<size_t>(node)].voxels.size() == 1 && r.empty()) r.push_back(nodeRadius(node));
        return median(r);
    };
    std::vector<Work> works;
    std::set<int> assigned;
    for (int seedBranch : live) {
        if (assigned.count(seedBranch)) continue;
        // The component of this branch.
        std::vector<int> comp;
        std::vector<int> stack{seedBranch};
        std::set<int> inComp{seedBranch};
        while (!stack.empty()) {
            const int b = stack.back();
            stack.pop_back();
            comp.push_back(b);
            for (int node : {graph.branches[static_cast<size_t>(b)].a, graph.branches[static_cast<size_t>(b)].b})
                for (int o : nodeBranches[node])
                    if (inComp.insert(o).second) stack.push_back(o);
        }
        for (int b : comp) assigned.insert(b);
        double compLength = 0;
        for (int b : comp) compLength += branchLength_mm(graph, b, C);
        if (compLength < opt.minLength_mm) continue;
        // Root: the thickest branch; then breadth first, children oriented away from their parent.
        int root = comp.front();
        double best = -1;
        for (int b : comp) {
            const double r = medianRadius(b);
            if (r > best) {
                best = r;
                root = b;
            }
        }
        struct Item {
            int branch, parent, via; // graph branch, parent work index, node shared with the parent
        };
        std::vector<Item> queue{{root, -1, graph.branches[static_cast<size_t>(root)].a}};
        std::set<int> done{root};
        std::set<int> expandedNodes;
        for (size_t qi = 0; qi < queue.size(); ++qi) {
            const auto [gb, parent, via] = queue[qi];
            const GraphBranch& br = graph.branches[static_cast<size_t>(gb)];
            Work w;
            w.graphBranch = gb;
            w.parent = parent;
            // Orientation: start at the node shared with the parent.
            const bool forward = br.a == via;
            w.startNode = forward ? br.a : br.b;
            w.endNode = forward ? br.b : br.a;
            w.voxels = br.voxels;
            if (!forward) std::reverse(w.voxels.begin(), w.voxels.end());
            const int self = static_cast<int>(works.size());
            works.push_back(w);
            for (int node : {works.back().startNode, works.back().endNode}) {
                if (!expandedNodes.insert(node).second) continue;
                for (int o : nodeBranches[node])
                    if (done.insert(o).second) queue.push_back({o, self, node});
            }
        }
    }
    stamp("branch graph");
    progress.update(0.75, "vessels: diameters");

    // Centreline points (node centres at both ends), lightly smoothed.
    for (auto& w : works) {
        std::vector<Vec3> raw;
        std::vector<double> r;
        raw.push_back(nodeCentre(w.startNode));
        r.push_back(nodeRadius(w.startNode));
        for (size_t v : w.voxels) {
            raw.push_back(voxelPoint(v));
            r.push_back(radiusAt(v));
        }
        if (w.endNode != w.startNode || w.voxels.empty()) {
            raw.push_back(nodeCentre(w.endNode));
            r.push_back(nodeRadius(w.endNode));
        }
        w.points = raw;
        for (size_t i = 1; i + 1 < raw.size(); ++i) {
            Vec3 acc;
            int cnt = 0;
            for (long d = -2; d <= 2; ++d) {
                const long j = long(i) + d;
                if (j < 0 || j >= long(raw.size())) continue;
                acc += raw[size_t(j)];
                ++cnt;
            }
            w.points[i] = acc / double(cnt);
        }
        w.r0 = r;
        // Points within the lumen at a junction belong to the vessel they
        // branch from: their cross-section is that vessel's.
        w.inJunction.assign(w.points.size(), 0);
        const bool jStart = nodeBranches[w.startNode].size() >= 3, jEnd = nodeBranches[w.endNode].size() >= 3;
        const Vec3 cs = nodeCentre(w.startNode), ce = nodeCentre(w.endNode);
        const double rs = nodeRadius(w.startNode), re = nodeRadius(w.endNode);
        for (size_t i = 0; i < w.points.size(); ++i)
            w.inJunction[i] = (jStart && distance(raw[i], cs) < rs) || (jEnd && distance(raw[i], ce) < re);
    }

    // Which branch owns each voxel of the (slightly dilated) vessels: nearest
    // skeleton voxel by breadth-first propagation.
    auto ownerMask = dilate(mask, 1.01 * hMax);
    std::vector<int> owner(total, -1);      // work index
    std::vector<int> ownerPoint(total, -1); // point index within the work
    {
        std::vector<size_t> queue;
        for (size_t wi = 0; wi < works.size(); ++wi) {
            const auto& w = works[wi];
            for (size_t k = 0; k < w.voxels.size(); ++k) {
                const size_t v = w.voxels[k];
                if (owner[v] >= 0 || w.inJunction[k + 1]) continue;
                owner[v] = int(wi);
                ownerPoint[v] = int(k + 1);
                queue.push_back(v);
            }
            for (int node : {w.startNode, w.endNode})
                for (size_t v : graph.nodes[static_cast<size_t>(node)].voxels)
                    if (owner[v] < 0) {
                        owner[v] = int(wi);
                        ownerPoint[v] = node == w.startNode ? 0 : int(w.points.size()) - 1;
                        queue.push_back(v);
                    }
        }
        const auto* om = ownerMask->GetBufferPointer();
        for (size_t qi = 0; qi < queue.size(); ++qi) {
            const size_t v = queue[qi];
            const long i = long(v % n[0]), j = long((v / n[0]) % n[1]), k = long(v / (n[0] * n[1]));
            for (int dz = -1; dz <= 1; ++dz)
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        const long x = i + dx, y = j + dy, z = k + dz;
                        if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
                        const size_t u = linearIndex(n, size_t(x), size_t(y), size_t(z));
                        if (!om[u] || owner[u] >= 0) continue;
                        owner[u] = owner[v];
                        ownerPoint[u] = ownerPoint[v];
                        queue.push_back(u);
                    }
        }
    }

    // Blood (lumen) intensity: the raw CT at the centre of thick branches;
    // thin branches inherit it from their nearest thick ancestor.
    const double thick_mm = std::max(1.5, 1.5 * hGeo);
    const auto nC = dims(C);
    std::vector<double> thickBloods, donorBloods;
    for (auto& w : works) {
        std::vector<double> vals;
        for (size_t i = 0; i < w.points.size(); ++i)
            if (w.r0[i] >= thick_mm) vals.push_back(sampleLinear(c, nC, pointToIndex(C, w.points[i])));
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
        for (size_t i = 0; i < total; ++i)
            if (m[i]) inside.push_back(c[i]);
        globalBlood = percentile(inside, 95);
        res.warnings.push_back("no vessel thicker than " + fmt(2 * thick_mm) +
                               " mm to read the blood intensity from; used the 95th percentile inside the vessels (" +
                               fmt(globalBlood) + " HU), so thin-vessel diameters may be overestimated");
    }
    // Wide trunks (the IVC mixes opacified and unopacified blood) do not
    // pass their level on to the veins that drain into them.
    auto donor = [&](const Work& w) {
        if (w.bloodFrom != "own centre") return false;
        std::vector<double> r = w.r0;
        return median(r) <= kMaxDonorRadius_mm;
    };
    for (auto& w : works) {
        if (!w.bloodFrom.empty()) continue;
        int a = w.parent;
        while (a >= 0 && !donor(works[static_cast<size_t>(a)])) a = works[static_cast<size_t>(a)].parent;
        if (a >= 0) {
            w.blood = works[static_cast<size_t>(a)].blood;
            w.bloodFrom = "ancestor";
        } else {
            w.blood = globalBlood;
            w.bloodFrom = "thick vessels";
        }
    }

    // Diameter at every point.
    parallelFor(0, works.size(), [&](size_t wi) {
        progress.checkCancel();
        auto& w = works[wi];
        w.diameters.resize(w.points.size());
        // Every other point (they lie ~1 voxel apart and the result is
        // median-filtered anyway); the ones between are interpolated.
        const size_t np = w.points.size();
        for (size_t i = 0; i < np; ++i) {
            if (i % 2 == 1 && i + 1 < np) continue;
            const size_t a = i >= 2 ? i - 2 : 0, b = std::min(w.points.size() - 1, i + 2);
            Vec3 t = w.points[b] - w.points[a];
            if (norm(t) == 0) t = {0, 0, 1};
            CrossSectionInput in;
            in.image = C;
            in.centre_mm = w.points[i];
            in.tangent = t;
            in.radiusGuess_mm = w.r0[i];
            in.blood = w.blood;
            in.fallbackBackground = res.liverMedian_hu;
            in.slab_mm = std::max(0.5, 0.5 * hGeo);
            const CrossSection cs = measureCrossSection(in);
            w.diameters[i] = cs.valid ? cs.diameter_mm : 2.0 * w.r0[i];
        }
        for (size_t i = 1; i + 1 < np; i += 2) w.diameters[i] = 0.5 * (w.diameters[i - 1] + w.diameters[i + 1]);
        // Running median of five against noise.
        std::vector<double> sm(w.diameters.size());
        for (size_t i = 0; i < w.diameters.size(); ++i) {
            std::vector<double> win;
            for (long d = -2; d <= 2; ++d) {
                const long j = long(i) + d;
                if (j >= 0 && j < long(w.diameters.size())) win.push_back(w.diameters[size_t(j)]);
            }
            sm[i] = median(win);
        }
        w.diameters = sm;
        // Junction points take the diameter of the nearest point of this branch outside the junction.
        for (size_t i = 0; i < w.points.size(); ++i) {
            if (!w.inJunction[i]) continue;
            long best = -1;
            for (long d = 1; d < long(w.points.size()) && best < 0; ++d) {
                if (long(i) - d >= 0 && !w.inJunction[size_t(long(i) - d)]) best = long(i) - d;
                else if (i + size_t(d) < w.points.size() && !w.inJunction[i + size_t(d)]) best = long(i) + d;
            }
            if (best >= 0) w.diameters[i] = sm[size_t(best)];
        }
    }, opt.threads);
    stamp("diameters");
    progress.update(0.92, "vessels: writing the tree");

    // Branch records (ids in breadth-first order, so parents come first).
    for (size_t wi = 0; wi < works.size(); ++wi) {
        const auto& w = works[wi];
        VesselBranch b;
        b.id = int(wi) + 1;
        b.parent = w.parent >= 0 ? w.parent + 1 : -1;
        b.points_mm = w.points;
        b.diameters_mm = w.diameters;
        for (size_t i = 1; i < w.points.size(); ++i) b.length_mm += distance(w.points[i - 1], w.points[i]);
        // Median away from junctions (where neighbouring branches bias the section).
        const bool jStart = nodeBranches[w.startNode].size() >= 2, jEnd = nodeBranches[w.endNode].size() >= 2;
        const double rs = nodeRadius(w.startNode) + 1.0, re = nodeRadius(w.endNode) + 1.0;
        std::vector<double> mid;
        double along = 0;
        for (size_t i = 0; i < w.points.size(); ++i) {
            if (i > 0) along += distance(w.points[i - 1], w.points[i]);
            if ((jStart && along < rs) || (jEnd && b.length_mm - along < re)) continue;
            mid.push_back(w.diameters[i]);
        }
        b.diameter_mm = mid.empty() ? median(w.diameters) : median(mid);
        b.ge3mm = b.diameter_mm >= opt.threshold_mm;
        b.blood = w.blood;
        b.bloodFrom = w.bloodFrom == "ancestor" ? "ancestor" : w.bloodFrom;
        res.branches.push_back(b);
    }

    // Images on the CT grid.
    auto maskCrop = newMask(C);
    auto diamCrop = newFloat(C);
    auto labelCrop = newLabels(C);
    {
        const auto* m = mask->GetBufferPointer();
        auto* mo = maskCrop->GetBufferPointer();
        float* d = diamCrop->GetBufferPointer();
        auto* lb = labelCrop->GetBufferPointer();
        for (size_t i = 0; i < total; ++i) {
            if (!m[i] || owner[i] < 0) continue;
            const auto& w = works[static_cast<size_t>(owner[i])];
            mo[i] = 1;
            d[i] = static_cast<float>(w.diameters[static_cast<size_t>(std::clamp(ownerPoint[i], 0, int(w.diameters.size()) - 1))]);
            lb[i] = static_cast<LabelImage::PixelType>(std::min(65535, owner[i] + 1));
        }
    }
    res.mask = newMask(ct.image);
    res.diameter_mm = newFloat(ct.image);
    res.branchLabels = newLabels(ct.image);
    paste(res.mask.GetPointer(), maskCrop.GetPointer());
    paste(res.diameter_mm.GetPointer(), diamCrop.GetPointer());
    paste(res.branchLabels.GetPointer(), labelCrop.GetPointer());
    if (res.branches.empty()) throw Error("no vessels found in the liver (contrast " + fmt(res.contrast_hu) + " HU)");
    if (works.size() > 65535) res.warnings.push_back("more than 65535 branches: branch labels above that are clipped");
    stamp("output images");
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.update(1.0, "vessels: done");
    return res;
}

} // namespace irplan::seg
