// Planning figures against the goals: chart update (<= 5 ms with
// coverage on a 1 mm grid), thermal preview (<= 200 ms), full thermal result
// (<= 2 s for 10 min in an 8 cm cube at 1 mm on 2 cores), proposals (<= 5 s
// per lesion); plus what they stand on (context, calibration, IRE field).
#include "bench/BenchSupport.h"
#include "core/Parallel.h"
#include "phantom/Phantom.h"
#include "planning/AutoPlanner.h"

#include <benchmark/benchmark.h>
#include <cmath>

using namespace irplan;
using namespace irplan::planning;

namespace {

const DeviceCatalogue& catalogue() {
    static const DeviceCatalogue c = DeviceCatalogue::loadDefault();
    return c;
}

// The phantom at 1.5 mm (the size the tests use) and contexts per lesion.
struct PhantomSetup {
    phantom::PhantomCase p;
    std::map<int, std::shared_ptr<const PlanningContext>> contexts;
    std::shared_ptr<const RiskMaps> risk;
    PhantomSetup() {
        phantom::PhantomOptions o;
        o.spacing = Vec3{1.5, 1.5, 1.5};
        p = phantom::generatePhantom(o);
    }
    PlanningInputs inputs(int lesion) const {
        PlanningInputs in;
        in.labels = p.labels;
        in.ct = p.ctArterial.image;
        in.lesionId = lesion;
        return in;
    }
    const PlanningContext& context(int lesion) {
        auto& c = contexts[lesion];
        if (!c) {
            PlanningInputs in = inputs(lesion);
            in.sharedRisk = risk;
            c = PlanningContext::build(in);
            risk = c->riskShared();
        }
        return *c;
    }
};

PhantomSetup& phantomSetup() {
    static PhantomSetup s;
    return s;
}

ThermalCalibrationCache& cache() {
    static ThermalCalibrationCache c;
    return c;
}

// A probe through lesion 2's centre from its first safe proposal.
PlanRequest lesionTwoRequest(const std::string& device, ZoneModelKind model) {
    PhantomSetup& s = phantomSetup();
    const PlanningContext& ctx = s.context(2);
    PlanRequest r;
    r.catalogue = &catalogue();
    r.deviceId = device;
    r.model = model;
    r.setting = device == "mwa-single-14g" ? "65W-10min" : "";
    const ProposalResult pr = proposePlans(ctx, r);
    r.probes = pr.proposals.front().probes;
    for (auto& p : r.probes)
        p.setting.clear(), p.deviceId.clear();
    r.setting = pr.proposals.front().setting;
    return r;
}

void BM_ContextBuild(benchmark::State& state) {
    PhantomSetup& s = phantomSetup();
    for (auto _ : state) {
        auto c = PlanningContext::build(s.inputs(2));
        for (const auto& [k, v] : c->buildSeconds())
            state.counters[k + "_ms"] = v * 1000.0;
    }
    state.counters["peak_MiB"] = bench::peakRssMiB();
}
BENCHMARK(BM_ContextBuild)->Unit(benchmark::kMillisecond)->Iterations(1)->MeasureProcessCPUTime()->UseRealTime();

// The GUI's drag loop: move the probe 0.5 mm per update and re-evaluate.
void BM_ChartUpdate(benchmark::State& state) {
    PhantomSetup& s = phantomSetup();
    const PlanningContext& ctx = s.context(2);
    PlanRequest r = lesionTwoRequest("mwa-single-14g", ZoneModelKind::Chart);
    const Probe start = r.probes.front();
    int n = 0;
    double zone = 0, coverage = 0, heat = 0, paths = 0;
    for (auto _ : state) {
        const Vec3 d{0.5 * std::sin(0.1 * n), 0.5 * std::cos(0.13 * n), 0.25 * std::sin(0.07 * n)};
        r.probes.front().tip_mm = start.tip_mm + d;
        r.probes.front().entry_mm = start.entry_mm + d;
        const PlanEvaluation e = evaluateChart(ctx, r);
        benchmark::DoNotOptimize(e.margin.minimal_mm);
        zone += e.timings_ms.at("zone");
        coverage += e.timings_ms.at("coverage_and_margin");
        heat += e.timings_ms.at("heat_sink");
        paths += e.timings_ms.at("path_checks");
        ++n;
    }
    state.counters["zone_ms"] = zone / n;
    state.counters["coverage_margin_ms"] = coverage / n;
    state.counters["heat_sink_ms"] = heat / n;
    state.counters["path_checks_ms"] = paths / n;
    state.counters["lesion_voxels"] = static_cast<double>(ctx.target().voxels.size());
    state.counters["surface_points"] = static_cast<double>(ctx.target().surfacePoints.size());
}
BENCHMARK(BM_ChartUpdate)->Unit(benchmark::kMillisecond)->Iterations(200)->MeasureProcessCPUTime()->UseRealTime();

// The largest lesion (34 mm) with the cluster zone, for the worst case.
void BM_ChartUpdateLargestLesion(benchmark::State& state) {
    PhantomSetup& s = phantomSetup();
    const PlanningContext& ctx = s.context(1);
    PlanRequest r;
    r.catalogue = &catalogue();
    r.deviceId = "mwa-cluster-3x14g";
    Probe p;
    p.id = "p1";
    p.tip_mm = ctx.target().centroid_mm - Vec3{22, 0, 0};
    p.entry_mm = p.tip_mm + Vec3{-150, 0, 0};
    r.probes = {p};
    for (auto _ : state)
        benchmark::DoNotOptimize(evaluateChart(ctx, r).margin.minimal_mm);
    state.counters["lesion_voxels"] = static_cast<double>(ctx.target().voxels.size());
}
BENCHMARK(BM_ChartUpdateLargestLesion)->Unit(benchmark::kMillisecond)->Iterations(100)->MeasureProcessCPUTime()->UseRealTime();

void BM_ThermalCalibration(benchmark::State& state) {
    const Device& d = catalogue().require(state.range(0) ? "mwa-single-14g" : "rfa-single-17g");
    const DeviceSetting& s = d.requireSetting(state.range(0) ? "65W-10min" : "3cm-tip-12min");
    for (auto _ : state) {
        ThermalCalibrationCache fresh;
        const ThermalCalibration c = fresh.get(d, s, 1.0);
        state.counters["runs"] = c.iterations;
        state.counters["length_err_pct"] = c.lengthError_pct;
        state.counters["width_err_pct"] = c.widthError_pct;
    }
}
BENCHMARK(BM_ThermalCalibration)->Arg(0)->Arg(1)->ArgNames({"mwa"})->Unit(benchmark::kSecond)->Iterations(1)->MeasureProcessCPUTime()->UseRealTime();

// The reference problem: 10 minutes in an 8 cm cube at 1 mm.
void BM_ThermalFull8cmCube10min(benchmark::State& state) {
    const Device& d = catalogue().require("mwa-single-14g");
    const DeviceSetting& s = d.requireSetting("65W-10min");
    const ThermalCalibration cal = cache().get(d, s, 1.0);
    Probe p;
    p.tip_mm = {0, 0, -18};
    p.entry_mm = {0, 0, 150};
    const PlacedApplicator a = placeApplicator(p, d, s);
    GridGeometry g;
    g.size = {80, 80, 80};
    g.origin = {-39.5, -39.5, -39.5};
    auto stepper = makeCpuThermalStepper(static_cast<unsigned>(state.range(0)));
    SimulationStats st;
    for (auto _ : state) {
        const ZoneField f = simulateApplicator(a, cal.source, g, nullptr, 600.0, cache().tissue(), *stepper, {}, &st);
        benchmark::DoNotOptimize(f.value.data());
    }
    state.counters["steps"] = st.steps;
    state.counters["dt_s"] = st.dt_s;
    state.counters["Mvoxel_steps_per_s"] = benchmark::Counter(static_cast<double>(g.voxels()) * st.steps / 1e6,
                                                              benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ThermalFull8cmCube10min)
    ->Arg(2)
    ->Arg(1)
    ->ArgNames({"threads"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime()->UseRealTime();

// Plan-level thermal on lesion 2 (vessels as heat sinks): preview and full.
void BM_ThermalPlan(benchmark::State& state) {
    PhantomSetup& s = phantomSetup();
    const PlanningContext& ctx = s.context(2);
    PlanRequest r = lesionTwoRequest("mwa-single-14g", ZoneModelKind::Thermal);
    r.thermalSpacing_mm = state.range(0) ? 0.0 : 2.0;
    r.thermalSinkLoss = false;
    std::vector<PlacedApplicator> a;
    const Device* dev = nullptr;
    const DeviceSetting* set = nullptr;
    a = placeApplicators(r, dev, set);
    cache().get(*dev, *set, r.thermalSpacing_mm > 0 ? r.thermalSpacing_mm : 1.0); // calibration outside the timing
    ThermalRequest tr;
    tr.applicators = a;
    tr.lattice = ctx.target().grid;
    tr.vessels = &ctx.vessels();
    tr.spacing_mm = r.thermalSpacing_mm;
    for (auto _ : state) {
        const ThermalResult t = simulateThermal(tr, cache());
        state.counters["simulation_ms"] = t.simulation_s * 1000;
        state.counters["zone_mL"] = t.field.insideCount() * tr.lattice.voxelVolume_ml();
    }
}
BENCHMARK(BM_ThermalPlan)
    ->Arg(0)
    ->Arg(1)
    ->ArgNames({"full"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->MeasureProcessCPUTime()->UseRealTime();

void BM_IreField4Electrodes(benchmark::State& state) {
    const Device& d = catalogue().require("ire-19g");
    Probe p;
    p.tip_mm = {0, 0, 0};
    p.entry_mm = {0, 0, 150};
    const PlacedApplicator a = placeApplicator(p, d, d.requireSetting("4x-15mm-20mm"));
    GridGeometry g;
    g.size = {1, 1, 1};
    for (auto _ : state) {
        const IreResult r = simulateIre(a, g, nullptr);
        state.counters["pairs"] = static_cast<double>(r.pairs.size());
        state.counters["zone_mL"] = r.field.insideCount() * 1e-3;
    }
}
BENCHMARK(BM_IreField4Electrodes)->Unit(benchmark::kMillisecond)->Iterations(2)->MeasureProcessCPUTime()->UseRealTime();

void BM_Proposals(benchmark::State& state) {
    PhantomSetup& s = phantomSetup();
    const int lesion = static_cast<int>(state.range(0));
    const PlanningContext& ctx = s.context(lesion);
    PlanRequest r;
    r.catalogue = &catalogue();
    r.deviceId = "mwa-single-14g";
    for (auto _ : state) {
        const ProposalResult p = proposePlans(ctx, r);
        state.counters["safe_directions"] = p.safeDirections;
        state.counters["proposals"] = static_cast<double>(p.proposals.size());
        state.counters["best_safe"] = p.proposals.empty() ? 0 : p.proposals.front().safe;
        state.counters["best_margin_mm"] = p.proposals.empty() ? 0 : p.proposals.front().minimalMargin_mm;
    }
}
BENCHMARK(BM_Proposals)
    ->DenseRange(1, 5)
    ->ArgNames({"lesion"})
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->MeasureProcessCPUTime()->UseRealTime();

void BM_FullPlanEvaluation(benchmark::State& state) {
    PhantomSetup& s = phantomSetup();
    const PlanningContext& ctx = s.context(2);
    PlanRequest r = lesionTwoRequest("mwa-single-14g", ZoneModelKind::Chart);
    for (auto _ : state) {
        const PlanEvaluation e = evaluatePlan(ctx, r, &cache());
        state.counters["sampling_ms"] = e.timings_ms.at("in_vivo_and_sampling");
        state.counters["p_margin"] = e.robust ? e.robust->pMarginReached : -1;
    }
}
BENCHMARK(BM_FullPlanEvaluation)->Unit(benchmark::kMillisecond)->Iterations(3)->MeasureProcessCPUTime()->UseRealTime();

} // namespace

BENCHMARK_MAIN();
