#include "planning/PlanReport.h"

#include "core/Error.h"
#include "core/Files.h"
#include "io/VolumeIO.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace irplan::planning {

namespace {

Json num(double v) {
    return std::isfinite(v) ? Json(v) : Json(nullptr);
}
Json vec(const Vec3& v) {
    return Json::array({v.x, v.y, v.z});
}
Json vec(const std::array<double, 3>& v) {
    return Json::array({v[0], v[1], v[2]});
}

Json gridJson(const GridGeometry& g) {
    Json d = Json::array();
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            d.push_back(g.direction(r, c));
    return {{"kind", "planning sub-grid around the lesion (not the CT grid)"},
            {"coordinates", "LPS mm, voxel centres; direction row-major, columns = voxel axes"},
            {"size", {g.size[0], g.size[1], g.size[2]}},
            {"spacing_mm", vec(g.spacing)},
            {"origin_mm", vec(g.origin)},
            {"direction", d}};
}

Json marginJson(const MarginResult& m) {
    return {{"minimal_mm", num(m.minimal_mm)},
            {"coverage_lesion_pct", m.coverageLesion_pct},
            {"coverage_margin_pct", m.coverageMargin_pct},
            {"coverage_shell_pct", m.coverageShell_pct},
            {"insufficient_ml", m.insufficient_ml},
            {"untreated_tumour_ml", m.untreatedTumour_ml}};
}

Json robustJson(const RobustnessResult& r) {
    return {{"p_margin_reached", r.pMarginReached},
            {"p_tumour_covered", r.pTumourCovered},
            {"minimal_mm_p10_p50_p90", {num(r.minimalP10_mm), num(r.minimalP50_mm), num(r.minimalP90_mm)}},
            {"samples", r.samples}};
}

} // namespace

Json toJson(const PathReport& r) {
    Json checks = Json::array();
    for (const auto& c : r.checks)
        checks.push_back({{"name", c.name},
                          {"value", c.value >= 1e4 ? Json(nullptr) : Json(c.value)},
                          {"limit", c.limit},
                          {"unit", c.unit},
                          {"pass_when", "value " + c.comparison + " limit"},
                          {"pass", c.pass},
                          {"detail", c.detail}});
    return {{"probe", r.probeId},
            {"pass", r.pass},
            {"tip_mm", vec(r.tip_mm)},
            {"entry_mm", vec(r.entry_mm)},
            {"skin_entry_mm", vec(r.skinEntry_mm)},
            {"inserted_length_mm", r.insertedLength_mm},
            {"angle_to_axial_deg", r.angleToAxial_deg},
            {"checks", checks}};
}

Json toJson(const HeatSinkWarning& w) {
    Json j = {{"vessel_id", w.vesselId},
              {"branches", w.branches},
              {"kind", w.kind},
              {"diameter_mm", w.diameter_mm},
              {"distance_to_lesion_mm", w.distanceToLesion_mm},
              {"distance_to_zone_mm", num(w.distanceToZone_mm)},
              {"point_mm", vec(w.point_mm)},
              {"lesion_point_mm", vec(w.lesionPoint_mm)},
              {"side", w.side},
              {"sensitivity", w.sensitivity}};
    j["margin_lost_mm"] = w.marginLost_mm ? num(*w.marginLost_mm) : Json(nullptr);
    return j;
}

Json toJson(const Proposal& p) {
    Json probes = Json::array();
    for (const auto& pr : p.probes)
        probes.push_back(
            {{"id", pr.id}, {"tip_mm", vec(pr.tip_mm)}, {"entry_mm", vec(pr.entry_mm)}, {"setting", pr.setting}});
    return {{"rank", p.rank},
            {"device", p.deviceId},
            {"setting", p.setting},
            {"strategy", p.strategy},
            {"probes", probes},
            {"safe", p.safe},
            {"margin_reached", p.marginReached},
            {"margin_reached_with_spare", p.marginSpare},
            {"chart_minimal_margin_mm", num(p.minimalMargin_mm)},
            {"chart_coverage_margin_pct", p.coverageMargin_pct},
            {"inserted_length_mm", p.insertedLength_mm},
            {"angle_to_axial_deg", p.angle_deg},
            {"clearance_above_limits_mm", num(p.clearance_mm)},
            {"path_score", p.pathScore},
            {"rationale", p.rationale}};
}

Json planSummary(const PlanEvaluation& e, const PlanRequest& req) {
    size_t failing = 0;
    for (const auto& p : e.paths)
        failing += p.pass ? 0 : 1;
    Json j = {{"model", zoneModelName(e.model)},
              {"device", e.device ? e.device->id : ""},
              {"setting", e.setting ? e.setting->name : ""},
              {"probes", e.applicators.size()},
              {"zone_volume_ml", e.shape.volume_ml},
              {"requested_margin_mm", req.margin_mm},
              {"minimal_margin_mm", num(e.margin.minimal_mm)},
              {"coverage_lesion_pct", e.margin.coverageLesion_pct},
              {"coverage_margin_pct", e.margin.coverageMargin_pct},
              {"heat_sink_warnings", e.heatSinkWarnings.size()},
              {"paths_failing", failing}};
    j["p_margin_reached"] = e.robust ? Json(e.robust->pMarginReached) : Json(nullptr);
    return j;
}

Json planJson(const PlanningContext& ctx, const PlanRequest& req, const PlanEvaluation& e,
              const ProposalResult* proposals, const PlanInputsInfo& inputs,
              const std::map<std::string, double>& extraTimings) {
    const TargetLesion& t = ctx.target();
    Json j;
    j["irplan_plan_version"] = 1;
    j["coordinates"] = "LPS mm (DICOM patient space)";
    Json dev = toJson(*e.device);
    dev.erase("settings");
    j["device"] = dev;
    j["setting"] = toJson(*e.setting);
    j["model"] = zoneModelName(e.model);

    Json probes = Json::array();
    for (size_t i = 0; i < e.applicators.size(); ++i) {
        const PlacedApplicator& a = e.applicators[i];
        Json needles = Json::array();
        for (const auto& n : a.needles)
            needles.push_back({{"tip_mm", vec(n.tip_mm)}, {"entry_mm", vec(n.entry_mm)}});
        Json p = {{"id", a.probe.id},
                  {"device", a.device->id},
                  {"setting", a.setting->name},
                  {"tip_mm", vec(a.probe.tip_mm)},
                  {"entry_mm", vec(a.probe.entry_mm)},
                  {"axis", vec(a.axis)},
                  {"needles", needles},
                  {"chart_zone",
                   {{"centre_mm", vec(a.chart.centre_mm)},
                    {"length_mm", 2 * a.chart.semiLength_mm},
                    {"width_mm", 2 * a.chart.semiWidth_mm}}}};
        if (i < e.paths.size()) {
            p["skin_entry_mm"] = vec(e.paths[i].skinEntry_mm);
            p["inserted_length_mm"] = e.paths[i].insertedLength_mm;
        }
        probes.push_back(p);
    }
    j["probes"] = probes;

    const InVivoFactor& iv = e.device->inVivo;
    auto scaled = [&](double f) {
        return Json::array({e.shape.axes_mm[0] * f, e.shape.axes_mm[1] * f, e.shape.axes_mm[2] * f});
    };
    j["zone"] = {
        {"volume_ml", e.shape.volume_ml},
        {"axes_mm", vec(e.shape.axes_mm)},
        {"centre_mm", vec(e.shape.centre_mm)},
        {"axis_directions",
         {vec(e.shape.axisDirections[0]), vec(e.shape.axisDirections[1]), vec(e.shape.axisDirections[2])}},
        {"quantity", e.zone.field.quantity},
        {"clipped", e.zone.field.touchesBoxBorder},
        {"file", "zone.nii.gz"},
        {"in_vivo",
         {{"note", "device charts overestimate in vivo (DOMAIN.md); shown beside the model zone, never instead of it"},
          {"volume_factor", iv.volumeFactor},
          {"linear_factor", e.inVivoLinear},
          {"log_sd", iv.logSd},
          {"expected_axes_mm", scaled(e.inVivoLinear)},
          {"axes_mm_p10", scaled(e.inVivoLinearP10)},
          {"axes_mm_p90", scaled(e.inVivoLinearP90)},
          {"expected_volume_ml", e.shape.volume_ml * std::pow(e.inVivoLinear, 3)},
          {"source", iv.source}}}};

    j["target"] = {{"lesion_id", t.lesionId},
                   {"label", t.labelValue},
                   {"map", t.source},
                   {"volume_ml", t.volume_ml},
                   {"centre_mm", vec(t.centroid_mm)},
                   {"diameter_mm", t.diameter_mm},
                   {"bbox_mm", {vec(t.lo_mm), vec(t.hi_mm)}}};

    Json m = marginJson(e.margin);
    m["requested_mm"] = req.margin_mm;
    m["minimal_point_mm"] = vec(e.margin.minimalPoint_mm);
    m["nearest_zone_point_mm"] = vec(e.margin.minimalZonePoint_mm);
    m["coverage_margin_definition"] = "percentage of the lesion dilated by the requested margin inside the zone";
    m["insufficient_definition"] = "volume of the lesion plus requested margin outside the zone";
    m["p_margin_reached"] = e.robust ? Json(e.robust->pMarginReached) : Json(nullptr);
    if (e.robust) m["robustness"] = robustJson(*e.robust);
    if (e.robustPlacement) {
        m["p_margin_reached_placement_only"] = e.robustPlacement->pMarginReached;
        m["robustness_placement_only"] = robustJson(*e.robustPlacement);
    }
    m["placement_error_mm"] = req.robustness.placementError_mm;
    m["placement_error_definition"] = "3D RMS tip error; the zone moves as one";
    if (e.inVivoMargin) {
        m["in_vivo_expected"] = marginJson(*e.inVivoMargin);
        m["in_vivo_expected"]["linear_factor"] = e.inVivoLinear;
    }
    m["margin_map"] = {{"file", "margin_map.nii.gz"},
                       {"values", "signed distance (mm) to the zone boundary, positive inside the zone; on the lesion "
                                  "surface it is the local ablative margin; -1000 everywhere when the zone is empty"}};
    j["margin"] = m;

    Json w = Json::array();
    for (const auto& x : e.heatSinkWarnings)
        w.push_back(toJson(x));
    j["heat_sink_warnings"] = w;
    j["heat_sink_note"] = e.heatSinkNote;

    Json paths = Json::array();
    for (const auto& p : e.paths)
        paths.push_back(toJson(p));
    j["path_checks"] = paths;
    j["paths_safe"] = e.pathsSafe();

    if (e.thermal) {
        Json cals = Json::array();
        for (const auto& c : e.thermal->calibrations)
            cals.push_back({{"device", c.deviceId},
                            {"setting", c.setting},
                            {"grid_mm", c.spacing_mm},
                            {"power_w", c.source.power_W},
                            {"active_length_mm", c.source.activeLength_mm},
                            {"source_centre_from_tip_mm", c.source.centreFromTip_mm},
                            {"length_mm", c.length_mm},
                            {"width_mm", c.width_mm},
                            {"length_error_pct", c.lengthError_pct},
                            {"width_error_pct", c.widthError_pct},
                            {"converged", c.converged},
                            {"seconds", c.seconds}});
        j["thermal"] = {{"stepper", e.thermal->stepper},
                        {"calibrations", cals},
                        {"dt_s", e.thermal->dt_s},
                        {"voxel_steps", e.thermal->voxelSteps},
                        {"peak_temperature_c", e.thermal->peakTemp_C},
                        {"death", "CEM43 >= 60 min"}};
    }
    if (e.ire) {
        Json pairs = Json::array();
        for (const auto& p : e.ire->pairs)
            pairs.push_back({{"electrodes", {p.a, p.b}},
                             {"distance_mm", p.distance_mm},
                             {"voltage_v", p.voltage_V},
                             {"cg_iterations", p.iterations},
                             {"max_field_v_cm", p.maxField_V_cm}});
        j["ire"] = {{"threshold_v_cm", req.ire.threshold_V_cm},
                    {"liver_conductivity_s_m", req.ire.liverConductivity_S_m},
                    {"pairs", pairs}};
    }
    if (proposals) {
        Json list = Json::array();
        for (const auto& p : proposals->proposals)
            list.push_back(toJson(p));
        Json rejected = Json::object();
        for (const auto& [k, v] : proposals->rejectedBy)
            rejected[k] = v;
        j["proposals"] = {{"directions_sampled", proposals->directionsSampled},
                          {"safe_directions", proposals->safeDirections},
                          {"rejected_by", rejected},
                          {"seconds", proposals->seconds},
                          {"list", list}};
    }
    j["grid"] = gridJson(t.grid);
    j["inputs"] = {{"ct", inputs.ct},
                   {"labels", inputs.labels},
                   {"vessels", inputs.vessels.empty() ? Json(nullptr) : Json(inputs.vessels)},
                   {"lesions", inputs.lesions.empty() ? Json(nullptr) : Json(inputs.lesions)},
                   {"vessel_model", ctx.vesselSource()}};
    j["notes"] = e.notes;
    Json tm = Json::object();
    for (const auto& [k, v] : ctx.buildSeconds())
        tm["context_" + k] = v * 1000.0;
    for (const auto& [k, v] : e.timings_ms)
        tm[k] = v;
    for (const auto& [k, v] : extraTimings)
        tm[k] = v;
    j["timings_ms"] = tm;
    return j;
}

PlanFiles writePlanOutputs(const std::filesystem::path& dir, const PlanningContext& ctx, const PlanRequest& req,
                           const PlanEvaluation& e, const ProposalResult* proposals, const PlanInputsInfo& inputs,
                           std::map<std::string, double> timings) {
    const auto t0 = std::chrono::steady_clock::now();
    files::ensureDirectory(dir);
    PlanFiles f{dir / "plan.json", dir / "zone.nii.gz", dir / "margin_map.nii.gz"};
    const GridGeometry& g = ctx.target().grid;
    const std::vector<std::uint8_t> mask = rasterMask(e.zone.field, g);
    auto zoneImage = g.allocate<MaskImage>(0);
    std::copy(mask.begin(), mask.end(), zoneImage->GetBufferPointer());
    writeMask(zoneImage, f.zone);
    const auto tMap = std::chrono::steady_clock::now();
    const std::vector<float> map = marginMap(ctx.target(), e.zone, req.margin_mm + 10.0);
    timings["margin_map"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - tMap).count();
    Volume v;
    v.image = g.allocate<FloatImage>(0.0f);
    std::copy(map.begin(), map.end(), v.image->GetBufferPointer());
    v.meta.units = Units::Unknown; // millimetres: described in plan.json
    writeVolume(v, f.marginMap);
    timings["write_outputs"] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    files::writeTextAtomic(f.planJson, planJson(ctx, req, e, proposals, inputs, timings).dump(2) + "\n");
    return f;
}

void storePlanInCase(Case& c, const std::string& planId, const PlanRequest& req, const PlanEvaluation& e,
                     const std::string& directory, int lesionId) {
    if (planId.empty()) throw Error("a plan stored in the case needs an id");
    // Replace the plan's earlier probes.
    std::vector<std::string> stale;
    for (const auto& p : c.probes)
        if (p.extra.contains("plan") && p.extra["plan"] == planId) stale.push_back(p.id);
    for (const auto& id : stale)
        removeProbe(c, id);
    // The probes as placed by the user (IRE electrodes one by one), with
    // their device and setting resolved.
    for (size_t i = 0; i < req.probes.size(); ++i) {
        const Probe& q = req.probes[i];
        CaseProbe p;
        p.id = planId + "/" + (q.id.empty() ? "p" + std::to_string(i + 1) : q.id);
        p.deviceId = q.deviceId.empty() ? e.device->id : q.deviceId;
        p.setting = q.setting.empty() ? (q.deviceId.empty() ? e.setting->name : std::string()) : q.setting;
        p.tip_mm = q.tip_mm;
        p.entry_mm = q.entry_mm;
        p.lesionId = lesionId;
        p.extra["plan"] = planId;
        setProbe(c, p);
    }
    CasePlan plan;
    plan.id = planId;
    plan.directory = directory;
    plan.lesionId = lesionId;
    plan.summary = planSummary(e, req);
    setPlan(c, plan);
}

std::vector<Probe> probesOfPlan(const Case& c, const std::string& planId) {
    std::vector<Probe> out;
    for (const auto& p : c.probes) {
        if (!p.extra.contains("plan") || p.extra["plan"] != planId) continue;
        Probe q;
        const std::string prefix = planId + "/";
        q.id = p.id.rfind(prefix, 0) == 0 ? p.id.substr(prefix.size()) : p.id;
        q.deviceId = p.deviceId;
        q.setting = p.setting;
        q.tip_mm = p.tip_mm;
        q.entry_mm = p.entry_mm;
        out.push_back(q);
    }
    return out;
}

} // namespace irplan::planning
