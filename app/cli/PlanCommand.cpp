// irplan plan --ct CT --labels LABELS [--vessels DIR] [--lesions MAP] --lesion ID --device DEVICE_ID
//             [--setting NAME] [--model chart|thermal|ire-field] [--probe "tip=x,y,z;entry=x,y,z"]...
//             [--auto] [--margin MM] --out DIR [more options, see --help]
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "core/Log.h"
#include "io/VolumeIO.h"
#include "planning/AutoPlanner.h"
#include "planning/PlanReport.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>

namespace irplan::cli {

namespace {
namespace fs = std::filesystem;
using namespace planning;

struct PlanCliOptions {
    std::string ct, labels, vessels, lesions, device, setting, model = "chart", out, devicesDir, caseFile, planId;
    std::vector<std::string> probes, safety;
    int lesion = 0;
    bool autoPlan = false, json = false, preview = false, noSinkLoss = false;
    double margin = 5.0, placementError = 3.0, gridMm = 1.0, ireThreshold = 600.0, angleLimit = 30.0;
    int samples = 256;
};

void applySafety(SafetyLimits& l, const std::string& text) {
    const size_t eq = text.find('=');
    if (eq == std::string::npos)
        throw Error("--safety \"" + text + "\": expected NAME=MM (vessel, bone, air, heart, organ, liver)");
    const std::string name = text.substr(0, eq);
    double v = 0;
    try {
        v = std::stod(text.substr(eq + 1));
    } catch (const std::exception&) {
        throw Error("--safety \"" + text + "\": " + text.substr(eq + 1) + " is not a number of mm");
    }
    if (!(v >= 0 && v <= 100)) throw Error("--safety \"" + text + "\": the distance must be 0 to 100 mm");
    if (name == "vessel")
        l.largeVessel_mm = v;
    else if (name == "bone")
        l.bone_mm = v;
    else if (name == "air")
        l.air_mm = v;
    else if (name == "heart")
        l.heart_mm = v;
    else if (name == "organ")
        l.organ_mm = v;
    else if (name == "liver")
        l.minLiverBeforeTumour_mm = v;
    else
        throw Error("--safety: unknown class '" + name + "' (vessel, bone, air, heart, organ, liver)");
}

void run(const PlanCliOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!(o.margin >= 0 && o.margin <= 10))
        throw Error("--margin must be 0 to 10 mm (DOMAIN.md: 5-10 mm ablative margin; default 5)");
    if (!(o.placementError >= 0 && o.placementError <= 20)) throw Error("--placement-error must be 0 to 20 mm");
    if (o.samples < 1 || o.samples > 100000) throw Error("--samples must be 1 to 100000");
    if (!(o.ireThreshold > 0)) throw Error("--ire-threshold must be positive (V/cm)");
    if (!(o.angleLimit > 0 && o.angleLimit <= 90)) throw Error("--angle-limit must be 0 to 90 degrees");
    if (o.probes.empty() && !o.autoPlan) throw Error("give at least one --probe \"tip=x,y,z;entry=x,y,z\" or --auto");

    const DeviceCatalogue catalogue =
        o.devicesDir.empty() ? DeviceCatalogue::loadDefault() : DeviceCatalogue::load(o.devicesDir);
    PlanRequest req;
    req.catalogue = &catalogue;
    req.deviceId = o.device;
    const Device& device = catalogue.require(o.device);
    if (!o.setting.empty()) device.requireSetting(o.setting);
    req.setting = o.setting;
    req.model = zoneModelFromName(o.model);
    req.margin_mm = o.margin;
    req.robustness.placementError_mm = o.placementError;
    req.robustness.samples = o.samples;
    req.ire.threshold_V_cm = o.ireThreshold;
    req.limits.maxAngleToAxial_deg = o.angleLimit;
    req.thermalSpacing_mm = o.preview ? 2.0 : 0.0;
    req.thermalSinkLoss = !o.noSinkLoss;
    for (const auto& s : o.safety)
        applySafety(req.limits, s);
    for (size_t i = 0; i < o.probes.size(); ++i) {
        Probe p = parseProbe(o.probes[i]);
        p.id = "p" + std::to_string(i + 1);
        req.probes.push_back(p);
    }
    // Fail on the model/device mismatch before reading any image.
    if (!req.probes.empty()) {
        const Device* d = nullptr;
        const DeviceSetting* s = nullptr;
        placeApplicators(req, d, s);
    }

    const bool quiet = o.json;
    Progress progress = stderrProgress(quiet);
    PlanningInputs in;
    in.labels = readLabelMap(o.labels);
    Volume ct = readVolume(o.ct);
    if (ct.meta.units != Units::HU && ct.meta.units != Units::Unknown)
        log::warn("--ct " + o.ct + " holds " + unitsName(ct.meta.units) + ", not HU: gas detection may be wrong");
    in.ct = ct.image;
    {
        // The label map must lie in the CT's field of view.
        const GridGeometry lg = GridGeometry::of(in.labels.GetPointer()), cg = GridGeometry::of(ct.image.GetPointer());
        const Vec3 c = lg.point(0.5 * (lg.size[0] - 1), 0.5 * (lg.size[1] - 1), 0.5 * (lg.size[2] - 1));
        const Vec3 q = cg.index(c);
        if (q.x < -0.5 || q.y < -0.5 || q.z < -0.5 || q.x > cg.size[0] - 0.5 || q.y > cg.size[1] - 0.5 ||
            q.z > cg.size[2] - 0.5)
            throw Error("the label map " + o.labels + " does not lie inside the CT " + o.ct +
                        " (different patient or frame of reference?)");
    }
    if (!o.lesions.empty()) in.lesionMap = readLabelMap(o.lesions);
    if (!o.vessels.empty()) in.vessels = loadVessels(o.vessels);
    in.lesionId = o.lesion;
    in.gridSpacing_mm = o.gridMm;
    const auto ctx = PlanningContext::build(in, progress.sub(0.0, 0.2));
    std::map<std::string, double> timings;
    timings["read_inputs_and_context"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();

    std::optional<ProposalResult> proposals;
    if (o.autoPlan) {
        const auto tp = std::chrono::steady_clock::now();
        proposals = proposePlans(*ctx, req, {}, progress.sub(0.2, 0.4));
        timings["proposals"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - tp).count();
        if (proposals->proposals.empty())
            throw Error("no safe straight needle path to lesion " + std::to_string(o.lesion) + " within " +
                        std::to_string(static_cast<int>(o.angleLimit)) + " deg of the axial plane (" +
                        std::to_string(proposals->directionsSampled) + " directions tried)");
        if (req.probes.empty()) {
            const Proposal& best = proposals->proposals.front();
            req.probes = best.probes;
            req.deviceId = best.deviceId;
            req.setting = best.setting;
            for (auto& p : req.probes)
                p.deviceId.clear(), p.setting.clear();
            if (!best.safe) log::warn("the best proposal still fails a path check: see path_checks in plan.json");
        }
    }
    ThermalCalibrationCache cache;
    const PlanEvaluation e = evaluatePlan(*ctx, req, &cache, progress.sub(0.4, 0.95));
    PlanInputsInfo info{o.ct, o.labels, o.vessels, o.lesions};
    timings["command_total_before_outputs"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const PlanFiles files = writePlanOutputs(o.out, *ctx, req, e, proposals ? &*proposals : nullptr, info, timings);
    if (!o.caseFile.empty()) {
        Case c = loadCase(o.caseFile);
        const std::string id = o.planId.empty() ? "lesion" + std::to_string(o.lesion) : o.planId;
        storePlanInCase(c, id, req, e, fs::absolute(o.out).string(), o.lesion);
        saveCase(c, o.caseFile);
    }
    progress.update(1.0, "plan written");
    Json j = planSummary(e, req);
    j["out"] = o.out;
    j["files"] = {
        {"plan", files.planJson.string()}, {"zone", files.zone.string()}, {"margin_map", files.marginMap.string()}};
    j["paths_safe"] = e.pathsSafe();
    if (proposals) j["proposals"] = proposals->proposals.size();
    for (const auto& w : e.heatSinkWarnings) {
        char line[320];
        std::snprintf(line, sizeof line,
                      "heat sink: %s (%s), %.1f mm diameter, %.1f mm from the lesion on its %s side (%s sensitivity)",
                      w.kind.c_str(), w.vesselId.c_str(), w.diameter_mm, w.distanceToLesion_mm, w.side.c_str(),
                      w.sensitivity.c_str());
        log::warn(line);
    }
    for (const auto& n : e.notes)
        log::warn(n);
    for (const auto& p : e.paths)
        for (const auto& c : p.checks)
            if (!c.pass) log::warn("path " + p.probeId + ": " + c.name + " fails: " + c.detail);
    printJson(j);
}

void addPlanCommand(CLI::App& app) {
    auto o = std::make_shared<PlanCliOptions>();
    CLI::App* cmd = app.add_subcommand("plan", "Plan an ablation: zone, margins, heat-sink warnings, needle path "
                                               "checks (writes DIR/plan.json, zone.nii.gz, margin_map.nii.gz)");
    cmd->add_option("--ct", o->ct, "CT volume (DICOM directory, NIfTI, NRRD, MetaImage)")->required();
    cmd->add_option("--labels", o->labels,
                    "Label map with the phantom legend (1 liver, 2-6 vessels, 7 bone, 10 lung, ..., 100+k lesion k)")
        ->required();
    cmd->add_option("--vessels", o->vessels,
                    "Segmentation output directory with vessels.json (or a vessels/truth JSON file)");
    cmd->add_option("--lesions", o->lesions,
                    "Lesion map of a segmentation (label k = lesion k) instead of labels 100+k");
    cmd->add_option("--lesion", o->lesion, "Target lesion id k")->required();
    cmd->add_option("--device", o->device, "Device id (see `irplan devices`)")->required();
    cmd->add_option("--setting", o->setting,
                    "Device setting (default: the first; with --auto: every setting is tried)");
    cmd->add_option("--model", o->model, "Zone model: chart, thermal (RFA/MWA) or ire-field (IRE)");
    cmd->add_option(
        "--probe", o->probes,
        "Probe \"tip=x,y,z;entry=x,y,z\" in LPS mm (repeat for several; IRE: one per electrode or one for the array)");
    cmd->add_flag("--auto", o->autoPlan,
                  "Propose safe paths and placements (used for the plan when no --probe is given)");
    cmd->add_option("--margin", o->margin, "Requested ablative margin in mm (default 5, up to 10)");
    cmd->add_option("--out", o->out, "Output directory")->required();
    cmd->add_option("--placement-error", o->placementError,
                    "Placement error (3D RMS, mm) for the probability of reaching the margin (default 3)");
    cmd->add_option("--samples", o->samples, "Samples for that probability (default 256)");
    cmd->add_option("--grid-mm", o->gridMm, "Planning grid voxel size in mm (default 1)");
    cmd->add_option("--ire-threshold", o->ireThreshold, "Lethal IRE field in V/cm (default 600)");
    cmd->add_option("--angle-limit", o->angleLimit, "Largest needle angle to the axial plane in degrees (default 30)");
    cmd->add_option(
        "--safety", o->safety,
        "Safety distance NAME=MM for vessel, bone, air, heart, organ, or liver (normal liver before the tumour)");
    cmd->add_flag("--preview", o->preview, "Thermal model on a 2 mm grid (quick preview)");
    cmd->add_flag("--no-sink-loss", o->noSinkLoss,
                  "Thermal: skip the vessel-free run that measures the margin lost to heat sink");
    cmd->add_option("--devices", o->devicesDir, "Device catalogue directory");
    cmd->add_option("--case", o->caseFile, "Case file to update with the plan's probes and summary");
    cmd->add_option("--plan-id", o->planId, "Plan id in the case (default lesion<ID>)");
    cmd->add_flag("--json", o->json, "Quiet: print only the JSON summary");
    cmd->callback([o] { run(*o); });
}

const CommandRegistrar registrar(51, addPlanCommand);
} // namespace

} // namespace irplan::cli
