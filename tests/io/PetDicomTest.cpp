// Real PET/SPECT DICOM: the STS_001 whole-body FDG PET (per-slice rescale,
// START decay, uneven slice steps), its SUV crop, and the Lu-177 SPECT (ADMIN).
// Oracle values: shared/data/sts001-fdg-petct-mr/README.md and
// shared/data/lu177-dotatate-spect-net-liver/README.md.
#include "io/VolumeIO.h"
#include "io/VolumeInfo.h"
#include "tests/io/IoTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace irplan;

namespace {
constexpr const char* kRawPetZip = "sts001-fdg-petct-mr/raw/STS_001_FDG_PET_wholebody_dicom.zip";
constexpr const char* kCropPetZip = "sts001-fdg-petct-mr/crop/STS_001_PET_SUV_crop_dicom.zip";
constexpr const char* kSpectZip = "lu177-dotatate-spect-net-liver/SCAN_001_Lu177_SPECT_dicom.zip";

bool hasWarning(const Volume& v, const std::string& needle) {
    for (const auto& w : v.meta.warnings)
        if (w.find(needle) != std::string::npos) return true;
    return false;
}
std::string allWarnings(const Volume& v) {
    std::string s;
    for (const auto& w : v.meta.warnings) s += w + "\n";
    return s;
}
} // namespace

TEST(PetDicom, RawWholeBodyPetGeometryUnitsAndSuv) {
    IRPLAN_SHARED_ZIP(dir, kRawPetZip);
    const Volume v = readVolume(dir / "image");
    const auto size = v.image->GetLargestPossibleRegion().GetSize();
    EXPECT_EQ(size[0], 128u);
    EXPECT_EQ(size[1], 128u);
    EXPECT_EQ(size[2], 267u);
    EXPECT_NEAR(v.image->GetSpacing()[0], 4.6875, 1e-6);
    EXPECT_NEAR(v.image->GetSpacing()[1], 4.6875, 1e-6);
    // 870 mm over 266 gaps (3.27 mm, with a few 3.29 and one 3.19).
    EXPECT_NEAR(v.image->GetSpacing()[2], (-11.48 + 881.30) / 266.0, 1e-3);
    EXPECT_NEAR(v.image->GetOrigin()[2], -881.3, 1e-3);
    EXPECT_NEAR(v.image->GetOrigin()[0], -297.65625, 1e-4);
    EXPECT_EQ(axisCodes(v.image->GetDirection()), "LPS");
    EXPECT_EQ(v.meta.modality, "PT");
    EXPECT_EQ(v.meta.units, Units::BQML);
    EXPECT_EQ(v.meta.format, "dicom");

    // SUVbw factor from the tags: the README oracle.
    ASSERT_TRUE(v.meta.suv.available) << v.meta.suv.reason;
    EXPECT_FALSE(v.meta.suv.alreadySuv);
    EXPECT_NEAR(v.meta.suv.factor, 2.429030e-4, 1e-9);
    EXPECT_NEAR(v.meta.suv.factor / 2.429030e-4, 1.0, 1e-6);
    EXPECT_DOUBLE_EQ(v.meta.suv.decaySeconds, 2711.0);
    EXPECT_EQ(v.meta.suv.decayCorrection, "START");
    EXPECT_DOUBLE_EQ(v.meta.suv.halfLifeSeconds, 6588.0);
    EXPECT_DOUBLE_EQ(v.meta.suv.weightKg, 71.0);

    const ValueRange r = valueRange(v.image);
    EXPECT_EQ(r.min, 0.0);
    EXPECT_NEAR(r.max, 273860.0, 1.0); // Bq/mL after the per-slice rescale
    const double suvMax = r.max * v.meta.suv.factor;
    std::cout << "[ measured ] STS_001 raw PET: max " << r.max << " Bq/mL, SUVbw factor " << v.meta.suv.factor
              << ", SUVmax " << suvMax << "\n";
    EXPECT_NEAR(suvMax, 66.52, 0.01);

    // The uneven slice steps are reported with their numbers.
    EXPECT_TRUE(hasWarning(v, "not uniform")) << allWarnings(v);
    EXPECT_TRUE(hasWarning(v, "3.19")) << allWarnings(v);
    EXPECT_TRUE(hasWarning(v, "3.29")) << allWarnings(v);
    const Json j = volumeInfoJson(v);
    EXPECT_NEAR(j["max_suv"].get<double>(), 66.52, 0.01);
    EXPECT_EQ(j["units"], "BQML");
}

TEST(PetDicom, PerSliceRescaleMatchesTheIndependentSuvCrop) {
    IRPLAN_SHARED_ZIP(rawDir, kRawPetZip);
    IRPLAN_SHARED_ZIP(cropDir, kCropPetZip);
    const Volume raw = readVolume(rawDir / "image");
    const Volume crop = readVolume(cropDir / "image");

    // The crop is stored as SUV already (Units GML, SUVType BW).
    EXPECT_EQ(crop.meta.units, Units::SUVbw);
    ASSERT_TRUE(crop.meta.suv.available);
    EXPECT_TRUE(crop.meta.suv.alreadySuv);
    EXPECT_DOUBLE_EQ(crop.meta.suv.factor, 1.0);
    const auto cs = crop.image->GetLargestPossibleRegion().GetSize();
    EXPECT_EQ(cs[0], 41u);
    EXPECT_EQ(cs[1], 43u);
    EXPECT_EQ(cs[2], 59u);
    EXPECT_NEAR(valueRange(crop.image).max, 25.4123, 1e-4);

    // The crop grid is the raw grid cut at voxel offset (59, 45, 0).
    const Vec3 cropOrigin{crop.image->GetOrigin()[0], crop.image->GetOrigin()[1], crop.image->GetOrigin()[2]};
    EXPECT_LT(distance(cropOrigin, test::voxelCentre(raw.image.GetPointer(), 59, 45, 0)), 0.01);
    EXPECT_NEAR(crop.image->GetSpacing()[0], raw.image->GetSpacing()[0], 1e-6);

    // Every crop voxel equals raw Bq/mL times the factor: proof that the
    // rescale slope was applied slice by slice.
    const double f = raw.meta.suv.factor;
    double maxDiff = 0, maxRawSuv = 0;
    for (unsigned k = 0; k < cs[2]; ++k)
        for (unsigned j = 0; j < cs[1]; ++j)
            for (unsigned i = 0; i < cs[0]; ++i) {
                const FloatImage::IndexType ci{{i, j, k}};
                const FloatImage::IndexType ri{{i + 59, j + 45, k}};
                const double suv = raw.image->GetPixel(ri) * f;
                maxRawSuv = std::max(maxRawSuv, suv);
                maxDiff = std::max(maxDiff, std::abs(suv - crop.image->GetPixel(ci)));
            }
    std::cout << "[ measured ] raw PET x factor vs SUV crop: max |difference| " << maxDiff << " SUV, crop max "
              << maxRawSuv << " SUV\n";
    EXPECT_LT(maxDiff, 1e-3);
    EXPECT_NEAR(maxRawSuv, 25.4123, 1e-3);
}

TEST(PetDicom, Lu177SpectIsAdminDecayCorrected) {
    IRPLAN_SHARED_ZIP(dir, kSpectZip);
    const Volume v = readVolume(dir / "image");
    const auto size = v.image->GetLargestPossibleRegion().GetSize();
    EXPECT_EQ(size[0], 256u);
    EXPECT_EQ(size[1], 256u);
    EXPECT_EQ(size[2], 199u);
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(v.image->GetSpacing()[a], 1.95313, 1e-4) << "axis " << a;
    EXPECT_NEAR(v.image->GetOrigin()[0], -249.023, 1e-3);
    EXPECT_NEAR(v.image->GetOrigin()[1], -410.023, 1e-3);
    EXPECT_NEAR(v.image->GetOrigin()[2], 1156.93, 1e-2);
    const double zLast = v.image->GetOrigin()[2] + 198 * v.image->GetSpacing()[2];
    EXPECT_NEAR(zLast, 1543.65, 0.01);
    EXPECT_EQ(v.meta.units, Units::BQML);
    ASSERT_TRUE(v.meta.suv.available) << v.meta.suv.reason;
    EXPECT_EQ(v.meta.suv.decayCorrection, "ADMIN");
    EXPECT_DOUBLE_EQ(v.meta.suv.decaySeconds, 0.0);
    EXPECT_NEAR(v.meta.suv.factor, 1.28962e-5, 1.28962e-5 * 1e-5);
    EXPECT_NEAR(v.meta.suv.injectedDoseBq, 7.2104256e9, 1e3);
    const ValueRange r = valueRange(v.image);
    EXPECT_EQ(r.min, 0.0);
    EXPECT_NEAR(r.max, 2.2812e6, 2.2812e6 * 1e-4); // uint16 x RescaleSlope 100
    std::cout << "[ measured ] Lu-177 SPECT: max " << r.max << " Bq/mL, factor " << v.meta.suv.factor
              << ", SUVmax " << r.max * v.meta.suv.factor << "\n";
    // Absent optional tags (Radiopharmaceutical, PositronFraction) do not block SUV.
    EXPECT_FALSE(hasWarning(v, "lacks")) << allWarnings(v);
}
