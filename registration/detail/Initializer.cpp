#include "registration/detail/Initializer.h"

#include "core/Error.h"
#include "core/Log.h"
#include "registration/detail/ImageOps.h"
#include "registration/detail/PoseSearch.h"
#include "registration/detail/SampledMetric.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace irplan::registration::detail {
namespace {

constexpr double kPi = 3.14159265358979323846;

bool inside(const itk::ImageBase<3>* image, const Affine& physToIndex, const Vec3& p) {
    const Vec3 q = physToIndex.apply(p);
    const auto s = image->GetLargestPossibleRegion().GetSize();
    return q.x >= -0.5 && q.y >= -0.5 && q.z >= -0.5 && q.x <= s[0] - 0.5 && q.y <= s[1] - 0.5 && q.z <= s[2] - 0.5;
}

struct Candidate {
    Affine pose;
    double mi = 0;
    double edges = 0;
    std::string start;
};

std::string fmt(double v, int digits = 1) {
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

InitResult searchPose(const InitInputs& in, const Progress& progress) {
    // Stage 1 on a 6 mm sample grid: every start refined; stage 2 on 3 mm with
    // edge agreement for the final choice.
    MetricOptions coarse;
    coarse.fixedSpacing_mm = 6.0;
    coarse.movingSpacing_mm = 4.0;
    coarse.maxSamples = 40000;
    progress.update(0.0, "initialisation: preparing the pose search");
    SampledMetric m6(in.fixed->image, in.fixedMask, in.moving->image, in.movingMask, coarse);
    const Vec3 fc = m6.centroid();
    const Vec3 geoShift = imageCentre(in.moving->image) - imageCentre(in.fixed->image);
    const Vec3 comShift = centreOfMass(in.moving->image, in.movingMask) - centreOfMass(in.fixed->image, in.fixedMask);
    struct Start {
        Affine pose;
        std::string name;
    };
    std::vector<Start> starts;
    // Rotations up to 30 degrees about each axis: patients lie differently on
    // another day or another scanner (the STS_001 thigh differs by ~35 degrees).
    const double step = 30.0 * kPi / 180.0;
    for (const auto& [shift, name] : {std::pair<Vec3, std::string>{geoShift, "geometric centres"},
                                      std::pair<Vec3, std::string>{comShift, "centres of mass"}})
        for (int ix = -1; ix <= 1; ++ix)
            for (int iy = -1; iy <= 1; ++iy)
                for (int iz = -1; iz <= 1; ++iz) {
                    const Vec3 w{ix * step, iy * step, iz * step};
                    char label[96];
                    std::snprintf(label, sizeof label, "%s, rotated (%d, %d, %d) deg", name.c_str(), ix * 30, iy * 30,
                                  iz * 30);
                    starts.push_back({Affine::translation(shift) * rigidAbout(w, fc), label});
                }
    std::vector<Candidate> stage1;
    for (size_t i = 0; i < starts.size(); ++i) {
        progress.update(0.75 * double(i) / double(starts.size()),
                        "initialisation: pose search, start " + std::to_string(i + 1) + " of " +
                            std::to_string(starts.size()));
        RefineOptions ro;
        ro.initialStep_mm = 10.0;
        ro.minStep_mm = 2.0;
        ro.maxEvaluations = 250;
        const PoseResult r = refinePose(m6, starts[i].pose, ro);
        stage1.push_back({r.fixedToMoving, r.metric, 0.0, starts[i].name});
    }
    std::sort(stage1.begin(), stage1.end(), [](const Candidate& a, const Candidate& b) { return a.mi > b.mi; });
    // Mutual information alone cannot tell apart poses that differ by a twist or a
    // slide of a roughly cylindrical body part (on STS_001's thigh they score within
    // 1-3% while 10-20 mm apart). Keep every distinct pose within 3% of the best
    // (distinct: more than 5 mm RMS apart over the samples), refine them on a finer
    // grid, and let the edges decide among those still within 3% (normalised
    // gradient fields, Haber & Modersitzki 2006): MI finds plausible poses, edge
    // agreement picks the one whose bone, skin and fascia coincide.
    const double tie = 0.03;
    const double distinct_mm = 5.0;
    const size_t maxKept = 12;
    auto rmsApart = [&](const Affine& a, const Affine& b) {
        double s = 0;
        for (const auto& p : m6.points()) {
            const double d = distance(a.apply(p), b.apply(p));
            s += d * d;
        }
        return std::sqrt(s / double(m6.points().size()));
    };
    std::vector<Candidate> kept;
    for (const auto& c : stage1) {
        if (c.mi < stage1.front().mi * (1.0 - tie) || kept.size() >= maxKept) break;
        bool duplicate = false;
        for (const auto& k : kept) duplicate = duplicate || rmsApart(k.pose, c.pose) < distinct_mm;
        if (!duplicate) kept.push_back(c);
    }
    MetricOptions fine;
    fine.fixedSpacing_mm = 3.0;
    fine.movingSpacing_mm = 2.0;
    fine.maxSamples = 60000;
    fine.gradients = true;
    SampledMetric m3(in.fixed->image, in.fixedMask, in.moving->image, in.movingMask, fine);
    std::vector<Candidate> stage2;
    for (size_t i = 0; i < kept.size(); ++i) {
        progress.update(0.75 + 0.25 * double(i) / double(kept.size()),
                        "initialisation: refining pose " + std::to_string(i + 1) + " of " + std::to_string(kept.size()));
        RefineOptions ro;
        ro.initialStep_mm = 4.0;
        ro.minStep_mm = 0.5;
        ro.maxEvaluations = 400;
        const PoseResult r = refinePose(m3, kept[i].pose, ro);
        stage2.push_back({r.fixedToMoving, r.metric, m3.edgeAlignment(r.fixedToMoving), kept[i].start});
    }
    std::sort(stage2.begin(), stage2.end(), [](const Candidate& a, const Candidate& b) { return a.mi > b.mi; });
    size_t chosen = 0;
    for (size_t i = 1; i < stage2.size(); ++i)
        if (stage2[i].mi >= stage2[0].mi * (1.0 - tie) && stage2[i].edges > stage2[chosen].edges) chosen = i;
    InitResult r;
    r.fixedToMoving = stage2[chosen].pose;
    r.mode = "moments";
    Json cands = Json::array();
    for (const auto& c : stage2)
        cands.push_back({{"start", c.start}, {"mutual_information", c.mi}, {"edge_alignment", c.edges},
                         {"matrix_fixed_to_moving_lps", c.pose.toRowMajor4x4()}});
    r.details["search_starts"] = starts.size();
    r.details["candidates"] = cands;
    r.details["chosen"] = chosen;
    r.reason = "pose search from " + std::to_string(starts.size()) + " starts (geometric centres and centres of mass, " +
               "rotations up to 30 degrees); chose the pose from " + stage2[chosen].start + " (mutual information " +
               fmt(stage2[chosen].mi, 3) + ", edge agreement " + fmt(stage2[chosen].edges, 3) + ")";
    progress.update(1.0, "initialisation done");
    return r;
}

} // namespace

Vec3 centreOfMass(const FloatImage* image, const MaskImage* mask) {
    FloatImage::Pointer small = shrinkTo(image, 4.0);
    const auto [lo, hi] = quantiles(small, 0.01, 0.99);
    const double thr = otsuThreshold(small, lo, hi);
    const Affine i2p = indexToPhysical(small);
    const Affine physToMask = mask ? indexToPhysical(mask).inverse() : Affine::identity();
    const auto ms = mask ? mask->GetLargestPossibleRegion().GetSize() : itk::Size<3>{{0, 0, 0}};
    const auto s = small->GetLargestPossibleRegion().GetSize();
    const float* v = small->GetBufferPointer();
    Vec3 sum;
    double w = 0;
    size_t id = 0;
    for (size_t k = 0; k < s[2]; ++k)
        for (size_t j = 0; j < s[1]; ++j)
            for (size_t i = 0; i < s[0]; ++i, ++id) {
                if (v[id] <= thr) continue;
                const Vec3 p = i2p.apply({double(i), double(j), double(k)});
                if (mask) {
                    const Vec3 q = physToMask.apply(p);
                    const long a = std::lround(q.x), b = std::lround(q.y), c = std::lround(q.z);
                    if (a < 0 || b < 0 || c < 0 || a >= long(ms[0]) || b >= long(ms[1]) || c >= long(ms[2])) continue;
                    if (!mask->GetBufferPointer()[size_t(a) + ms[0] * (size_t(b) + ms[1] * size_t(c))]) continue;
                }
                sum += p;
                w += 1;
            }
    return w > 0 ? sum / w : imageCentre(image);
}

double fovOverlap(const InitInputs& in, const Affine& fixedToMoving) {
    MetricOptions o;
    o.fixedSpacing_mm = 8.0;
    o.movingSpacing_mm = 8.0;
    SampledMetric m(in.fixed->image, in.fixedMask, in.moving->image, nullptr, o);
    const Affine toIndex = indexToPhysical(in.moving->image).inverse();
    size_t n = 0;
    for (const auto& p : m.points()) n += inside(in.moving->image, toIndex, fixedToMoving.apply(p));
    return double(n) / double(m.points().size());
}

InitResult initialPose(const InitInputs& in, InitKind kind, const Progress& progress) {
    InitResult r;
    const std::string& ff = in.fixed->meta.frameOfReferenceUid;
    const std::string& mf = in.moving->meta.frameOfReferenceUid;
    const bool sameFrame = !ff.empty() && ff == mf;
    const bool otherFrame = !ff.empty() && !mf.empty() && ff != mf;
    if (kind == InitKind::Auto) {
        if (sameFrame) {
            kind = InitKind::None;
            r.reason = "both images share a FrameOfReferenceUID: starting from scanner coordinates";
        } else if (in.sameScannerPreset && !otherFrame) {
            const double ov = fovOverlap(in, Affine::identity());
            r.details["scanner_overlap"] = ov;
            if (ov >= 0.5) {
                kind = InitKind::None;
                r.reason = "the preset is for one scanner and the images overlap in scanner coordinates (" +
                           fmt(100 * ov, 0) + "% of the fixed image): starting from scanner coordinates";
            } else {
                kind = InitKind::Geometry;
                r.reason = "the preset is for one scanner but only " + fmt(100 * ov, 0) +
                           "% of the fixed image overlaps the moving image in scanner coordinates: aligning the "
                           "centres of the images (the quality gate will judge the shift)";
            }
        } else {
            kind = InitKind::Moments;
            r.reason = otherFrame ? "the images have different FrameOfReferenceUIDs: searching the pose"
                                  : "the preset is for images from different sessions: searching the pose";
        }
    } else {
        r.reason = "requested";
    }
    switch (kind) {
    case InitKind::None:
        r.fixedToMoving = Affine::identity();
        r.mode = "none";
        break;
    case InitKind::Geometry:
        r.fixedToMoving = Affine::translation(imageCentre(in.moving->image) - imageCentre(in.fixed->image));
        r.mode = "geometry";
        break;
    case InitKind::Moments: {
        InitResult s = searchPose(in, progress);
        s.reason = r.reason == "requested" ? s.reason : r.reason + "; " + s.reason;
        for (auto it = r.details.begin(); it != r.details.end(); ++it) s.details[it.key()] = it.value();
        r = s;
        break;
    }
    case InitKind::Auto: break;
    }
    log::info("registration start pose: " + r.mode + " (" + r.reason + ")");
    return r;
}

} // namespace irplan::registration::detail
