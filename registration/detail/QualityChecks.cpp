#include "registration/detail/QualityChecks.h"

#include "core/Error.h"
#include "core/Log.h"
#include "registration/detail/ImageOps.h"
#include "registration/detail/PoseSearch.h"
#include "registration/detail/SampledMetric.h"

#include <vnl/algo/vnl_svd.h>
#include <vnl/vnl_matrix.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace irplan::registration::detail {

Mat3 rotationPart(const Mat3& A, Vec3* singularValues) {
    vnl_matrix<double> m(3, 3);
    for (unsigned r = 0; r < 3; ++r)
        for (unsigned c = 0; c < 3; ++c) m(r, c) = A(int(r), int(c));
    vnl_svd<double> svd(m);
    const vnl_matrix<double> R = svd.U() * svd.V().transpose();
    if (singularValues) *singularValues = {svd.W(0), svd.W(1), svd.W(2)};
    Mat3 out;
    for (unsigned r = 0; r < 3; ++r)
        for (unsigned c = 0; c < 3; ++c) out(int(r), int(c)) = R(r, c);
    return out;
}

double rotationAngleDeg(const Mat3& R) {
    const double c = std::clamp((R(0, 0) + R(1, 1) + R(2, 2) - 1.0) / 2.0, -1.0, 1.0);
    return std::acos(c) * 180.0 / 3.14159265358979323846;
}

namespace {

std::string fmt(double v, int digits = 1) {
    char b[48];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

QaCheck check(const std::string& name, double value, std::optional<Limit> limit, bool higherIsBetter,
              const std::string& message) {
    QaCheck c;
    c.name = name;
    c.value = value;
    if (limit) {
        c.warnLimit = limit->warn;
        c.failLimit = limit->fail;
    }
    c.higherIsBetter = higherIsBetter;
    c.verdict = judge(value, c.warnLimit, c.failLimit, higherIsBetter);
    c.message = message;
    return c;
}

bool isCt(const Volume& v) { return v.meta.units == Units::HU || v.meta.modality == "CT"; }

// Threshold separating the body from air / background on a coarse copy.
double bodyThreshold(const Volume& v, const FloatImage* coarse) {
    // -400 HU lies between air/lung (-1000..-700) and fat (-100): the body outline on CT.
    if (isCt(v)) return -400.0;
    const auto [lo, hi] = quantiles(coarse, 0.01, 0.995);
    return otsuThreshold(coarse, lo, hi);
}

// Signed permutation matrices other than the identity: every way a volume's
// axes can be flipped, swapped or turned by 90 degrees (mirror images included).
std::vector<Mat3> alternativeOrientations() {
    std::vector<Mat3> out;
    const int perms[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (const auto& p : perms)
        for (int s = 0; s < 8; ++s) {
            Mat3 m;
            m.m.fill(0.0);
            for (int r = 0; r < 3; ++r) m(r, p[r]) = (s >> r) & 1 ? -1.0 : 1.0;
            if (m.m == Mat3::identity().m) continue;
            out.push_back(m);
        }
    return out;
}

std::string describeOrientation(const Mat3& G) {
    const char* axes = "xyz";
    if (G.determinant() < 0) {
        // A single flip is the common header error: name it in the patient's terms.
        int flips = 0, axis = -1;
        bool diagonal = true;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c)
                if (r != c && G(r, c) != 0) diagonal = false;
        for (int r = 0; r < 3 && diagonal; ++r)
            if (G(r, r) < 0) {
                ++flips;
                axis = r;
            }
        if (diagonal && flips == 1) {
            const char* names[] = {"left-right", "anterior-posterior", "head-foot"};
            return std::string("mirrored ") + names[axis];
        }
        return "mirrored (axes swapped or flipped)";
    }
    std::string s = "turned by 90 or 180 degrees (";
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            if (G(r, c) != 0) s += std::string(G(r, c) < 0 ? "-" : "+") + axes[c] + (r < 2 ? "," : ")");
    return s;
}

} // namespace

QualityOutputs evaluateQuality(const QualityInputs& in, const Progress& progress) {
    QualityOutputs out;
    const PresetInfo& preset = *in.preset;
    std::vector<QaCheck>& checks = out.report.checks;
    progress.update(0.0, "quality gate: preparing");
    // Coarse copies shared by the checks (4 mm: the PET's own resolution).
    FloatImage::Pointer fixed4 = shrinkTo(in.fixed->image, 4.0);
    FloatImage::Pointer moving4 = shrinkTo(in.moving->image, 4.0);

    // ---- frames and pose plausibility ----
    const std::string& ff = in.fixed->meta.frameOfReferenceUid;
    const std::string& mf = in.moving->meta.frameOfReferenceUid;
    const bool otherFrame = !ff.empty() && !mf.empty() && ff != mf;
    const bool sameFrame = !ff.empty() && ff == mf;
    const bool framesAgree = sameFrame || (preset.sameScanner && !otherFrame);
    if (preset.sameScanner && otherFrame) {
        QaCheck c;
        c.name = "frame_of_reference";
        c.value = 0;
        c.verdict = "warn";
        c.message = "the preset " + preset.name + " is for one PET/CT scanner but the images have different "
                    "FrameOfReferenceUIDs; use a preset for different sessions (pet-mr, mr-ct) or check the series";
        checks.push_back(c);
    }
    Vec3 sv;
    const Mat3 R = rotationPart(in.linear.A, &sv);
    const double angle = rotationAngleDeg(R);
    MetricOptions mo;
    mo.fixedSpacing_mm = 4.0;
    mo.movingSpacing_mm = 4.0;
    SampledMetric metric(fixed4, in.fixedMask, moving4, in.movingMask, mo);
    const Vec3 centre = metric.centroid();
    const double shift = distance(in.linear.apply(centre), centre);
    const std::string frameNote = framesAgree ? "" : " (the frames are unrelated, so this is not judged)";
    checks.push_back(check("rotation_deg", angle, framesAgree ? preset.qa.rotation_deg : std::nullopt, false,
                           "the moving image is rotated by " + fmt(angle) + " degrees from scanner coordinates" +
                               frameNote));
    checks.push_back(check("translation_mm", shift, framesAgree ? preset.qa.translation_mm : std::nullopt, false,
                           "the registration moves the centre of the fixed region by " + fmt(shift) +
                               " mm from scanner coordinates" + frameNote));
    const double det = in.linear.A.determinant();
    if (det <= 0) {
        QaCheck c;
        c.name = "reflection";
        c.value = det;
        c.verdict = "fail";
        c.message = "the transform mirrors the image (determinant " + fmt(det, 3) + "): no registration of one "
                    "patient should";
        checks.push_back(c);
    }
    const double scaleDev = std::max({std::abs(sv.x - 1), std::abs(sv.y - 1), std::abs(sv.z - 1)});
    checks.push_back(check("scale_deviation", scaleDev, preset.qa.scaleDeviation, false,
                           "the transform scales by " + fmt(sv.x, 3) + ", " + fmt(sv.y, 3) + ", " + fmt(sv.z, 3) +
                               " along its principal axes"));
    progress.update(0.15, "quality gate: overlap");

    // ---- overlap: how much of the fixed body the moving image covers ----
    const double fixedBody = bodyThreshold(*in.fixed, fixed4);
    MaskImage::Pointer fixedBodyMask = thresholdMask(fixed4, fixedBody);
    {
        const Affine fToI = indexToPhysical(fixed4);
        const Affine toMoving = indexToPhysical(in.moving->image).inverse() * in.linear * fToI;
        const auto s = fixed4->GetLargestPossibleRegion().GetSize();
        const auto ms = in.moving->image->GetLargestPossibleRegion().GetSize();
        const auto* b = fixedBodyMask->GetBufferPointer();
        size_t body = 0, covered = 0, id = 0;
        for (size_t k = 0; k < s[2]; ++k)
            for (size_t j = 0; j < s[1]; ++j)
                for (size_t i = 0; i < s[0]; ++i, ++id) {
                    if (!b[id]) continue;
                    ++body;
                    const Vec3 q = toMoving.apply({double(i), double(j), double(k)});
                    covered += q.x >= -0.5 && q.y >= -0.5 && q.z >= -0.5 && q.x <= ms[0] - 0.5 &&
                               q.y <= ms[1] - 0.5 && q.z <= ms[2] - 0.5;
                }
        const double ov = body ? double(covered) / double(body) : 0.0;
        checks.push_back(check("fov_overlap", ov, preset.qa.fovOverlap, true,
                               fmt(100 * ov, 0) + "% of the body in the fixed image lies inside the moving image's "
                               "field of view after registration"));
    }
    // ---- where the moving image's signal lands ----
    {
        const auto [lo, hi] = quantiles(moving4, 0.01, 0.995);
        const double thr = otsuThreshold(moving4, lo, hi);
        // The fixed body grown by 2 voxels (8 mm), so an edge slightly off is not counted against it.
        const auto fs = fixed4->GetLargestPossibleRegion().GetSize();
        std::vector<unsigned char> grown(fixedBodyMask->GetBufferPointer(),
                                         fixedBodyMask->GetBufferPointer() + fs[0] * fs[1] * fs[2]);
        for (int pass = 0; pass < 2; ++pass) {
            std::vector<unsigned char> g = grown;
            for (size_t k = 0; k < fs[2]; ++k)
                for (size_t j = 0; j < fs[1]; ++j)
                    for (size_t i = 0; i < fs[0]; ++i) {
                        const size_t id = i + fs[0] * (j + fs[1] * k);
                        if (grown[id]) continue;
                        const bool nb = (i > 0 && grown[id - 1]) || (i + 1 < fs[0] && grown[id + 1]) ||
                                        (j > 0 && grown[id - fs[0]]) || (j + 1 < fs[1] && grown[id + fs[0]]) ||
                                        (k > 0 && grown[id - fs[0] * fs[1]]) ||
                                        (k + 1 < fs[2] && grown[id + fs[0] * fs[1]]);
                        if (nb) g[id] = 1;
                    }
            grown.swap(g);
        }
        const Affine mToP = indexToPhysical(moving4);
        const Affine toFixed = indexToPhysical(fixed4).inverse() * in.linear.inverse() * mToP;
        const auto ms = moving4->GetLargestPossibleRegion().GetSize();
        const float* v = moving4->GetBufferPointer();
        size_t inFov = 0, inBody = 0, id = 0;
        for (size_t k = 0; k < ms[2]; ++k)
            for (size_t j = 0; j < ms[1]; ++j)
                for (size_t i = 0; i < ms[0]; ++i, ++id) {
                    if (v[id] <= thr) continue;
                    const Vec3 q = toFixed.apply({double(i), double(j), double(k)});
                    const long a = std::lround(q.x), b = std::lround(q.y), c = std::lround(q.z);
                    if (a < 0 || b < 0 || c < 0 || a >= long(fs[0]) || b >= long(fs[1]) || c >= long(fs[2])) continue;
                    ++inFov;
                    inBody += grown[size_t(a) + fs[0] * (size_t(b) + fs[1] * size_t(c))] != 0;
                }
        const double frac = inFov ? double(inBody) / double(inFov) : 0.0;
        checks.push_back(check("signal_in_body", frac, preset.qa.signalInBody, true,
                               inFov ? fmt(100 * frac, 0) + "% of the moving image's signal that lands in the fixed "
                                       "field of view lies inside the body"
                                     : "none of the moving image's signal lands in the fixed field of view"));
    }
    progress.update(0.3, "quality gate: metric");

    // ---- metric before / after ----
    out.metricScanner = metric.evaluate(Affine::identity());
    out.metricBefore = metric.evaluate(in.initial);
    if (in.deformable && in.movingOnFixed) {
        FloatImage::Pointer r4 = shrinkTo(in.movingOnFixed, 4.0);
        SampledMetric after(fixed4, in.fixedMask, r4, nullptr, mo);
        out.metricAfter = after.evaluate(Affine::identity());
    } else {
        out.metricAfter = metric.evaluate(in.linear);
    }
    {
        // Relative change: a decrease of more than 10% warns. Smaller decreases happen by
        // design (a search start is already MI-optimal at a coarse scale; a bone-driven
        // affine stage or a manual nudge trades whole-image MI for anatomy).
        const double change = out.metricBefore > 0 ? (out.metricAfter - out.metricBefore) / out.metricBefore : 0.0;
        QaCheck c = check("metric_change", change, Limit{-0.10, -0.10}, true,
                          "mutual information went from " + fmt(out.metricBefore, 3) + " at the start to " +
                              fmt(out.metricAfter, 3) + " after registration (" + (change >= 0 ? "+" : "") +
                              fmt(100 * change, 1) + "%)");
        c.failLimit.reset();
        c.verdict = judge(change, c.warnLimit, std::nullopt, true);
        checks.push_back(c);
    }
    progress.update(0.4, "quality gate: other orientations");

    // ---- would a flipped or turned moving image fit better? ----
    {
        MetricOptions oo;
        oo.fixedSpacing_mm = 6.0;
        oo.movingSpacing_mm = 4.0;
        oo.maxSamples = 30000;
        // The whole images: a mirror image shows in the body's whole content, not in a mask's corner.
        SampledMetric om(fixed4, nullptr, moving4, nullptr, oo);
        RefineOptions local;
        local.initialStep_mm = 4.0;
        local.minStep_mm = 1.0;
        local.maxEvaluations = 200;
        const PoseResult base = refinePose(om, in.linear, local);
        const Vec3 c = om.centroid();
        // Alternatives are held to the result's overlap: mutual information over a
        // small overlap is easily inflated (a thigh mirrored onto the other leg at
        // the edge of a crop scored 15% "better" on 39% of the samples).
        local.minOverlap = std::max(local.minOverlap, 0.9 * base.overlap);
        struct Alt {
            Mat3 G;
            double start = 0;
        };
        std::vector<Alt> alts;
        for (const Mat3& G : alternativeOrientations()) {
            const Affine g{G, c - G * c};
            alts.push_back({G, poseObjective(om, in.linear * g, local.minOverlap)});
        }
        std::sort(alts.begin(), alts.end(), [](const Alt& a, const Alt& b) { return a.start > b.start; });
        double bestAlt = -1;
        Mat3 bestG;
        for (size_t i = 0; i < std::min<size_t>(4, alts.size()); ++i) {
            progress.update(0.4 + 0.15 * double(i), "quality gate: other orientations");
            const Affine g{alts[i].G, c - alts[i].G * c};
            RefineOptions ro = local;
            ro.initialStep_mm = 8.0;
            ro.maxEvaluations = 300;
            const PoseResult r = refinePose(om, in.linear * g, ro);
            if (r.metric > bestAlt) {
                bestAlt = r.metric;
                bestG = alts[i].G;
            }
        }
        const double margin = base.metric > 0 ? (base.metric - bestAlt) / base.metric : -1.0;
        out.details["orientation_test"] = {{"result_mutual_information", base.metric},
                                           {"best_alternative_mutual_information", bestAlt},
                                           {"best_alternative", describeOrientation(bestG)}};
        std::string msg = margin >= 0 ? "the result fits " + fmt(100 * margin, 1) +
                                            "% better than the best flipped or turned copy of the moving image (" +
                                            describeOrientation(bestG) + ")"
                                      : "a re-oriented copy of the moving image fits " + fmt(-100 * margin, 1) +
                                            "% better than the result (best: " + describeOrientation(bestG) +
                                            "): its orientation in the header is probably wrong";
        checks.push_back(check("orientation_margin", margin, preset.qa.orientationMargin, true, msg));
    }
    progress.update(0.95, "quality gate: finishing");

    // ---- deformation field: folding and extreme volume change ----
    if (in.jacobian) {
        const float* j = in.jacobian->GetBufferPointer();
        const size_t n = in.jacobian->GetBufferedRegion().GetNumberOfPixels();
        const auto* m = in.fixedMask ? in.fixedMask->GetBufferPointer() : nullptr;
        size_t count = 0, folded = 0, extreme = 0;
        double minJ = 1e9;
        for (size_t i = 0; i < n; ++i) {
            if (m && !m[i]) continue;
            ++count;
            minJ = std::min(minJ, double(j[i]));
            folded += j[i] <= 0;
            // Halving or doubling a region's volume is beyond breathing (liver volume changes a few %).
            extreme += j[i] < 0.5f || j[i] > 2.0f;
        }
        const double foldFrac = count ? double(folded) / double(count) : 0.0;
        checks.push_back(check("folding_fraction", foldFrac, Limit{0.0, 1e-4}, false,
                               fmt(100 * foldFrac, 3) + "% of the deformation folds (Jacobian <= 0; minimum " +
                                   fmt(minJ, 2) + ")"));
        const double extFrac = count ? double(extreme) / double(count) : 0.0;
        checks.push_back(check("extreme_volume_change", extFrac, Limit{0.01, 0.05}, false,
                               fmt(100 * extFrac, 2) + "% of the deformed region shrinks below half or grows beyond "
                               "twice its volume"));
    }
    std::string verdict = "pass";
    for (const auto& c : checks) {
        if (c.verdict == "fail") verdict = "fail";
        else if (c.verdict == "warn" && verdict == "pass") verdict = "warn";
    }
    out.report.verdict = verdict;
    progress.update(1.0, "quality gate: " + verdict);
    return out;
}

} // namespace irplan::registration::detail
