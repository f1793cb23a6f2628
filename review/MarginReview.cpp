#include "review/MarginReview.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "core/Parallel.h"
#include "io/VolumeIO.h"
#include "planning/MarginAnalysis.h"
#include "planning/Target.h"
#include "planning/ZoneField.h"
#include "registration/Masks.h"
#include "registration/Register.h"
#include "registration/Registration.h"
#include "registration/Resample.h"
#include "segmentation/Liver.h"

#include <itkLinearInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>

namespace irplan::review {
namespace {

using planning::GridGeometry;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::string fmt(double v, int precision = 1) {
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(precision);
    s << v;
    return s.str();
}

// Lesion id -> label value, by the coding in use.
std::map<int, int> lesionIds(const LabelImage* labels, LesionLabels& scheme) {
    std::set<int> values;
    const auto* p = labels->GetBufferPointer();
    const size_t n = labels->GetLargestPossibleRegion().GetNumberOfPixels();
    for (size_t i = 0; i < n; ++i)
        if (p[i]) values.insert(p[i]);
    if (scheme == LesionLabels::Auto)
        scheme = (!values.empty() && *values.rbegin() >= 100) ? LesionLabels::Phantom : LesionLabels::Lesions;
    std::map<int, int> ids;
    for (int v : values) {
        if (scheme == LesionLabels::Lesions) ids[v] = v;
        else if (v > 100 && v < 200) ids[v - 100] = v; // 200+ are follow-up zone labels, not lesions
    }
    if (ids.empty())
        throw Error(std::string("the lesion map holds no lesion (") +
                    (scheme == LesionLabels::Phantom ? "no label 101-199 for the phantom coding 100 + k"
                                                     : "every voxel is 0") +
                    ")");
    return ids;
}

LabelImage::Pointer toLabels(const MaskImage* m) {
    const GridGeometry g = GridGeometry::of(m);
    LabelImage::Pointer l = g.allocate<LabelImage>(0);
    const auto* src = m->GetBufferPointer();
    auto* dst = l->GetBufferPointer();
    for (size_t i = 0; i < g.voxels(); ++i) dst[i] = src[i] ? 1 : 0;
    return l;
}

bool sameGrid(const GridGeometry& a, const GridGeometry& b) { return a.size == b.size && a.sameLattice(b, 1e-3); }

// Trilinear value of an image at a point; `outside` beyond its grid.
struct Sampler {
    const FloatImage* image;
    GridGeometry g;
    float outside;
    double at(const Vec3& p) const {
        const Vec3 c = g.index(p);
        int i0[3];
        double f[3];
        for (int a = 0; a < 3; ++a) {
            if (c[a] < -0.5 || c[a] > g.size[static_cast<size_t>(a)] - 0.5) return outside;
            const double cc = std::clamp(c[a], 0.0, static_cast<double>(g.size[static_cast<size_t>(a)] - 1));
            i0[a] = std::min(static_cast<int>(std::floor(cc)), std::max(0, g.size[static_cast<size_t>(a)] - 2));
            f[a] = std::clamp(cc - i0[a], 0.0, 1.0);
        }
        const float* v = image->GetBufferPointer();
        double s = 0;
        for (int dz = 0; dz < 2; ++dz)
            for (int dy = 0; dy < 2; ++dy)
                for (int dx = 0; dx < 2; ++dx) {
                    const int i = std::min(i0[0] + dx, g.size[0] - 1), j = std::min(i0[1] + dy, g.size[1] - 1),
                              k = std::min(i0[2] + dz, g.size[2] - 1);
                    const double w = (dx ? f[0] : 1 - f[0]) * (dy ? f[1] : 1 - f[1]) * (dz ? f[2] : 1 - f[2]);
                    s += w * v[g.offset(i, j, k)];
                }
        return s;
    }
};

// The lesion on a `spacing_mm` grid by linear interpolation of its voxel
// mask (inside where >= 0.5): the margin code takes the lesion surface at
// voxel faces, and on a coarse CT grid those stick out up to half a voxel
// beyond the lesion, which the minimum over the surface picks up.
planning::TargetLesion smoothTarget(const LabelImage* labels, int value, int id, double spacing_mm) {
    const GridGeometry lg = GridGeometry::of(labels);
    const auto* lab = labels->GetBufferPointer();
    Vec3 lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
    for (int k = 0; k < lg.size[2]; ++k)
        for (int j = 0; j < lg.size[1]; ++j)
            for (int i = 0; i < lg.size[0]; ++i)
                if (lab[lg.offset(i, j, k)] == value) {
                    const Vec3 q = lg.point(i, j, k);
                    for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], q[a]), hi[a] = std::max(hi[a], q[a]);
                }
    if (lo.x > hi.x) throw Error("lesion " + std::to_string(id) + " (label " + std::to_string(value) +
                                 ") is not in the lesion map");
    const double pad = 2.0 * std::max({lg.spacing.x, lg.spacing.y, lg.spacing.z});
    const GridGeometry fine = planning::gridCovering(lo, hi, pad, spacing_mm, lg.direction);
    LabelImage::Pointer f = fine.allocate<LabelImage>(0);
    auto* fp = f->GetBufferPointer();
    parallelFor(0, static_cast<size_t>(fine.size[2]), [&](size_t kk) {
        const int k = static_cast<int>(kk);
        for (int j = 0; j < fine.size[1]; ++j)
            for (int i = 0; i < fine.size[0]; ++i) {
                const Vec3 c = lg.index(fine.point(i, j, k));
                int i0[3];
                double w[3];
                for (int a = 0; a < 3; ++a) {
                    i0[a] = static_cast<int>(std::floor(c[a]));
                    w[a] = c[a] - i0[a];
                }
                double v = 0;
                for (int dz = 0; dz < 2; ++dz)
                    for (int dy = 0; dy < 2; ++dy)
                        for (int dx = 0; dx < 2; ++dx) {
                            const int ii = i0[0] + dx, jj = i0[1] + dy, kq = i0[2] + dz;
                            if (!lg.inside(ii, jj, kq) || lab[lg.offset(ii, jj, kq)] != value) continue;
                            v += (dx ? w[0] : 1 - w[0]) * (dy ? w[1] : 1 - w[1]) * (dz ? w[2] : 1 - w[2]);
                        }
                if (v >= 0.5) fp[fine.offset(i, j, k)] = static_cast<LabelImage::PixelType>(value);
            }
    });
    return planning::buildTarget(f, value, id, "lesions", spacing_mm, 40.0);
}

// Physical bounds (voxel edges) of a grid.
void bounds(const GridGeometry& g, Vec3& lo, Vec3& hi) {
    lo = {1e300, 1e300, 1e300};
    hi = {-1e300, -1e300, -1e300};
    for (int c = 0; c < 8; ++c) {
        const Vec3 q = g.point((c & 1) ? g.size[0] - 0.5 : -0.5, (c & 2) ? g.size[1] - 0.5 : -0.5,
                               (c & 4) ? g.size[2] - 0.5 : -0.5);
        for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], q[a]), hi[a] = std::max(hi[a], q[a]);
    }
}

// The same field of view with voxels of at least `spacing_mm`, linear interpolation.
Volume coarseCopy(const Volume& v, double spacing_mm) {
    const GridGeometry g = GridGeometry::of(v.image.GetPointer());
    GridGeometry c = g;
    for (int a = 0; a < 3; ++a) {
        const double extent = g.spacing[a] * g.size[static_cast<size_t>(a)];
        c.spacing[a] = std::max(g.spacing[a], spacing_mm);
        c.size[static_cast<size_t>(a)] = std::max(1, static_cast<int>(std::lround(extent / c.spacing[a])));
        c.spacing[a] = extent / c.size[static_cast<size_t>(a)];
    }
    // Keep the outer voxel edges where they were.
    c.origin = g.point(-0.5, -0.5, -0.5) + g.direction * Vec3{0.5 * c.spacing.x, 0.5 * c.spacing.y, 0.5 * c.spacing.z};
    const FloatImage::Pointer ref = c.allocate<FloatImage>(0.0f);
    using Filter = itk::ResampleImageFilter<FloatImage, FloatImage>;
    auto f = Filter::New();
    f->SetInput(v.image);
    f->SetReferenceImage(ref);
    f->UseReferenceImageOn();
    f->SetInterpolator(itk::LinearInterpolateImageFunction<FloatImage, double>::New());
    f->SetDefaultPixelValue(-1000.0f);
    f->Update();
    Volume out;
    out.image = f->GetOutput();
    out.meta = v.meta;
    return out;
}

registration::Registration obtainRegistration(const MarginReviewRequest& rq, MarginReview& out,
                                              const Progress& progress) {
    if (rq.existingRegistration) {
        progress.update(0.0, "reading the registration");
        registration::Registration reg = registration::Registration::load(*rq.existingRegistration);
        const auto grid = reg.fixedGrid();
        const GridGeometry fg = GridGeometry::of(grid.GetPointer());
        const GridGeometry pg = GridGeometry::of(rq.preCt->image.GetPointer());
        // The same field of view and frame (a registration on a coarser copy of this CT counts).
        Vec3 lo1, hi1, lo2, hi2;
        bounds(fg, lo1, hi1);
        bounds(pg, lo2, hi2);
        const double tol = 0.05; // mm: coarse copies keep the outer voxel edges exactly
        bool same = true;
        for (int a = 0; a < 3; ++a) same = same && std::abs(lo1[a] - lo2[a]) <= tol && std::abs(hi1[a] - hi2[a]) <= tol;
        for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) same = same && std::abs(fg.direction(a, b) - pg.direction(a, b)) < 1e-3;
        if (!same)
            throw Error("the registration in " + rq.existingRegistration->string() +
                        " was not computed on this pre-procedure CT (its fixed grid differs)");
        out.registrationReused = true;
        out.liverSource = "not used (registration reused)";
        return reg;
    }
    // The liver mask: the preset samples the liver grown by 10-20 mm (ct-ct-followup preset.json).
    Progress lp = progress.sub(0.0, 0.15);
    LabelImage::Pointer segmented;
    const LabelImage* liverLabels = rq.liver;
    std::set<int> use;
    if (rq.liver) {
        std::set<int> values;
        const auto* p = rq.liver->GetBufferPointer();
        for (size_t i = 0, n = rq.liver->GetLargestPossibleRegion().GetNumberOfPixels(); i < n; ++i)
            if (p[i]) values.insert(p[i]);
        if (values.empty()) throw Error("the liver mask is empty");
        if (values.size() > 1) {
            if (!values.count(1)) throw Error("the liver label map has several labels but no label 1 (liver)");
            use = {1};
        }
        out.liverSource = "given";
    } else {
        lp.update(0.0, "segmenting the liver on the pre-procedure CT");
        seg::LiverOptions lo;
        lo.progress = lp;
        const seg::LiverResult liver = seg::segmentLiver(*rq.preCt, lo);
        segmented = toLabels(liver.mask.GetPointer());
        liverLabels = segmented.GetPointer();
        out.liverSource = "segmented (" + fmt(liver.volume_ml, 0) + " mL)";
        for (const auto& w : liver.warnings) out.warnings.push_back("liver segmentation: " + w);
    }
    const MaskImage::Pointer fixedMask = registration::maskFromLabels(liverLabels, use, rq.liverDilate_mm);
    registration::RegisterRequest r;
    Volume preCoarse, postCoarse;
    r.fixed = rq.preCt;
    r.moving = rq.postCt;
    if (rq.registrationGrid_mm > 0) {
        progress.update(0.15, "coarse copies of the CTs for the registration");
        preCoarse = coarseCopy(*rq.preCt, rq.registrationGrid_mm);
        postCoarse = coarseCopy(*rq.postCt, rq.registrationGrid_mm);
        r.fixed = &preCoarse;
        r.moving = &postCoarse;
    }
    r.fixedMask = fixedMask;
    r.preset = "ct-ct-followup";
    r.outputDir = rq.registrationDir;
    r.elastix = rq.elastix;
    r.iterationScale = rq.iterationScale;
    r.progress = progress.sub(0.15, 1.0);
    r.fixedSource = rq.preSource;
    r.movingSource = rq.postSource;
    r.fixedMaskSource = rq.liver ? rq.liverSource + " (grown " + fmt(rq.liverDilate_mm, 0) + " mm)"
                                 : "liver segmented on the pre CT, grown " + fmt(rq.liverDilate_mm, 0) + " mm";
    return registration::registerVolumes(r);
}

} // namespace

LesionLabels lesionLabelsFromName(const std::string& name) {
    if (name == "auto") return LesionLabels::Auto;
    if (name == "lesions") return LesionLabels::Lesions;
    if (name == "phantom") return LesionLabels::Phantom;
    throw Error("unknown lesion label coding '" + name + "' (auto, lesions or phantom)");
}

const char* lesionLabelsName(LesionLabels l) {
    switch (l) {
    case LesionLabels::Auto: return "auto";
    case LesionLabels::Lesions: return "lesions (label k = lesion k)";
    case LesionLabels::Phantom: return "phantom (label 100 + k = lesion k)";
    }
    return "?";
}

std::string marginVerdict(double m) {
    if (m >= kSufficientMargin_mm) return "complete with margin";
    if (m >= 0.0) return "complete without margin";
    return "incomplete";
}

LesionMargins measureLesionMargins(const planning::TargetLesion& tl, const FloatImage* zoneLevel) {
    LesionMargins out;
    LesionReview& lr = out.review;
    lr.id = tl.lesionId;
    lr.labelValue = tl.labelValue;
    lr.volume_ml = tl.volume_ml;
    lr.centroidPre_mm = tl.centroid_mm;
    const Sampler level{zoneLevel, GridGeometry::of(zoneLevel), kZoneLevelOutside};
    planning::ZoneField field;
    field.lattice = tl.grid;
    field.box = tl.grid.box();
    field.quantity = "zone level (>= 0 inside the ablation zone)";
    field.value.resize(tl.grid.voxels());
    parallelFor(0, static_cast<size_t>(tl.grid.size[2]), [&](size_t kk) {
        const int k = static_cast<int>(kk);
        for (int j = 0; j < tl.grid.size[1]; ++j)
            for (int i = 0; i < tl.grid.size[0]; ++i)
                field.value[tl.grid.offset(i, j, k)] = static_cast<float>(level.at(tl.grid.point(i, j, k)));
    });
    // Does the zone reach the grid's faces?
    const auto& g = tl.grid;
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i) {
                const bool face =
                    i == 0 || j == 0 || k == 0 || i == g.size[0] - 1 || j == g.size[1] - 1 || k == g.size[2] - 1;
                if (face && field.value[g.offset(i, j, k)] >= 0.0f) out.zoneTouchesBorder = true;
            }
    field.touchesBoxBorder = out.zoneTouchesBorder;
    const planning::Zone zone = planning::Zone::fromField(std::move(field));
    out.zoneEmpty = zone.empty();
    if (zone.empty()) {
        lr.minimalMargin_mm = std::numeric_limits<double>::quiet_NaN();
        lr.verdict = "no ablation zone found";
        lr.untreated_ml = lr.insufficient_ml = tl.volume_ml;
        out.marginMap.assign(g.voxels(), std::numeric_limits<float>::quiet_NaN());
        return out;
    }
    const planning::MarginResult m5 =
        planning::analyseMargins(tl, planning::buildMarginRegion(tl, kSufficientMargin_mm), zone);
    const planning::MarginResult m10 = planning::analyseMargins(tl, planning::buildMarginRegion(tl, 10.0), zone);
    lr.minimalMargin_mm = m5.minimal_mm;
    lr.minimalPoint_mm = m5.minimalPoint_mm;
    lr.minimalZonePoint_mm = m5.minimalZonePoint_mm;
    lr.coverageLesion_pct = m5.coverageLesion_pct;
    lr.coverage5mm_pct = m5.coverageShell_pct;
    lr.coverage10mm_pct = m10.coverageShell_pct;
    lr.insufficient_ml = m5.insufficient_ml;
    lr.untreated_ml = m5.untreatedTumour_ml;
    lr.verdict = marginVerdict(lr.minimalMargin_mm);
    out.marginMap = planning::marginMap(tl, zone);
    return out;
}

MarginReview reviewMargins(const MarginReviewRequest& rq) {
    const auto t0 = Clock::now();
    if (!rq.preCt || !rq.preCt->image || !rq.postCt || !rq.postCt->image || !rq.lesions)
        throw Error("the margin review needs the pre-procedure CT, the follow-up CT and the lesion map");
    for (const Volume* v : {rq.preCt, rq.postCt})
        if (v->meta.units != Units::HU && v->meta.units != Units::Unknown)
            throw Error(std::string("the margin review compares two CTs in HU; ") +
                        (v == rq.preCt ? "the pre-procedure" : "the follow-up") + " image is in " +
                        unitsName(v->meta.units));
    const GridGeometry preGrid = GridGeometry::of(rq.preCt->image.GetPointer());
    if (!sameGrid(GridGeometry::of(rq.lesions), preGrid))
        throw Error("the lesion map is not on the pre-procedure CT's grid (size, spacing, origin or direction "
                    "differ); segment the lesions on that CT");
    if (rq.liver && !sameGrid(GridGeometry::of(rq.liver), preGrid))
        throw Error("the liver mask is not on the pre-procedure CT's grid");
    MarginReview out;
    out.lesionLabels = rq.lesionLabels;
    const std::map<int, int> ids = lesionIds(rq.lesions, out.lesionLabels);
    out.inputs = {{"pre_ct", rq.preSource},
                  {"post_ct", rq.postSource},
                  {"lesions", rq.lesionsSource},
                  {"liver", rq.liverSource}};

    // 1. Registration (post onto pre) with its quality gate.
    auto t = Clock::now();
    const registration::Registration reg = obtainRegistration(rq, out, rq.progress.sub(0.0, 0.6));
    out.timings_s["registration"] = secondsSince(t);
    out.registrationDir = reg.directory().string();
    out.registrationPreset = reg.preset();
    out.qa = reg.qa();
    out.registrationVerdict = out.qa.verdict;
    if (out.registrationPreset != "ct-ct-followup")
        out.warnings.push_back("the registration used preset '" + out.registrationPreset +
                               "', not ct-ct-followup (liver-masked deformable): margins may be off by the "
                               "liver's breathing motion");
    if (out.registrationVerdict != "pass") {
        std::string w = "REGISTRATION QUALITY GATE " + std::string(out.registrationVerdict == "fail" ? "FAILED" : "WARNED") +
                        ": the follow-up CT may not be aligned with the pre-procedure CT, so every margin and "
                        "verdict below is unreliable until the registration is checked or corrected";
        for (const auto& pr : out.qa.problems()) w += "; " + pr;
        out.warnings.insert(out.warnings.begin(), w);
    }

    // 2. Lesions on their margin grids; their centres into the follow-up CT.
    t = Clock::now();
    rq.progress.update(0.6, "lesions");
    std::vector<planning::TargetLesion> targets;
    for (const auto& [id, value] : ids) {
        rq.progress.checkCancel();
        targets.push_back(smoothTarget(rq.lesions, value, id, rq.gridSpacing_mm));
    }
    std::vector<Vec3> centres;
    for (const auto& tl : targets) centres.push_back(tl.centroid_mm);
    const std::vector<Vec3> seedsPost = reg.mapPoints(centres, rq.elastix, rq.progress.sub(0.6, 0.65));
    out.timings_s["lesions_and_seeds"] = secondsSince(t);

    // 3. The zones on the follow-up CT.
    t = Clock::now();
    std::vector<ZoneSeed> seeds;
    for (size_t i = 0; i < targets.size(); ++i) seeds.push_back({targets[i].lesionId, seedsPost[i]});
    ZoneSegmentationOptions zo = rq.zone;
    zo.progress = rq.progress.sub(0.65, 0.75);
    ZoneSegmentation zs = segmentAblationZones(*rq.postCt, seeds, zo);
    out.zonePost = zs.labels;
    out.zones = zs.zones;
    out.timings_s["zone_segmentation"] = secondsSince(t);

    // 4. Onto the pre-CT grid: labels by nearest neighbour, the level field
    // linearly (the zone boundary between voxels for the margins).
    t = Clock::now();
    // Only a box around the lesions is resampled (transformix over a whole
    // 512 x 512 x 300 grid took minutes): every zone lies within
    // maxRadius_mm of a lesion centre, so lesion + 60 mm holds it.
    planning::Box box;
    for (const auto& tl : targets) {
        const double pad = std::max(60.0, rq.zone.maxRadius_mm + 10.0);
        const planning::Box b = preGrid.boxAround(tl.lo_mm - Vec3{pad, pad, pad}, tl.hi_mm + Vec3{pad, pad, pad});
        box = box.empty() ? b : box.united(b);
    }
    box = box.intersected(preGrid.box());
    const GridGeometry sub = preGrid.sub(box);
    const FloatImage::Pointer reference = sub.allocate<FloatImage>(0.0f);
    registration::ResampleOptions ro;
    ro.elastix = rq.elastix;
    ro.referenceGrid = reference.GetPointer();
    ro.progress = rq.progress.sub(0.75, 0.82);
    const LabelImage::Pointer zoneBox = registration::resampleLabelsToFixed(reg, zs.labels.GetPointer(), ro);
    ro.progress = rq.progress.sub(0.82, 0.9);
    ro.outsideValue = kZoneLevelOutside;
    const FloatImage::Pointer levelBox =
        registration::resampleToFixed(reg, zs.level.GetPointer(), registration::Interpolation::Linear, ro);
    out.zoneOnPre = preGrid.allocate<LabelImage>(0);
    const FloatImage::Pointer levelPre = preGrid.allocate<FloatImage>(kZoneLevelOutside);
    {
        auto* zd = out.zoneOnPre->GetBufferPointer();
        float* ld = levelPre->GetBufferPointer();
        const auto* zsrc = zoneBox->GetBufferPointer();
        const float* lsrc = levelBox->GetBufferPointer();
        for (int k = box.lo[2]; k < box.hi[2]; ++k)
            for (int j = box.lo[1]; j < box.hi[1]; ++j)
                for (int i = box.lo[0]; i < box.hi[0]; ++i) {
                    const size_t src = box.offset(i, j, k), dst = preGrid.offset(i, j, k);
                    zd[dst] = zsrc[src];
                    ld[dst] = lsrc[src];
                }
    }
    out.zoneLevelOnPre = levelPre;
    out.timings_s["zone_to_pre"] = secondsSince(t);

    // 5. Margins per lesion against every zone (tissue ablated by any applicator counts).
    t = Clock::now();
    out.marginMap = preGrid.allocate<FloatImage>(std::numeric_limits<float>::quiet_NaN());
    float* mm = out.marginMap->GetBufferPointer();
    const auto* zp = out.zoneOnPre->GetBufferPointer();
    std::map<int, size_t> zoneVoxels;
    for (size_t i = 0; i < preGrid.voxels(); ++i)
        if (zp[i]) ++zoneVoxels[zp[i]];
    for (size_t li = 0; li < targets.size(); ++li) {
        const Progress p = rq.progress.sub(0.9 + 0.1 * li / targets.size(), 0.9 + 0.1 * (li + 1) / targets.size());
        p.update(0.0, "margins of lesion " + std::to_string(targets[li].lesionId));
        p.checkCancel();
        const planning::TargetLesion& tl = targets[li];
        const ZoneFound& zf = zs.zones[li];
        LesionReview lr;
        lr.id = tl.lesionId;
        lr.labelValue = tl.labelValue;
        lr.volume_ml = tl.volume_ml;
        lr.centroidPre_mm = tl.centroid_mm;
        lr.seedPost_mm = seedsPost[li];
        lr.zoneFound = zf.found;
        lr.zoneNote = zf.note;
        lr.registrationVerdict = out.registrationVerdict;
        if (zf.found) {
            lr.zoneVolume_ml = static_cast<double>(zoneVoxels[zf.label]) * preGrid.voxelVolume_ml();
            if (zf.reachesLimit)
                out.warnings.push_back("lesion " + std::to_string(lr.id) + ": the ablation zone reaches " +
                                       fmt(rq.zone.maxRadius_mm, 0) +
                                       " mm from the lesion centre; it may have leaked into neighbouring tissue");
        }
        const LesionMargins lm = measureLesionMargins(tl, levelPre.GetPointer());
        lr.minimalMargin_mm = lm.review.minimalMargin_mm;
        lr.minimalPoint_mm = lm.review.minimalPoint_mm;
        lr.minimalZonePoint_mm = lm.review.minimalZonePoint_mm;
        lr.coverageLesion_pct = lm.review.coverageLesion_pct;
        lr.coverage5mm_pct = lm.review.coverage5mm_pct;
        lr.coverage10mm_pct = lm.review.coverage10mm_pct;
        lr.insufficient_ml = lm.review.insufficient_ml;
        lr.untreated_ml = lm.review.untreated_ml;
        lr.verdict = lm.review.verdict;
        if (lm.zoneEmpty) {
            out.warnings.push_back("lesion " + std::to_string(lr.id) + ": no ablation zone found within 40 mm" +
                                   (zf.note.empty() ? "" : " (" + zf.note + ")"));
        } else {
            if (!zf.found)
                out.warnings.push_back("lesion " + std::to_string(lr.id) + ": " + zf.note +
                                       "; its margin is measured to another lesion's zone");
            const std::vector<float>& map = lm.marginMap;
            // The margin map around the lesion, onto the pre-CT grid (nearest margin-grid voxel).
            const GridGeometry& tg = tl.grid;
            Vec3 lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
            for (int c = 0; c < 8; ++c) {
                const Vec3 q = tg.point((c & 1) ? tg.size[0] - 1 : 0, (c & 2) ? tg.size[1] - 1 : 0,
                                        (c & 4) ? tg.size[2] - 1 : 0);
                for (int a = 0; a < 3; ++a) lo[a] = std::min(lo[a], q[a]), hi[a] = std::max(hi[a], q[a]);
            }
            const planning::Box b = preGrid.boxAround(lo, hi).intersected(preGrid.box());
            for (int k = b.lo[2]; k < b.hi[2]; ++k)
                for (int j = b.lo[1]; j < b.hi[1]; ++j)
                    for (int i = b.lo[0]; i < b.hi[0]; ++i) {
                        const auto n = tg.nearest(preGrid.point(i, j, k));
                        float& dst = mm[preGrid.offset(i, j, k)];
                        if (tg.inside(n[0], n[1], n[2]) && std::isnan(dst)) dst = map[tg.offset(n[0], n[1], n[2])];
                    }
        }
        lr.reliable = out.registrationVerdict == "pass" && zf.found && !lm.zoneEmpty;
        out.lesions.push_back(lr);
    }
    out.timings_s["margins"] = secondsSince(t);
    out.timings_s["total"] = secondsSince(t0);
    rq.progress.update(1.0, "margin review done");
    return out;
}

} // namespace irplan::review
