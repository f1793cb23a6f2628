// Synthetic tubes of 1, 2, 3, 5 and 8 mm at several orientations and voxel
// sizes: the whole vessel pipeline (vesselness, skeleton, cross-section
// diameter) must measure each within 0.5 mm.
#include "segmentation/ImageOps.h"
#include "segmentation/Vessels.h"
#include "tests/segmentation/SegTestUtil.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <random>

using namespace irplan;

namespace {

struct Tube {
    double diameter_mm;
    Vec3 a, b; // axis end points (beyond the image)
};

struct TubeCase {
    const char* name;
    Vec3 extent;
    Vec3 spacing;
    Vec3 direction; // tube direction
    double noise_hu;
    bool phantomStyle = false; // linear partial-volume ramp and [1 2 1] correlated noise, as phantom/CtSynth.cpp
};

// The measured branches near each tube: median of their point diameters.
void runCase(const TubeCase& tc) {
    const Vec3 extent = tc.extent;
    const Vec3 dir = normalized(tc.direction);
    const double diam[5] = {1, 2, 3, 5, 8};
    // Tubes through points 18 mm apart on a line perpendicular to the direction.
    Vec3 side = normalized(cross(dir, std::abs(dir.z) < 0.9 ? Vec3{0, 0, 1} : Vec3{1, 0, 0}));
    std::vector<Tube> tubes;
    for (int t = 0; t < 5; ++t) {
        const Vec3 c = side * (-36.0 + 18.0 * t);
        tubes.push_back({diam[t], c - dir * 200.0, c + dir * 200.0});
    }
    const double blood = 190, background = 115; // phantom portal phase (phantom/Anatomy.cpp)
    Volume v;
    v.meta.units = Units::HU;
    v.meta.modality = "CT";
    if (tc.phantomStyle) {
        const double h = (tc.spacing.x + tc.spacing.y + tc.spacing.z) / 3.0;
        v.image = test::renderImage(extent, tc.spacing, [&](const Vec3& p) {
            double c = 0;
            for (const auto& t : tubes)
                c = std::max(c, std::clamp(0.5 - (distanceToSegment(p, t.a, t.b) - t.diameter_mm / 2) / h, 0.0, 1.0));
            return background + c * (blood - background);
        }, 1);
        if (tc.noise_hu > 0) test::addCorrelatedNoise(v.image, tc.noise_hu, 7);
    } else {
        v.image = test::renderImage(extent, tc.spacing, [&](const Vec3& p) {
            for (const auto& t : tubes)
                if (distanceToSegment(p, t.a, t.b) <= t.diameter_mm / 2) return blood;
            return background;
        });
        if (tc.noise_hu > 0) test::addNoise(v.image, tc.noise_hu, 7);
    }
    auto all = seg::newMask(v.image, 1);
    seg::VesselOptions o;
    const seg::VesselResult r = seg::segmentVessels(v, all, o);
    std::printf("[ tubes ] %-28s contrast %.1f HU, thresholds %.1f / %.1f HU, %zu branches\n", tc.name, r.contrast_hu,
                r.growThreshold_hu, r.edgeThreshold_hu, r.branches.size());
    for (const auto& t : tubes) {
        std::vector<double> d;
        double length = 0;
        // Centreline points on the tube's axis, well inside the image (the
        // ends are cut by its border).
        for (const auto& b : r.branches) {
            bool any = false;
            for (size_t i = 0; i < b.points_mm.size(); ++i) {
                const Vec3& p = b.points_mm[i];
                if (distanceToSegment(p, t.a, t.b) > std::max(1.0, t.diameter_mm / 4)) continue;
                if (std::abs(p.x) < extent.x / 2 - 6 && std::abs(p.y) < extent.y / 2 - 6 && std::abs(p.z) < extent.z / 2 - 6) {
                    d.push_back(b.diameters_mm[i]);
                    any = true;
                }
            }
            if (any) {
                length += b.length_mm;
                if (std::getenv("IRPLAN_TUBE_VERBOSE"))
                    std::printf("    branch %d parent %d: %.2f mm, %.1f mm long, %zu points, blood %.1f (%s)\n", b.id, b.parent,
                                b.diameter_mm, b.length_mm, b.points_mm.size(), b.blood, b.bloodFrom.c_str());
            }
        }
        const double m = test::median(d);
        std::printf("[ tubes ] %-28s %.1f mm tube: measured %.2f mm (%zu points, %.0f mm of centreline)\n", tc.name,
                    t.diameter_mm, m, d.size(), length);
        const double voxel = std::cbrt(tc.spacing.x * tc.spacing.y * tc.spacing.z);
        if (t.diameter_mm < 1.5 && voxel >= 1.5) {
            // A 1 mm vessel fills a third of a 1.5 mm voxel: its peak stays
            // under the detection floors (0.25-0.4 of the contrast) that keep
            // structured background out; reported, not asserted (no heat sink
            // below 3 mm, DOMAIN.md).
            std::printf("[ tubes ] %-28s 1 mm tube on %.1f mm voxels: %s\n", tc.name, voxel,
                        d.empty() ? "not detected (known limit)" : "measured (not asserted)");
            continue;
        }
        if (tc.phantomStyle && tc.noise_hu > 0 && t.diameter_mm < 1.5) {
            // A known limit: a 1 mm vessel in 12 HU of correlated noise is at
            // or below one voxel's contrast; reported, not asserted.
            std::printf("[ tubes ] %-28s 1 mm tube in correlated noise: %s\n", tc.name,
                        d.empty() ? "not detected (known limit)" : "measured (not asserted)");
            continue;
        }
        EXPECT_FALSE(d.empty()) << tc.name << " tube " << t.diameter_mm;
        EXPECT_NEAR(m, t.diameter_mm, 0.5) << tc.name << " tube " << t.diameter_mm;
    }
}

} // namespace

TEST(SyntheticTubes, AxialIsotropic05) { runCase({"z, 0.5 mm iso", {86, 86, 24}, {0.5, 0.5, 0.5}, {0, 0, 1}, 0}); }
TEST(SyntheticTubes, ObliqueTypicalCt) { runCase({"oblique, 0.8x0.8x1.5", {96, 96, 60}, {0.8, 0.8, 1.5}, {1, 1, 1}, 0}); }
TEST(SyntheticTubes, InPlaneDiagonal) { runCase({"in-plane diag, 0.78x0.78x1", {96, 96, 40}, {0.78, 0.78, 1.0}, {1, 1, 0}, 0}); }
TEST(SyntheticTubes, Coarse15) { runCase({"oblique, 1.5 mm iso", {96, 96, 60}, {1.5, 1.5, 1.5}, {1, 0.3, 0.5}, 0}); }
TEST(SyntheticTubes, PhantomStyle15) {
    runCase({"phantom-style, 1.5 mm, 12 HU", {96, 96, 60}, {1.5, 1.5, 1.5}, {0.7, -0.4, 0.6}, 12, true});
}
TEST(SyntheticTubes, PhantomStyleTypical) {
    runCase({"phantom-style, 0.8x0.8x1.5, 12 HU", {96, 96, 60}, {0.8, 0.8, 1.5}, {0.3, 0.8, 0.5}, 12, true});
}
TEST(SyntheticTubes, NoisyTypicalCt) { runCase({"oblique, 0.8x0.8x1.5, 12 HU", {96, 96, 60}, {0.8, 0.8, 1.5}, {0.2, 1, 0.6}, 12}); }
