#pragma once
// Registering a moving image (PET, MRI, follow-up CT) onto a fixed one (the
// planning CT or MRI) with elastix, and correcting a result by hand.
//
// The result is a folder: moving_resampled.nii.gz (the moving image on the
// fixed grid), the transform files, and result.json with the quality gate's
// verdict; Registration (Registration.h) reads it back. The mapping goes from
// fixed-space points to moving-space points (elastix's convention), LPS mm.
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/Volume.h"
#include "registration/ElastixSettings.h"
#include "registration/Registration.h"

#include <filesystem>
#include <optional>
#include <string>

namespace irplan::registration {

enum class InitMode {
    Auto,     // scanner coordinates when the frames agree, else geometry or a pose search
    Geometry, // align the centres of the two fields of view
    Moments,  // pose search from centres of mass and geometric centres under several rotations
    None,     // scanner coordinates as they are
};
InitMode initModeFromName(const std::string& name); // "auto", "geometry", "moments", "none"
const char* initModeName(InitMode mode);

struct RegisterRequest {
    const Volume* fixed = nullptr;
    const Volume* moving = nullptr;
    MaskImage::Pointer fixedMask;  // optional, any grid (resampled onto the fixed grid)
    MaskImage::Pointer movingMask; // optional
    std::string preset;            // a name from builtInPresetNames() or a preset folder
    InitMode init = InitMode::Auto;
    // A starting pose given by hand (a nudged or earlier result); replaces `init`.
    std::optional<Affine> initialFixedToMoving;
    std::filesystem::path outputDir;
    ElastixSettings elastix;
    Progress progress;
    // Where the inputs came from, recorded in result.json.
    std::string fixedSource, movingSource, fixedMaskSource, movingMaskSource;
    // Multiplies every stage's iteration count (tests and quick previews; 1 = the preset).
    double iterationScale = 1.0;
    // Seconds the caller spent reading the inputs, added to result.json "seconds".
    double inputSeconds = 0.0;
};

// Runs the whole registration and writes the result folder. Throws
// irplan::Error with a plain-words reason when elastix fails or is missing,
// irplan::Cancelled when cancelled; in every case the private temporary files
// are removed and the user's files are left untouched.
Registration registerVolumes(const RegisterRequest& request);

struct NudgeRequest {
    const Registration* registration = nullptr;
    const Volume* fixed = nullptr;  // the registration's fixed and moving images
    const Volume* moving = nullptr;
    MaskImage::Pointer fixedMask, movingMask;
    // How the moving image should move as seen on the fixed grid (what the user
    // drags): translation_mm and a rotation (degrees about x, y, z, in that
    // order) about `centre_mm` (default: the centre of the fixed image).
    Vec3 translation_mm;
    Vec3 rotation_deg;
    std::optional<Vec3> centre_mm;
    std::filesystem::path outputDir; // may be the registration's own folder
    ElastixSettings elastix;
    Progress progress;
};

// A manual correction: the nudge is composed into the registration's initial
// transform (so every stage, deformable ones included, sees it), the moving
// image is resampled again and the quality gate re-runs.
Registration nudgeRegistration(const NudgeRequest& request);

} // namespace irplan::registration
