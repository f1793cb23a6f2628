#pragma once
// Rasterises the anatomy into a two-phase contrast CT (late arterial and
// portal venous, same grid) and the truth label map. Edges are partial-volume
// blended from the signed distances; correlated Gaussian noise is added last.
#include "core/Progress.h"
#include "phantom/Anatomy.h"
#include "phantom/Grid.h"

#include <functional>
#include <vector>

namespace irplan::phantom {

struct CtImages {
    FloatImage::Pointer arterial;
    FloatImage::Pointer portal;
    LabelImage::Pointer labels;
};

// Noise standard deviation of the CT, HU (DOMAIN: 10-15 HU).
constexpr double kCtNoiseHu = 12.0;

CtImages synthesizeCt(const Anatomy& anatomy, const Grid& grid, uint64_t seed, const Progress& progress);

// Extra tissue painted over the anatomy (the follow-up's ablation zones).
struct CtOverlay {
    Box box;
    std::function<double(const Vec3&)> sdf; // mm, negative inside
    double huArterial = 0, huPortal = 0;
    // When it is painted: under the vessels (a rim that patent vessels cross),
    // under the lesions, or last (over everything).
    enum class Stage { BeforeVessels, BeforeLesions, Last } stage = Stage::Last;
};

struct CtSynthOptions {
    bool noise = true;
    std::vector<CtOverlay> overlays; // labels are not changed
};

// The same CT with options: without noise, and with overlays.
CtImages synthesizeCt(const Anatomy& anatomy, const Grid& grid, uint64_t seed, const Progress& progress,
                      const CtSynthOptions& options);

// Correlated CT noise of standard deviation sigma (HU), deterministic for a seed.
void addCtNoise(FloatImage* image, const Grid& grid, double sigma, uint64_t seed);

} // namespace irplan::phantom
