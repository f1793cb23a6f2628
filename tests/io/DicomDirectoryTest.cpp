// DICOM directories that are not one clean series: two series, no DICOM at
// all, slices without a position, duplicate positions, a PET without its
// weight, a missing slice. The broken copies are made here with dcmodify.
#include "core/Error.h"
#include "core/Files.h"
#include "io/DicomSeries.h"
#include "io/VolumeIO.h"
#include "io/VolumeInfo.h"
#include "tests/io/IoTestUtil.h"

#include <gtest/gtest.h>

using namespace irplan;
namespace fs = std::filesystem;

namespace {
constexpr const char* kCrlmZip = "crlm-ct-1006/CRLM-CT-1006_CT_dicom.zip";
constexpr const char* kCropCtZip = "sts001-fdg-petct-mr/crop/STS_001_CT_crop_dicom.zip";
constexpr const char* kRawPetZip = "sts001-fdg-petct-mr/raw/STS_001_FDG_PET_wholebody_dicom.zip";
constexpr const char* kCrlmUid = "1.3.6.1.4.1.14519.5.2.1.9203.8273.286130801613533577338339572281";
constexpr const char* kCropCtUid = "1.3.6.1.4.1.14519.5.2.1.5168.1900.449841255123215696894565592289";

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

#define REQUIRE_DCMODIFY()                                                                                  \
    if (!test::haveDcmodify()) GTEST_SKIP() << "dcmodify (DCMTK) is not installed"
} // namespace

TEST(DicomDirectory, TwoSeriesNeedAChoice) {
    IRPLAN_SHARED_ZIP(crlm, kCrlmZip);
    IRPLAN_SHARED_ZIP(crop, kCropCtZip);
    files::clearInputs();
    const auto dir = test::scratchDir("dicomdir_two_series");
    test::copyFiles(crlm / "image", dir / "crlm");
    test::copyFiles(crop / "image", dir / "crop");
    const std::string e = errorOf([&] { readVolume(dir); });
    EXPECT_NE(e.find("2 image series"), std::string::npos) << e;
    EXPECT_NE(e.find(kCrlmUid), std::string::npos) << e;
    EXPECT_NE(e.find(kCropCtUid), std::string::npos) << e;
    EXPECT_NE(e.find("--series"), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << "the error must be one line: " << e;

    ReadOptions o;
    o.seriesUid = kCrlmUid;
    const Volume a = readVolume(dir, o);
    EXPECT_EQ(a.meta.seriesInstanceUid, kCrlmUid);
    EXPECT_EQ(a.image->GetLargestPossibleRegion().GetSize()[2], 51u);
    o.seriesUid = kCropCtUid;
    const Volume b = readVolume(dir, o);
    EXPECT_EQ(b.meta.seriesInstanceUid, kCropCtUid);
    EXPECT_EQ(b.image->GetLargestPossibleRegion().GetSize()[0], 198u);
    EXPECT_EQ(b.image->GetLargestPossibleRegion().GetSize()[2], 59u);
    // One file of a series picks that series.
    const Volume c = readVolume(dir / "crop" / "000000.dcm");
    EXPECT_EQ(c.meta.seriesInstanceUid, kCropCtUid);
    // An unknown UID lists what is there.
    o.seriesUid = "1.2.3.4";
    const std::string unknown = errorOf([&] { readVolume(dir, o); });
    EXPECT_NE(unknown.find("1.2.3.4"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find(kCrlmUid), std::string::npos) << unknown;
    EXPECT_EQ(unknown.find('\n'), std::string::npos) << unknown;
}

TEST(DicomDirectory, RelativePathToOneSliceFile) {
    IRPLAN_SHARED_ZIP(crop, kCropCtZip);
    files::clearInputs();
    const fs::path old = fs::current_path();
    fs::current_path(crop / "image");
    std::string error;
    Volume v;
    try {
        v = readVolume("000000.dcm");
    } catch (const Error& e) {
        error = e.what();
    }
    fs::current_path(old);
    ASSERT_TRUE(error.empty()) << error;
    EXPECT_EQ(v.image->GetLargestPossibleRegion().GetSize()[2], 59u);
}

TEST(DicomDirectory, NoDicomAtAll) {
    files::clearInputs();
    const auto dir = test::scratchDir("dicomdir_random");
    for (unsigned i = 0; i < 5; ++i) test::writeBytes(dir / ("IM" + std::to_string(i)), test::randomBytes(4096, i));
    const std::string e = errorOf([&] { readVolume(dir); });
    EXPECT_NE(e.find("no DICOM files"), std::string::npos) << e;
    EXPECT_NE(e.find("5 files"), std::string::npos) << e;
    const auto empty = test::scratchDir("dicomdir_empty");
    const std::string e2 = errorOf([&] { readVolume(empty); });
    EXPECT_NE(e2.find("no files"), std::string::npos) << e2;
}

TEST(DicomDirectory, SlicesWithoutImagePosition) {
    REQUIRE_DCMODIFY();
    IRPLAN_SHARED_ZIP(crop, kCropCtZip);
    files::clearInputs();
    const auto dir = test::scratchDir("dicomdir_no_ipp");
    const auto copies = test::copyFiles(crop / "image", dir, [](size_t i, const fs::path&) { return i < 6; });
    ASSERT_TRUE(test::dcmodify("-ea \"(0020,0032)\"", {copies[2]}));
    const std::string e = errorOf([&] { readVolume(dir); });
    EXPECT_NE(e.find("ImagePositionPatient (0020,0032)"), std::string::npos) << e;
    EXPECT_NE(e.find(copies[2].filename().string()), std::string::npos) << e;
    // Without it on every slice the files are not image slices at all.
    ASSERT_TRUE(test::dcmodify("-ea \"(0020,0032)\"", {copies[0], copies[1], copies[3], copies[4], copies[5]}));
    const std::string all = errorOf([&] { readVolume(dir); });
    EXPECT_NE(all.find("no image series"), std::string::npos) << all;
}

TEST(DicomDirectory, TwoSlicesAtOnePosition) {
    REQUIRE_DCMODIFY();
    IRPLAN_SHARED_ZIP(crop, kCropCtZip);
    files::clearInputs();
    const auto dir = test::scratchDir("dicomdir_duplicate");
    const auto copies = test::copyFiles(crop / "image", dir, [](size_t i, const fs::path&) { return i < 6; });
    // A second acquisition of slice 3: same series, same position, another SOP instance.
    fs::copy_file(copies[3], dir / "dup.dcm");
    ASSERT_TRUE(test::dcmodify("-m \"(0008,0018)=1.2.826.0.1.3680043.2.1125.99.1\"", {dir / "dup.dcm"}));
    const std::string e = errorOf([&] { readVolume(dir); });
    EXPECT_NE(e.find("2 slices at the same position"), std::string::npos) << e;
    EXPECT_NE(e.find(kCropCtUid), std::string::npos) << e;
}

TEST(DicomDirectory, PetWithoutPatientWeightStaysInBqPerMl) {
    REQUIRE_DCMODIFY();
    IRPLAN_SHARED_ZIP(pet, kRawPetZip);
    files::clearInputs();
    const auto dir = test::scratchDir("dicomdir_pet_noweight");
    const auto copies = test::copyFiles(pet / "image", dir, [](size_t i, const fs::path&) { return i < 12; });
    ASSERT_TRUE(test::dcmodify("-ea \"(0010,1030)\"", copies));
    const Volume v = readVolume(dir);
    EXPECT_EQ(v.meta.units, Units::BQML);
    EXPECT_FALSE(v.meta.suv.available);
    EXPECT_NE(v.meta.suv.reason.find("PatientWeight (0010,1030)"), std::string::npos) << v.meta.suv.reason;
    bool warned = false;
    for (const auto& w : v.meta.warnings) warned |= w.find("PatientWeight (0010,1030)") != std::string::npos;
    EXPECT_TRUE(warned);
    const Json j = volumeInfoJson(v);
    EXPECT_FALSE(j.contains("max_suv"));
    EXPECT_FALSE(j["suv"]["available"].get<bool>());
    EXPECT_EQ(j["units"], "BQML");
    EXPECT_THROW(toSuv(v), Error);
}

TEST(DicomDirectory, MissingMiddleSliceIsResampledWithAWarning) {
    IRPLAN_SHARED_ZIP(crop, kCropCtZip);
    files::clearInputs();
    const Volume full = readVolume(crop / "image");
    const auto n = full.image->GetLargestPossibleRegion().GetSize();
    ASSERT_EQ(n[2], 59u);
    const double step = full.image->GetSpacing()[2];

    // Leave out the file of slice 30 (found by its ImagePositionPatient).
    const auto dir = test::scratchDir("dicomdir_missing_slice");
    const double zDrop = full.image->GetOrigin()[2] + 30 * step;
    size_t removed = 0;
    for (const auto& f : test::copyFiles(crop / "image", dir))
        if (std::abs(test::ippOf(f).z - zDrop) < 0.01) {
            fs::remove(f);
            ++removed;
        }
    ASSERT_EQ(removed, 1u);

    const Volume v = readVolume(dir);
    const auto s = v.image->GetLargestPossibleRegion().GetSize();
    EXPECT_EQ(s[0], n[0]);
    EXPECT_EQ(s[2], 59u); // the gap is filled: same extent, same step
    EXPECT_NEAR(v.image->GetSpacing()[2], step, 1e-3);
    EXPECT_NEAR(v.image->GetOrigin()[2], full.image->GetOrigin()[2], 1e-3);
    EXPECT_NEAR(v.image->GetOrigin()[2] + 58 * v.image->GetSpacing()[2], -691.66, 0.01);
    bool warned = false;
    std::string all;
    for (const auto& w : v.meta.warnings) {
        all += w + "\n";
        warned |= w.find("not uniform") != std::string::npos && w.find("3.27") != std::string::npos &&
                  w.find("6.54") != std::string::npos && w.find("resampled") != std::string::npos;
    }
    EXPECT_TRUE(warned) << all;
    // Untouched slices are identical; the missing one is the mean of its neighbours.
    double worstKept = 0, worstFilled = 0;
    for (unsigned j = 0; j < n[1]; j += 7)
        for (unsigned i = 0; i < n[0]; i += 7) {
            for (unsigned k : {0u, 29u, 31u, 58u})
                worstKept = std::max(worstKept, std::abs(static_cast<double>(v.image->GetPixel({{i, j, k}})) -
                                                         full.image->GetPixel({{i, j, k}})));
            const double mean = 0.5 * (full.image->GetPixel({{i, j, 29}}) + full.image->GetPixel({{i, j, 31}}));
            worstFilled = std::max(worstFilled, std::abs(v.image->GetPixel({{i, j, 30}}) - mean));
        }
    EXPECT_LT(worstKept, 1e-3);
    EXPECT_LT(worstFilled, 1e-2);
}
