#pragma once
// Needle path checks: every check has a value, a limit and pass/fail.
#include "planning/Applicator.h"
#include "planning/RiskMaps.h"
#include "planning/Target.h"

#include <array>
#include <string>
#include <vector>

namespace irplan::planning {

// Safety limits (settings). None of these distances is a clinical standard:
// they are IRPlan defaults for the planner to adjust, except where a source is named.
struct SafetyLimits {
    double largeVessel_mm = 3.0; // IRPlan default: keep 3 mm from vessels of >= 3 mm (DOMAIN.md's size class)
    double bone_mm = 3.0;        // IRPlan default: clear ribs by 3 mm (the needle must not touch bone)
    double air_mm = 5.0;         // IRPlan default: 5 mm from lung/gas (pleural transgression risks pneumothorax)
    double heart_mm = 10.0;      // IRPlan default
    double organ_mm = 5.0;       // IRPlan default for kidney, spleen, gallbladder, bowel, spinal canal
    // Chang et al., Korean J Radiol 2008;9:268 (needle-tract implantation):
    // cross normal liver before the tumour; 10 mm is IRPlan's default length.
    double minLiverBeforeTumour_mm = 10.0;
    double maxAngleToAxial_deg = 30.0; // IRPlan default for CT-guided placement without gantry tilt
    double limit(RiskClass c) const;
};

struct PathCheck {
    std::string name;
    double value = 0;
    double limit = 0;
    std::string unit;       // "mm", "deg"
    std::string comparison; // "<=" or ">=": pass when value <comparison> limit
    bool pass = false;
    std::string detail;
};

struct PathReport {
    std::string probeId;
    Vec3 tip_mm, entry_mm, skinEntry_mm;
    double insertedLength_mm = 0;
    double angleToAxial_deg = 0;
    std::vector<PathCheck> checks;
    bool pass = false;
    const PathCheck* find(const std::string& name) const;
};

// Checks one applicator (every needle of a cluster or IRE array; distances are
// taken from the needle surface). `target` may be null (then the liver-before-
// tumour check is skipped).
PathReport checkPath(const RiskMaps& maps, const TargetLesion* target, const PlacedApplicator& applicator,
                     const SafetyLimits& limits);

// Where the straight line from `tip` through `towards` leaves the body (the
// first exit that stays outside for 5 mm); returns false when it never does
// within maxLength_mm.
bool findSkinEntry(const RiskMaps& maps, const Vec3& tip, const Vec3& towards, double maxLength_mm, Vec3& skin);

} // namespace irplan::planning
