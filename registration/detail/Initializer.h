#pragma once
// Internal: the starting pose handed to elastix (-t0).
//  - none: scanner coordinates (identity);
//  - geometry: the centres of the two fields of view coincide;
//  - moments: several starts (geometric centres and centres of mass, each under
//    a grid of rotations) refined in-process on the SampledMetric; the best by
//    mutual information wins, and when several are within 3% of it, the one
//    whose edges agree best (normalised gradient fields);
//  - auto: scanner coordinates when both images share a frame of reference (or,
//    for a same-scanner preset, when they overlap there), else geometry for a
//    same-scanner preset and moments for images from different sessions.
#include "core/Case.h"
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/Volume.h"

#include <string>

namespace irplan::registration::detail {

enum class InitKind { Auto, Geometry, Moments, None };

struct InitResult {
    Affine fixedToMoving;
    std::string mode;   // what was done: "none", "geometry", "moments"
    std::string reason; // why, in words
    Json details = Json::object();
};

struct InitInputs {
    const Volume* fixed = nullptr;
    const Volume* moving = nullptr;
    const MaskImage* fixedMask = nullptr;  // on the fixed grid, or null
    const MaskImage* movingMask = nullptr; // on the moving grid, or null
    bool sameScannerPreset = false;
};

InitResult initialPose(const InitInputs& in, InitKind kind, const Progress& progress);

// Fraction of the fixed image's samples (inside its mask) that `fixedToMoving`
// maps inside the moving image's field of view.
double fovOverlap(const InitInputs& in, const Affine& fixedToMoving);

// Centre of mass of the voxels above the image's Otsu threshold, LPS mm.
Vec3 centreOfMass(const FloatImage* image, const MaskImage* mask);

} // namespace irplan::registration::detail
