#pragma once
// Automatic proposals: sample straight paths from the skin to the target, keep
// the safe ones, rank them (length, angle, clearance from risk structures) and
// for the best few place the applicator to maximise the margin with the chart
// model; when one zone cannot reach the margin, try 2-3 overlapping ablations
// and a cluster device of the same modality.
#include "core/Progress.h"
#include "planning/PlanEvaluation.h"

#include <map>
#include <string>
#include <vector>

namespace irplan::planning {

struct ProposalOptions {
    int directions = 2400;         // sampled over the allowed band of angles
    int candidates = 4;            // best distinct paths that get a placement
    double minSeparation_deg = 20; // between the candidate paths
    int maxProbes = 3;             // overlapping ablations
    bool tryClusters = true;
    // Among the settings that reach the margin, prefer the smallest that
    // reaches it with this much to spare (negative: the request's placement error).
    double spare_mm = -1;
};

struct Proposal {
    int rank = 0;
    std::string deviceId, setting;
    std::string strategy; // "single", "cluster", "2 overlapping", "3 overlapping"
    std::vector<Probe> probes;
    double minimalMargin_mm = 0;   // chart model
    double coverageMargin_pct = 0; // chart model
    bool marginReached = false;
    bool marginSpare = false; // reached with the spare for placement error
    bool safe = false;        // every path check of every probe passes
    double pathScore = 0;     // lower is better
    double insertedLength_mm = 0, angle_deg = 0, clearance_mm = 0;
    std::string rationale;
};

struct ProposalResult {
    std::vector<Proposal> proposals; // best first
    int directionsSampled = 0;
    int safeDirections = 0;
    std::map<std::string, int> rejectedBy; // failing check name -> paths
    double seconds = 0;
};

// `request` supplies the catalogue, device, optional setting (empty: every
// setting is tried, smallest zone first), margin and safety limits.
ProposalResult proposePlans(const PlanningContext& context, const PlanRequest& request,
                            const ProposalOptions& options = {}, const Progress& progress = {});

} // namespace irplan::planning
