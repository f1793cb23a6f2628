// `irplan info` on real data: the JSON a user (or a script) reads, --series,
// a PET without its weight, and a file written by IRPlan itself.
#include "core/Case.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "tests/io/IoTestUtil.h"

#include <gtest/gtest.h>

using namespace irplan;
namespace fs = std::filesystem;

namespace {
constexpr const char* kCrlmUid = "1.3.6.1.4.1.14519.5.2.1.9203.8273.286130801613533577338339572281";
constexpr const char* kCropCtUid = "1.3.6.1.4.1.14519.5.2.1.5168.1900.449841255123215696894565592289";

Json infoJson(const std::vector<std::string>& args) {
    const test::CliResult r = test::runIrplan(args);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    try {
        return Json::parse(r.out);
    } catch (const std::exception& e) {
        ADD_FAILURE() << "stdout is not JSON: " << e.what() << "\n" << r.out;
        return Json::object();
    }
}
} // namespace

TEST(InfoCli, WholeBodyPetJson) {
    IRPLAN_SHARED_ZIP(dir, "sts001-fdg-petct-mr/raw/STS_001_FDG_PET_wholebody_dicom.zip");
    const Json j = infoJson({"info", (dir / "image").string(), "--json"});
    EXPECT_EQ(j["format"], "dicom");
    EXPECT_EQ(j["modality"], "PT");
    EXPECT_EQ(j["units"], "BQML");
    EXPECT_EQ(j["size"], Json::array({128, 128, 267}));
    EXPECT_NEAR(j["origin_mm"][2].get<double>(), -881.3, 1e-3);
    EXPECT_EQ(j["axis_codes"], "LPS");
    ASSERT_TRUE(j["suv"]["available"].get<bool>());
    EXPECT_NEAR(j["suv"]["factor"].get<double>(), 2.429030e-4, 1e-9);
    EXPECT_EQ(j["suv"]["decay_correction"], "START");
    EXPECT_DOUBLE_EQ(j["suv"]["decay_seconds"].get<double>(), 2711.0);
    EXPECT_EQ(j["suv"]["injection_time"], "2000-09-07 10:35:00");
    EXPECT_EQ(j["suv"]["scan_time"], "2000-09-07 11:20:11");
    EXPECT_NEAR(j["max_suv"].get<double>(), 66.52, 0.01);
    std::cout << "[ measured ] irplan info raw PET: max_suv " << j["max_suv"].get<double>() << ", SUL factor "
              << j["suv"].value("sul_factor", 0.0) << "\n";
    EXPECT_NEAR(j["suv"]["lean_body_mass_kg"].get<double>(), 52.856, 1e-3); // Janmahasatian, 71 kg, 1.63 m, M
    ASSERT_EQ(j["warnings"].size(), 1u);
    EXPECT_NE(j["warnings"][0].get<std::string>().find("not uniform"), std::string::npos);
}

TEST(InfoCli, SeriesFlagPicksOneOfTwo) {
    IRPLAN_SHARED_ZIP(crlm, "crlm-ct-1006/CRLM-CT-1006_CT_dicom.zip");
    IRPLAN_SHARED_ZIP(crop, "sts001-fdg-petct-mr/crop/STS_001_CT_crop_dicom.zip");
    const auto dir = test::scratchDir("cli_series_flag");
    test::copyFiles(crlm / "image", dir / "both");
    test::copyFiles(crop / "image", dir / "both");
    const auto before = test::snapshot(dir / "both");
    Json j = infoJson({"info", (dir / "both").string(), "--series", kCrlmUid, "--json"});
    EXPECT_EQ(j["series_uid"], kCrlmUid);
    EXPECT_EQ(j["size"], Json::array({512, 512, 51}));
    EXPECT_EQ(j["units"], "HU");
    EXPECT_EQ(j["min"].get<double>(), -3024.0);
    EXPECT_EQ(j["max"].get<double>(), 1184.0);
    j = infoJson({"info", (dir / "both").string(), "--series", kCropCtUid, "--json"});
    EXPECT_EQ(j["series_uid"], kCropCtUid);
    EXPECT_EQ(j["size"], Json::array({198, 202, 59}));
    EXPECT_EQ(test::snapshot(dir / "both"), before);
    // A UID that is not there: one error line that lists what is.
    const test::CliResult r = test::runIrplan({"info", (dir / "both").string(), "--series", "1.2.3", "--json"});
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(test::lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(kCrlmUid), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(kCropCtUid), std::string::npos) << r.err;
}

TEST(InfoCli, PetWithoutWeightHasNoSuv) {
    if (!test::haveDcmodify()) GTEST_SKIP() << "dcmodify (DCMTK) is not installed";
    IRPLAN_SHARED_ZIP(pet, "sts001-fdg-petct-mr/raw/STS_001_FDG_PET_wholebody_dicom.zip");
    const auto dir = test::scratchDir("cli_pet_noweight");
    const auto copies = test::copyFiles(pet / "image", dir / "pet", [](size_t i, const fs::path&) { return i < 10; });
    ASSERT_TRUE(test::dcmodify("-ea \"(0010,1030)\"", copies));
    const Json j = infoJson({"info", (dir / "pet").string(), "--json"});
    EXPECT_EQ(j["units"], "BQML");
    EXPECT_FALSE(j.contains("max_suv"));
    EXPECT_FALSE(j["suv"]["available"].get<bool>());
    EXPECT_NE(j["suv"]["reason"].get<std::string>().find("PatientWeight (0010,1030)"), std::string::npos)
        << j["suv"].dump();
    // The text form says it too.
    const test::CliResult text = test::runIrplan({"info", (dir / "pet").string()});
    EXPECT_EQ(text.exitCode, 0);
    EXPECT_NE(text.out.find("SUV        unavailable: PET series lacks PatientWeight (0010,1030)"), std::string::npos)
        << text.out;
}

TEST(InfoCli, ReadsBackWhatIRPlanWrote) {
    IRPLAN_SHARED_ZIP(crop, "sts001-fdg-petct-mr/crop/STS_001_PET_SUV_crop_dicom.zip");
    files::clearInputs();
    const Volume pet = readVolume(crop / "image");
    const auto dir = test::scratchDir("cli_readback");
    writeVolume(pet, dir / "pet_suv.nii.gz");
    const Json j = infoJson({"info", (dir / "pet_suv.nii.gz").string(), "--json"});
    EXPECT_EQ(j["format"], "nifti");
    EXPECT_EQ(j["units"], "SUVbw");
    EXPECT_EQ(j["modality"], "PT");
    EXPECT_TRUE(j["suv"]["available"].get<bool>());
    EXPECT_NEAR(j["max_suv"].get<double>(), 25.4123, 1e-4);
    EXPECT_EQ(j["size"], Json::array({41, 43, 59}));
    EXPECT_NEAR(j["origin_mm"][0].get<double>(), -21.09375, 1e-4);
}

TEST(InfoCli, BareFileNameOfASlice) {
    IRPLAN_SHARED_ZIP(crop, "sts001-fdg-petct-mr/crop/STS_001_CT_crop_dicom.zip");
    // `cd image && irplan info 000000.dcm`: the child inherits this working directory.
    const fs::path old = fs::current_path();
    fs::current_path(crop / "image");
    const test::CliResult r = test::runIrplan({"info", "000000.dcm", "--json"});
    fs::current_path(old);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j["size"], Json::array({198, 202, 59}));
    EXPECT_EQ(j["series_uid"], kCropCtUid);
}
