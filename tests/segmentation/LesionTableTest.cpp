// The lesion table on analytic shapes (spheres of known size), honest PET
// units (Bq/mL never named SUV), one-click growth on a synthetic CT, and
// cancellation of the long steps.
#include "core/Error.h"
#include "segmentation/ImageOps.h"
#include "segmentation/LesionTable.h"
#include "segmentation/Lesions.h"
#include "segmentation/Liver.h"
#include "segmentation/Vessels.h"
#include "tests/segmentation/SegTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

using namespace irplan;

namespace {

MaskImage::Pointer sphereMask(const FloatImage* grid, const Vec3& c, double r) {
    auto m = seg::newMask(grid);
    const auto n = seg::dims(grid);
    for (size_t k = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i)
                m->GetBufferPointer()[seg::linearIndex(n, i, j, k)] =
                    distance(seg::indexToPoint(grid, {double(i), double(j), double(k)}), c) <= r;
    return m;
}

} // namespace

TEST(LesionTable, LongestAxialDiameterOfSpheres) {
    for (const Vec3& sp : {Vec3{0.78, 0.78, 1.0}, Vec3{1.5, 1.5, 1.5}, Vec3{0.8, 0.8, 3.0}}) {
        auto grid = test::renderImage({60, 60, 60}, sp, [](const Vec3&) { return 0.0; }, 1);
        for (double d : {10.0, 20.0, 34.0}) {
            auto m = sphereMask(grid, {0.3, -0.2, 0.1}, d / 2);
            const double measured = seg::longestAxialDiameter(m);
            std::printf("[ table ] sphere %.0f mm on %.2f x %.2f x %.2f mm voxels: longest axial %.2f mm\n", d, sp.x, sp.y,
                        sp.z, measured);
            // Within half an in-plane voxel of the true diameter, less the
            // chord lost when no slice passes through the equator.
            const double chord = 2.0 * std::sqrt(d * d / 4 - sp.z * sp.z / 4);
            EXPECT_GE(measured, chord - 0.5 * sp.x) << d << " mm sphere";
            EXPECT_LE(measured, d + 0.5 * sp.x) << d << " mm sphere";
        }
    }
}

TEST(LesionTable, SuvPeakOfAUniformSphere) {
    auto img = test::renderImage({60, 60, 60}, {2, 2, 2}, [](const Vec3& p) { return norm(p) <= 12.0 ? 10.0 : 1.0; }, 2);
    auto m = sphereMask(img, {0, 0, 0}, 12.0);
    const double peak = seg::peakInSphere(img, m);
    std::printf("[ table ] SUVpeak of a uniform 24 mm sphere of 10: %.3f\n", peak);
    EXPECT_NEAR(peak, 10.0, 0.05);
}

TEST(LesionTable, BecquerelPerMillilitreIsNeverCalledSuv) {
    // A CT with one enhancing sphere and a PET in Bq/mL without SUV tags.
    Volume ct, pet;
    ct.meta.units = Units::HU;
    ct.meta.modality = "CT";
    ct.image = test::renderImage({80, 80, 60}, {1, 1, 1}, [](const Vec3& p) { return norm(p) <= 8.0 ? 150.0 : 75.0; });
    pet.meta.units = Units::BQML;
    pet.meta.modality = "PT";
    pet.meta.suv.reason = "no RadionuclideTotalDose";
    pet.image = test::renderImage({80, 80, 60}, {1, 1, 1}, [](const Vec3& p) { return norm(p) <= 8.0 ? 30000.0 : 5000.0; });
    seg::LesionImages in;
    in.ct = &ct;
    in.pet = &pet;
    in.seeds_mm = {{1, 0, 0}};
    const seg::LesionResult r = seg::segmentLesions(in);
    ASSERT_EQ(r.lesions.size(), 1u);
    const Json j = seg::lesionsJson(r);
    const Json& l = j["lesions"][0];
    std::printf("[ table ] Bq/mL PET: %s\n", l.dump().c_str());
    EXPECT_TRUE(l["suv_max"].is_null());
    EXPECT_TRUE(l["suv_peak"].is_null());
    EXPECT_TRUE(l["tlg"].is_null());
    EXPECT_EQ(l["pet_units"], "BQML");
    EXPECT_NEAR(l["pet_max_bqml"].get<double>(), 30000.0, 100.0);
    EXPECT_NEAR(l["volume_ml"].get<double>(), 4.0 / 3.0 * M_PI * 512 / 1000, 0.25);
    EXPECT_NEAR(l["mean_hu"].get<double>(), 150.0, 8.0);
    bool warned = false;
    for (const auto& w : r.warnings) warned |= w.find("not as SUV") != std::string::npos;
    EXPECT_TRUE(warned);
}

TEST(LesionTable, ARowReadsBackAsWritten) {
    // What the GUI reads from lesions.json is what the pipeline wrote.
    seg::LesionMeasurement m;
    m.id = 3;
    m.source = "ct";
    m.appearance = "hypo";
    m.phase = "portal-venous";
    m.confidence = 0.62;
    m.status = "to confirm";
    m.centre_mm = {12.5, -40.0, 101.25};
    m.volume_ml = 4.2;
    m.longestAxialDiameter_mm = 23.0;
    m.equivalentDiameter_mm = 20.0;
    m.meanHu = 55.0;
    m.petUnits = "SUVbw";
    m.petMax = 14.0;
    m.petPeak = 11.0;
    m.couinaud = 7;
    m.couinaudAll = {6, 7};
    const seg::LesionMeasurement b = seg::lesionFromJson(seg::lesionJson(m), "test");
    EXPECT_EQ(b.id, 3);
    EXPECT_EQ(b.appearance, "hypo");
    EXPECT_EQ(b.phase, "portal-venous");
    ASSERT_TRUE(b.confidence);
    EXPECT_DOUBLE_EQ(*b.confidence, 0.62);
    EXPECT_EQ(b.status, "to confirm");
    EXPECT_DOUBLE_EQ(b.centre_mm.z, 101.25);
    EXPECT_DOUBLE_EQ(b.volume_ml, 4.2);
    EXPECT_DOUBLE_EQ(b.longestAxialDiameter_mm, 23.0);
    ASSERT_TRUE(b.meanHu);
    EXPECT_DOUBLE_EQ(*b.meanHu, 55.0);
    ASSERT_TRUE(b.petMax);
    EXPECT_DOUBLE_EQ(*b.petMax, 14.0);
    ASSERT_TRUE(b.couinaud);
    EXPECT_EQ(*b.couinaud, 7);
    EXPECT_EQ(b.couinaudAll, (std::vector<int>{6, 7}));
    // A row with a wrong type names the file.
    Json bad = seg::lesionJson(m);
    bad["volume_ml"] = "big";
    try {
        seg::lesionFromJson(bad, "case/lesions.json");
        ADD_FAILURE() << "a malformed row was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("case/lesions.json"), std::string::npos) << e.what();
    }
}

TEST(LesionTable, AClickJustOutsideTheLiverMaskIsOutlinedWithAWarning) {
    // A liver (110 HU) in fat with a tumour (60 HU) bulging out of it, which the
    // liver mask leaves out (as an automatic one often does), and a blob of
    // soft tissue 45 mm away from the liver.
    const Vec3 liverC{-10, 0, 0}, tumourC{40, 0, 0}, farC{-10, 90, 0};
    const double liverR = 45, tumourR = 10, farR = 8;
    Volume ct;
    ct.meta.units = Units::HU;
    ct.meta.modality = "CT";
    ct.image = test::renderImage({200, 220, 60}, {1.5, 1.5, 1.5}, [&](const Vec3& p) {
        if (distance(p, tumourC) <= tumourR || distance(p, farC) <= farR) return 60.0;
        return distance(p, liverC) <= liverR ? 110.0 : -100.0;
    });
    test::addNoise(ct.image, 10.0, 7);
    auto liver = seg::newMask(ct.image);
    auto tumour = seg::newMask(ct.image);
    const auto n = seg::dims(ct.image);
    for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i) {
        const Vec3 p = seg::indexToPoint(ct.image, {double(i % n[0]), double((i / n[0]) % n[1]), double(i / (n[0] * n[1]))});
        tumour->GetBufferPointer()[i] = distance(p, tumourC) <= tumourR;
        liver->GetBufferPointer()[i] = distance(p, liverC) <= liverR && !tumour->GetBufferPointer()[i];
    }
    // The click 7 mm outside the liver mask: outlined, with a warning.
    const seg::GrownLesion g = seg::growLesion(ct, {42, 0, 0}, liver, {});
    const double d = test::dice(g.mask, tumour);
    std::printf("[ table ] click outside the liver mask: Dice %.3f, %zu warning(s)\n", d, g.warnings.size());
    EXPECT_GE(d, 0.85);
    ASSERT_EQ(g.warnings.size(), 1u);
    EXPECT_NE(g.warnings[0].find("outside the liver mask"), std::string::npos) << g.warnings[0];
    // Far from the liver: refused.
    try {
        seg::growLesion(ct, farC, liver, {});
        ADD_FAILURE() << "a click 45 mm from the liver was outlined";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("outside the liver"), std::string::npos) << e.what();
    }
}

TEST(Cancel, LongStepsStopWhenCancelled) {
    auto token = std::make_shared<CancelToken>();
    token->cancel();
    const Progress cancelled([](double, const std::string&) {}, token);
    Volume ct;
    ct.meta.units = Units::HU;
    ct.image = test::renderImage({60, 60, 40}, {1.5, 1.5, 1.5}, [](const Vec3& p) { return norm(p) < 20 ? 60.0 : -100.0; }, 1);
    seg::LiverOptions lo;
    lo.progress = cancelled;
    EXPECT_THROW(seg::segmentLiver(ct, lo), Cancelled);
    seg::VesselOptions vo;
    vo.progress = cancelled;
    EXPECT_THROW(seg::segmentVessels(ct, seg::newMask(ct.image, 1), vo), Cancelled);
    seg::LesionOptions eo;
    eo.progress = cancelled;
    seg::LesionImages in;
    in.ct = &ct;
    in.seeds_mm = {{0, 0, 0}};
    EXPECT_THROW(seg::segmentLesions(in, eo), Cancelled);
}
