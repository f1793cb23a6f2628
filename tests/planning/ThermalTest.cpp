// The thermal model: calibrated to reproduce the device chart in homogeneous
// liver, shrinking next to a vessel of >= 3 mm (MWA less than RFA), cancellable,
// and with a replaceable stepper.
#include "core/Error.h"
#include "planning/PlanEvaluation.h"
#include "tests/planning/PlanningTestUtil.h"

#include <atomic>
#include <cmath>
#include <gtest/gtest.h>

using namespace irplan;
using namespace irplan::planning;

namespace {

ThermalCalibrationCache& cache() {
    static ThermalCalibrationCache c;
    return c;
}

struct Extent {
    double length = 0, width = 0;
};

// Chart-style extents of a zone around an applicator: along the axis through
// the chart centre, and the widest extent across it.
Extent measure(const ZoneField& f, const PlacedApplicator& a) {
    Extent e;
    const Vec3 c = a.chart.centre_mm;
    const double up = reachAlong(f, c, a.axis), down = reachAlong(f, c, -a.axis);
    e.length = up + down;
    for (double t = -down; t <= up; t += 0.5) {
        const Vec3 p = c + a.axis * t;
        e.width = std::max(e.width, 0.5 * (extentAlong(f, p, a.across1) + extentAlong(f, p, a.across2)));
    }
    return e;
}

GridGeometry lattice1mm() {
    GridGeometry g;
    g.size = {1, 1, 1};
    return g;
}

// Liver with a lesion of radius 10 mm at the origin and a hepatic vein of
// `diameter` parallel to z whose wall is `gap` mm from the lesion.
LabelImage::Pointer vesselCase(double diameter, double gap) {
    const double cx = 10 + gap + 0.5 * diameter;
    return test::makeCentredLabels(110, 1.0, [&](const Vec3& p) {
        if (norm(p) <= 10) return 101;
        if (std::hypot(p.x - cx, p.y) <= 0.5 * diameter) return 3;
        return 1;
    });
}

std::shared_ptr<const PlanningContext> context(const LabelImage::Pointer& labels) {
    PlanningInputs in;
    in.labels = labels;
    in.lesionId = 1;
    in.padding_mm = 40;
    in.risk.reach_mm = 60;
    return PlanningContext::build(in);
}

PlanRequest request(const std::string& device, const std::string& setting, ZoneModelKind model) {
    PlanRequest r;
    r.catalogue = &test::catalogue();
    r.deviceId = device;
    r.setting = setting;
    r.model = model;
    const DeviceSetting& s = test::catalogue().require(device).requireSetting(setting);
    // Along z through the lesion centre, zone centre on it.
    Probe p;
    p.id = "p1";
    p.tip_mm = {0, 0, -s.zone.centreFromTip_mm};
    p.entry_mm = {0, 0, 100};
    r.probes = {p};
    r.robustness.samples = 64;
    return r;
}

} // namespace

TEST(PlanningThermal, CalibratedZoneReproducesTheChartWithoutVessels) {
    for (auto [device, setting] :
         {std::pair<const char*, const char*>{"rfa-single-17g", "3cm-tip-12min"}, {"mwa-single-14g", "65W-10min"}}) {
        const Device& d = test::catalogue().require(device);
        const DeviceSetting& s = d.requireSetting(setting);
        // An oblique needle: the lattice and the applicator do not line up.
        Probe p;
        p.tip_mm = {3.2, -1.7, 0.4};
        p.entry_mm = p.tip_mm + normalized(Vec3{0.5, 0.3, 1.0}) * 120.0;
        ThermalRequest tr;
        tr.applicators = {placeApplicator(p, d, s)};
        tr.lattice = lattice1mm();
        const ThermalResult r = simulateThermal(tr, cache());
        const Extent e = measure(r.field, tr.applicators.front());
        const auto& cal = r.calibrations.front();
        std::printf("%s %s: chart %.0f x %.0f mm, thermal %.1f x %.1f mm (%.1f%% / %.1f%%); calibration %d runs %.2f s "
                    "(P %.1f W, active %.1f mm), simulation %.2f s, peak %.0f degC\n",
                    device, setting, s.zone.length_mm, s.zone.width_mm, e.length, e.width,
                    100 * (e.length / s.zone.length_mm - 1), 100 * (e.width / s.zone.width_mm - 1), cal.iterations,
                    cal.seconds, cal.source.power_W, cal.source.activeLength_mm, r.simulation_s, r.peakTemp_C);
        EXPECT_TRUE(cal.converged);
        EXPECT_NEAR(e.length, s.zone.length_mm, 0.10 * s.zone.length_mm);
        EXPECT_NEAR(e.width, s.zone.width_mm, 0.10 * s.zone.width_mm);
        EXPECT_FALSE(r.field.touchesBoxBorder);
        if (d.modality == Modality::RFA) {
            EXPECT_LE(r.peakTemp_C, 100.0 + 1e-3);
        }
    }
}

TEST(PlanningThermal, FiveMillimetreVesselEightMillimetresAwayWarnsAndShrinksTheZone) {
    const auto ctx = context(vesselCase(5.0, 8.0));
    PlanRequest chart = request("mwa-single-14g", "65W-10min", ZoneModelKind::Chart);
    const PlanEvaluation c = evaluateChart(*ctx, chart);
    ASSERT_EQ(c.heatSinkWarnings.size(), 1u);
    const HeatSinkWarning& w = c.heatSinkWarnings.front();
    std::printf("warning: %s, %.2f mm, %.2f mm from the lesion, %.2f mm from the zone, side %s, point %s\n",
                w.vesselId.c_str(), w.diameter_mm, w.distanceToLesion_mm, w.distanceToZone_mm, w.side.c_str(),
                toString(w.point_mm).c_str());
    EXPECT_NEAR(w.diameter_mm, 5.0, 1.0);
    EXPECT_NEAR(w.distanceToLesion_mm, 8.0, 1.2); // two half-voxels of voxelisation
    EXPECT_EQ(w.side, "left");                    // +x is the patient's left in LPS
    EXPECT_EQ(w.sensitivity, "lower");

    PlanRequest thermal = request("mwa-single-14g", "65W-10min", ZoneModelKind::Thermal);
    const PlanEvaluation t = evaluatePlan(*ctx, thermal, &cache());
    const Vec3 centre{0, 0, 0};
    const double toward = reachAlong(t.zone.field, centre, {1, 0, 0}),
                 away = reachAlong(t.zone.field, centre, {-1, 0, 0});
    ASSERT_EQ(t.heatSinkWarnings.size(), 1u);
    ASSERT_TRUE(t.heatSinkWarnings.front().marginLost_mm.has_value());
    const double lost = *t.heatSinkWarnings.front().marginLost_mm;
    std::printf("thermal MWA: zone radius %.2f mm towards the vessel, %.2f mm away from it; margin lost %.2f mm; "
                "minimal margin %.2f mm (chart %.2f)\n",
                toward, away, lost, t.margin.minimal_mm, c.margin.minimal_mm);
    EXPECT_LT(toward, away - 1.0);
    EXPECT_GT(lost, 1.0);
    EXPECT_LT(t.margin.minimal_mm, c.margin.minimal_mm);
}

TEST(PlanningThermal, TwoMillimetreVesselGivesNoWarningAndIreGivesNone) {
    const auto ctx = context(vesselCase(2.0, 8.0));
    const PlanEvaluation c = evaluateChart(*ctx, request("rfa-single-17g", "3cm-tip-12min", ZoneModelKind::Chart));
    std::printf("2 mm vessel: %zu warnings (%s)\n", c.heatSinkWarnings.size(), c.heatSinkNote.c_str());
    EXPECT_TRUE(c.heatSinkWarnings.empty());

    const auto ctx5 = context(vesselCase(5.0, 8.0));
    const PlanEvaluation ire = evaluateChart(*ctx5, request("ire-19g", "4x-15mm-20mm", ZoneModelKind::Chart));
    EXPECT_TRUE(ire.heatSinkWarnings.empty());
    EXPECT_NE(ire.heatSinkNote.find("spared"), std::string::npos);
    const PlanEvaluation rfa = evaluateChart(*ctx5, request("rfa-single-17g", "3cm-tip-12min", ZoneModelKind::Chart));
    ASSERT_EQ(rfa.heatSinkWarnings.size(), 1u);
    EXPECT_EQ(rfa.heatSinkWarnings.front().sensitivity, "high");
}

TEST(PlanningThermal, MicrowaveLosesLessToAVesselThanRadiofrequency) {
    // The vessel's wall at 90% of each zone's free radius: compare the fraction of zone lost.
    double lossFraction[2] = {0, 0};
    int n = 0;
    for (auto [device, setting] :
         {std::pair<const char*, const char*>{"rfa-single-17g", "3cm-tip-12min"}, {"mwa-single-14g", "65W-10min"}}) {
        const Device& d = test::catalogue().require(device);
        const DeviceSetting& s = d.requireSetting(setting);
        const ThermalCalibration cal = cache().get(d, s, 1.0);
        Probe p;
        p.tip_mm = {0, 0, 0};
        p.entry_mm = {0, 0, 150};
        const PlacedApplicator a = placeApplicator(p, d, s);
        GridGeometry frame;
        const GridGeometry g = thermalDomain(a, frame, 1.0);
        auto stepper = cache().makeStepper();
        const ZoneField free =
            simulateApplicator(a, cal.source, g, nullptr, s.time_min * 60, cache().tissue(), *stepper, {});
        const double radius = reachAlong(free, a.chart.centre_mm, {1, 0, 0});
        VesselTree tree;
        VesselBranch b;
        b.id = "v";
        const double x = 0.9 * radius + 2.5;
        b.points = {{x, 0, -80}, {x, 0, 120}};
        b.diameters_mm = {5, 5};
        tree.branches = {b};
        const VesselModel vm = vesselModelFromTree(tree, {-200, -200, -200}, {200, 200, 200});
        const ZoneField cooled =
            simulateApplicator(a, cal.source, g, &vm, s.time_min * 60, cache().tissue(), *stepper, {});
        lossFraction[n] = 1.0 - static_cast<double>(cooled.insideCount()) / free.insideCount();
        std::printf(
            "%s: free radius %.2f mm, vessel wall at %.2f mm: radius on its side %.2f mm, zone volume lost %.1f%%\n",
            device, radius, x - 2.5, reachAlong(cooled, a.chart.centre_mm, {1, 0, 0}), 100 * lossFraction[n]);
        ++n;
    }
    EXPECT_GT(lossFraction[0], 0.02);
    EXPECT_GT(lossFraction[1], 0.0);
    EXPECT_LT(lossFraction[1], lossFraction[0]);
}

TEST(PlanningThermal, CancelStopsTheSimulation) {
    const Device& d = test::catalogue().require("mwa-single-14g");
    Probe p;
    p.tip_mm = {0, 0, 0};
    p.entry_mm = {0, 0, 100};
    ThermalRequest tr;
    tr.applicators = {placeApplicator(p, d, d.requireSetting("65W-10min"))};
    tr.lattice = lattice1mm();
    cache().get(d, d.requireSetting("65W-10min"), 1.0); // calibrated already: only stepping remains
    auto token = std::make_shared<CancelToken>();
    std::atomic<double> last{0};
    Progress progress(
        [&](double f, const std::string&) {
            last = f;
            if (f > 0.5) token->cancel();
        },
        token);
    EXPECT_THROW(simulateThermal(tr, cache(), progress), Cancelled);
    std::printf("cancelled at %.0f%%\n", 100 * last.load());
    EXPECT_LT(last.load(), 0.8);
}

TEST(PlanningThermal, StepperIsReplaceable) {
    // A stand-in for a GPU stepper: wraps the CPU one and counts what it is asked.
    struct CountingStepper : ThermalStepper {
        std::unique_ptr<ThermalStepper> inner = makeCpuThermalStepper(1);
        int* steps;
        explicit CountingStepper(int* s) : steps(s) {}
        std::string name() const override { return "counting"; }
        void load(const ThermalProblem& p) override { inner->load(p); }
        void advance(int n, double dt, double power) override {
            *steps += n;
            inner->advance(n, dt, power);
        }
        void download(ThermalState& s) const override { inner->download(s); }
    };
    int steps = 0;
    ThermalCalibrationCache custom({}, [&] { return std::make_unique<CountingStepper>(&steps); });
    const Device& d = test::catalogue().require("rfa-single-17g");
    Probe p;
    p.tip_mm = {0, 0, 0};
    p.entry_mm = {0, 0, 100};
    ThermalRequest tr;
    tr.applicators = {placeApplicator(p, d, d.requireSetting("2cm-tip-12min"))};
    tr.lattice = lattice1mm();
    tr.spacing_mm = 2.0; // the coarse preview
    const ThermalResult r = simulateThermal(tr, custom);
    std::printf("preview through the replaceable stepper: %d steps, %.0f ms simulation, zone %.1f mL\n", steps,
                1000 * r.simulation_s, r.field.insideCount() * 1e-3);
    EXPECT_EQ(r.stepper, "counting");
    EXPECT_GT(steps, 100);
    EXPECT_GT(r.field.insideCount(), 1000u);
}
