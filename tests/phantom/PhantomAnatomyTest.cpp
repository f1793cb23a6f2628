// The phantom against its own specification (issue: foundation) and truth.
#include "phantom/Anatomy.h"
#include "tests/phantom/PhantomFixture.h"

#include <cmath>
#include <map>
#include <set>

using namespace irplan;
using namespace irplan::phantom;
using irplan::test::PhantomTest;

TEST(PhantomGrid, DefaultAndClinicalGrids) {
    const Grid d = defaultCtGrid(false, std::nullopt);
    EXPECT_DOUBLE_EQ(d.spacing.x, 0.8);
    EXPECT_DOUBLE_EQ(d.spacing.z, 1.5);
    EXPECT_GE(d.size[0] * d.spacing.x, 340.0); // covers the abdomen's width
    const Grid c = defaultCtGrid(true, std::nullopt);
    EXPECT_EQ(c.size[0], 512u);
    EXPECT_EQ(c.size[1], 512u);
    EXPECT_EQ(c.size[2], 300u);
}

TEST_F(PhantomTest, LesionsMatchTheSpecification) {
    const auto& lesions = P().anatomy.lesions;
    ASSERT_GE(lesions.size(), 3u);
    ASSERT_LE(lesions.size(), 5u);
    int abutting = 0, subtle = 0;
    const double liverSuv = tissueOfLabel(kLiver).suv;
    for (const auto& l : lesions) {
        std::printf("lesion %d: %.1f mm at %s, SUV %.0f, %s\n", l.id, l.diameter, toString(l.centre, 1).c_str(),
                    l.tissue.suv, l.note.c_str());
        EXPECT_GE(l.diameter, 7.5);
        EXPECT_LE(l.diameter, 36.0);
        EXPECT_LT(P().anatomy.liver->sdf(l.centre), -l.diameter / 2) << "lesion " << l.id << " must lie in the liver";
        // Hypervascular: bright in the arterial phase, washed out in the portal phase.
        EXPECT_GT(l.tissue.huArterial, tissueOfLabel(kLiver).huArterial);
        EXPECT_LT(l.tissue.huPortal, tissueOfLabel(kLiver).huPortal);
        if (l.abutsBranch >= 0) {
            ++abutting;
            const auto it = std::find_if(P().anatomy.branches.begin(), P().anatomy.branches.end(),
                                         [&](const VesselBranch& b) { return b.id == l.abutsBranch; });
            ASSERT_NE(it, P().anatomy.branches.end());
            EXPECT_GE(it->meanDiameter(), 3.0) << "the heat-sink lesion must abut a vessel of at least 3 mm";
            EXPECT_LE(l.gapToVessel, 2.5);
        }
        if (l.subtleOnCt) {
            ++subtle;
            EXPECT_LE(l.tissue.huArterial - tissueOfLabel(kLiver).huArterial, 15.0);
            EXPECT_GE(l.tissue.suv, 3.0 * liverSuv);
        }
    }
    EXPECT_EQ(abutting, 1);
    EXPECT_EQ(subtle, 1);
}

TEST_F(PhantomTest, VesselTreesSpanFourteenToOneMillimetre) {
    std::set<int> ids;
    double maxPortal = 0, minDiameter = 1e9;
    std::map<std::string, int> perTree;
    for (const auto& b : P().anatomy.branches) {
        ids.insert(b.id);
        ASSERT_EQ(b.points.size(), b.radii.size());
        ASSERT_GE(b.points.size(), 2u);
        ++perTree[b.tree];
        if (b.tree == "portal") maxPortal = std::max(maxPortal, b.meanDiameter());
        if (b.tree == "portal" || b.tree == "hepatic") minDiameter = std::min(minDiameter, b.meanDiameter());
    }
    for (const auto& b : P().anatomy.branches) {
        if (b.parent >= 0) {
            EXPECT_TRUE(ids.count(b.parent)) << "branch " << b.id << " has a missing parent";
        }
    }
    std::printf("portal %d, hepatic %d, artery %d branches; portal up to %.1f mm, smallest %.2f mm\n", perTree["portal"],
                perTree["hepatic"], perTree["artery"], maxPortal, minDiameter);
    EXPECT_GE(maxPortal, 12.0);
    EXPECT_LE(maxPortal, 16.0);
    EXPECT_LE(minDiameter, 1.3); // ~1 mm twigs
    EXPECT_GE(perTree["portal"], 100);
    EXPECT_GE(perTree["hepatic"], 50);
    EXPECT_GE(perTree["artery"], 1);
}

TEST_F(PhantomTest, LabelMapHoldsTheVesselCentrelines) {
    // Centreline points of vessels >= 3 mm carry their tree's label (a few may
    // sit at a junction with another tree or inside the IVC).
    const auto& g = P().ctGrid;
    const auto* lab = P().labels->GetBufferPointer();
    size_t total = 0, right = 0;
    for (const auto& b : P().anatomy.branches) {
        if (b.meanDiameter() < 3.0 || b.tree == "ivc") continue;
        for (const auto& p : b.points) {
            const Vec3 c = g.index(p);
            const long i = std::lround(c.x), j = std::lround(c.y), k = std::lround(c.z);
            if (i < 0 || j < 0 || k < 0 || i >= long(g.size[0]) || j >= long(g.size[1]) || k >= long(g.size[2])) {
                continue;
            }
            ++total;
            right += lab[i + g.size[0] * (j + g.size[1] * k)] == b.label;
        }
    }
    std::printf("%zu of %zu centreline points carry their vessel label\n", right, total);
    EXPECT_GE(static_cast<double>(right) / total, 0.9);
}

TEST_F(PhantomTest, LabelVolumesMatchTheShapes) {
    std::map<int, size_t> counts;
    const auto* lab = P().labels->GetBufferPointer();
    for (size_t i = 0; i < P().ctGrid.voxels(); ++i) ++counts[lab[i]];
    const double voxelMl = std::pow(1.6, 3) / 1000.0;
    const double liverMl = counts[kLiver] * voxelMl;
    std::printf("liver %.0f mL\n", liverMl);
    EXPECT_GT(liverMl, 1300);
    EXPECT_LT(liverMl, 2100);
    for (const auto& l : P().anatomy.lesions) {
        const double ml = counts[kLesionBase + l.id] * voxelMl;
        std::printf("lesion %d: %.2f mL in the label map, %.2f mL analytic\n", l.id, ml, l.volumeMl());
        EXPECT_NEAR(ml, l.volumeMl(), 0.15 * l.volumeMl() + 2 * voxelMl);
    }
}
