#pragma once
// Where the PET and MR see the CT's anatomy. The PET of a PET/CT is offset by
// a small rigid patient motion, and the liver sits elsewhere because PET is
// acquired in free breathing while the CT is a breath-hold: inside the liver
// the anatomy is shifted by `breathingShift`, fading to nothing 40 mm outside
// it. A CT point x (fixed) is seen in the PET (moving) at
//     y = R (x + w(x) s) + t,
// the fixed-to-moving convention of elastix.
#include "core/Geometry.h"
#include "phantom/Shapes.h"

#include <vector>

namespace irplan::phantom {

// w(x): 1 inside the liver, smoothly 0 beyond `falloff_mm` outside it.
// Sampled on a 4 mm grid and interpolated, so it is cheap and smooth.
class BreathingWeight {
public:
    BreathingWeight() = default;
    BreathingWeight(const ShapePtr& liver, double falloff_mm);
    double operator()(const Vec3& p) const;
    double falloff() const { return falloff_; }

private:
    Vec3 origin_;
    double step_ = 4.0;
    size_t n_[3] = {0, 0, 0};
    std::vector<float> w_;
    double falloff_ = 40.0;
};

struct PetMotion {
    Affine rigidCtToPet;   // R, t
    Vec3 breathingShift;   // s, mm (patient coordinates)
    BreathingWeight weight;

    Vec3 ctToPet(const Vec3& x) const { return rigidCtToPet.apply(x + breathingShift * weight(x)); }
    // Inverse by fixed-point iteration (the displacement field is smooth and small).
    Vec3 petToCt(const Vec3& y) const;
};

// Misalignments drawn from the seed: rotations up to 2 degrees and shifts up to
// 8 mm for the PET (same scanner), a different session's pose for the MR.
PetMotion makePetMotion(uint64_t seed, const ShapePtr& liver, const Vec3& rotationCentre);
Affine makeMrMotion(uint64_t seed, const Vec3& rotationCentre);

} // namespace irplan::phantom
