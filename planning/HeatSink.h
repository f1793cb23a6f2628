#pragma once
// Heat-sink warnings: every vessel of >= 3 mm (DOMAIN.md) inside the zone plus
// the margin around the lesion, or within 10 mm of the zone, is reported with
// its diameter, distances, the point, the side of the tumour it cools and how
// sensitive the modality is. IRE gives no warning (no heat sink; vessel walls
// are spared).
#include "planning/DeviceCatalogue.h"
#include "planning/Target.h"
#include "planning/Vessels.h"
#include "planning/ZoneField.h"

#include <optional>
#include <string>
#include <vector>

namespace irplan::planning {

struct HeatSinkOptions {
    // DOMAIN.md: heat sink seen in 32/44 veins > 3 mm and 0/20 veins < 3 mm.
    double minDiameter_mm = 3.0;
    // DOMAIN.md: "every vessel >= 3 mm within the planned zone plus margin (or within ~10 mm of it)".
    double reach_mm = 10.0;
};

struct HeatSinkWarning {
    std::string vesselId;              // the branch (or label component) closest to the lesion
    std::vector<std::string> branches; // connected branches of the same vessel that qualify too
    std::string kind;
    double diameter_mm = 0;              // local lumen diameter at the reported point
    double distanceToLesion_mm = 0;      // wall to lesion surface (negative: the lumen enters the lesion)
    double distanceToZone_mm = 0;        // wall to zone boundary (negative: the vessel runs inside the zone)
    Vec3 point_mm;                       // the vessel point closest to the lesion
    Vec3 lesionPoint_mm;                 // the lesion surface point facing it
    std::string side;                    // side of the tumour it cools, in patient terms
    std::string sensitivity;             // modality's heat-sink sensitivity
    std::optional<double> marginLost_mm; // thermal model: margin lost on that side
};

// Branches of one tree that qualify and touch each other (parent and child)
// are one vessel: one warning, listing its branches.
// `zone` may be null or empty (no zone yet): then only the lesion criterion
// applies. `lesionGap` (optional, one per vessel sample) holds precomputed
// wall-to-lesion gaps (PlanningContext keeps them) to spare the lesion queries.
std::vector<HeatSinkWarning> heatSinkWarnings(const VesselModel& vessels, const TargetLesion& target, const Zone* zone,
                                              double margin_mm, Modality modality, const HeatSinkOptions& options = {},
                                              const std::vector<float>* lesionGap = nullptr);

// "posterior, left" etc. for a direction in LPS.
std::string sideName(const Vec3& direction);

} // namespace irplan::planning
