#pragma once
// Ground truth of an ablation's margins, by the definition IRPlan uses
// everywhere (the planning engine too):
//
//   minimal ablative margin MAM = min over lesion points x of (-sdf_zone(x)),
//
// sdf_zone the signed Euclidean distance to the zone boundary in mm, negative
// inside. A sphere of radius r centred in an ellipsoidal zone with shortest
// semi-axis a has MAM = a - r; a zone that misses a sphere by 2 mm has -2 mm.
//
// The zone is any implicit function (negative inside, close to a distance near
// its boundary). Its boundary is found on a 0.5 mm grid by bisection along grid
// edges, distances from lesion surface points 0.6 mm apart go to the nearest
// boundary point, and the best candidates are refined on a 0.05 mm boundary grid
// with lesion points 0.045 mm apart around them: analytic cases agree within 0.02 mm (MarginTruthTest).
// Coverages are volume fractions on a 0.5 mm grid (within about 0.5%).
#include "phantom/EllipsoidDistance.h"

#include <functional>
#include <string>

namespace irplan::phantom {

using ZoneFunction = std::function<double(const Vec3&)>;

struct MarginOptions {
    double gridSpacing_mm = 0.5;    // boundary extraction
    double surfaceSpacing_mm = 0.6; // lesion surface samples (refined around the best ones)
    bool refine = true;             // 0.05 mm boundary near the minimum
    bool coverage = true;           // lesion and shell coverages (slower)
    double coverageSpacing_mm = 0.5;
};

struct MarginTruth {
    double minimalMargin_mm = 0;
    Vec3 lesionPoint_mm;                // lesion point where the margin is smallest
    Vec3 zonePoint_mm;                  // nearest zone boundary point to it
    double lesionCoverage = 0;          // fraction of the lesion volume inside the zone
    double shell5Coverage = 0;          // fraction of {0 < d(x, lesion) <= 5 mm} inside the zone
    double shell10Coverage = 0;         // fraction of {0 < d(x, lesion) <= 10 mm}
    double insufficientCoverage_ml = 0; // lesion plus its 5 mm shell outside the zone
    std::string verdict;
};

// "complete with margin" (>= 5 mm, DOMAIN.md: no local progression with a
// 5 mm minimal margin), "complete without margin" (0 to 5 mm), "incomplete" (< 0).
std::string marginVerdict(double minimalMargin_mm);
// The 5 mm threshold of the verdict.
constexpr double kSufficientMarginMm = 5.0;

// Throws irplan::Error when the zone's boundary is not within 60 mm of the lesion.
MarginTruth computeMarginTruth(const EllipsoidGeometry& lesion, const ZoneFunction& zone,
                               const MarginOptions& options = {});

} // namespace irplan::phantom
