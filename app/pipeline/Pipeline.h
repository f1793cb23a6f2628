#pragma once
// The whole job in one call (`irplan run`, `irplan demo`, and the viewer when
// it wants a one-click case): read the inputs, segment the liver, register the
// PET (and MR) onto the CT through the quality gate, segment lesions (CT +
// registered PET) and vessels, auto-plan every lesion with one device, and
// write CASE_DIR/case.json. A registration that fails its quality gate stops
// the run before planning (the case is still written, marked "stopped", so the
// report can show why); a "warn" verdict continues and is carried in the case.
// No VTK here: the report (app/report) is a separate step.
#include "core/Case.h"
#include "core/Progress.h"
#include "registration/ElastixSettings.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan::pipeline {

struct PipelineOptions {
    std::string ct;     // the planning CT, any contrast phase (measured, ContrastPhase.h): defines the grid
    std::string portal; // a second phase on the same grid (usually portal venous: vessels, washout)
    std::string pet;    // PET (SUV when its tags allow)
    std::string mr;     // MR, registered onto the CT for display only
    std::filesystem::path caseDir;
    // Default device: a single 14 G microwave antenna. MWA is the modality
    // least affected by heat sink (DOMAIN.md "Heat sink": MWA less than RFA),
    // and one antenna is the simplest plan to check; clusters and overlapping
    // ablations are still proposed by the auto-planner when one zone is too small.
    std::string deviceId = "mwa-single-14g";
    double margin_mm = 5.0; // DOMAIN.md: 5-10 mm ablative margin; 5 mm minimum
    // Lesions found at or above this confidence are planned; the others are
    // listed "to confirm" in the case, the viewer and the report.
    double minConfidence = 0.5;
    std::string petPreset = "pet-ct-rigid";
    std::string mrPreset = "mr-ct";
    // The PET/CT presets sample the liver grown by 10 mm (registration/README.md).
    double registrationMaskDilate_mm = 10.0;
    double iterationScale = 1.0; // registration iterations (1 = the preset)
    registration::ElastixSettings elastix;
    std::string name; // case name (default: the CT file's stem)
    Progress progress;
};

struct PipelineStep {
    std::string name;   // "read", "liver", "register pet", "lesions", "vessels", "plan lesion 1", ...
    std::string status; // "done", "warn", "failed", "skipped"
    double seconds = 0;
    std::string detail;
};

struct PipelineResult {
    std::filesystem::path caseFile;
    std::vector<PipelineStep> steps;
    std::string registrationVerdict; // worst verdict over the registrations ("" when none ran)
    std::vector<std::string> warnings;
    int lesions = 0;    // targets (confident enough to plan)
    int toConfirm = 0;  // findings below the confidence to plan
    int planned = 0;
    double seconds = 0;
};

// Throws irplan::Error for unusable inputs or a step that fails its checks
// (after writing the case so far), irplan::Cancelled when cancelled.
PipelineResult runPipeline(const PipelineOptions& options);

// The case's pipeline record (case.extra["pipeline"]), empty when absent.
Json pipelineRecord(const Case& c);

} // namespace irplan::pipeline
