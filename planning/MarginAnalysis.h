#pragma once
// Coverage and ablative margins of a zone around the target lesion, the
// margin map, and the probability of reaching the requested margin under the
// device's in-vivo spread and a placement error.
#include "planning/DeviceCatalogue.h"
#include "planning/Target.h"
#include "planning/ZoneField.h"

#include <cstdint>
#include <vector>

namespace irplan::planning {

struct MarginResult {
    double requested_mm = 0;
    // Minimal ablative margin: the smallest signed distance from the lesion
    // (surface and voxels) to the zone boundary; negative when tumour is left
    // outside the zone. NaN when the zone is empty.
    double minimal_mm = 0;
    Vec3 minimalPoint_mm;     // lesion point where it occurs
    Vec3 minimalZonePoint_mm; // nearest zone boundary point to it
    double coverageLesion_pct = 0;
    double coverageMargin_pct = 0;       // lesion plus the requested margin, as one volume
    double coverageShell_pct = 0;        // the margin shell alone
    double insufficient_ml = 0;          // lesion-plus-margin volume outside the zone
    double untreatedTumour_ml = 0;       // lesion volume outside the zone
    std::vector<float> surfaceMargin_mm; // per TargetLesion::surfacePoints (for surface colouring)
};

// Full evaluation (lesion voxels and surface points).
MarginResult analyseMargins(const TargetLesion& target, const MarginRegion& region, const Zone& zone);

// The same for the zone scaled about `centre` by `linearScale` (expected
// in-vivo zone), from the unscaled zone without recomputing it.
MarginResult analyseScaledMargins(const TargetLesion& target, const MarginRegion& region, const Zone& zone,
                                  const Vec3& centre, double linearScale);

struct RobustnessOptions {
    double placementError_mm = 3.0; // 3D RMS tip error (issue default, a setting)
    int samples = 256;
    unsigned seed = 12345;
    bool deviceSpread = true; // sample the in-vivo volume ratio as well
};

struct RobustnessResult {
    double pMarginReached = 0; // fraction of samples whose minimal margin >= requested
    double pTumourCovered = 0; // fraction with minimal margin >= 0
    double minimalP10_mm = 0, minimalP50_mm = 0, minimalP90_mm = 0;
    int samples = 0;
};

// Samples rigid shifts (isotropic Gaussian, 3D RMS = placementError) and, with
// deviceSpread, zone scalings about `centre` from the device's log-normal
// in-vivo volume ratio. The zone moves as one (separate probes are not
// perturbed independently). Uses the lesion surface points.
RobustnessResult sampleMarginProbability(const TargetLesion& target, const Zone& zone, const Vec3& centre,
                                         double requested_mm, const InVivoFactor& inVivo,
                                         const RobustnessOptions& options);

// The margin map: signed distance (mm) to the zone boundary at every voxel of
// the planning grid, positive inside the zone; read on the lesion surface it is
// the local ablative margin. From a closest-point transform to the sub-voxel
// boundary; chart zones get their exact analytic distances within
// `exactBand_mm` of the lesion.
std::vector<float> marginMap(const TargetLesion& target, const Zone& zone, double exactBand_mm = 15.0);

} // namespace irplan::planning
