// Vessel inputs (vessels.json / truth.json, diameters measured from labels)
// and needle path checks on a synthetic torso: a rib, a 5 mm vessel, lung.
#include "core/Error.h"
#include "core/Files.h"
#include "planning/PathCheck.h"
#include "planning/PlanningContext.h"
#include "tests/planning/PlanningTestUtil.h"
#include "tests/support/TestSupport.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace irplan;
using namespace irplan::planning;

namespace {

// Mean measured diameter of a voxelised tube near the centre.
double measuredTube(double d, double h, double offset, const Vec3& dir) {
    GridGeometry g;
    g.size = {50, 50, 50};
    g.spacing = {h, h, h};
    g.origin = {-25 * h, -25 * h, -25 * h};
    std::vector<std::uint8_t> mask(g.voxels(), 0);
    const Vec3 c{offset * h, offset * h, 0};
    for (int k = 0; k < 50; ++k)
        for (int j = 0; j < 50; ++j)
            for (int i = 0; i < 50; ++i) {
                const Vec3 p = g.point(i, j, k) - c;
                if (norm(p - dir * dot(p, dir)) <= d / 2) mask[g.offset(i, j, k)] = 1;
            }
    const auto dia = localDiameter(mask, g);
    double s = 0;
    int n = 0;
    for (int k = 0; k < 50; ++k)
        for (int j = 0; j < 50; ++j)
            for (int i = 0; i < 50; ++i)
                if (mask[g.offset(i, j, k)] && norm(g.point(i, j, k)) < 8) s += dia[g.offset(i, j, k)], ++n;
    return s / n;
}

// Torso: body (fat) x^2/90^2 + y^2/70^2 <= 1, liver ball r 45 at (-30,0,0)
// with a lesion r 8 at its centre, a rib (r 5) along y at x = -80, z = 20,
// a 5 mm portal vein along z at (-30, -20), lung above z = 40.
int torso(const Vec3& p) {
    if ((p.x * p.x) / (90.0 * 90.0) + (p.y * p.y) / (70.0 * 70.0) > 1) return 0;
    if (distance(p, {-30, 0, 0}) <= 8) return 101;
    if (std::hypot(p.x + 30, p.y + 20) <= 2.5) return 2;
    if (std::hypot(p.x + 80, p.z - 20) <= 5) return 7;
    if (p.z > 40) return 10;
    if (distance(p, {-30, 0, 0}) <= 45) return 1;
    return 15;
}

std::shared_ptr<const PlanningContext> torsoContext() {
    static std::shared_ptr<const PlanningContext> ctx = [] {
        PlanningInputs in;
        in.labels = test::makeLabels({201, 161, 141}, 1.0, {-100, -80, -70}, Mat3{}, torso);
        in.lesionId = 1;
        return PlanningContext::build(in);
    }();
    return ctx;
}

PathReport check(const Vec3& tip, const Vec3& entry, const Device& d) {
    Probe p;
    p.id = "p";
    p.tip_mm = tip;
    p.entry_mm = entry;
    return checkPath(torsoContext()->risk(), &torsoContext()->target(), placeApplicator(p, d, d.settings.front()),
                     SafetyLimits{});
}

void print(const char* what, const PathReport& r) {
    std::printf("%s: %s\n", what, r.pass ? "safe" : "UNSAFE");
    for (const auto& c : r.checks)
        std::printf("   %-28s %9.2f %s %6.1f %s  %s\n", c.name.c_str(), c.value, c.comparison.c_str(), c.limit,
                    c.pass ? "pass" : "FAIL", c.detail.c_str());
}

} // namespace

TEST(PlanningVessels, DiametersFromLabelsFollowTheLumen) {
    for (double h : {1.0}) {
        for (double d : {2.0, 3.0, 5.0, 8.0}) {
            double lo = 1e9, hi = 0;
            for (double off : {0.0, 0.25, 0.5})
                for (const Vec3& dir : {Vec3{0, 0, 1}, normalized(Vec3{1, 1, 1}), normalized(Vec3{1, 0, 2})}) {
                    const double m = measuredTube(d, h, off, dir);
                    lo = std::min(lo, m);
                    hi = std::max(hi, m);
                }
            std::printf("tube %.0f mm at %.1f mm voxels: measured %.2f-%.2f mm\n", d, h, lo, hi);
            EXPECT_GT(lo, d - 0.95);
            EXPECT_LT(hi, d + 0.8);
            if (d == 2.0) {
                EXPECT_LT(hi, 3.0); // never a heat-sink vessel
            }
        }
    }
}

TEST(PlanningVessels, ReadsSegmentationAndPhantomVesselFiles) {
    const auto dir = test::scratchDir("planning_vessels_json");
    files::writeTextAtomic(dir / "vessels.json", R"({"branches": [
        {"id": 7, "parent": -1, "points_mm": [[0,0,0],[0,0,10]], "diameters_mm": [5, 4], "diameter_mm": 4.5, "length_mm": 10, "ge_3mm": true},
        {"id": "b8", "parent": 7, "points_mm": [[0,0,10],[5,0,15]], "diameter_mm": 2.0}]})");
    const VesselTree seg = loadVessels(dir);
    ASSERT_EQ(seg.branches.size(), 2u);
    EXPECT_EQ(seg.branches[0].id, "7");
    EXPECT_EQ(seg.branches[0].parent, "");
    EXPECT_DOUBLE_EQ(seg.branches[0].diameters_mm[1], 4.0);
    EXPECT_EQ(seg.branches[1].parent, "7");
    EXPECT_DOUBLE_EQ(seg.branches[1].diameters_mm[0], 2.0);
    files::writeTextAtomic(dir / "truth.json", R"({"vessels": [{"id": 3, "parent": -1, "tree": "portal",
        "points_mm": [[0,0,0],[0,0,10]], "radii_mm": [3, 2.5], "diameter_mm": 5.5}]})");
    const VesselTree truth = loadVessels(dir / "truth.json");
    EXPECT_DOUBLE_EQ(truth.branches[0].diameters_mm[0], 6.0);
    EXPECT_EQ(truth.branches[0].kind, "portal");
    const VesselModel m = vesselModelFromTree(truth, {-5, -5, -5}, {5, 5, 5});
    ASSERT_FALSE(m.samples.empty());
    EXPECT_NEAR(m.samples.front().diameter_mm, 6.0, 0.2);
    // Malformed content: one clear error naming the file.
    files::writeTextAtomic(dir / "bad.json",
                           R"({"branches": [{"id": 1, "points_mm": [[0,0,0]], "diameters_mm": [1, 2]}]})");
    try {
        loadVessels(dir / "bad.json");
        FAIL() << "accepted a branch with two diameters for one point";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos) << e.what();
    }
    EXPECT_THROW(loadVessels(dir / "missing"), Error);
}

TEST(PlanningPaths, RibCrossingFailsTheBoneCheck) {
    const Device& d = test::catalogue().require("rfa-single-17g");
    const PathReport r = check({-30, 0, 0}, {-92, 0, 23.5}, d);
    print("through the rib", r);
    EXPECT_FALSE(r.pass);
    EXPECT_FALSE(r.find("bone")->pass);
    EXPECT_LT(r.find("bone")->value, 0.0);
}

TEST(PlanningPaths, FiveMillimetreVesselCrossingFailsTheVesselCheck) {
    const Device& d = test::catalogue().require("rfa-single-17g");
    const PathReport r = check({-30, 0, 0}, {-30, -75, 0}, d);
    print("through the 5 mm vessel", r);
    EXPECT_FALSE(r.pass);
    EXPECT_FALSE(r.find("vessels_ge_3mm")->pass);
    EXPECT_LT(r.find("vessels_ge_3mm")->value, 0.0);
    EXPECT_TRUE(r.find("bone")->pass);
}

TEST(PlanningPaths, ClearPathPassesWithMeasuredValues) {
    const Device& d = test::catalogue().require("rfa-single-17g");
    const PathReport r = check({-30, 0, 0}, {-95, 0, 0}, d);
    print("right lateral, clear", r);
    EXPECT_TRUE(r.pass);
    EXPECT_NEAR(r.insertedLength_mm, 60.0, 1.0); // skin at x = -90
    EXPECT_NEAR(r.skinEntry_mm.x, -90.0, 1.0);
    EXPECT_NEAR(r.find("normal_liver_before_tumour")->value, 37.0, 1.5); // x -75 .. -38
    EXPECT_NEAR(r.find("bone")->value, 15.0 - 0.5 * d.diameter_mm, 1.5); // rib at z 20, radius 5
    EXPECT_NEAR(r.find("angle_to_axial_plane")->value, 0.0, 1e-9);
}

TEST(PlanningPaths, LengthAngleAndEntryChecks) {
    Device shortNeedle = test::catalogue().require("rfa-single-17g");
    shortNeedle.length_mm = 50;
    const PathReport tooLong = check({-30, 0, 0}, {-95, 0, 0}, shortNeedle);
    EXPECT_FALSE(tooLong.find("applicator_length")->pass);
    const Device& d = test::catalogue().require("rfa-single-17g");
    const PathReport steep = check({-30, 0, 0}, {-70, 0, 35}, d);
    EXPECT_NEAR(steep.find("angle_to_axial_plane")->value, std::atan2(35.0, 40.0) * 180 / 3.14159265358979, 0.01);
    EXPECT_FALSE(steep.find("angle_to_axial_plane")->pass);
    const PathReport inside = check({-30, 0, 0}, {-60, 0, 0}, d);
    print("entry inside the body", inside);
    EXPECT_FALSE(inside.find("entry_on_skin")->pass);
    EXPECT_NEAR(inside.find("entry_on_skin")->value, 30.0, 1.0);
}
