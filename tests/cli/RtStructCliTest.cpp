// irplan rtstruct on the Lu-177 SPECT (two contoured NET liver lesions).
#include "core/Case.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

using namespace irplan;

TEST(RtStructCli, ListsRoisAndRasterisesOneOntoTheSpectGrid) {
    IRPLAN_SHARED_ZIP(dir, "lu177-dotatate-spect-net-liver/SCAN_001_Lu177_SPECT_dicom.zip");
    const auto out = test::scratchDir("rtstruct_cli") / "lesion2.nii.gz";
    const auto r = test::runIrplan({"rtstruct", (dir / "mask").string(), "--volume", (dir / "image").string(), "--roi",
                                    "lesion2 liver L lateral", "--out", out.string(), "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json j = Json::parse(r.out);
    ASSERT_EQ(j["rois"].size(), 2u);
    EXPECT_EQ(j["rois"][0]["name"], "lesion1 liver R lobe");
    // The contours enclose 2.80 mL (polygon area x 1.95 mm plane spacing, summed
    // over the 10 planes); pixel-centre rasterisation on the 1.953 mm grid agrees within 5%.
    const double ml = j["mask"]["volume_ml"].get<double>();
    std::printf("lesion2: %d voxels, %.2f mL\n", j["mask"]["voxels"].get<int>(), ml);
    EXPECT_NEAR(ml, 2.80, 0.14);
    EXPECT_TRUE(std::filesystem::exists(out));
}

TEST(RtStructCli, UnknownRoiAndMissingOptionsFailWithOneLine) {
    IRPLAN_SHARED_ZIP(dir, "lu177-dotatate-spect-net-liver/SCAN_001_Lu177_SPECT_dicom.zip");
    const auto out = test::scratchDir("rtstruct_cli_bad") / "x.nii.gz";
    auto r = test::runIrplan({"rtstruct", (dir / "mask").string(), "--volume", (dir / "image").string(), "--roi", "nope",
                              "--out", out.string()});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("lesion1 liver R lobe"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
    r = test::runIrplan({"rtstruct", (dir / "mask").string(), "--roi", "lesion1 liver R lobe"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("--volume"), std::string::npos) << r.err;
}
