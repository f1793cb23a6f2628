#pragma once
// Internal: derivative-free rigid pose optimisation on the SampledMetric, used to
// initialise elastix from far away (several starts) and by the quality gate to
// test other orientations of the moving image. Deterministic.
#include "core/Geometry.h"
#include "registration/detail/SampledMetric.h"

namespace irplan::registration::detail {

struct PoseResult {
    Affine fixedToMoving;
    double metric = 0;  // objective (MI with the overlap guard), higher is better
    double overlap = 0;
    int evaluations = 0;
};

enum class PoseObjective {
    MutualInformation,
    EdgeAlignment,
    // Relative change of both: MI / MI(start) + edges / edges(start). Moves along
    // MI's near-flat ridges towards better edge agreement.
    Combined,
};

struct RefineOptions {
    PoseObjective objective = PoseObjective::MutualInformation;
    double initialStep_mm = 8.0; // first step (translation mm; rotation in mm of arc at the sample radius)
    double minStep_mm = 0.5;
    int maxEvaluations = 600;
    bool rotate = true;          // false: translation only
    double minOverlap = 0.25;    // below this the objective is scaled down (keeps the images on each other)
};

// The objective the searches maximise.
double poseObjective(const SampledMetric& metric, const Affine& fixedToMoving, double minOverlap,
                     double* overlap = nullptr, PoseObjective objective = PoseObjective::MutualInformation,
                     double miScale = 1.0, double edgeScale = 1.0);

// Rigid refinement of `start`: the result is start o (rotation about the sample
// centroid + translation), applied in fixed space.
PoseResult refinePose(const SampledMetric& metric, const Affine& start, const RefineOptions& options = {});

// Rotation by the rotation vector `w` (radians) about `centre`, then translation `t`.
Affine rigidAbout(const Vec3& w, const Vec3& centre, const Vec3& t = {});

} // namespace irplan::registration::detail
