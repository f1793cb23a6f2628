#pragma once
// Everything about one case and one target lesion that does not change while
// the user moves probes: the planning grid and the lesion on it, the vessels
// around it, and the distance maps the needle paths are checked against. Built
// once (a second or two), shared by the GUI and the CLI, read-only afterwards.
#include "core/Progress.h"
#include "io/ImageTypes.h"
#include "planning/RiskMaps.h"
#include "planning/Target.h"
#include "planning/Vessels.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace irplan::planning {

struct PlanningInputs {
    LabelImage::ConstPointer labels;    // the phantom legend (1 liver, 2-6 vessels, 7 bone, ..., 100+k lesion k)
    FloatImage::ConstPointer ct;        // optional: gas pockets for the path checks
    LabelImage::ConstPointer lesionMap; // optional: a segmentation's lesion map, label k = lesion k
    int lesionId = 0;
    std::optional<VesselTree> vessels; // the segmentation's vessels.json; none: measured from the labels
    double gridSpacing_mm = 1.0;       // planning grid
    double padding_mm = 40.0;          // planning grid around the lesion
    RiskMapOptions risk;
    // Risk maps of the same case built earlier (for another lesion): reused
    // when they cover this lesion (they depend on the case, not the lesion).
    std::shared_ptr<const RiskMaps> sharedRisk;
};

class PlanningContext {
  public:
    // Throws irplan::Error for unusable inputs (missing lesion, grids that do
    // not overlap) and irplan::Cancelled when cancelled.
    static std::shared_ptr<const PlanningContext> build(const PlanningInputs& inputs, const Progress& progress = {});

    const TargetLesion& target() const { return target_; }
    const VesselModel& vessels() const { return vessels_; }
    // Per vessel sample: gap (mm) from its wall to the lesion surface.
    const std::vector<float>& vesselLesionGap() const { return vesselGap_; }
    const RiskMaps& risk() const { return *risk_; }
    std::shared_ptr<const RiskMaps> riskShared() const { return risk_; }
    const LabelImage* labels() const { return labels_.GetPointer(); }
    // The lesion-plus-margin region for a margin, computed on first use.
    const MarginRegion& marginRegion(double margin_mm) const;
    // Seconds spent building each part.
    const std::map<std::string, double>& buildSeconds() const { return seconds_; }
    std::string vesselSource() const { return vessels_.source; }

  private:
    TargetLesion target_;
    VesselModel vessels_;
    std::vector<float> vesselGap_;
    std::shared_ptr<const RiskMaps> risk_;
    LabelImage::ConstPointer labels_;
    std::map<std::string, double> seconds_;
    mutable std::mutex m_;
    mutable std::map<long long, std::unique_ptr<MarginRegion>> regions_;
};

} // namespace irplan::planning
