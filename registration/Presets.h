#pragma once
// Registration presets: what each is for, its stages, and the limits its
// quality gate applies. The elastix parameter files themselves live in
// assets/registration/<name>/ (compiled into IRPlan); a folder of the same
// shape can be given instead of a name.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace irplan::registration {

// A [warn, fail] pair. For "smaller is better" quantities (rotation) a value
// above `warn` warns and above `fail` fails; for "larger is better" ones
// (overlap) below.
struct Limit {
    double warn = 0;
    double fail = 0;
};

struct QaLimits {
    std::optional<Limit> rotation_deg;   // pose plausibility, only for frames expected to agree
    std::optional<Limit> translation_mm;
    std::optional<Limit> scaleDeviation; // |singular value - 1| of the linear part
    Limit fovOverlap{0.5, 0.2};          // fraction of the fixed body inside the moving field of view
    Limit signalInBody{0.9, 0.7};        // fraction of the moving image's signal that lands in the fixed body
    Limit orientationMargin{0.03, 0.0};  // how much better the result is than any flipped/rotated alternative
};

struct PresetInfo {
    std::string name;
    std::string purpose;
    std::string sources;
    std::string fixedMaskAdvice;
    // True when both images come from one scanner (PET/CT): scanner coordinates
    // are the starting pose and large motions are implausible.
    bool sameScanner = false;
    std::vector<std::string> stages; // "rigid", "affine", "bspline", in order
    // A rigid stage run before the others on a mask of the fixed image ("bone":
    // its bone, when the fixed image is a CT); empty when the preset has none.
    std::string anchorMask;
    // Per stage: "" (the user's fixed mask, if any) or "bone" (the fixed CT's bone,
    // used when the user gave no fixed mask and the fixed image is a CT).
    std::vector<std::string> stageMasks;
    QaLimits qa;

    bool deformable() const;
    // "rigid", "affine" or "deformable": what the whole registration can express.
    std::string transformKind() const;
};

std::vector<std::string> builtInPresetNames();
// A built-in preset by name, or a folder holding preset.json and the stage files.
// Throws irplan::Error listing the known names when neither.
PresetInfo presetInfo(const std::string& nameOrFolder);

} // namespace irplan::registration
