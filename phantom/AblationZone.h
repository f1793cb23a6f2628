#pragma once
// A thermal ablation zone of the follow-up phantom, in the pre-procedure CT's
// space: the device's ellipsoid as achieved (placement error, tilt, size
// different from the plan), pulled back on the side of every vessel of >= 3 mm
// within reach of it (heat sink), with the vessels' lumens and, for larger
// vessels, a layer of viable perivascular tissue left out, and clipped to the
// liver. The zone is {x : implicit(x) < 0}; implicit() is close to a signed
// distance near the boundary. The vessel and liver distances are sampled once
// on a 1 mm grid around the zone and interpolated, so the zone is cheap to
// evaluate and its definition is exactly this function.
#include "core/Geometry.h"
#include "phantom/Anatomy.h"
#include "phantom/EllipsoidDistance.h"
#include "phantom/Shapes.h"

#include <array>
#include <string>
#include <vector>

namespace irplan::phantom {

struct HeatSink {
    int branchId = 0;
    std::string tree;
    double diameter_mm = 0;
    double indentation_mm = 0;    // boundary pulled back by this much at the vessel wall, fading over kHeatSinkReachMm
    bool patent = true;           // the lumen stays open and out of the zone (else coagulated inside it)
    double sparedLayer_mm = 0;    // viable tissue left around a patent vessel's wall
    double gapToLesion_mm = 0;    // lesion surface to vessel wall
    double distanceToZone_mm = 0; // vessel wall to the final zone (<= 0: it touches or crosses it)
};

// How far a vessel's cooling reaches (DOMAIN.md: vessels within ~10 mm of the zone).
constexpr double kHeatSinkReachMm = 10.0;

enum class AblationModality { MWA, RFA };
const char* name(AblationModality m);

// Heat sink of one vessel for a modality. DOMAIN.md: a sink is visible next to
// 32/44 veins > 3 mm and 0/20 veins < 3 mm; viable perivascular tissue next to
// 7/7 veins > 5 mm; zones near vessels averaged 11.7 vs 18.7 mL (about 2-3 mm
// less radius for a 3-4 cm zone); MWA suffers less than RFA. So every vessel
// >= 3 mm pulls the boundary back; RFA leaves all of them patent (with a thin
// viable cuff, 2 mm beyond 5 mm), MWA coagulates those up to 5 mm inside the
// zone and leaves larger ones patent with a 1 mm cuff.
HeatSink heatSinkFor(const VesselBranch& branch, AblationModality modality);

class AblationZone {
  public:
    int lesionId = 0;
    AblationModality modality = AblationModality::MWA;
    std::string device;          // e.g. "MWA, 3 antennas"
    EllipsoidGeometry planned;   // what the plan intended
    EllipsoidGeometry achieved;  // the device's ellipsoid as delivered (before heat sink and clipping)
    std::vector<HeatSink> sinks; // every vessel >= 3 mm within reach
    int knobSink = -1;           // sink whose spared layer drives an incomplete ablation (-1: none)

    // Samples vessel and liver distances around `region` (grown by the reach).
    void buildField(const Anatomy& anatomy, const Box& region);
    // Negative inside the zone.
    double implicit(const Vec3& p) const;
    // Where implicit() can be negative.
    Box bounds() const;

  private:
    // Channels: indentation, spared-layer term (non-knob vessels and all lumens),
    // distance to the knob vessel's wall, liver signed distance.
    std::array<float, 4> sample(const Vec3& p) const;
    Vec3 origin_;
    double step_ = 1.0;
    size_t n_[3] = {0, 0, 0};
    std::vector<std::array<float, 4>> field_;
};

// The ellipsoid's approximate signed distance (exact zero set), as in Shapes.h.
double ellipsoidImplicit(const EllipsoidGeometry& e, const Vec3& p);
// Axis-aligned bounds of an ellipsoid.
Box ellipsoidBounds(const EllipsoidGeometry& e);

} // namespace irplan::phantom
