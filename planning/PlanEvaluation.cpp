#include "planning/PlanEvaluation.h"

#include "core/Error.h"
#include "planning/ChartZone.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace irplan::planning {

namespace {
using Clock = std::chrono::steady_clock;
double ms(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string fmt(const char* f, double v) {
    char b[160];
    std::snprintf(b, sizeof b, f, v);
    return b;
}
} // namespace

const char* zoneModelName(ZoneModelKind k) {
    switch (k) {
    case ZoneModelKind::Chart:
        return "chart";
    case ZoneModelKind::Thermal:
        return "thermal";
    case ZoneModelKind::IreField:
        return "ire-field";
    }
    return "?";
}

ZoneModelKind zoneModelFromName(const std::string& n) {
    if (n == "chart") return ZoneModelKind::Chart;
    if (n == "thermal") return ZoneModelKind::Thermal;
    if (n == "ire-field") return ZoneModelKind::IreField;
    throw Error("unknown zone model '" + n + "' (chart, thermal, ire-field)");
}

bool PlanEvaluation::pathsSafe() const {
    return !paths.empty() && std::all_of(paths.begin(), paths.end(), [](const PathReport& p) { return p.pass; });
}

std::vector<PlacedApplicator> placeApplicators(const PlanRequest& req, const Device*& device,
                                               const DeviceSetting*& setting) {
    if (!req.catalogue) throw Error("internal: a plan request needs the device catalogue");
    if (req.probes.empty()) throw Error("the plan has no probe: give --probe \"tip=x,y,z;entry=x,y,z\" or --auto");
    device = &req.catalogue->require(req.deviceId);
    setting = &device->requireSetting(req.setting);
    if (req.model == ZoneModelKind::Thermal && device->modality != Modality::RFA && device->modality != Modality::MWA)
        throw Error(std::string("the thermal model covers RFA and MWA devices; '") + device->id + "' is " +
                    modalityName(device->modality) + " (use --model chart" +
                    (device->modality == Modality::IRE ? " or ire-field)" : ")"));
    if (req.model == ZoneModelKind::IreField && device->modality != Modality::IRE)
        throw Error("the ire-field model needs an IRE device; '" + device->id + "' is " +
                    modalityName(device->modality));
    std::vector<PlacedApplicator> out;
    if (device->modality == Modality::IRE) {
        const size_t n = req.probes.size();
        if (n == 1)
            out.push_back(placeApplicator(req.probes[0], *device, *setting));
        else if (static_cast<int>(n) == setting->electrodes)
            out.push_back(placeIreElectrodes(req.probes, *device, *setting));
        else
            throw Error("IRE setting '" + setting->name + "' has " + std::to_string(setting->electrodes) +
                        " electrodes: give one probe (the array's centre line) or one probe per electrode, not " +
                        std::to_string(n));
        return out;
    }
    for (const auto& p : req.probes) {
        const Device& d = p.deviceId.empty() ? *device : req.catalogue->require(p.deviceId);
        if (d.modality != device->modality)
            throw Error("probe '" + p.id + "' uses a " + modalityName(d.modality) + " device in a " +
                        modalityName(device->modality) + " plan");
        const DeviceSetting& s =
            p.setting.empty() ? (&d == device ? *setting : d.requireSetting("")) : d.requireSetting(p.setting);
        out.push_back(placeApplicator(p, d, s));
    }
    return out;
}

void analyseZone(const PlanningContext& ctx, const PlanRequest& req, PlanEvaluation& e) {
    auto t = Clock::now();
    const MarginRegion& region = ctx.marginRegion(req.margin_mm);
    e.margin = analyseMargins(ctx.target(), region, e.zone);
    e.timings_ms["coverage_and_margin"] = ms(t);
    if (e.zone.empty()) e.notes.push_back("the zone is empty: nothing reaches the lethal threshold");
    if (e.zone.field.touchesBoxBorder)
        e.notes.push_back("the zone reaches the edge of its simulation domain and may be larger than shown");

    t = Clock::now();
    const Modality m = e.device->modality;
    e.heatSinkWarnings =
        heatSinkWarnings(ctx.vessels(), ctx.target(), &e.zone, req.margin_mm, m, req.heatSink, &ctx.vesselLesionGap());
    if (m == Modality::IRE)
        e.heatSinkNote = "IRE is non-thermal: no heat sink; vessel walls and bile ducts are spared (DOMAIN.md)";
    else
        e.heatSinkNote = std::string(modalityName(m)) + " heat-sink sensitivity: " + heatSinkSensitivity(m) +
                         "; vessels of >= " + fmt("%.1f", req.heatSink.minDiameter_mm) + " mm within the zone plus " +
                         fmt("%.0f mm margin or ", req.margin_mm) +
                         fmt("%.0f mm of the zone are listed (vessels from ", req.heatSink.reach_mm) +
                         ctx.vesselSource() + ")";
    e.timings_ms["heat_sink"] = ms(t);

    t = Clock::now();
    e.paths.clear();
    for (const auto& a : e.applicators)
        e.paths.push_back(checkPath(ctx.risk(), &ctx.target(), a, req.limits));
    e.timings_ms["path_checks"] = ms(t);
}

PlanEvaluation evaluateChart(const PlanningContext& ctx, const PlanRequest& req) {
    if (req.model != ZoneModelKind::Chart) throw Error("internal: evaluateChart needs the chart model");
    const auto t0 = Clock::now();
    PlanEvaluation e;
    e.model = ZoneModelKind::Chart;
    e.applicators = placeApplicators(req, e.device, e.setting);
    auto t = Clock::now();
    e.zone = Zone::fromEllipsoids(chartEllipsoids(e.applicators), ctx.target().grid);
    e.timings_ms["zone"] = ms(t);
    analyseZone(ctx, req, e);
    e.timings_ms["total"] = ms(t0);
    return e;
}

PlanEvaluation evaluatePlan(const PlanningContext& ctx, const PlanRequest& req, ThermalCalibrationCache* cache,
                            const Progress& progress) {
    const auto t0 = Clock::now();
    PlanEvaluation e;
    e.model = req.model;
    e.applicators = placeApplicators(req, e.device, e.setting);
    const GridGeometry& lattice = ctx.target().grid;
    auto t = Clock::now();
    std::optional<Zone> reference; // thermal without vessels, for the margin lost
    switch (req.model) {
    case ZoneModelKind::Chart:
        e.zone = Zone::fromEllipsoids(chartEllipsoids(e.applicators), lattice);
        break;
    case ZoneModelKind::Thermal: {
        if (!cache) throw Error("internal: the thermal model needs a calibration cache");
        ThermalRequest tr;
        tr.applicators = e.applicators;
        tr.lattice = lattice;
        tr.vessels = &ctx.vessels();
        tr.spacing_mm = req.thermalSpacing_mm;
        const bool loss = req.thermalSinkLoss && !ctx.vessels().samples.empty();
        e.thermal = simulateThermal(tr, *cache, progress.sub(0.0, loss ? 0.55 : 0.9));
        e.zone = Zone::fromField(e.thermal->field);
        if (loss) {
            tr.vessels = nullptr;
            const ThermalResult ref = simulateThermal(tr, *cache, progress.sub(0.55, 0.9));
            reference = Zone::fromField(ref.field);
            e.timings_ms["thermal_reference_without_vessels"] = ref.total_s * 1000.0;
        }
        e.timings_ms["thermal_simulation"] = e.thermal->simulation_s * 1000.0;
        break;
    }
    case ZoneModelKind::IreField:
        e.ire = simulateIre(e.applicators.front(), lattice, &ctx.vessels(), req.ire, progress.sub(0.0, 0.9));
        e.zone = Zone::fromField(e.ire->field);
        break;
    }
    e.timings_ms["zone"] = ms(t);
    progress.checkCancel();
    analyseZone(ctx, req, e);
    e.shape = measureZoneShape(e.zone);

    // In-vivo expectation and robustness (DOMAIN.md: charts overestimate).
    t = Clock::now();
    const InVivoFactor& iv = e.device->inVivo;
    e.inVivoLinear = iv.linearMean();
    e.inVivoLinearP10 = iv.linearQuantile(0.1);
    e.inVivoLinearP90 = iv.linearQuantile(0.9);
    if (!e.zone.empty()) {
        e.inVivoMargin = analyseScaledMargins(ctx.target(), ctx.marginRegion(req.margin_mm), e.zone, e.shape.centre_mm,
                                              e.inVivoLinear);
        e.robust = sampleMarginProbability(ctx.target(), e.zone, e.shape.centre_mm, req.margin_mm, iv, req.robustness);
        RobustnessOptions placementOnly = req.robustness;
        placementOnly.deviceSpread = false;
        e.robustPlacement =
            sampleMarginProbability(ctx.target(), e.zone, e.shape.centre_mm, req.margin_mm, iv, placementOnly);
    }
    e.timings_ms["in_vivo_and_sampling"] = ms(t);

    if (reference) {
        // Margin lost on the side of each vessel: the thermal zone without
        // vessels minus with them, at the lesion point facing the vessel.
        for (auto& w : e.heatSinkWarnings)
            w.marginLost_mm = reference->signedDistance(w.lesionPoint_mm) - e.zone.signedDistance(w.lesionPoint_mm);
    }
    e.timings_ms["total"] = ms(t0);
    progress.update(1.0, "plan evaluated");
    return e;
}

} // namespace irplan::planning
