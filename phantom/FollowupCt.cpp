#include "phantom/FollowupCt.h"

#include "core/Parallel.h"
#include "phantom/CtSynth.h"

#include <algorithm>
#include <cmath>

namespace irplan::phantom {
namespace {

// Label of the zone containing p (0 when none): the zone whose implicit is lowest.
int zoneLabelAt(const FollowupCase& f, const Vec3& p) {
    int label = 0;
    double best = 0;
    for (size_t k = 0; k < f.zones.size(); ++k) {
        const Box& b = f.zoneBounds[k];
        if (p.x < b.lo.x || p.y < b.lo.y || p.z < b.lo.z || p.x > b.hi.x || p.y > b.hi.y || p.z > b.hi.z) continue;
        const double g = f.zones[k].zone.implicit(p);
        if (g < best) {
            best = g;
            label = f.zones[k].zone.lesionId;
        }
    }
    return label;
}

} // namespace

void synthesizeFollowupCt(const PhantomCase& p, FollowupCase& f, const Progress& progress) {
    const Grid& ct = p.ctGrid;
    // The post CT: the same field of view, slices half a slice further (another scan).
    f.postGrid = ct;
    f.postGrid.origin = ct.origin + ct.direction * Vec3{0, 0, 0.5 * ct.spacing.z};

    // Pre-space painting on a grid 16 mm larger on every side: post voxels near
    // the edge look at pre points up to the largest displacement away.
    Grid pre = ct;
    size_t pad[3];
    for (int d = 0; d < 3; ++d) {
        pad[d] = static_cast<size_t>(std::ceil(16.0 / ct.spacing[d]));
        pre.size[static_cast<size_t>(d)] += 2 * pad[d];
    }
    pre.origin = ct.origin - ct.direction * Vec3{pad[0] * ct.spacing.x, pad[1] * ct.spacing.y, pad[2] * ct.spacing.z};

    CtSynthOptions options;
    options.noise = false;
    const ShapePtr liver = p.anatomy.liver;
    for (const auto& zt : f.zones) {
        const AblationZone* zone = &zt.zone;
        // Hyperaemic rim around the zone, in the liver only, crossed by patent vessels and covered by tumour.
        CtOverlay rim;
        rim.box = zone->bounds().grown(kRimWidthMm + 1.0);
        rim.sdf = [zone, liver](const Vec3& q) {
            const double g = zone->implicit(q) - kRimWidthMm;
            return g > 2.0 ? g : std::max(g, liver->sdf(q));
        };
        rim.huArterial = rim.huPortal = kRimHu;
        rim.stage = CtOverlay::Stage::BeforeVessels;
        options.overlays.push_back(rim);
        CtOverlay core;
        core.box = zone->bounds().grown(1.0);
        core.sdf = [zone](const Vec3& q) { return zone->implicit(q); };
        core.huArterial = core.huPortal = kZoneHu;
        core.stage = CtOverlay::Stage::Last;
        options.overlays.push_back(core);
    }
    progress.update(0.0, "follow-up CT: painting");
    const CtImages painted = synthesizeCt(p.anatomy, pre, p.options.seed, progress.sub(0.0, 0.6), options);

    // Move onto the post grid: trilinear HU, nearest-neighbour anatomy labels, exact zones.
    progress.update(0.6, "follow-up CT: breath-hold motion");
    FloatImage::Pointer post = allocate<FloatImage>(f.postGrid, -1000.0f);
    f.labelsPost = allocate<LabelImage>(f.postGrid, 0);
    f.zonesPost = allocate<LabelImage>(f.postGrid, 0);
    const float* src = painted.portal->GetBufferPointer();
    const auto* srcLab = painted.labels->GetBufferPointer();
    float* dst = post->GetBufferPointer();
    auto* lab = f.labelsPost->GetBufferPointer();
    auto* zl = f.zonesPost->GetBufferPointer();
    const size_t nx = f.postGrid.size[0], ny = f.postGrid.size[1], nz = f.postGrid.size[2];
    const long px = static_cast<long>(pre.size[0]), py = static_cast<long>(pre.size[1]),
               pz = static_cast<long>(pre.size[2]);
    parallelFor(0, nz, [&](size_t k) {
        for (size_t j = 0; j < ny; ++j)
            for (size_t i = 0; i < nx; ++i) {
                const Vec3 y = f.postGrid.point(static_cast<double>(i), static_cast<double>(j), static_cast<double>(k));
                const Vec3 x = f.motion.postToPre(y);
                const Vec3 c = pre.index(x);
                const size_t idx = (k * ny + j) * nx + i;
                long i0[3];
                double fr[3];
                for (int d = 0; d < 3; ++d) {
                    const long hi = (d == 0 ? px : (d == 1 ? py : pz)) - 2;
                    i0[d] = std::clamp(static_cast<long>(std::floor(c[d])), 0L, hi);
                    fr[d] = std::clamp(c[d] - static_cast<double>(i0[d]), 0.0, 1.0);
                }
                double v = 0;
                for (int dz = 0; dz < 2; ++dz)
                    for (int dy = 0; dy < 2; ++dy)
                        for (int dx = 0; dx < 2; ++dx) {
                            const double w =
                                (dx ? fr[0] : 1 - fr[0]) * (dy ? fr[1] : 1 - fr[1]) * (dz ? fr[2] : 1 - fr[2]);
                            v += w * src[((i0[2] + dz) * py + (i0[1] + dy)) * px + (i0[0] + dx)];
                        }
                dst[idx] = static_cast<float>(v);
                const int zone = zoneLabelAt(f, x);
                zl[idx] = static_cast<LabelImage::PixelType>(zone);
                if (zone) {
                    lab[idx] = static_cast<LabelImage::PixelType>(kZoneLabelBase + zone);
                } else {
                    const long ni = std::clamp(std::lround(c[0]), 0L, px - 1),
                               nj = std::clamp(std::lround(c[1]), 0L, py - 1),
                               nk = std::clamp(std::lround(c[2]), 0L, pz - 1);
                    lab[idx] = srcLab[(nk * py + nj) * px + ni];
                }
            }
    });
    progress.update(0.85, "follow-up CT: noise");
    // Fresh noise: another scan.
    addCtNoise(post, f.postGrid, kCtNoiseHu, p.options.seed * 2 + 1001);
    f.ctPost.image = post;
    f.ctPost.meta.modality = "CT";
    f.ctPost.meta.units = Units::HU;
    f.ctPost.meta.format = "phantom";
    f.ctPost.meta.seriesDescription = "IRPlan phantom CT portal venous follow-up after ablation";

    // The zones on the pre-CT grid.
    f.zonesPre = allocate<LabelImage>(ct, 0);
    auto* zp = f.zonesPre->GetBufferPointer();
    parallelFor(0, ct.size[2], [&](size_t k) {
        for (size_t j = 0; j < ct.size[1]; ++j)
            for (size_t i = 0; i < ct.size[0]; ++i)
                zp[(k * ct.size[1] + j) * ct.size[0] + i] = static_cast<LabelImage::PixelType>(
                    zoneLabelAt(f, ct.point(static_cast<double>(i), static_cast<double>(j), static_cast<double>(k))));
    });
    progress.update(1.0, "follow-up CT done");
}

} // namespace irplan::phantom
