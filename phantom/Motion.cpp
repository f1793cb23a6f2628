#include "phantom/Motion.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace irplan::phantom {

BreathingWeight::BreathingWeight(const ShapePtr& liver, double falloff) : falloff_(falloff) {
    const Box b = liver->bounds().grown(falloff + 2 * step_);
    origin_ = b.lo;
    for (int d = 0; d < 3; ++d) n_[d] = static_cast<size_t>(std::ceil((b.hi[d] - b.lo[d]) / step_)) + 1;
    w_.resize(n_[0] * n_[1] * n_[2]);
    for (size_t k = 0; k < n_[2]; ++k)
        for (size_t j = 0; j < n_[1]; ++j)
            for (size_t i = 0; i < n_[0]; ++i) {
                const Vec3 p = origin_ + Vec3{i * step_, j * step_, k * step_};
                const double s = liver->sdf(p);
                const double t = std::clamp(s / falloff, 0.0, 1.0);
                w_[i + n_[0] * (j + n_[1] * k)] = static_cast<float>(1.0 - t * t * (3.0 - 2.0 * t));
            }
}

double BreathingWeight::operator()(const Vec3& p) const {
    if (w_.empty()) return 0.0;
    double f[3];
    size_t i0[3];
    for (int d = 0; d < 3; ++d) {
        const double c = (p[d] - origin_[d]) / step_;
        if (c < 0 || c >= static_cast<double>(n_[d] - 1)) return 0.0;
        i0[d] = static_cast<size_t>(c);
        f[d] = c - static_cast<double>(i0[d]);
    }
    double v = 0;
    for (int dz = 0; dz < 2; ++dz)
        for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) {
                const double w = (dx ? f[0] : 1 - f[0]) * (dy ? f[1] : 1 - f[1]) * (dz ? f[2] : 1 - f[2]);
                v += w * w_[(i0[0] + dx) + n_[0] * ((i0[1] + dy) + n_[1] * (i0[2] + dz))];
            }
    return v;
}

Vec3 PetMotion::petToCt(const Vec3& y) const {
    const Vec3 xr = rigidCtToPet.inverse().apply(y);
    Vec3 x = xr;
    for (int it = 0; it < 6; ++it) x = xr - breathingShift * weight(x);
    return x;
}

namespace {
double uniform(std::mt19937_64& rng, double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); }
constexpr double kDeg = M_PI / 180.0;
} // namespace

PetMotion makePetMotion(uint64_t seed, const ShapePtr& liver, const Vec3& centre) {
    std::mt19937_64 rng(seed * 0x2545F4914F6CDD1Dull + 77);
    PetMotion m;
    // Rotations up to 2 degrees and shifts up to 8 mm: patient motion between the
    // CT and PET parts of one PET/CT.
    const Mat3 R = Mat3::rotationXYZ(uniform(rng, -2, 2) * kDeg, uniform(rng, -2, 2) * kDeg, uniform(rng, -2, 2) * kDeg);
    const Vec3 t{uniform(rng, -8, 8), uniform(rng, -8, 8), uniform(rng, -8, 8)};
    m.rigidCtToPet = Affine::rigid(R, centre, t);
    // Free-breathing PET vs breath-hold CT: the liver sits 6-10 mm lower
    // (towards the feet, -z) and slightly anterior in the PET.
    m.breathingShift = {0.0, uniform(rng, -3, -1), -uniform(rng, 6, 10)};
    m.weight = BreathingWeight(liver, 40.0);
    return m;
}

Affine makeMrMotion(uint64_t seed, const Vec3& centre) {
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 4242);
    // Another session on another table: a few degrees and a few centimetres.
    const Mat3 R = Mat3::rotationXYZ(uniform(rng, -6, 6) * kDeg, uniform(rng, -6, 6) * kDeg, uniform(rng, -8, 8) * kDeg);
    const Vec3 t{uniform(rng, -25, 25), uniform(rng, -25, 25), uniform(rng, -30, 30)};
    return Affine::rigid(R, centre, t);
}

} // namespace irplan::phantom
