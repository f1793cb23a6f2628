#include "registration/detail/PoseSearch.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace irplan::registration::detail {

Affine rigidAbout(const Vec3& w, const Vec3& centre, const Vec3& t) {
    const double angle = norm(w);
    const Mat3 R = angle > 0 ? Mat3::rotationAxisAngle(w, angle) : Mat3::identity();
    return Affine::rigid(R, centre, t);
}

double poseObjective(const SampledMetric& metric, const Affine& fixedToMoving, double minOverlap, double* overlap,
                     PoseObjective objective, double miScale, double edgeScale) {
    double ov = 0;
    double mi = metric.evaluate(fixedToMoving, &ov);
    if (objective == PoseObjective::EdgeAlignment) mi = metric.edgeAlignment(fixedToMoving);
    else if (objective == PoseObjective::Combined)
        mi = mi / miScale + metric.edgeAlignment(fixedToMoving) / edgeScale;
    if (overlap) *overlap = ov;
    // Few samples inside the moving image make MI meaningless (and easy to
    // inflate); scale it down so the search keeps the images on each other.
    return ov >= minOverlap ? mi : mi * ov / minOverlap;
}

PoseResult refinePose(const SampledMetric& metric, const Affine& start, const RefineOptions& o) {
    const Vec3 c = metric.centroid();
    const double r = metric.radius_mm();
    std::array<double, 6> u{}; // rotation (mm of arc at radius r) x3, translation (mm) x3
    auto affineOf = [&](const std::array<double, 6>& p) {
        return start * rigidAbout(Vec3{p[0], p[1], p[2]} / r, c, Vec3{p[3], p[4], p[5]});
    };
    double miScale = 1, edgeScale = 1;
    if (o.objective == PoseObjective::Combined) {
        miScale = std::max(1e-6, metric.evaluate(start));
        edgeScale = std::max(1e-6, metric.edgeAlignment(start));
    }
    PoseResult best;
    best.fixedToMoving = start;
    best.metric = poseObjective(metric, start, o.minOverlap, &best.overlap, o.objective, miScale, edgeScale);
    best.evaluations = 1;
    double step = o.initialStep_mm;
    const int firstParam = o.rotate ? 0 : 3;
    // Compass search with expansion: a successful move is repeated with a doubled
    // step along the same axis; no improvement on any axis halves the step.
    while (step >= o.minStep_mm && best.evaluations < o.maxEvaluations) {
        bool improved = false;
        for (int k = firstParam; k < 6 && best.evaluations < o.maxEvaluations; ++k) {
            for (double sign : {1.0, -1.0}) {
                double s = step;
                bool moved = false;
                while (best.evaluations < o.maxEvaluations) {
                    auto trial = u;
                    trial[size_t(k)] += sign * s;
                    double ov = 0;
                    const Affine a = affineOf(trial);
                    const double m = poseObjective(metric, a, o.minOverlap, &ov, o.objective, miScale, edgeScale);
                    ++best.evaluations;
                    if (m > best.metric + 1e-9) {
                        u = trial;
                        best.metric = m;
                        best.overlap = ov;
                        best.fixedToMoving = a;
                        moved = improved = true;
                        s *= 2;
                        if (s > 4 * o.initialStep_mm) break;
                    } else {
                        break;
                    }
                }
                if (moved) break; // do not try the opposite sign after a success
            }
        }
        if (!improved) step /= 2;
    }
    return best;
}

} // namespace irplan::registration::detail
