// The margin ground truth against analytic geometry (issue: "a zone that
// misses a sphere by 2 mm reports -2 mm"), and the exact ellipsoid distance.
#include "phantom/MarginTruth.h"

#include "phantom/AblationZone.h"
#include "phantom/EllipsoidDistance.h"

#include <gtest/gtest.h>
#include <random>

using namespace irplan;
using namespace irplan::phantom;

namespace {
EllipsoidGeometry sphereAt(const Vec3& c, double r) {
    return {c, {r, r, r}, Mat3::identity()};
}
ZoneFunction ellipsoidZone(const EllipsoidGeometry& e) {
    return [e](const Vec3& p) { return ellipsoidImplicit(e, p); };
}
} // namespace

TEST(EllipsoidDistance, SphereAndBruteForce) {
    const EllipsoidGeometry s = sphereAt({1, 2, 3}, 10);
    EXPECT_NEAR(ellipsoidSignedDistance(s, {1, 2, 3}), -10.0, 1e-9);
    EXPECT_NEAR(ellipsoidSignedDistance(s, {1, 2, 18}), 5.0, 1e-9);
    EXPECT_NEAR(ellipsoidSignedDistance(s, {4, 2, 3}), -7.0, 1e-9);
    // A rotated ellipsoid against dense sampling of its surface.
    const EllipsoidGeometry e{{5, -3, 2}, {18, 12, 9}, Mat3::rotationXYZ(0.3, -0.7, 1.1)};
    std::vector<Vec3> surface;
    for (int i = 0; i < 400; ++i)
        for (int j = 0; j < 200; ++j) {
            const double th = M_PI * (j + 0.5) / 200, ph = 2 * M_PI * i / 400;
            surface.push_back(e.surfacePoint({std::sin(th) * std::cos(ph), std::sin(th) * std::sin(ph), std::cos(th)}));
        }
    std::mt19937 rng(3);
    std::uniform_real_distribution<double> u(-30, 30);
    double worst = 0;
    for (int t = 0; t < 60; ++t) {
        const Vec3 p = e.centre + Vec3{u(rng), u(rng), u(rng)};
        Vec3 c;
        const double d = ellipsoidSignedDistance(e, p, &c);
        double brute = 1e9;
        for (const auto& q : surface)
            brute = std::min(brute, distance(p, q));
        worst = std::max(worst, std::abs(std::abs(d) - brute));
        EXPECT_NEAR(std::abs(d), distance(p, c), 1e-9);
        EXPECT_EQ(d < 0, ellipsoidImplicit(e, p) < 0);
    }
    std::printf("ellipsoid distance vs brute force (0.14 mm surface sampling): worst %.4f mm\n", worst);
    EXPECT_LT(worst, 0.02);
    // The centre of a prolate ellipsoid: the nearest point is at the shortest semi-axis.
    EXPECT_NEAR(ellipsoidSignedDistance(EllipsoidGeometry{{0, 0, 0}, {20, 9, 14}, Mat3::identity()}, {0, 0, 0}), -9.0,
                1e-9);
}

TEST(MarginTruth, SphereCentredInAnEllipsoidHasShortSemiAxisMinusRadius) {
    const EllipsoidGeometry lesion = sphereAt({10, -20, 5}, 10);
    const EllipsoidGeometry zone{{10, -20, 5}, {16, 18, 22}, Mat3::rotationXYZ(0.4, 0.2, -0.3)};
    const MarginTruth t = computeMarginTruth(lesion, ellipsoidZone(zone));
    std::printf("MAM %.4f mm (6), coverage %.4f / %.4f / %.4f\n", t.minimalMargin_mm, t.lesionCoverage,
                t.shell5Coverage, t.shell10Coverage);
    EXPECT_NEAR(t.minimalMargin_mm, 6.0, 0.02);
    EXPECT_EQ(t.verdict, "complete with margin");
    EXPECT_DOUBLE_EQ(t.lesionCoverage, 1.0);
    EXPECT_DOUBLE_EQ(t.shell5Coverage, 1.0);
    EXPECT_NEAR(distance(t.lesionPoint_mm, t.zonePoint_mm), 6.0, 0.02);
}

TEST(MarginTruth, OffCentreSphereAndShellCoverages) {
    // Zone sphere R = 13 shifted 1 mm: MAM = 13 - 10 - 1 = 2.
    const EllipsoidGeometry lesion = sphereAt({0, 0, 0}, 10);
    const MarginTruth t = computeMarginTruth(lesion, ellipsoidZone(sphereAt({1, 0, 0}, 13)));
    EXPECT_NEAR(t.minimalMargin_mm, 2.0, 0.02);
    EXPECT_EQ(t.verdict, "complete without margin");
    // Concentric R = 13: shells (13^3 - 10^3) / (15^3 - 10^3) and / (20^3 - 10^3).
    const MarginTruth c = computeMarginTruth(lesion, ellipsoidZone(sphereAt({0, 0, 0}, 13)));
    std::printf("shell coverage 5 mm %.4f (0.5040), 10 mm %.4f (0.1710)\n", c.shell5Coverage, c.shell10Coverage);
    EXPECT_NEAR(c.minimalMargin_mm, 3.0, 0.02);
    EXPECT_NEAR(c.shell5Coverage, 1197.0 / 2375.0, 0.005);
    EXPECT_NEAR(c.shell10Coverage, 1197.0 / 7000.0, 0.005);
    // Lesion + 5 mm shell outside the zone: 4/3 pi (15^3 - 13^3) = 5.934 mL.
    EXPECT_NEAR(c.insufficientCoverage_ml, 4.0 / 3.0 * M_PI * (3375 - 2197) / 1000.0, 0.03);
}

TEST(MarginTruth, ZoneMissingTheSphereByTwoMillimetres) {
    const EllipsoidGeometry lesion = sphereAt({0, 0, 0}, 10);
    // A spherical zone R = 20 centred 12 mm away: the far pole of the lesion is 2 mm outside.
    const MarginTruth t = computeMarginTruth(lesion, ellipsoidZone(sphereAt({-12, 0, 0}, 20)));
    std::printf("missed by 2 mm: MAM %.4f mm at (%.2f, %.2f, %.2f), lesion coverage %.4f\n", t.minimalMargin_mm,
                t.lesionPoint_mm.x, t.lesionPoint_mm.y, t.lesionPoint_mm.z, t.lesionCoverage);
    EXPECT_NEAR(t.minimalMargin_mm, -2.0, 0.02);
    EXPECT_EQ(t.verdict, "incomplete");
    EXPECT_NEAR(t.lesionPoint_mm.x, 10.0, 0.05);
    EXPECT_LT(t.lesionCoverage, 1.0);
    // A plane at x = 5 cuts the sphere: MAM -5, covered fraction 1 - cap(h = 5) = 0.84375.
    const MarginTruth cut = computeMarginTruth(lesion, [](const Vec3& p) { return p.x - 5.0; });
    EXPECT_NEAR(cut.minimalMargin_mm, -5.0, 0.02);
    EXPECT_NEAR(cut.lesionCoverage, 0.84375, 0.005);
}

TEST(MarginTruth, EllipsoidalLesionInAnEllipsoidalZone) {
    // Coaxial ellipsoids: the margin along each axis is the difference of semi-axes;
    // the minimum (smallest difference, 3 mm along y) is attained on that axis
    // only if the curvature allows; brute-force check with exact distances.
    const EllipsoidGeometry lesion{{0, 0, 0}, {12, 8, 10}, Mat3::identity()};
    const EllipsoidGeometry zone{{0, 0, 0}, {18, 11, 17}, Mat3::identity()};
    const MarginTruth t = computeMarginTruth(lesion, ellipsoidZone(zone));
    double brute = 1e9;
    for (int i = 0; i < 600; ++i)
        for (int j = 0; j < 300; ++j) {
            const double th = M_PI * (j + 0.5) / 300, ph = 2 * M_PI * i / 600;
            const Vec3 p =
                lesion.surfacePoint({std::sin(th) * std::cos(ph), std::sin(th) * std::sin(ph), std::cos(th)});
            brute = std::min(brute, -ellipsoidSignedDistance(zone, p));
        }
    std::printf("ellipsoid in ellipsoid: MAM %.4f, brute force %.4f\n", t.minimalMargin_mm, brute);
    EXPECT_NEAR(t.minimalMargin_mm, brute, 0.02);
}
