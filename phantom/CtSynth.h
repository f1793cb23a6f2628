#pragma once
// Rasterises the anatomy into a two-phase contrast CT (late arterial and
// portal venous, same grid) and the truth label map. Edges are partial-volume
// blended from the signed distances; correlated Gaussian noise is added last.
#include "core/Progress.h"
#include "phantom/Anatomy.h"
#include "phantom/Grid.h"

namespace irplan::phantom {

struct CtImages {
    FloatImage::Pointer arterial;
    FloatImage::Pointer portal;
    LabelImage::Pointer labels;
};

// Noise standard deviation of the CT, HU (DOMAIN: 10-15 HU).
constexpr double kCtNoiseHu = 12.0;

CtImages synthesizeCt(const Anatomy& anatomy, const Grid& grid, uint64_t seed, const Progress& progress);

} // namespace irplan::phantom
