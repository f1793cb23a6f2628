#pragma once
// Internal: computes the quality gate's checks for one registration result.
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/Volume.h"
#include "registration/Presets.h"
#include "registration/QualityGate.h"

namespace irplan::registration::detail {

struct QualityInputs {
    const Volume* fixed = nullptr;
    const Volume* moving = nullptr;
    const MaskImage* fixedMask = nullptr; // on the fixed grid, or null
    const MaskImage* movingMask = nullptr;
    const PresetInfo* preset = nullptr;
    Affine initial;                       // the starting pose
    Affine linear;                        // linear part of the result
    bool deformable = false;
    const FloatImage* movingOnFixed = nullptr; // the result, resampled on the fixed grid (deformable)
    const FloatImage* jacobian = nullptr;      // spatial Jacobian determinant on the fixed grid (deformable)
};

struct QualityOutputs {
    QaReport report;
    double metricBefore = 0; // IRPlan's mutual information at the starting pose
    double metricAfter = 0;  // ... at the result
    double metricScanner = 0; // ... in scanner coordinates
    Json details = Json::object();
};

QualityOutputs evaluateQuality(const QualityInputs& in, const Progress& progress);

// The rotation part of a linear map (polar decomposition) and its singular values.
Mat3 rotationPart(const Mat3& A, Vec3* singularValues = nullptr);
double rotationAngleDeg(const Mat3& R);

} // namespace irplan::registration::detail
