// The IRE field model: the field between two electrodes against the analytic
// two-line-charge value, the zone of a 4-electrode array, the threshold, and
// electrodes placed one by one.
#include "planning/PlanReport.h"
#include "tests/planning/PlanningTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace irplan;
using namespace irplan::planning;

namespace {

PlacedApplicator array(const std::string& setting) {
    const Device& d = test::catalogue().require("ire-19g");
    Probe p;
    p.id = "a";
    p.tip_mm = {0, 0, 0};
    p.entry_mm = {0, 0, 150};
    return placeApplicator(p, d, d.requireSetting(setting));
}

GridGeometry lattice() {
    GridGeometry g;
    g.size = {1, 1, 1};
    return g;
}

} // namespace

TEST(PlanningIre, PairFieldMatchesTwoLineCharges) {
    const PlacedApplicator a = array("2x-15mm-20mm");
    IreOptions o;
    const IreResult r = simulateIre(a, lattice(), nullptr, o);
    ASSERT_EQ(r.pairs.size(), 1u);
    // Midway between two long parallel electrodes of radius a, distance d,
    // voltage V: E = 2 V / (d ln((d - a) / a)). The 19 G electrode has
    // a = 0.535 mm; on the 1 mm grid it is one voxel column, which acts as a
    // thinner electrode, so the model's field is lower (the zone conservative).
    const double d = 15.0, V = r.pairs.front().voltage_V, a19g = 0.5 * 1.07;
    const double analytic = 10.0 * 2 * V / (d * std::log((d - a19g) / a19g)); // V/cm
    const ZoneField& f = r.field;
    const double model = f.sample({0, 0, 10}) + o.threshold_V_cm;
    std::printf("two electrodes 15 mm, %.0f V: midpoint field %.0f V/cm (analytic for the 19 G radius %.0f V/cm, %+.0f%%), "
                "%d CG iterations\n",
                V, model, analytic, 100 * (model / analytic - 1), r.pairs.front().iterations);
    EXPECT_LT(model, analytic * 1.02);
    EXPECT_GT(model, 0.8 * analytic);
}

TEST(PlanningIre, FourElectrodeZoneAndThreshold) {
    const PlacedApplicator a = array("4x-15mm-20mm");
    const IreResult r600 = simulateIre(a, lattice(), nullptr);
    IreOptions high;
    high.threshold_V_cm = 900;
    const IreResult r900 = simulateIre(a, lattice(), nullptr, high);
    const double v600 = r600.field.insideCount() * 1e-3, v900 = r900.field.insideCount() * 1e-3;
    const Vec3 centre{0, 0, 10};
    std::printf("4 electrodes 15 mm: %zu pairs, zone %.2f mL at 600 V/cm, %.2f mL at 900 V/cm; across %.1f mm, along %.1f mm; %.2f s\n",
                r600.pairs.size(), v600, v900, extentAlong(r600.field, centre, {1, 0, 0}), extentAlong(r600.field, centre, {0, 0, 1}),
                r600.seconds);
    EXPECT_EQ(r600.pairs.size(), 6u); // 4 sides + 2 diagonals
    EXPECT_GE(r600.field.sample(centre), 0.0);
    EXPECT_LT(r600.field.sample({30, 0, 10}), 0.0);
    EXPECT_LT(v900, 0.8 * v600);
    // DOMAIN.md: 2-3 cm with 3-4 electrodes.
    EXPECT_GT(extentAlong(r600.field, centre, {1, 0, 0}), 20.0);
    EXPECT_LT(extentAlong(r600.field, centre, {1, 0, 0}), 40.0);
}

TEST(PlanningIre, ElectrodesPlacedOneByOneGiveTheSameZoneAndAreStored) {
    // A liver block with lesion 1 at the origin.
    PlanningInputs in;
    in.labels = test::makeCentredLabels(100, 1.0, [](const Vec3& p) { return norm(p) <= 8 ? 101 : 1; });
    in.lesionId = 1;
    in.risk.reach_mm = 60;
    const auto ctx = PlanningContext::build(in);
    const PlacedApplicator a = array("4x-15mm-20mm");
    PlanRequest req;
    req.catalogue = &test::catalogue();
    req.deviceId = "ire-19g";
    req.setting = "4x-15mm-20mm";
    req.model = ZoneModelKind::IreField;
    req.robustness.samples = 16;
    for (size_t i = 0; i < a.needles.size(); ++i) {
        Probe p;
        p.id = "e" + std::to_string(i + 1);
        p.tip_mm = a.needles[i].tip_mm + Vec3{0, 0, -10};
        p.entry_mm = a.needles[i].entry_mm + Vec3{0, 0, -10};
        req.probes.push_back(p);
    }
    const PlanEvaluation each = evaluatePlan(*ctx, req, nullptr);
    PlanRequest one = req;
    Probe centreLine;
    centreLine.id = "array";
    centreLine.tip_mm = {0, 0, -10};
    centreLine.entry_mm = {0, 0, 140};
    one.probes = {centreLine};
    const PlanEvaluation arr = evaluatePlan(*ctx, one, nullptr);
    std::printf("electrodes one by one: %.2f mL, minimal margin %.2f mm; as an array: %.2f mL, %.2f mm\n", each.shape.volume_ml,
                each.margin.minimal_mm, arr.shape.volume_ml, arr.margin.minimal_mm);
    EXPECT_NEAR(each.shape.volume_ml, arr.shape.volume_ml, 0.02 * arr.shape.volume_ml);
    EXPECT_NEAR(each.margin.minimal_mm, arr.margin.minimal_mm, 0.3);
    EXPECT_TRUE(each.heatSinkWarnings.empty());
    ASSERT_EQ(each.paths.size(), 1u);
    Case c;
    storePlanInCase(c, "ire", req, each, "/tmp/ire", 1);
    EXPECT_EQ(c.probes.size(), 4u);
    EXPECT_EQ(probesOfPlan(c, "ire").size(), 4u);
    EXPECT_EQ(c.probes[2].deviceId, "ire-19g");
}
