// Analytic checks of the chart model, coverage and margins: a sphere inside a
// charted ellipsoid has a minimal margin equal to the short semi-axis minus
// the radius; an offset lesion loses exactly the offset; coverage matches the
// volume of a sphere-sphere lens computed by hand.
#include "planning/ChartZone.h"
#include "planning/MarginAnalysis.h"
#include "planning/PlanEvaluation.h"
#include "tests/planning/PlanningTestUtil.h"

#include <cmath>
#include <gtest/gtest.h>
#include <random>

using namespace irplan;
using namespace irplan::planning;

namespace {

constexpr double kPi = 3.14159265358979323846;

TargetLesion sphereTarget(double radius, const Vec3& centre, const Mat3& dir = Mat3{}) {
    auto labels = test::makeCentredLabels(
        90, 1.0, [&](const Vec3& p) { return distance(p, centre) <= radius ? 101 : 1; }, dir);
    return buildTarget(labels, 101, 1, "labels", 1.0, 30.0);
}

Zone ellipsoidZone(const TargetLesion& t, const Vec3& centre, const Vec3& axis, double length, double width) {
    return Zone::fromEllipsoids({Ellipsoid{centre, normalized(axis), 0.5 * length, 0.5 * width}}, t.grid);
}

// Volume of the intersection of spheres of radii R and r whose centres are d apart.
double lensVolume(double R, double r, double d) {
    if (d >= R + r) return 0;
    if (d <= std::abs(R - r)) return 4.0 / 3.0 * kPi * std::pow(std::min(R, r), 3);
    return kPi * std::pow(R + r - d, 2) * (d * d + 2 * d * r - 3 * r * r + 2 * d * R + 6 * r * R - 3 * R * R) /
           (12 * d);
}

} // namespace

TEST(PlanningEllipsoid, ExactDistanceMatchesDenseSurfaceSampling) {
    const Ellipsoid e{{3, -2, 5}, normalized(Vec3{0.3, -0.5, 1.0}), 23.5, 17.5};
    const Vec3 e1 = normalized(cross(e.axis, Vec3{1, 0, 0})), e2 = cross(e.axis, e1);
    std::vector<Vec3> surface;
    for (int a = 0; a <= 400; ++a)
        for (int b = 0; b < 400; ++b) {
            const double th = kPi * a / 400, ph = 2 * kPi * b / 400;
            surface.push_back(e.centre_mm + e.axis * (e.semiLength_mm * std::cos(th)) +
                              (e1 * std::cos(ph) + e2 * std::sin(ph)) * (e.semiWidth_mm * std::sin(th)));
        }
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(-35, 35);
    double worst = 0;
    for (int n = 0; n < 80; ++n) {
        // Random points, and points on or within rounding of the axis (a degenerate case of the root solve).
        Vec3 p = e.centre_mm + Vec3{u(rng), u(rng), u(rng)};
        if (n >= 60) p = e.centre_mm + e.axis * u(rng) + e1 * (n % 2 ? 0.0 : 1e-12 * u(rng));
        double brute = 1e9;
        for (const auto& s : surface)
            brute = std::min(brute, distance(p, s));
        Vec3 q;
        const double d = e.signedDistance(p, &q);
        worst = std::max(worst, std::abs(std::abs(d) - brute));
        EXPECT_EQ(d > 0, e.rho(p) < 1);
        EXPECT_NEAR(e.rho(q), 1.0, 1e-6);
        EXPECT_NEAR(distance(p, q), std::abs(d), 1e-6);
    }
    std::printf("point-to-ellipsoid: worst difference to dense sampling %.3f mm\n", worst);
    EXPECT_LT(worst, 0.25); // the sampling's own spacing
}

TEST(PlanningChart, BoundaryIndexAgreesWithBruteForce) {
    std::mt19937 rng(5);
    std::uniform_real_distribution<double> u(-20, 20);
    std::vector<Vec3> pts(3000);
    for (auto& p : pts)
        p = {u(rng), u(rng), 0.3 * u(rng)};
    const BoundaryIndex index(pts, 2.5);
    for (int n = 0; n < 200; ++n) {
        const Vec3 q{2 * u(rng), 2 * u(rng), 2 * u(rng)};
        double brute = 1e9;
        for (const auto& p : pts)
            brute = std::min(brute, distance(p, q));
        EXPECT_NEAR(index.nearest(q), brute, 1e-9);
    }
}

TEST(PlanningChart, SphereInEllipsoidMarginIsShortSemiAxisMinusRadius) {
    const double r = 8.0, length = 40, width = 30;
    const TargetLesion t = sphereTarget(r, {0, 0, 0});
    const Zone z = ellipsoidZone(t, {0, 0, 0}, {0, 0, 1}, length, width);
    const MarginRegion region = buildMarginRegion(t, 5.0);
    const MarginResult m = analyseMargins(t, region, z);
    std::printf("sphere r=%.1f in %gx%g ellipsoid: minimal margin %.3f mm (expected %.1f), coverage %.1f%% / %.1f%%\n",
                r, length, width, m.minimal_mm, width / 2 - r, m.coverageLesion_pct, m.coverageMargin_pct);
    EXPECT_NEAR(m.minimal_mm, width / 2 - r, 1.0); // within a voxel
    EXPECT_DOUBLE_EQ(m.coverageLesion_pct, 100.0);
    EXPECT_DOUBLE_EQ(m.coverageMargin_pct, 100.0); // 7 mm >= the 5 mm requested
    EXPECT_DOUBLE_EQ(m.insufficient_ml, 0.0);
    // The minimal margin is on the equator, across the axis.
    EXPECT_LT(std::abs(m.minimalPoint_mm.z), 2.0);
}

TEST(PlanningChart, OffsetLesionLosesExactlyTheOffset) {
    const double r = 8.0;
    const TargetLesion centred = sphereTarget(r, {0, 0, 0});
    const MarginResult m0 =
        analyseMargins(centred, buildMarginRegion(centred, 5), ellipsoidZone(centred, {0, 0, 0}, {0, 0, 1}, 40, 30));
    for (double offset : {2.0, 3.0, 5.0}) {
        // Moving the zone by `offset` across the axis is the lesion sitting off-centre.
        const MarginResult m = analyseMargins(centred, buildMarginRegion(centred, 5),
                                              ellipsoidZone(centred, {offset, 0, 0}, {0, 0, 1}, 40, 30));
        std::printf("offset %.0f mm: minimal margin %.3f -> %.3f (lost %.3f)\n", offset, m0.minimal_mm, m.minimal_mm,
                    m0.minimal_mm - m.minimal_mm);
        EXPECT_NEAR(m0.minimal_mm - m.minimal_mm, offset, 0.5);
    }
}

TEST(PlanningChart, UncoveredTumourGivesNegativeMargin) {
    const TargetLesion t = sphereTarget(8, {0, 0, 0});
    // Zone sphere of radius 15 centred 11 mm away: the lesion sticks out by 8 + 11 - 15 = 4 mm.
    const Zone z = ellipsoidZone(t, {11, 0, 0}, {0, 0, 1}, 30, 30);
    const MarginResult m = analyseMargins(t, buildMarginRegion(t, 5), z);
    std::printf("protruding lesion: minimal margin %.3f mm (expected -4), untreated %.3f mL\n", m.minimal_mm,
                m.untreatedTumour_ml);
    EXPECT_NEAR(m.minimal_mm, -4.0, 1.0);
    EXPECT_LT(m.coverageLesion_pct, 100.0);
    EXPECT_GT(m.untreatedTumour_ml, 0.0);
}

TEST(PlanningChart, CoverageMatchesSphereLensVolumes) {
    const double r = 10, R = 14, d = 9, margin = 5;
    const TargetLesion t = sphereTarget(r, {0, 0, 0});
    const MarginRegion region = buildMarginRegion(t, margin);
    const Zone z = ellipsoidZone(t, {d, 0, 0}, {0, 0, 1}, 2 * R, 2 * R);
    const MarginResult m = analyseMargins(t, region, z);
    const double lesion = 4.0 / 3.0 * kPi * r * r * r;
    const double grown = 4.0 / 3.0 * kPi * std::pow(r + margin, 3);
    const double expectLesion = 100 * lensVolume(R, r, d) / lesion;
    const double expectMargin = 100 * lensVolume(R, r + margin, d) / grown;
    const double expectInsufficient = (grown - lensVolume(R, r + margin, d)) / 1000.0;
    std::printf("lens coverage: lesion %.2f%% (hand %.2f%%), lesion+margin %.2f%% (hand %.2f%%), insufficient %.2f mL "
                "(hand %.2f)\n",
                m.coverageLesion_pct, expectLesion, m.coverageMargin_pct, expectMargin, m.insufficient_ml,
                expectInsufficient);
    EXPECT_NEAR(m.coverageLesion_pct, expectLesion, 2.0);
    EXPECT_NEAR(m.coverageMargin_pct, expectMargin, 2.0);
    EXPECT_NEAR(m.insufficient_ml, expectInsufficient, 0.05 * expectInsufficient + 0.1);
}

TEST(PlanningChart, GridBoundaryPathAgreesWithAnalyticDistances) {
    // Thermal and IRE zones have no ellipsoids: their distances come from the
    // sub-voxel boundary. The same chart zone both ways must agree.
    const TargetLesion t = sphereTarget(9, {1.3, -0.7, 0.4});
    const std::vector<Ellipsoid> e{{{2, 1, -3}, normalized(Vec3{1, 1, 2}), 22, 16}};
    const Zone analytic = Zone::fromEllipsoids(e, t.grid);
    const Zone grid = Zone::fromField(chartZoneField(e, t.grid));
    const MarginRegion region = buildMarginRegion(t, 5);
    const MarginResult a = analyseMargins(t, region, analytic), b = analyseMargins(t, region, grid);
    std::printf("analytic %.3f mm vs boundary index %.3f mm\n", a.minimal_mm, b.minimal_mm);
    EXPECT_NEAR(a.minimal_mm, b.minimal_mm, 0.3);
    EXPECT_NEAR(a.coverageMargin_pct, b.coverageMargin_pct, 1e-9); // same voxels
}

TEST(PlanningChart, ObliqueGridGivesTheSameMargins) {
    // A label map with rotated direction cosines: geometry must stay in LPS.
    const Mat3 rot = Mat3::rotationAxisAngle({0.2, 1, 0.3}, 0.6);
    const TargetLesion straight = sphereTarget(8, {0, 0, 0});
    const TargetLesion oblique = sphereTarget(8, {0, 0, 0}, rot);
    const Zone z1 = ellipsoidZone(straight, {2, 1, 0}, {0, 1, 1}, 40, 30);
    const Zone z2 = ellipsoidZone(oblique, {2, 1, 0}, {0, 1, 1}, 40, 30);
    const MarginResult m1 = analyseMargins(straight, buildMarginRegion(straight, 5), z1);
    const MarginResult m2 = analyseMargins(oblique, buildMarginRegion(oblique, 5), z2);
    std::printf("identity grid %.3f mm, rotated grid %.3f mm\n", m1.minimal_mm, m2.minimal_mm);
    EXPECT_NEAR(m1.minimal_mm, m2.minimal_mm, 1.0);
    EXPECT_NEAR(oblique.centroid_mm.x, 0.0, 0.3);
    EXPECT_NEAR(oblique.volume_ml, straight.volume_ml, 0.03 * straight.volume_ml);
}

TEST(PlanningChart, MarginMapOnTheLesionSurfaceIsTheLocalMargin) {
    const TargetLesion t = sphereTarget(8, {0, 0, 0});
    const Zone z = ellipsoidZone(t, {2, 0, 0}, {0, 0, 1}, 40, 30);
    const std::vector<float> map = marginMap(t, z);
    const MarginResult m = analyseMargins(t, buildMarginRegion(t, 5), z);
    // The lesion voxel with the smallest map value carries the minimal margin (to half a voxel).
    float lo = 1e9f;
    for (size_t o : t.voxels)
        lo = std::min(lo, map[o]);
    std::printf("margin map minimum over lesion voxels %.3f, minimal margin %.3f\n", lo, m.minimal_mm);
    EXPECT_NEAR(lo, m.minimal_mm, 0.75);
    // Far from the lesion the map is the zone's signed distance from the transform.
    const auto far = t.grid.nearest({0, 0, 28});
    EXPECT_NEAR(map[t.grid.offset(far[0], far[1], far[2])], z.signedDistance(t.grid.point(far[0], far[1], far[2])),
                0.6);
}

TEST(PlanningChart, PlacementErrorLowersTheProbabilityOfTheMargin) {
    const TargetLesion t = sphereTarget(8, {0, 0, 0});
    const Zone z = ellipsoidZone(t, {0, 0, 0}, {0, 0, 1}, 44, 34); // 9 mm margin nominally
    InVivoFactor none{1.0, 0.0, "test"};
    RobustnessOptions o;
    o.samples = 400;
    o.placementError_mm = 0.0;
    const double p0 = sampleMarginProbability(t, z, {0, 0, 0}, 5.0, none, o).pMarginReached;
    o.placementError_mm = 3.0;
    const double p3 = sampleMarginProbability(t, z, {0, 0, 0}, 5.0, none, o).pMarginReached;
    o.placementError_mm = 6.0;
    const double p6 = sampleMarginProbability(t, z, {0, 0, 0}, 5.0, none, o).pMarginReached;
    InVivoFactor shrink{0.68, 0.65, "DOMAIN.md"};
    o.placementError_mm = 3.0;
    const double pv = sampleMarginProbability(t, z, {0, 0, 0}, 5.0, shrink, o).pMarginReached;
    std::printf("P(margin >= 5 mm): no error %.3f, 3 mm %.3f, 6 mm %.3f, 3 mm + in-vivo spread %.3f\n", p0, p3, p6, pv);
    EXPECT_DOUBLE_EQ(p0, 1.0);
    EXPECT_GT(p3, p6);
    EXPECT_LT(p6, 0.7);
    EXPECT_LT(pv, p3); // the in-vivo shrinkage only takes margin away
}
