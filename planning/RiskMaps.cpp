#include "planning/RiskMaps.h"

#include "core/Error.h"
#include "core/Parallel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <itkSignedMaurerDistanceMapImageFilter.h>

namespace irplan::planning {

const char* riskClassName(RiskClass c) {
    switch (c) {
    case RiskClass::LargeVessel:
        return "vessels_ge_3mm";
    case RiskClass::Bone:
        return "bone";
    case RiskClass::Air:
        return "air_lung";
    case RiskClass::Heart:
        return "heart";
    case RiskClass::Organ:
        return "other_organs";
    }
    return "?";
}

const char* riskClassLabelText(RiskClass c) {
    switch (c) {
    case RiskClass::LargeVessel:
        return "vessels of >= 3 mm (aorta, IVC, portal/hepatic veins, arteries)";
    case RiskClass::Bone:
        return "bone (ribs, spine)";
    case RiskClass::Air:
        return "lung and gas";
    case RiskClass::Heart:
        return "heart";
    case RiskClass::Organ:
        return "kidney, spleen, gallbladder, stomach/bowel, spinal canal";
    }
    return "?";
}

namespace {

int classOfLabel(int label) {
    switch (label) {
    case 5:
    case 6:
        return static_cast<int>(RiskClass::LargeVessel); // aorta, IVC: always large
    case 7:
        return static_cast<int>(RiskClass::Bone);
    case 10:
        return static_cast<int>(RiskClass::Air);
    case 11:
        return static_cast<int>(RiskClass::Heart);
    case 8:
    case 9:
    case 12:
    case 13:
    case 16:
        return static_cast<int>(RiskClass::Organ);
    default:
        return -1;
    }
}

bool isLiverTissue(int label) {
    return label >= 1 && label <= 4;
} // parenchyma and its own small vessels

std::vector<float> signedDistance(const std::vector<std::uint8_t>& mask, const GridGeometry& g) {
    auto image = g.allocate<MaskImage>(0);
    std::copy(mask.begin(), mask.end(), image->GetBufferPointer());
    using Filter = itk::SignedMaurerDistanceMapImageFilter<MaskImage, FloatImage>;
    auto f = Filter::New();
    f->SetInput(image);
    f->SetUseImageSpacing(true);
    f->SetSquaredDistance(false);
    f->SetInsideIsPositive(false);
    f->SetBackgroundValue(0);
    f->Update();
    const float* d = f->GetOutput()->GetBufferPointer();
    std::vector<float> out(d, d + g.voxels());
    // ITK measures to the object's contour voxel centres; the surface lies
    // half a voxel beyond them.
    const float half = static_cast<float>(0.5 * std::min({g.spacing.x, g.spacing.y, g.spacing.z}));
    for (auto& v : out)
        v = v > 0 ? std::max(0.0f, v - half) : v - half;
    return out;
}

} // namespace

RiskMaps RiskMaps::build(const LabelImage* labels, const FloatImage* ct, const VesselModel* vessels, const Vec3& centre,
                         const RiskMapOptions& o, const Progress& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    RiskMaps r;
    const GridGeometry lg = GridGeometry::of(labels);
    const Vec3 reach{o.reach_mm, o.reach_mm, o.reach_mm};
    const Box crop = lg.boxAround(centre - reach, centre + reach).intersected(lg.box());
    if (crop.empty()) throw Error("the target lies outside the label map");
    for (int a = 0; a < 3; ++a)
        // 0.78 mm -> 2 (1.56 mm), 1 mm -> 1, 0.5 mm -> 3: never coarser than ~1.7 x the target.
        r.pool_[static_cast<size_t>(a)] =
            std::max(1, static_cast<int>(std::floor(o.targetSpacing_mm / lg.spacing[a] + 0.25)));
    GridGeometry g;
    g.direction = lg.direction;
    for (int a = 0; a < 3; ++a) {
        const size_t s = static_cast<size_t>(a);
        g.spacing[a] = lg.spacing[a] * r.pool_[s];
        g.size[s] = (crop.size(a) + r.pool_[s] - 1) / r.pool_[s];
    }
    // Coarse voxel (I,J,K) covers fine voxels crop.lo + pool*I ... + pool - 1; its centre:
    g.origin = lg.point(crop.lo[0] + 0.5 * (r.pool_[0] - 1), crop.lo[1] + 0.5 * (r.pool_[1] - 1),
                        crop.lo[2] + 0.5 * (r.pool_[2] - 1));
    r.grid_ = g;
    for (auto& m : r.masks_)
        m.assign(g.voxels(), 0);
    r.tissue_.assign(g.voxels(), kOutsideBody);
    std::vector<std::uint8_t> smallVessel(g.voxels(), 0); // label (2, 3 or 4) of portal/hepatic veins and arteries
    const auto* lab = labels->GetBufferPointer();
    const GridGeometry ctg = ct ? GridGeometry::of(ct) : GridGeometry{};
    const float* hu = ct ? ct->GetBufferPointer() : nullptr;
    progress.update(0.0, "risk maps: classes");
    parallelFor(0, static_cast<size_t>(g.size[2]), [&](size_t kk) {
        const int K = static_cast<int>(kk);
        for (int J = 0; J < g.size[1]; ++J)
            for (int I = 0; I < g.size[0]; ++I) {
                const size_t o2 = g.offset(I, J, K);
                for (int c = 0; c < r.pool_[2]; ++c)
                    for (int b = 0; b < r.pool_[1]; ++b)
                        for (int a = 0; a < r.pool_[0]; ++a) {
                            const int i = crop.lo[0] + I * r.pool_[0] + a, j = crop.lo[1] + J * r.pool_[1] + b,
                                      k = crop.lo[2] + K * r.pool_[2] + c;
                            if (i >= crop.hi[0] || j >= crop.hi[1] || k >= crop.hi[2]) continue;
                            const int l = lab[lg.offset(i, j, k)];
                            const int cls = classOfLabel(l);
                            if (cls >= 0) r.masks_[static_cast<size_t>(cls)][o2] = 1;
                            if (l >= 2 && l <= 4) smallVessel[o2] = static_cast<std::uint8_t>(l);
                        }
                // Tissue from the label at the block's centre.
                const auto n = lg.nearest(g.point(I, J, K));
                const int l = lg.inside(n[0], n[1], n[2]) ? lab[lg.offset(n[0], n[1], n[2])] : 0;
                r.tissue_[o2] = l == 0 ? kOutsideBody : (isLiverTissue(l) ? kLiverTissue : kOtherBody);
                if (hu && l != 0) {
                    const auto m = ctg.nearest(g.point(I, J, K));
                    if (ctg.inside(m[0], m[1], m[2]) && hu[ctg.offset(m[0], m[1], m[2])] < o.airHu)
                        r.masks_[static_cast<size_t>(RiskClass::Air)][o2] = 1;
                }
            }
    });
    progress.checkCancel();
    // Portal/hepatic veins and arteries count where their lumen is >= 3 mm.
    progress.update(0.2, "risk maps: vessel diameters");
    // Per label: an artery beside a portal vein must not inherit its width.
    // Each label's diameters are measured on the box around its voxels only.
    auto& large = r.masks_[static_cast<size_t>(RiskClass::LargeVessel)];
    for (int l = 2; l <= 4; ++l) {
        Box b{{g.size[0], g.size[1], g.size[2]}, {0, 0, 0}};
        for (int k = 0; k < g.size[2]; ++k)
            for (int j = 0; j < g.size[1]; ++j)
                for (int i = 0; i < g.size[0]; ++i)
                    if (smallVessel[g.offset(i, j, k)] == l) {
                        b.lo = {std::min(b.lo[0], i), std::min(b.lo[1], j), std::min(b.lo[2], k)};
                        b.hi = {std::max(b.hi[0], i + 1), std::max(b.hi[1], j + 1), std::max(b.hi[2], k + 1)};
                    }
        if (b.empty()) continue;
        b = b.grown(2).intersected(g.box());
        const GridGeometry sg = g.sub(b);
        std::vector<std::uint8_t> one(sg.voxels(), 0);
        for (int k = 0; k < sg.size[2]; ++k)
            for (int j = 0; j < sg.size[1]; ++j)
                for (int i = 0; i < sg.size[0]; ++i)
                    if (smallVessel[g.offset(i + b.lo[0], j + b.lo[1], k + b.lo[2])] == l) one[sg.offset(i, j, k)] = 1;
        const std::vector<float> diam = localDiameter(one, sg);
        for (int k = 0; k < sg.size[2]; ++k)
            for (int j = 0; j < sg.size[1]; ++j)
                for (int i = 0; i < sg.size[0]; ++i)
                    if (diam[sg.offset(i, j, k)] >= o.largeVessel_mm) large[g.offset(i + b.lo[0], j + b.lo[1], k + b.lo[2])] = 1;
    }
    if (vessels) {
        std::vector<float> painted;
        paintVessels(*vessels, g, painted, o.largeVessel_mm);
        for (size_t n = 0; n < painted.size(); ++n)
            if (painted[n] > 0) large[n] = 1;
    }
    for (int c = 0; c < kRiskClasses; ++c) {
        progress.checkCancel();
        progress.update(0.3 + 0.7 * c / kRiskClasses,
                        std::string("risk maps: distance to ") + riskClassName(static_cast<RiskClass>(c)));
        const auto& m = r.masks_[static_cast<size_t>(c)];
        r.present_[static_cast<size_t>(c)] = std::find(m.begin(), m.end(), 1) != m.end();
        if (r.present_[static_cast<size_t>(c)]) r.distance_[static_cast<size_t>(c)] = signedDistance(m, g);
    }
    progress.update(1.0, "risk maps ready");
    r.seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

double RiskMaps::distance(RiskClass c, const Vec3& p) const {
    const auto& d = distance_[static_cast<size_t>(c)];
    if (d.empty()) return 1e4;
    const Vec3 q = grid_.index(p);
    // Clamp to the grid: beyond it the nearest border value is the best we know.
    const double x = std::clamp(q.x, 0.0, grid_.size[0] - 1.0), y = std::clamp(q.y, 0.0, grid_.size[1] - 1.0),
                 z = std::clamp(q.z, 0.0, grid_.size[2] - 1.0);
    const int i0 = std::min(static_cast<int>(x), std::max(0, grid_.size[0] - 2)),
              j0 = std::min(static_cast<int>(y), std::max(0, grid_.size[1] - 2)),
              k0 = std::min(static_cast<int>(z), std::max(0, grid_.size[2] - 2));
    const double fx = x - i0, fy = y - j0, fz = z - k0;
    double s = 0;
    for (int c2 = 0; c2 < 2; ++c2)
        for (int b = 0; b < 2; ++b)
            for (int a = 0; a < 2; ++a) {
                const int i = std::min(i0 + a, grid_.size[0] - 1), j = std::min(j0 + b, grid_.size[1] - 1),
                          k = std::min(k0 + c2, grid_.size[2] - 1);
                s += (a ? fx : 1 - fx) * (b ? fy : 1 - fy) * (c2 ? fz : 1 - fz) * d[grid_.offset(i, j, k)];
            }
    return s;
}

std::uint8_t RiskMaps::tissue(const Vec3& p) const {
    const auto n = grid_.nearest(p);
    if (!grid_.inside(n[0], n[1], n[2])) return kOutsideBody;
    return tissue_[grid_.offset(n[0], n[1], n[2])];
}

} // namespace irplan::planning
