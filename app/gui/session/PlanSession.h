#pragma once
// Planning in the viewer: the target lesion, device, setting, zone model and
// margin; the planning context (built once per lesion, in the background); the
// plan of the case's probes, evaluated with the chart model on every probe edit
// (a few ms, so it follows a drag) and with the chosen model in the background
// when the edit ends; automatic proposals; storing the plan in the case. The
// same planning functions as `irplan plan`, so the viewer's numbers are the CLI's.
// No GLFW, ImGui or VTK here.
#include "planning/AutoPlanner.h"
#include "planning/DeviceCatalogue.h"
#include "planning/PlanEvaluation.h"
#include "render/Scene.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace irplan::viewer {

class Viewer;

struct PlanSettings {
    int lesion = 0; // 0: no target chosen
    std::string deviceId;
    std::string setting; // empty: the device's first
    planning::ZoneModelKind model = planning::ZoneModelKind::Chart;
    double margin_mm = 5.0; // DOMAIN.md: 5-10 mm ablative margin, default 5
};

// A plan saved in the case (`irplan plan --case` or plan-save), shown from its margin map.
struct StoredPlanView {
    std::string id;
    int lesionId = 0;
    Json summary;
    FloatImage::ConstPointer marginMap;
    std::vector<render::MarkerShape> markers;
};

// One modality's zone on the plan's probes (teaching: RFA, MWA and IRE side by side).
struct ModalityZone {
    std::string modality, deviceId, setting;
    double zone_ml = 0, minimalMargin_mm = 0, coverageLesion_pct = 0, coverageMargin_pct = 0;
    size_t heatSinkWarnings = 0;
    bool thermal = true;      // IRE is non-thermal: no heat sink (DOMAIN.md)
    std::string heatSinkNote;
    FloatImage::ConstPointer field;
    render::Rgb colour;
};

class PlanSession {
public:
    explicit PlanSession(Viewer& viewer);
    ~PlanSession();
    PlanSession(const PlanSession&) = delete;
    PlanSession& operator=(const PlanSession&) = delete;

    const PlanSettings& settings() const { return settings_; }
    const planning::DeviceCatalogue& catalogue() const;
    // The case's plan id for the current lesion ("lesion<k>", as `irplan plan --case`).
    std::string planId() const;

    // Choosing the target starts building its planning context (background).
    void setLesion(int k);
    void setDevice(const std::string& id, const std::string& setting = "");
    void setModel(planning::ZoneModelKind model);
    void setMargin(double margin_mm);

    bool contextReady() const { return context_ != nullptr; }
    // The latest evaluation (chart while editing, then the chosen model) or null.
    std::shared_ptr<const planning::PlanEvaluation> evaluation() const { return evaluation_; }
    // The evaluation is the chosen model's full one (not the live chart preview).
    bool refined() const { return refined_; }
    bool refining() const { return refineCancel_ && !refineCancel_->cancelled(); }
    double lastChartUpdate_ms() const { return chartUpdate_ms_; }
    // Why the live preview is unavailable (empty when it is shown).
    const std::string& error() const { return error_; }
    // The request the evaluation answers.
    const planning::PlanRequest& evaluatedRequest() const { return evaluatedRequest_; }
    const std::optional<planning::ProposalResult>& proposals() const { return proposals_; }
    const std::vector<StoredPlanView>& storedPlans() const { return stored_; }
    // The probes of the plan: the case's probes of this plan or placed by hand.
    std::vector<planning::Probe> planProbes() const;

    // The case's probes changed (called by the viewer after every edit): the
    // chart zone now; the chosen model when no drag is in progress.
    void probesChanged();
    // Starts the chosen model's evaluation in the background.
    void refine();
    void propose();
    // Replaces the plan's probes with proposal n (1 = best); one undo step.
    void accept(size_t n);
    // Evaluates with the chosen model (as the CLI does), writes plan.json,
    // zone.nii.gz and margin_map.nii.gz into `dir` and stores the plan in the
    // case (undoable).
    void save(const std::filesystem::path& dir);
    // The plan's probes with a single RFA, MWA and IRE applicator (chart model,
    // each device's first setting), drawn together; clearComparison() hides them.
    void compareModalities();
    void clearComparison();
    const std::vector<ModalityZone>& comparison() const { return comparison_; }

    // A new case or new images: drop the context and read the case's saved plans.
    void reset();
    void loadStoredPlans();

    std::vector<render::ZoneOverlay> zones() const;
    std::vector<render::MarkerShape> markers() const;
    Json stateJson() const;

private:
    planning::PlanRequest request(const std::vector<planning::Probe>& probes) const;
    std::shared_ptr<const planning::DeviceCatalogue> catalogueShared() const;
    void buildContext();
    void evaluateLive();
    void requireContext(const char* what) const;
    void changed(); // scene items must be redrawn

    Viewer& viewer_;
    PlanSettings settings_;
    mutable std::shared_ptr<const planning::DeviceCatalogue> catalogue_; // shared with running tasks
    std::shared_ptr<const planning::PlanningContext> context_;
    std::shared_ptr<const planning::PlanEvaluation> evaluation_;
    FloatImage::ConstPointer zoneField_; // the evaluation's zone, for drawing
    std::shared_ptr<planning::ThermalCalibrationCache> cache_;
    planning::PlanRequest evaluatedRequest_;
    std::string error_;
    bool refined_ = false;
    double chartUpdate_ms_ = 0;
    std::string probesSeen_; // the probes the evaluation is of
    std::shared_ptr<CancelToken> refineCancel_;
    unsigned contextGeneration_ = 0, evalGeneration_ = 0;
    std::optional<planning::ProposalResult> proposals_;
    std::vector<StoredPlanView> stored_;
    std::vector<ModalityZone> comparison_;
};

} // namespace irplan::viewer
