#pragma once
// Evaluating a plan: probes -> zone (chart, thermal or IRE field) -> coverage,
// margins, heat-sink warnings and needle path checks. The chart model is fast
// enough to run on every mouse move (evaluateChart); the thermal and IRE
// models take seconds, report progress and can be cancelled.
#include "core/Progress.h"
#include "planning/DeviceCatalogue.h"
#include "planning/HeatSink.h"
#include "planning/IreField.h"
#include "planning/MarginAnalysis.h"
#include "planning/PathCheck.h"
#include "planning/PlanningContext.h"
#include "planning/ThermalModel.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace irplan::planning {

enum class ZoneModelKind { Chart, Thermal, IreField };
const char* zoneModelName(ZoneModelKind k); // "chart", "thermal", "ire-field"
// Throws irplan::Error listing the models.
ZoneModelKind zoneModelFromName(const std::string& name);

struct PlanRequest {
    const DeviceCatalogue* catalogue = nullptr; // resolves per-probe device ids
    std::string deviceId;
    std::string setting; // empty: the device's first setting
    ZoneModelKind model = ZoneModelKind::Chart;
    std::vector<Probe> probes;
    double margin_mm = 5.0; // DOMAIN.md: default 5 mm, up to 10 mm
    RobustnessOptions robustness;
    SafetyLimits limits;
    HeatSinkOptions heatSink;
    IreOptions ire;
    double thermalSpacing_mm = 0; // 0: the planning grid; 2 for a quick preview
    bool thermalSinkLoss = true;  // also simulate without vessels for "margin lost"
};

struct PlanEvaluation {
    ZoneModelKind model = ZoneModelKind::Chart;
    const Device* device = nullptr;
    const DeviceSetting* setting = nullptr;
    std::vector<PlacedApplicator> applicators;
    Zone zone;
    ZoneShape shape;
    MarginResult margin;
    // The expected in-vivo zone (chart scaled by the device's in-vivo factor).
    std::optional<MarginResult> inVivoMargin;
    double inVivoLinear = 1, inVivoLinearP10 = 1, inVivoLinearP90 = 1;
    std::optional<RobustnessResult> robust;          // placement error and device spread
    std::optional<RobustnessResult> robustPlacement; // placement error only
    std::vector<HeatSinkWarning> heatSinkWarnings;
    std::string heatSinkNote;
    std::vector<PathReport> paths;
    std::vector<std::string> notes; // things the planner must know (clipped zone, ...)
    std::optional<ThermalResult> thermal;
    std::optional<IreResult> ire;
    std::map<std::string, double> timings_ms;
    bool pathsSafe() const;
};

// Resolves the request's device, setting and probes into placed applicators.
// Throws irplan::Error for unknown devices/settings, models the device does not
// support, or an IRE probe count that matches neither 1 nor the setting's electrodes.
std::vector<PlacedApplicator> placeApplicators(const PlanRequest& request, const Device*& device,
                                               const DeviceSetting*& setting);

// The interactive path: chart zone, coverage, minimal margin, warnings, path
// checks. No sampling, no margin map. Throws for a non-chart request.
PlanEvaluation evaluateChart(const PlanningContext& context, const PlanRequest& request);

// Full evaluation with the request's model: adds the in-vivo expectation and
// the margin probability; the thermal model adds the margin lost to each
// heat-sink vessel. `cache` keeps thermal calibrations (may be null for the
// chart and IRE models).
PlanEvaluation evaluatePlan(const PlanningContext& context, const PlanRequest& request, ThermalCalibrationCache* cache,
                            const Progress& progress = {});

// The part shared by every model, given a zone (used by proposals too).
void analyseZone(const PlanningContext& context, const PlanRequest& request, PlanEvaluation& e);

} // namespace irplan::planning
