// The margin review's per-lesion measurement on analytic geometry (no
// registration): a spherical lesion against spherical zones given as level
// images, and the ablation zone segmentation on a synthetic follow-up CT.
#include "planning/GridGeometry.h"
#include "planning/Target.h"
#include "review/MarginReview.h"
#include "review/ZoneSegmentation.h"

#include <cmath>
#include <cstdio>
#include <gtest/gtest.h>

using namespace irplan;
using namespace irplan::review;
using planning::GridGeometry;

namespace {

GridGeometry cube(int n, double spacing) {
    GridGeometry g;
    g.size = {n, n, n};
    g.spacing = {spacing, spacing, spacing};
    g.origin = {-(n - 1) * spacing / 2, -(n - 1) * spacing / 2, -(n - 1) * spacing / 2};
    return g;
}

// A ball of `radius` about `centre` as label 1.
LabelImage::Pointer ball(const GridGeometry& g, const Vec3& centre, double radius) {
    LabelImage::Pointer l = g.allocate<LabelImage>(0);
    auto* p = l->GetBufferPointer();
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i)
                if (distance(g.point(i, j, k), centre) <= radius) p[g.offset(i, j, k)] = 1;
    return l;
}

// Level of a spherical zone: radius - distance (>= 0 inside, a signed distance).
FloatImage::Pointer sphereLevel(const GridGeometry& g, const Vec3& centre, double radius) {
    FloatImage::Pointer f = g.allocate<FloatImage>(0.0f);
    float* p = f->GetBufferPointer();
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i)
                p[g.offset(i, j, k)] = static_cast<float>(radius - distance(g.point(i, j, k), centre));
    return f;
}

} // namespace

TEST(MarginFunction, ZoneMissingASphereBy2mmGivesMinus2mm) {
    const double voxel = 1.0;
    const GridGeometry g = cube(90, voxel);
    const LabelImage::Pointer lesion = ball(g, {0, 0, 0}, 10.0);
    const planning::TargetLesion t = planning::buildTarget(lesion, 1, 1, "lesions", voxel, 40.0);
    // Zone of radius 20 mm centred 12 mm away: the far lesion pole (22 mm from
    // its centre) sticks out by 2 mm.
    const LesionMargins m = measureLesionMargins(t, sphereLevel(g, {12, 0, 0}, 20.0));
    std::printf("zone missing a 10 mm-radius sphere by 2 mm: MAM %+.3f mm, lesion coverage %.2f %%, untreated %.3f mL, "
                "verdict %s\n",
                m.review.minimalMargin_mm, m.review.coverageLesion_pct, m.review.untreated_ml,
                m.review.verdict.c_str());
    ASSERT_FALSE(m.zoneEmpty);
    EXPECT_NEAR(m.review.minimalMargin_mm, -2.0, voxel);
    EXPECT_EQ(m.review.verdict, "incomplete");
    EXPECT_LT(m.review.coverageLesion_pct, 100.0);
    EXPECT_GT(m.review.coverageLesion_pct, 95.0);
    EXPECT_GT(m.review.untreated_ml, 0.0);
    // The minimum sits at the lesion pole away from the zone centre (-x).
    EXPECT_LT(m.review.minimalPoint_mm.x, -8.0);
}

TEST(MarginFunction, ConcentricZonesGiveTheirRadiusDifferenceAndVerdict) {
    const double voxel = 1.0;
    const GridGeometry g = cube(90, voxel);
    const LabelImage::Pointer lesion = ball(g, {0, 0, 0}, 10.0);
    const planning::TargetLesion t = planning::buildTarget(lesion, 1, 1, "lesions", voxel, 40.0);
    struct Case {
        double zoneRadius, margin;
        const char* verdict;
    };
    for (const Case c : {Case{17.0, 7.0, "complete with margin"}, Case{13.0, 3.0, "complete without margin"}}) {
        const LesionMargins m = measureLesionMargins(t, sphereLevel(g, {0, 0, 0}, c.zoneRadius));
        std::printf("concentric zone %.0f mm: MAM %+.3f mm (true %+.1f), lesion %.1f %%, 5 mm shell %.1f %%, 10 mm "
                    "shell %.1f %%, insufficient %.2f mL, %s\n",
                    c.zoneRadius, m.review.minimalMargin_mm, c.margin, m.review.coverageLesion_pct,
                    m.review.coverage5mm_pct, m.review.coverage10mm_pct, m.review.insufficient_ml,
                    m.review.verdict.c_str());
        EXPECT_NEAR(m.review.minimalMargin_mm, c.margin, voxel);
        EXPECT_EQ(m.review.verdict, c.verdict);
        EXPECT_DOUBLE_EQ(m.review.coverageLesion_pct, 100.0);
        if (c.margin >= 5.0) {
            EXPECT_NEAR(m.review.coverage5mm_pct, 100.0, 0.5);
            // 10 mm shell: radii 10-20 mm, the zone reaches 17 mm: (17^3 - 10^3) / (20^3 - 10^3) = 56%.
            EXPECT_NEAR(m.review.coverage10mm_pct, 56.0, 4.0);
        } else {
            // 5 mm shell: radii 10-15 mm, zone to 13 mm: (13^3 - 10^3) / (15^3 - 10^3) = 50%.
            EXPECT_NEAR(m.review.coverage5mm_pct, 50.0, 5.0);
            EXPECT_GT(m.review.insufficient_ml, 0.0);
        }
    }
}

TEST(MarginFunction, NoZoneIsReportedNotGuessed) {
    const GridGeometry g = cube(60, 1.0);
    const LabelImage::Pointer lesion = ball(g, {0, 0, 0}, 8.0);
    const planning::TargetLesion t = planning::buildTarget(lesion, 1, 1, "lesions", 1.0, 20.0);
    FloatImage::Pointer none = g.allocate<FloatImage>(-50.0f);
    const LesionMargins m = measureLesionMargins(t, none);
    EXPECT_TRUE(m.zoneEmpty);
    EXPECT_TRUE(std::isnan(m.review.minimalMargin_mm));
    EXPECT_EQ(m.review.verdict, "no ablation zone found");
}

TEST(MarginFunction, VerdictThresholds) {
    EXPECT_EQ(marginVerdict(5.0), "complete with margin");
    EXPECT_EQ(marginVerdict(4.99), "complete without margin");
    EXPECT_EQ(marginVerdict(0.0), "complete without margin");
    EXPECT_EQ(marginVerdict(-0.01), "incomplete");
}

TEST(ZoneSegmentation, FindsAHypodenseZoneWithARimAndStopsAtTheRim) {
    // Liver at 115 HU, a 15 mm-radius zone at 40 HU with a 2 mm rim at 160 HU,
    // bowel at 45 HU touching the liver 30 mm away; 1.5 mm voxels, no noise.
    const GridGeometry g = cube(60, 1.5);
    FloatImage::Pointer ct = g.allocate<FloatImage>(115.0f);
    float* p = ct->GetBufferPointer();
    const Vec3 c{0, 0, 0};
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i) {
                const Vec3 q = g.point(i, j, k);
                const double d = distance(q, c);
                float v = 115.0f;
                if (q.x > 30.0) v = 45.0f; // bowel beyond the liver
                if (d <= 17.0) v = 160.0f;
                if (d <= 15.0) v = 40.0f;
                p[g.offset(i, j, k)] = v;
            }
    Volume v;
    v.image = ct;
    v.meta.units = Units::HU;
    const ZoneSegmentation z = segmentAblationZones(v, {{1, {3, 2, 0}}});
    ASSERT_EQ(z.zones.size(), 1u);
    ASSERT_TRUE(z.zones[0].found) << z.zones[0].note;
    const double trueMl = 4.0 / 3.0 * M_PI * 15 * 15 * 15 / 1000.0;
    std::printf("synthetic zone: %.2f mL found (true %.2f mL), %.2f s\n", z.zones[0].volume_ml, trueMl, z.seconds);
    EXPECT_NEAR(z.zones[0].volume_ml, trueMl, 0.12 * trueMl);
    EXPECT_FALSE(z.zones[0].reachesLimit);
    // Nothing of the bowel.
    const auto* lab = z.labels->GetBufferPointer();
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i) {
                if (g.point(i, j, k).x > 30.0) {
                    ASSERT_EQ(lab[g.offset(i, j, k)], 0);
                }
            }
    // The level field is >= 0 exactly on the zone's voxels.
    const float* lev = z.level->GetBufferPointer();
    for (size_t i = 0; i < g.voxels(); ++i) ASSERT_EQ(lev[i] >= 0.0f, lab[i] != 0) << i;
    // A seed in the middle of enhancing liver finds nothing.
    const ZoneSegmentation none = segmentAblationZones(v, {{2, {0, 28, 28}}});
    EXPECT_FALSE(none.zones[0].found);
    EXPECT_FALSE(none.zones[0].note.empty());
}
