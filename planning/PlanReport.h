#pragma once
// plan.json and the images beside it (zone.nii.gz, margin_map.nii.gz), and
// the case update the GUI and the CLI share.
#include "core/Case.h"
#include "planning/AutoPlanner.h"
#include "planning/PlanEvaluation.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace irplan::planning {

struct PlanInputsInfo {
    std::string ct, labels, vessels, lesions; // paths as given (for plan.json)
};

Json planJson(const PlanningContext& context, const PlanRequest& request, const PlanEvaluation& evaluation,
              const ProposalResult* proposals, const PlanInputsInfo& inputs,
              const std::map<std::string, double>& extraTimings_ms = {});

// The key figures (for CasePlan::summary and the CLI's stdout).
Json planSummary(const PlanEvaluation& evaluation, const PlanRequest& request);

Json toJson(const PathReport& r);
Json toJson(const HeatSinkWarning& w);
Json toJson(const Proposal& p);

struct PlanFiles {
    std::filesystem::path planJson, zone, marginMap;
};

// Writes DIR/plan.json, DIR/zone.nii.gz (uint8 0/1) and DIR/margin_map.nii.gz
// (float, mm) on the planning grid, atomically. Returns the paths and the time
// taken in timings (ms) under "write_outputs".
PlanFiles writePlanOutputs(const std::filesystem::path& dir, const PlanningContext& context, const PlanRequest& request,
                           const PlanEvaluation& evaluation, const ProposalResult* proposals,
                           const PlanInputsInfo& inputs, std::map<std::string, double> timings_ms = {});

// Stores a plan in the case: its probes (ids "<planId>/<probe id>", replacing
// the plan's earlier probes) and a CasePlan with the summary. The one function
// the GUI and the CLI use to change the case after planning.
void storePlanInCase(Case& c, const std::string& planId, const PlanRequest& request, const PlanEvaluation& evaluation,
                     const std::string& directory, int lesionId);
// The probes of a stored plan, in order.
std::vector<Probe> probesOfPlan(const Case& c, const std::string& planId);

} // namespace irplan::planning
