// Real CT/MR series: geometry (LPS), HU ranges, JPEG 2000, oblique MR, and
// agreement between DICOM and the NIfTI exports of the same data. Oracle
// values: the READMEs under shared/data.
#include "io/DicomSeries.h"
#include "io/VolumeIO.h"
#include "io/VolumeInfo.h"
#include "tests/io/IoTestUtil.h"

#include <gtest/gtest.h>

using namespace irplan;

namespace {
Vec3 dirColumn(const FloatImage* img, int c) {
    const auto& d = img->GetDirection();
    return {d(0, c), d(1, c), d(2, c)};
}

// Each slice position lies on a voxel centre (0, 0, k) of the volume; returns the worst miss.
double worstSliceMiss(const Volume& v, const std::filesystem::path& dir, size_t* files = nullptr) {
    double worst = 0;
    size_t n = 0;
    const auto nz = static_cast<long>(v.image->GetLargestPossibleRegion().GetSize()[2]);
    for (auto& e : std::filesystem::directory_iterator(dir)) {
        const Vec3 p = test::ippOf(e.path());
        double best = 1e300;
        for (long k = 0; k < nz; ++k) best = std::min(best, distance(p, test::voxelCentre(v.image.GetPointer(), 0, 0, k)));
        worst = std::max(worst, best);
        ++n;
    }
    if (files) *files = n;
    return worst;
}
} // namespace

TEST(DicomSeries, CrlmContrastCt) {
    IRPLAN_SHARED_ZIP(dir, "crlm-ct-1006/CRLM-CT-1006_CT_dicom.zip");
    const Volume v = readVolume(dir / "image");
    const auto size = v.image->GetLargestPossibleRegion().GetSize();
    EXPECT_EQ(size[0], 512u);
    EXPECT_EQ(size[1], 512u);
    EXPECT_EQ(size[2], 51u);
    EXPECT_NEAR(v.image->GetSpacing()[0], 0.804688, 1e-6);
    EXPECT_NEAR(v.image->GetSpacing()[1], 0.804688, 1e-6);
    EXPECT_NEAR(v.image->GetSpacing()[2], 5.0, 1e-4);
    EXPECT_NEAR(v.image->GetOrigin()[2], -376.44, 1e-3);
    EXPECT_NEAR(v.image->GetOrigin()[2] + 50 * v.image->GetSpacing()[2], -126.44, 1e-3);
    EXPECT_EQ(axisCodes(v.image->GetDirection()), "LPS");
    EXPECT_EQ(v.meta.units, Units::HU);
    EXPECT_EQ(v.meta.modality, "CT");
    EXPECT_EQ(v.meta.seriesInstanceUid, "1.3.6.1.4.1.14519.5.2.1.9203.8273.286130801613533577338339572281");
    const ValueRange r = valueRange(v.image);
    EXPECT_EQ(r.min, -3024.0); // int16 + RescaleIntercept -1024
    EXPECT_EQ(r.max, 1184.0);
    EXPECT_TRUE(v.meta.warnings.empty()) << v.meta.warnings.front();
    EXPECT_FALSE(v.meta.suv.available);
}

TEST(DicomSeries, Jpeg2000CtAgreesWithItsNiftiLabelMap) {
    IRPLAN_SHARED_ZIP(dir, "totalsegmentator-examples/example_ct_dicom.zip");
    IRPLAN_SHARED_FILE(segPath, "totalsegmentator-examples/example_seg_dicom.nii.gz");
    const Volume v = readVolume(dir);
    const auto size = v.image->GetLargestPossibleRegion().GetSize();
    EXPECT_EQ(size[0], 512u);
    EXPECT_EQ(size[1], 512u);
    EXPECT_EQ(size[2], 20u);
    EXPECT_NEAR(v.image->GetSpacing()[0], 0.9765625, 1e-6);
    EXPECT_NEAR(v.image->GetSpacing()[2], 2.0, 1e-4);
    EXPECT_NEAR(v.image->GetOrigin()[2], -804.5, 1e-3);
    const ValueRange r = valueRange(v.image);
    EXPECT_EQ(r.min, -1024.0);
    EXPECT_EQ(r.max, 1839.0);

    // The label map is an LAS NIfTI on the same grid: its 8 corner voxel
    // centres are the volume's, in another order.
    const LabelImage::Pointer seg = readLabelMap(segPath);
    const auto segSize = seg->GetLargestPossibleRegion().GetSize();
    ASSERT_EQ(segSize[0], 512u);
    ASSERT_EQ(segSize[1], 512u);
    ASSERT_EQ(segSize[2], 20u);
    EXPECT_LT(seg->GetDirection()(1, 1), 0.0); // LAS: axis 1 points anterior (-y in LPS)
    const auto a = test::cornerCentres(v.image.GetPointer());
    const auto b = test::cornerCentres(seg.GetPointer());
    double worst = 0;
    for (const auto& p : a) {
        double best = 1e300;
        for (const auto& q : b) best = std::min(best, distance(p, q));
        worst = std::max(worst, best);
    }
    for (const auto& q : b) {
        double best = 1e300;
        for (const auto& p : a) best = std::min(best, distance(p, q));
        worst = std::max(worst, best);
    }
    std::cout << "[ measured ] JPEG 2000 CT vs example_seg_dicom.nii.gz: worst corner distance " << worst << " mm\n";
    EXPECT_LT(worst, 0.01);
}

TEST(DicomSeries, ObliqueMrKeepsItsDirectionCosines) {
    IRPLAN_SHARED_ZIP(dir, "sts001-fdg-petct-mr/raw/STS_001_MR_T1_dicom.zip");
    const Volume v = readVolume(dir / "image");
    const auto size = v.image->GetLargestPossibleRegion().GetSize();
    EXPECT_EQ(size[0], 512u);
    EXPECT_EQ(size[1], 512u);
    EXPECT_EQ(size[2], 40u);
    EXPECT_NEAR(v.image->GetSpacing()[0], 0.390625, 1e-6);
    const Vec3 row = dirColumn(v.image, 0), col = dirColumn(v.image, 1), normal = dirColumn(v.image, 2);
    EXPECT_LT(distance(row, Vec3{0.99999, -0.00014, -0.00385}), 1e-4) << toString(row, 6);
    EXPECT_LT(distance(col, Vec3{0.0, 0.99937, -0.03562}), 1e-4) << toString(col, 6);
    EXPECT_LT(distance(normal, normalized(cross(row, col))), 1e-9);
    EXPECT_NEAR(v.image->GetSpacing()[2], 5.2, 1e-3); // along the normal (5.197 mm in z)
    EXPECT_EQ(axisCodes(v.image->GetDirection()), "Lps");
    EXPECT_EQ(v.meta.units, Units::Signal);
    EXPECT_EQ(valueRange(v.image).max, 1807.0);
    // Every file's ImagePositionPatient is one of the volume's slice origins.
    size_t files = 0;
    const double miss = worstSliceMiss(v, dir / "image", &files);
    EXPECT_EQ(files, 40u);
    EXPECT_LT(miss, 0.01);
    EXPECT_NEAR(v.image->GetOrigin()[2], -113.777, 1e-3);
}

TEST(DicomSeries, CropCtDicomEqualsItsNifti) {
    IRPLAN_SHARED_ZIP(dir, "sts001-fdg-petct-mr/crop/STS_001_CT_crop_dicom.zip");
    IRPLAN_SHARED_FILE(nii, "sts001-fdg-petct-mr/crop/STS_001_CT_crop_image.nii.gz");
    const Volume d = readVolume(dir / "image");
    const Volume n = readVolume(nii);
    EXPECT_EQ(n.meta.format, "nifti");
    const auto ds = d.image->GetLargestPossibleRegion().GetSize();
    ASSERT_EQ(ds, n.image->GetLargestPossibleRegion().GetSize());
    EXPECT_EQ(ds[0], 198u);
    EXPECT_EQ(ds[1], 202u);
    EXPECT_EQ(ds[2], 59u);
    for (int a = 0; a < 3; ++a) {
        EXPECT_NEAR(d.image->GetOrigin()[a], n.image->GetOrigin()[a], 0.01) << "axis " << a;
        EXPECT_NEAR(d.image->GetSpacing()[a], n.image->GetSpacing()[a], 0.01) << "axis " << a;
        for (int b = 0; b < 3; ++b) EXPECT_NEAR(d.image->GetDirection()(a, b), n.image->GetDirection()(a, b), 1e-6);
    }
    // README: DICOM LPS origin (-23.44, -86.91, -881.32).
    EXPECT_NEAR(d.image->GetOrigin()[0], -23.44, 0.01);
    EXPECT_NEAR(d.image->GetOrigin()[1], -86.91, 0.01);
    EXPECT_NEAR(d.image->GetOrigin()[2], -881.32, 0.01);
    const float* p = d.image->GetBufferPointer();
    const float* q = n.image->GetBufferPointer();
    const size_t count = d.image->GetBufferedRegion().GetNumberOfPixels();
    size_t differ = 0;
    for (size_t i = 0; i < count; ++i) differ += p[i] != q[i];
    EXPECT_EQ(differ, 0u);
    const ValueRange r = valueRange(d.image);
    EXPECT_EQ(r.min, -1000.0);
    EXPECT_EQ(r.max, 1397.0);
}

TEST(DicomSeries, RasNiftiComesBackInLps) {
    IRPLAN_SHARED_FILE(path, "totalsegmentator-examples/example_ct_sm.nii.gz");
    const Volume v = readVolume(path);
    const auto size = v.image->GetLargestPossibleRegion().GetSize();
    EXPECT_EQ(size[0], 122u);
    EXPECT_EQ(size[1], 101u);
    EXPECT_EQ(size[2], 30u);
    // RAS origin (-177.956, 11.319, 94.30): x and y negated in LPS.
    EXPECT_NEAR(v.image->GetOrigin()[0], 177.956, 1e-3);
    EXPECT_NEAR(v.image->GetOrigin()[1], -11.319, 1e-3);
    EXPECT_NEAR(v.image->GetOrigin()[2], 94.30, 1e-2);
    EXPECT_EQ(axisCodes(v.image->GetDirection()), "RAS");
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(v.image->GetSpacing()[a], 3.0, 1e-5);
    const ValueRange r = valueRange(v.image);
    EXPECT_EQ(r.min, -1100.0);
    EXPECT_EQ(r.max, 1207.0);
    EXPECT_EQ(v.meta.units, Units::Unknown); // a foreign NIfTI does not say HU
}

TEST(DicomSeries, ScanListsSeriesAndSkipsNothingSilently) {
    IRPLAN_SHARED_ZIP(dir, "sts001-fdg-petct-mr/raw/STS_001_FDG_PET_wholebody_dicom.zip");
    const DicomScan scan = scanDicomDirectory(dir);
    // 267 PT slices + 1 RTSTRUCT (+ the test support's ".complete" marker, not DICOM).
    EXPECT_EQ(scan.filesSeen - scan.nonDicomFiles, 268u);
    EXPECT_EQ(scan.nonDicomFiles, std::filesystem::exists(dir / ".complete") ? 1u : 0u);
    ASSERT_EQ(scan.series.size(), 2u);
    const auto images = scan.imageSeries();
    ASSERT_EQ(images.size(), 1u);
    EXPECT_EQ(images.front()->modality, "PT");
    EXPECT_EQ(images.front()->files.size(), 267u);
    EXPECT_EQ(images.front()->frameOfReferenceUid,
              "1.3.6.1.4.1.14519.5.2.1.5168.1900.316167340799089327122304118088");
    // The zip root holds image/ and mask/: one image series, so it reads as is.
    const Volume v = readVolume(dir);
    EXPECT_EQ(v.image->GetLargestPossibleRegion().GetSize()[2], 267u);
}
