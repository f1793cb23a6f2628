// RTSTRUCT import and rasterisation: real contours on PET, SPECT, oblique MR
// and CT grids (README oracle volumes), the provided NIfTI mask (Dice), and
// analytic squares on synthetic grids.
#include "core/Error.h"
#include "io/RtStruct.h"
#include "io/VolumeIO.h"
#include "tests/io/IoTestUtil.h"

#include <gtest/gtest.h>

using namespace irplan;

namespace {
constexpr const char* kRawPetZip = "sts001-fdg-petct-mr/raw/STS_001_FDG_PET_wholebody_dicom.zip";

size_t countOnes(const MaskImage* m) {
    size_t n = 0;
    const auto* p = m->GetBufferPointer();
    for (size_t i = 0, e = m->GetBufferedRegion().GetNumberOfPixels(); i < e; ++i) n += p[i] != 0;
    return n;
}
double voxelMl(const itk::ImageBase<3>* g) {
    return g->GetSpacing()[0] * g->GetSpacing()[1] * g->GetSpacing()[2] / 1000.0;
}
double maxInside(const FloatImage* img, const MaskImage* m) {
    double best = -1e300;
    const float* p = img->GetBufferPointer();
    const auto* q = m->GetBufferPointer();
    for (size_t i = 0, e = m->GetBufferedRegion().GetNumberOfPixels(); i < e; ++i)
        if (q[i]) best = std::max(best, static_cast<double>(p[i]));
    return best;
}
std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}
} // namespace

// Note on the oracles. The READMEs list voxel counts from the data curators'
// own quick rasterisation (raw PET GTV_Mass 6004 voxels, GTV_Edema 675 mL,
// Lu-177 lesions 15,860 / 523 voxels, MR T1 GTV_Mass 326 mL). Those numbers
// disagree with the contours themselves: the shoelace area of every contour
// times the slice step gives 366 / 581 mL, 14,353 / 376 voxels and 365 mL, and
// the data provider's own masks (crop/*GTV_Mass_mask.nii.gz: PET 5,095 voxels
// = 366.1 mL, CT/MR 365.3 mL) agree with the contours, not with those counts.
// So these tests check the rasterisation against the contour geometry and the
// provider's masks, and print the README figure beside the measured one.

namespace {
// Volume enclosed by the closed contours: shoelace area of each polygon in the
// grid's slice plane (mm^2) times the grid's slice step.
double contourVolumeMl(const RtRoi& roi, const itk::ImageBase<3>* g) {
    double mm3 = 0;
    for (const auto& c : roi.contours) {
        if (c.geometricType != "CLOSED_PLANAR") continue;
        std::vector<std::pair<double, double>> poly;
        for (const auto& p : c.points) {
            itk::Point<double, 3> pt;
            pt[0] = p.x;
            pt[1] = p.y;
            pt[2] = p.z;
            itk::ContinuousIndex<double, 3> ci;
            g->TransformPhysicalPointToContinuousIndex(pt, ci);
            poly.emplace_back(ci[0] * g->GetSpacing()[0], ci[1] * g->GetSpacing()[1]);
        }
        double a = 0;
        for (size_t i = 0; i < poly.size(); ++i) {
            const auto& p = poly[i];
            const auto& q = poly[(i + 1) % poly.size()];
            a += p.first * q.second - q.first * p.second;
        }
        mm3 += std::abs(a) / 2 * g->GetSpacing()[2];
    }
    return mm3 / 1000.0;
}
} // namespace

TEST(RtStruct, RawPetGtvOnThePetGrid) {
    IRPLAN_SHARED_ZIP(dir, kRawPetZip);
    IRPLAN_SHARED_FILE(cropMaskPath, "sts001-fdg-petct-mr/crop/STS_001_PET_crop_GTV_Mass_mask.nii.gz");
    const Volume pet = readVolume(dir / "image");
    const RtStructSet rs = readRtStruct(dir / "mask");
    EXPECT_EQ(rs.roiNames(), (std::vector<std::string>{"GTV_Mass", "GTV_Edema"}));
    const RtRoi& mass = rs.roi("GTV_Mass");
    EXPECT_EQ(mass.contours.size(), 32u);
    EXPECT_EQ(rs.roi("GTV_Edema").contours.size(), 43u);
    EXPECT_EQ(mass.frameOfReferenceUid, pet.meta.frameOfReferenceUid);

    RasterizeReport report;
    const auto m = rasterizeRoi(mass, pet.image, pet.meta.frameOfReferenceUid, &report);
    EXPECT_EQ(report.contoursUsed, 32u);
    EXPECT_EQ(report.contoursSkipped, 0u);
    const size_t n = countOnes(m);
    const double ml = n * voxelMl(pet.image);
    const double maxBq = maxInside(pet.image, m);
    std::cout << "[ measured ] STS_001 GTV_Mass on raw PET: " << n << " voxels (README 6004; provider's PET mask "
              << "5095), " << ml << " mL (contours " << contourVolumeMl(mass, pet.image) << " mL), max " << maxBq
              << " Bq/mL = SUV " << maxBq * pet.meta.suv.factor << "\n";
    EXPECT_NEAR(ml, contourVolumeMl(mass, pet.image), 0.015 * ml);
    EXPECT_NEAR(maxBq, 32567.0, 0.01 * 32567);                      // README
    EXPECT_NEAR(maxBq * pet.meta.suv.factor, 7.911, 0.01 * 7.911); // README: SUVmax inside the GTV

    // The provider's PET GTV mask lies on the crop grid = the raw grid cut at (59, 45, 0).
    const LabelImage::Pointer ref = readLabelMap(cropMaskPath);
    const auto rs3 = ref->GetLargestPossibleRegion().GetSize();
    size_t both = 0, inRef = 0, inOursCrop = 0;
    for (unsigned k = 0; k < rs3[2]; ++k)
        for (unsigned j = 0; j < rs3[1]; ++j)
            for (unsigned i = 0; i < rs3[0]; ++i) {
                const bool r = ref->GetPixel({{i, j, k}}) != 0;
                const bool o = m->GetPixel({{i + 59, j + 45, k}}) != 0;
                inRef += r;
                inOursCrop += o;
                both += r && o;
            }
    const double dice = 2.0 * both / static_cast<double>(inRef + inOursCrop);
    std::cout << "[ measured ] raw PET GTV_Mass vs provider's PET crop mask: " << inOursCrop << " / " << inRef
              << " voxels, Dice " << dice << "\n";
    EXPECT_EQ(inRef, 5095u); // README
    EXPECT_EQ(inOursCrop, n); // the whole GTV lies inside the crop
    EXPECT_GE(dice, 0.95);

    const RtRoi& edemaRoi = rs.roi("GTV_Edema");
    const auto edema = rasterizeRoi(edemaRoi, pet.image, pet.meta.frameOfReferenceUid);
    const double edemaMl = countOnes(edema) * voxelMl(pet.image);
    std::cout << "[ measured ] STS_001 GTV_Edema on raw PET: " << countOnes(edema) << " voxels, " << edemaMl
              << " mL (README 675 mL; contours " << contourVolumeMl(edemaRoi, pet.image) << " mL)\n";
    EXPECT_NEAR(edemaMl, contourVolumeMl(edemaRoi, pet.image), 0.015 * edemaMl);
    EXPECT_GT(edemaMl, ml); // oedema surrounds the mass
}

TEST(RtStruct, Lu177SpectLesions) {
    IRPLAN_SHARED_ZIP(dir, "lu177-dotatate-spect-net-liver/SCAN_001_Lu177_SPECT_dicom.zip");
    const Volume spect = readVolume(dir / "image");
    const RtStructSet rs = readRtStruct(dir / "mask");
    struct Expect {
        const char* name;
        size_t contours;
        double readmeVoxels, maxBq, zMin, zMax;
    };
    for (const Expect& e : {Expect{"lesion1 liver R lobe", 35, 15860, 2.2528e6, 1412.8, 1479.2},
                            Expect{"lesion2 liver L lateral", 10, 523, 2.2812e6, 1410.8, 1428.4}}) {
        const RtRoi& roi = rs.roi(e.name);
        EXPECT_EQ(roi.contours.size(), e.contours) << e.name;
        const auto m = rasterizeRoi(roi, spect.image, spect.meta.frameOfReferenceUid);
        const size_t n = countOnes(m);
        const double maxBq = maxInside(spect.image, m);
        const double ml = n * voxelMl(spect.image), contourMl = contourVolumeMl(roi, spect.image);
        std::cout << "[ measured ] Lu-177 '" << e.name << "': " << n << " voxels (README " << e.readmeVoxels
                  << "), " << ml << " mL (contours " << contourMl << " mL), max " << maxBq << " Bq/mL\n";
        // Coarse 1.95 mm voxels on a 3.9 mL lesion: the pixel count follows the area to ~3 %.
        EXPECT_NEAR(ml, contourMl, 0.03 * contourMl) << e.name;
        EXPECT_NEAR(maxBq, e.maxBq, 0.01 * e.maxBq) << e.name; // README
        // The mask spans the README's contour z range, slice for slice.
        long k0 = 1 << 30, k1 = -1;
        const auto sz = m->GetLargestPossibleRegion().GetSize();
        for (long k = 0; k < static_cast<long>(sz[2]); ++k)
            for (unsigned j = 0; j < sz[1]; ++j)
                for (unsigned i = 0; i < sz[0]; ++i)
                    if (m->GetPixel({{i, j, k}})) {
                        k0 = std::min(k0, k);
                        k1 = std::max(k1, k);
                    }
        EXPECT_NEAR(test::voxelCentre(m.GetPointer(), 0, 0, k0).z, e.zMin, 0.1) << e.name;
        EXPECT_NEAR(test::voxelCentre(m.GetPointer(), 0, 0, k1).z, e.zMax, 0.1) << e.name;
    }
}

TEST(RtStruct, ObliqueMrGtv) {
    IRPLAN_SHARED_ZIP(dir, "sts001-fdg-petct-mr/raw/STS_001_MR_T1_dicom.zip");
    const Volume mr = readVolume(dir / "image");
    const RtStructSet rs = readRtStruct(dir / "mask");
    RasterizeReport report;
    const RtRoi& roi = rs.roi("GTV_Mass");
    const auto m = rasterizeRoi(roi, mr.image, mr.meta.frameOfReferenceUid, &report);
    const double ml = countOnes(m) * voxelMl(mr.image);
    std::cout << "[ measured ] STS_001 MR T1 GTV_Mass (oblique grid): " << countOnes(m) << " voxels, " << ml
              << " mL (README 326 mL; contours " << contourVolumeMl(roi, mr.image)
              << " mL; provider's registered CT/MR crop mask 365.3 mL)\n";
    EXPECT_NEAR(ml, contourVolumeMl(roi, mr.image), 0.005 * ml);
    EXPECT_NEAR(ml, 365.3, 0.02 * 365.3); // the same tumour as the crop masks (README)
    EXPECT_EQ(report.contoursUsed, 20u);
    EXPECT_EQ(report.contoursSkipped, 0u);
    EXPECT_EQ(report.pointsOutsideGrid, 0u);
}

TEST(RtStruct, CropCtContourMatchesTheProvidedMask) {
    IRPLAN_SHARED_ZIP(dir, "sts001-fdg-petct-mr/crop/STS_001_CT_crop_dicom.zip");
    IRPLAN_SHARED_FILE(maskPath, "sts001-fdg-petct-mr/crop/STS_001_CT_crop_GTV_Mass_mask.nii.gz");
    const Volume ct = readVolume(dir / "image");
    const RtStructSet rs = readRtStruct(dir / "mask");
    const auto ours = rasterizeRoi(rs.roi("GTV_Mass_CT"), ct.image, ct.meta.frameOfReferenceUid);
    const LabelImage::Pointer ref = readLabelMap(maskPath);
    ASSERT_EQ(ref->GetLargestPossibleRegion().GetSize(), ours->GetLargestPossibleRegion().GetSize());
    for (int a = 0; a < 3; ++a) ASSERT_NEAR(ref->GetOrigin()[a], ours->GetOrigin()[a], 0.01);
    size_t both = 0, a = 0, b = 0;
    const auto* p = ours->GetBufferPointer();
    const auto* q = ref->GetBufferPointer();
    for (size_t i = 0, e = ours->GetBufferedRegion().GetNumberOfPixels(); i < e; ++i) {
        a += p[i] != 0;
        b += q[i] != 0;
        both += p[i] != 0 && q[i] != 0;
    }
    const double dice = 2.0 * both / static_cast<double>(a + b);
    std::cout << "[ measured ] crop CT GTV_Mass_CT: ours " << a << " voxels, provided mask " << b
              << " voxels, Dice " << dice << "\n";
    EXPECT_EQ(b, 117145u); // README
    EXPECT_GE(dice, 0.95);
}

TEST(RtStruct, UnknownRoiAndForeignFrameAreErrors) {
    IRPLAN_SHARED_ZIP(petDir, kRawPetZip);
    IRPLAN_SHARED_ZIP(mrDir, "sts001-fdg-petct-mr/raw/STS_001_MR_T1_dicom.zip");
    const RtStructSet rs = readRtStruct(petDir / "mask");
    const std::string unknown = errorOf([&] { rs.roi("GTV"); });
    EXPECT_NE(unknown.find("'GTV'"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("'GTV_Mass'"), std::string::npos) << unknown;
    EXPECT_NE(unknown.find("'GTV_Edema'"), std::string::npos) << unknown;

    // PET contours on the MR grid: another frame of reference, must be registered first.
    const Volume mr = readVolume(mrDir / "image");
    const std::string foreign =
        errorOf([&] { rasterizeRoi(rs.roi("GTV_Mass"), mr.image, mr.meta.frameOfReferenceUid); });
    EXPECT_NE(foreign.find("frame of reference"), std::string::npos) << foreign;
    EXPECT_NE(foreign.find(mr.meta.frameOfReferenceUid), std::string::npos) << foreign;
    EXPECT_NE(foreign.find("1.3.6.1.4.1.14519.5.2.1.5168.1900.316167340799089327122304118088"), std::string::npos)
        << foreign;

    // An image file is not an RTSTRUCT; an image directory holds none.
    const auto firstImage = std::filesystem::directory_iterator(mrDir / "image")->path();
    const std::string notRs = errorOf([&] { readRtStruct(firstImage); });
    EXPECT_NE(notRs.find("not an RTSTRUCT"), std::string::npos) << notRs;
    const std::string none = errorOf([&] { readRtStruct(mrDir / "image"); });
    EXPECT_NE(none.find("no RTSTRUCT"), std::string::npos) << none;
}

namespace {
// Grid 40 x 40 x 6, spacing 0.5 x 0.5 x 2 mm, origin (-10, -10, -4), direction R.
FloatImage::Pointer syntheticGrid(const Mat3& R) {
    return test::makeImage({40, 40, 6}, {0.5, 0.5, 2.0}, {-10, -10, -4}, R,
                           [](unsigned, unsigned, unsigned) { return 0.0f; });
}
// A closed square contour with index-space corners (i0, j0)-(i1, j1) on slice k of grid g.
RtContour square(const FloatImage* g, double i0, double j0, double i1, double j1, double k) {
    RtContour c;
    c.geometricType = "CLOSED_PLANAR";
    for (auto [i, j] : {std::pair{i0, j0}, std::pair{i1, j0}, std::pair{i1, j1}, std::pair{i0, j1}}) {
        itk::ContinuousIndex<double, 3> ci;
        ci[0] = i;
        ci[1] = j;
        ci[2] = k;
        FloatImage::PointType p;
        g->TransformContinuousIndexToPhysicalPoint(ci, p);
        c.points.push_back({p[0], p[1], p[2]});
    }
    return c;
}
} // namespace

TEST(RtStruct, AnalyticSquaresGiveExactPixelCounts) {
    for (const Mat3& R : {Mat3::identity(), Mat3::rotationXYZ(0.2, -0.1, 0.5)}) {
        const auto grid = syntheticGrid(R);
        RtRoi roi;
        roi.name = "square";
        roi.frameOfReferenceUid = "1.2.3";
        // Slice 2: a 5 mm square, x in [-2.1, 2.9] mm = index [15.8, 25.8]: centres 16..25, 10 x 10 = 100.
        roi.contours.push_back(square(grid, 15.8, 15.8, 25.8, 25.8, 2));
        // Slice 3: the same square with a 4 x 4 hole (index [18.5, 22.5]): 100 - 16 = 84 (even-odd).
        roi.contours.push_back(square(grid, 15.8, 15.8, 25.8, 25.8, 3));
        roi.contours.push_back(square(grid, 18.5, 18.5, 22.5, 22.5, 3));
        // An open contour is not filled and is counted as skipped.
        RtContour open = square(grid, 1.2, 1.2, 5.2, 5.2, 3);
        open.geometricType = "OPEN_PLANAR";
        roi.contours.push_back(open);
        RasterizeReport report;
        const auto m = rasterizeRoi(roi, grid, "1.2.3", &report);
        EXPECT_EQ(countOnes(m), 184u);
        EXPECT_EQ(report.contoursUsed, 3u);
        EXPECT_EQ(report.contoursSkipped, 1u);
        const MaskImage::IndexType in{{16, 25, 2}}, hole{{20, 20, 3}}, ring{{16, 20, 3}}, edge{{15, 20, 2}},
            above{{20, 20, 4}}, below{{20, 20, 1}};
        EXPECT_EQ(m->GetPixel(in), 1);
        EXPECT_EQ(m->GetPixel(hole), 0);
        EXPECT_EQ(m->GetPixel(ring), 1);
        EXPECT_EQ(m->GetPixel(edge), 0);
        EXPECT_EQ(m->GetPixel(above), 0); // one slice beyond the contours: not extruded
        EXPECT_EQ(m->GetPixel(below), 0);
        // The mask carries the grid's geometry.
        for (int a = 0; a < 3; ++a) EXPECT_DOUBLE_EQ(m->GetOrigin()[a], grid->GetOrigin()[a]);
        EXPECT_EQ(m->GetDirection(), grid->GetDirection());
        // A frame of reference that differs is refused; an unknown one is not checked.
        EXPECT_THROW(rasterizeRoi(roi, grid, "9.9.9"), Error);
        EXPECT_EQ(countOnes(rasterizeRoi(roi, grid, "")), 184u);
    }
}

TEST(RtStruct, ContoursAcrossSlicesAreRefused) {
    const auto grid = syntheticGrid(Mat3::identity());
    RtRoi roi;
    roi.name = "tilted";
    RtContour c = square(grid, 10, 10, 20, 20, 2);
    c.points[2].z += 4.0; // two slices up at one corner
    roi.contours.push_back(c);
    const std::string e = errorOf([&] { rasterizeRoi(roi, grid); });
    EXPECT_NE(e.find("not parallel"), std::string::npos) << e;
    RtRoi empty;
    empty.name = "points";
    empty.contours.push_back({"POINT", {{0, 0, 0}}});
    EXPECT_NE(errorOf([&] { rasterizeRoi(empty, grid); }).find("no closed planar contour"), std::string::npos);
}
