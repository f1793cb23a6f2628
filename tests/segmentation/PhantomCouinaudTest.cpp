// Couinaud segments on the phantom. The truth (truth.json) is the plane model
// applied to the phantom's own vessel trees: every lesion has a segment, the
// landmarks are where the phantom put them. The segments found from the
// segmented vessels (portal phase, automatic liver) are compared with it and
// printed; on the phantom the portal and hepatic trees and the IVC touch on
// the image at the hilum, and the kinds (hence the segments) are largely
// wrong there: the comparison is a known miss of issue 12, printed, not
// asserted beyond every lesion getting a segment.
#include "phantom/CouinaudTruth.h"
#include "segmentation/Couinaud.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Vessels.h"
#include "tests/segmentation/SegPhantomFixture.h"

#include <cstdio>

using namespace irplan;
using test::SegPhantomTest;

TEST_F(SegPhantomTest, CouinaudSegmentOfEveryLesion) {
    const phantom::PhantomCase& p = P();
    const CouinaudPlanes truthPlanes = phantom::couinaudPlanesOf(p.anatomy);
    const auto truth = phantom::lesionSegmentsOf(p, truthPlanes);
    // The truth: the three veins found where the phantom grew them (right,
    // middle, left in that order around the IVC), every lesion in a segment.
    EXPECT_TRUE(truthPlanes.veinFound[0] && truthPlanes.veinFound[1] && truthPlanes.veinFound[2]);
    EXPECT_LT(truthPlanes.rightAngle_deg, truthPlanes.middleAngle_deg);
    EXPECT_LT(truthPlanes.middleAngle_deg, truthPlanes.leftAngle_deg);
    ASSERT_EQ(truth.size(), p.anatomy.lesions.size());
    for (const auto& t : truth) {
        EXPECT_GE(t.segment, 1);
        EXPECT_LE(t.segment, 8);
    }
    const Json tj = phantom::truthJson(p);
    for (const auto& l : tj["lesions"]) EXPECT_TRUE(l.contains("couinaud_segment")) << "truth.json lesion " << l["id"];

    const seg::VesselResult v = seg::segmentVessels(p.ctPortal, liverPortal().mask);
    std::printf("[ couinaud ] vessel kinds: %s\n", v.kindMethod.c_str());
    const seg::CouinaudResult c = seg::segmentCouinaud(liverPortal().mask, seg::couinaudBranches(v.branches));
    std::printf("[ couinaud ] veins at %.0f / %.0f / %.0f degrees (truth %.0f / %.0f / %.0f); bifurcation %s (truth %s) mm\n",
                c.planes.rightAngle_deg, c.planes.middleAngle_deg, c.planes.leftAngle_deg, truthPlanes.rightAngle_deg,
                truthPlanes.middleAngle_deg, truthPlanes.leftAngle_deg, toString(c.planes.bifurcation, 1).c_str(),
                toString(truthPlanes.bifurcation, 1).c_str());
    for (int s = 1; s <= 8; ++s)
        std::printf("[ couinaud ]   segment %d: %.0f mL (%.1f%%)\n", s, c.volume_ml[size_t(s)],
                    100.0 * c.volume_ml[size_t(s)] / c.liver_ml);
    for (const auto& w : c.warnings) std::printf("[ couinaud ] warning: %s\n", w.c_str());

    // The lesions of the truth label map, measured on the found segments.
    auto lesionLabels = seg::newLabels(p.labels);
    const size_t total = p.labels->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < total; ++i) {
        const int l = p.labels->GetBufferPointer()[i];
        if (l >= phantom::kLesionBase) lesionLabels->GetBufferPointer()[i] = LabelImage::PixelType(l - phantom::kLesionBase);
    }
    std::vector<seg::LesionMeasurement> rows;
    for (const auto& t : truth) {
        seg::LesionMeasurement m;
        m.id = t.id;
        rows.push_back(m);
    }
    seg::assignLesionSegments(rows, lesionLabels, c.labels);
    size_t right = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
        const int found = rows[i].couinaud.value_or(0);
        std::printf("[ couinaud ] lesion %d: segment %d, truth %d%s\n", truth[i].id, found, truth[i].segment,
                    found == truth[i].segment ? "" : "  <- differs");
        right += found == truth[i].segment;
        EXPECT_TRUE(rows[i].couinaud.has_value()) << "lesion " << truth[i].id;
    }
    std::printf("[ couinaud ] %zu of %zu lesions in the truth's segment%s\n", right, truth.size(),
                right == truth.size() ? "" : "  <- MISSES the issue target (known: vessel kinds on the phantom)");

    // Kinds against the truth trees: centreline points of the segmented
    // branches inside a truth vessel lumen of a known kind.
    double agree = 0, all = 0;
    for (const auto& b : v.branches) {
        if (b.kind == seg::VesselKind::Unknown) continue;
        for (const auto& q : b.points_mm) {
            const phantom::VesselBranch* best = nullptr;
            double score = 1.0;
            for (const auto& tb : p.anatomy.branches)
                for (size_t k = 0; k < tb.points.size(); ++k) {
                    const double s = distance(tb.points[k], q) - tb.radii[k];
                    if (s < score) score = s, best = &tb;
                }
            if (!best || best->tree == "artery" || best->tree == "aorta") continue;
            all += 1;
            const std::string k = seg::vesselKindName(b.kind);
            agree += k == best->tree || (k == "hepatic" && best->tree == "ivc") || (k == "ivc" && best->tree == "hepatic");
        }
    }
    std::printf("[ couinaud ] vessel kind right at %.1f%% of %.0f centreline points%s\n", 100 * agree / all, all,
                agree / all >= 0.85 ? "" : "  <- MISSES (the trees touch on the phantom's image)");
}
