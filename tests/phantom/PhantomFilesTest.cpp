// The phantom on disk: NIfTI + truth + case file, and DICOM read back through
// IRPlan's own reader (the PET's SUV computed from its tags).
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "phantom/PhantomDicom.h"
#include "tests/phantom/PhantomFixture.h"
#include "tests/support/TestSupport.h"

#include <algorithm>
#include <cmath>

using namespace irplan;
using namespace irplan::phantom;
using irplan::test::PhantomTest;

TEST_F(PhantomTest, WrittenFilesReadBackWithUnitsAndGeometry) {
    const auto dir = test::scratchDir("phantom_files");
    const auto f = writePhantom(P(), dir, true);
    const Volume ct = readVolume(f.ctArterial);
    EXPECT_EQ(ct.meta.units, Units::HU);
    EXPECT_EQ(ct.image->GetLargestPossibleRegion().GetSize()[0], P().ctGrid.size[0]);
    const Volume pet = readVolume(f.pet);
    EXPECT_EQ(pet.meta.units, Units::SUVbw);
    EXPECT_TRUE(pet.hasSuv());
    const Case c = loadCase(f.caseFile);
    ASSERT_NE(c.volume("ct"), nullptr);
    ASSERT_NE(c.volume("pet"), nullptr);
    EXPECT_EQ(c.segmentation("truth_labels")->legend.at(1), "liver");
    const Json truth = Json::parse(files::readText(f.truth));
    EXPECT_EQ(truth["seed"], 7);

    // DICOM: the CT stored as HU + 1024 with intercept -1024.
    const Volume dct = readVolume(f.dicomDir / "ct_arterial");
    EXPECT_EQ(dct.meta.units, Units::HU);
    const size_t n = P().ctGrid.voxels();
    double worst = 0;
    for (size_t i = 0; i < n; i += 97)
        worst = std::max(worst, std::abs(static_cast<double>(dct.image->GetBufferPointer()[i]) -
                                         std::round(P().ctArterial.image->GetBufferPointer()[i])));
    EXPECT_LE(worst, 0.5);
    for (unsigned d = 0; d < 3; ++d)
        EXPECT_NEAR(dct.image->GetOrigin()[d], ct.image->GetOrigin()[d], 1e-3);

    // PET DICOM in Bq/mL with SUV tags: SUV recomputed from the tags matches the phantom's SUV.
    const Volume dpet = readVolume(f.dicomDir / "pet");
    EXPECT_EQ(dpet.meta.units, Units::BQML);
    ASSERT_TRUE(dpet.hasSuv()) << dpet.meta.suv.reason;
    const PhantomPetAcquisition acq;
    EXPECT_NEAR(dpet.meta.suv.decaySeconds, acq.uptakeSeconds, 1e-6);
    EXPECT_NEAR(dpet.meta.suv.factor, acq.suvFactor(), 1e-9 * acq.suvFactor());
    const float* a = dpet.image->GetBufferPointer();
    const float* b = P().pet.image->GetBufferPointer();
    double maxSuv = 0, err = 0;
    for (size_t i = 0; i < P().petGrid.voxels(); ++i) {
        maxSuv = std::max(maxSuv, static_cast<double>(b[i]));
        err = std::max(err, std::abs(a[i] * dpet.meta.suv.factor - b[i]));
    }
    std::printf("PET DICOM: SUV factor %.6g, worst SUV difference %.4f (max SUV %.1f)\n", dpet.meta.suv.factor, err, maxSuv);
    EXPECT_LT(err, 1e-3 * maxSuv);

    const Volume dmr = readVolume(f.dicomDir / "mr");
    EXPECT_EQ(dmr.meta.modality, "MR");
    EXPECT_NE(dmr.meta.frameOfReferenceUid, dpet.meta.frameOfReferenceUid);
    EXPECT_EQ(dct.meta.frameOfReferenceUid, dpet.meta.frameOfReferenceUid);
    // Oblique MR keeps its direction.
    for (unsigned r = 0; r < 3; ++r)
        for (unsigned c2 = 0; c2 < 3; ++c2)
            EXPECT_NEAR(dmr.image->GetDirection()(r, c2), P().mrGrid.direction(static_cast<int>(r), static_cast<int>(c2)), 1e-5);
}

TEST(PhantomCli, PhantomCommandWritesTheDocumentedFiles) {
    const auto dir = test::scratchDir("phantom_cli");
    const auto r = test::runIrplan({"phantom", "--out", dir.string(), "--seed", "3", "--spacing", "3,3,3", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const char* name : {"ct_arterial.nii.gz", "ct_portal.nii.gz", "pet.nii.gz", "labels.nii.gz", "truth.json", "case.json"})
        EXPECT_TRUE(std::filesystem::exists(dir / name)) << name;
    const Json summary = Json::parse(r.out);
    EXPECT_EQ(summary["seed"], 3);
    const auto info = test::runIrplan({"info", (dir / "pet.nii.gz").string(), "--json"});
    ASSERT_EQ(info.exitCode, 0) << info.err;
    const Json j = Json::parse(info.out);
    EXPECT_EQ(j["units"], "SUVbw");
    EXPECT_TRUE(j["suv"]["available"].get<bool>());
    EXPECT_NEAR(j["max_suv"].get<double>(), j["max"].get<double>(), 1e-9);
}

TEST(PhantomCli, BadOptionsFailCleanly) {
    const auto dir = test::scratchDir("phantom_cli_bad");
    auto r = test::runIrplan({"phantom", "--out", dir.string(), "--spacing", "0,1,1"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("voxel size"), std::string::npos) << r.err;
    r = test::runIrplan({"phantom"});
    EXPECT_EQ(r.exitCode, 2);
}
