// DICOM SEG and RTSTRUCT exports of the phantom's label map (CT written as
// DICOM by io's writer, as `irplan phantom --dicom` does) and of a real CT with
// its tumour mask: written, read back, compared voxel by voxel, and checked to
// refer to the right series.
#include "io/DicomExport.h"

#include "core/Error.h"
#include "io/RtStruct.h"
#include "io/VolumeIO.h"
#include "phantom/Phantom.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>
#include <set>

using namespace irplan;
namespace fs = std::filesystem;

namespace {

double dice(const LabelImage* a, int la, const itk::ImageBase<3>* bImg, const std::function<bool(size_t)>& inB) {
    size_t na = 0, nb = 0, both = 0;
    const auto* pa = a->GetBufferPointer();
    const size_t n = a->GetBufferedRegion().GetNumberOfPixels();
    EXPECT_EQ(n, bImg->GetLargestPossibleRegion().GetNumberOfPixels());
    for (size_t i = 0; i < n; ++i) {
        const bool x = pa[i] == la, y = inB(i);
        na += x;
        nb += y;
        both += x && y;
    }
    return na + nb ? 2.0 * static_cast<double>(both) / static_cast<double>(na + nb) : 1.0;
}

class PhantomExport : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dir_ = new fs::path(test::scratchDir("export_phantom"));
        phantom::PhantomOptions o;
        o.seed = 3;
        o.spacing = Vec3{2.0, 2.0, 2.0};
        const auto p = phantom::generatePhantom(o);
        phantom::writePhantom(p, *dir_ / "phantom", true);
        legend_ = new std::map<int, std::string>(readLegend(*dir_ / "phantom" / "truth.json"));
    }
    static fs::path ctDir() { return *dir_ / "phantom" / "dicom" / "ct_portal"; }
    static fs::path labelsFile() { return *dir_ / "phantom" / "labels.nii.gz"; }
    static inline fs::path* dir_ = nullptr;
    static inline std::map<int, std::string>* legend_ = nullptr;
};

TEST_F(PhantomExport, SegReadsBackWithTheSameVoxelsAndRefersToTheCt) {
    const LabelImage::Pointer labels = readLabelMap(labelsFile());
    const ReferencedSeries ref = readReferencedSeries(ctDir());
    const auto styles = styleLabels(labelsPresent(labels), *legend_);
    ASSERT_GE(styles.size(), 20u); // 16 tissues + 5 lesions
    const auto report = writeDicomSeg(labels, styles, ref, *dir_ / "seg.dcm");
    std::printf("SEG: %zu segments, %zu frames, %zu referenced images\n", report.structures, report.frames,
                report.referencedImages);

    const Volume ct = readVolume(ctDir());
    const SegImport back = readDicomSeg(*dir_ / "seg.dcm", ct.image);
    ASSERT_EQ(back.segments.size(), styles.size());
    EXPECT_EQ(back.overlappingVoxels, 0u);
    const auto* pb = back.labels->GetBufferPointer();
    for (size_t s = 0; s < styles.size(); ++s) {
        EXPECT_EQ(back.segments[s].label, styles[s].label);
        EXPECT_EQ(back.segments[s].name, styles[s].name);
        EXPECT_EQ(back.segments[s].type.value, styles[s].type.value);
        const double d = dice(labels, styles[s].label, back.labels, [&](size_t i) { return pb[i] == styles[s].label; });
        std::printf("  %-20s Dice %.4f\n", styles[s].name.c_str(), d);
        EXPECT_GE(d, 0.98) << styles[s].name;
    }
    // References: the CT portal series, its study and frame of reference, only its images.
    EXPECT_EQ(back.references.studyInstanceUid, ct.meta.studyInstanceUid);
    EXPECT_EQ(back.references.frameOfReferenceUid, ct.meta.frameOfReferenceUid);
    ASSERT_EQ(back.references.referencedSeriesUids.size(), 1u);
    EXPECT_EQ(back.references.referencedSeriesUids[0], ct.meta.seriesInstanceUid);
    std::set<std::string> ctSops;
    for (const auto& s : ref.slices)
        ctSops.insert(s.sopInstanceUid);
    EXPECT_EQ(back.references.referencedSopInstanceUids.size(), report.referencedImages);
    for (const auto& uid : back.references.referencedSopInstanceUids)
        EXPECT_TRUE(ctSops.count(uid)) << uid;

    // Without a grid the SEG's own geometry is the CT's (fat covers every slice).
    const SegImport own = readDicomSeg(*dir_ / "seg.dcm");
    EXPECT_EQ(own.labels->GetLargestPossibleRegion().GetSize(), labels->GetLargestPossibleRegion().GetSize());
    for (unsigned i = 0; i < 3; ++i)
        EXPECT_NEAR(own.labels->GetOrigin()[i], labels->GetOrigin()[i], 1e-3);
}

TEST_F(PhantomExport, RtStructReadsBackWithTheSameVoxelsAndRefersToTheCt) {
    const LabelImage::Pointer labels = readLabelMap(labelsFile());
    const ReferencedSeries ref = readReferencedSeries(ctDir());
    const auto styles = styleLabels(labelsPresent(labels), *legend_);
    const auto report = writeRtStructFromLabels(labels, styles, ref, *dir_ / "rtstruct.dcm");
    std::printf("RTSTRUCT: %zu ROIs, %zu contours\n", report.structures, report.contours);

    const Volume ct = readVolume(ctDir());
    const RtStructSet set = readRtStruct(*dir_ / "rtstruct.dcm");
    ASSERT_EQ(set.rois.size(), styles.size());
    for (const auto& s : styles) {
        const RtRoi& roi = set.roi(s.name);
        EXPECT_EQ(roi.number, s.label);
        const MaskImage::Pointer m = rasterizeRoi(roi, ct.image, ct.meta.frameOfReferenceUid);
        const auto* pm = m->GetBufferPointer();
        const double d = dice(labels, s.label, m, [&](size_t i) { return pm[i] != 0; });
        std::printf("  %-20s Dice %.4f (%zu contours)\n", s.name.c_str(), d, roi.contours.size());
        EXPECT_GE(d, 0.98) << s.name;
    }
    const DicomReferences r = readDicomReferences(*dir_ / "rtstruct.dcm");
    EXPECT_EQ(r.modality, "RTSTRUCT");
    EXPECT_EQ(r.studyInstanceUid, ct.meta.studyInstanceUid);
    EXPECT_EQ(r.frameOfReferenceUid, ct.meta.frameOfReferenceUid);
    ASSERT_EQ(r.referencedSeriesUids.size(), 1u);
    EXPECT_EQ(r.referencedSeriesUids[0], ct.meta.seriesInstanceUid);
    EXPECT_EQ(r.referencedSopInstanceUids.size(), ref.slices.size());
}

TEST_F(PhantomExport, LabelsOffTheCtGridAreRefused) {
    LabelImage::Pointer labels = readLabelMap(labelsFile());
    const ReferencedSeries ref = readReferencedSeries(ctDir());
    const auto styles = styleLabels({1}, *legend_);
    auto shifted = labels->GetOrigin();
    shifted[0] += 0.7; // a third of a voxel
    labels->SetOrigin(shifted);
    try {
        writeDicomSeg(labels, styles, ref, *dir_ / "bad.dcm");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("not on the grid"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(*dir_ / "bad.dcm"));
    auto spacing = labels->GetSpacing();
    spacing[2] = 3.0;
    labels->SetSpacing(spacing);
    EXPECT_THROW(writeRtStructFromLabels(labels, styles, ref, *dir_ / "bad.dcm"), Error);
}

TEST_F(PhantomExport, SlicesStackedTheOtherWayExportTheSameVoxels) {
    // The same labels with the slice axis reversed (last slice first, direction flipped).
    const LabelImage::Pointer labels = readLabelMap(labelsFile());
    const auto size = labels->GetLargestPossibleRegion().GetSize();
    auto flipped = LabelImage::New();
    flipped->SetRegions(labels->GetLargestPossibleRegion());
    flipped->SetSpacing(labels->GetSpacing());
    LabelImage::IndexType last = {{0, 0, static_cast<long>(size[2]) - 1}};
    LabelImage::PointType origin;
    labels->TransformIndexToPhysicalPoint(last, origin);
    flipped->SetOrigin(origin);
    auto dir = labels->GetDirection();
    for (unsigned r = 0; r < 3; ++r) dir(r, 2) = -dir(r, 2);
    flipped->SetDirection(dir);
    flipped->Allocate();
    const size_t plane = size[0] * size[1];
    for (size_t k = 0; k < size[2]; ++k)
        std::copy(labels->GetBufferPointer() + k * plane, labels->GetBufferPointer() + (k + 1) * plane,
                  flipped->GetBufferPointer() + (size[2] - 1 - k) * plane);
    const ReferencedSeries ref = readReferencedSeries(ctDir());
    const auto styles = styleLabels({1, 101}, *legend_);
    writeDicomSeg(flipped, styles, ref, *dir_ / "flipped_seg.dcm");
    writeRtStructFromLabels(flipped, styles, ref, *dir_ / "flipped_rt.dcm");
    const Volume ct = readVolume(ctDir());
    const SegImport back = readDicomSeg(*dir_ / "flipped_seg.dcm", ct.image);
    const RtStructSet rt = readRtStruct(*dir_ / "flipped_rt.dcm");
    const MaskImage::Pointer lesion = rasterizeRoi(rt.roi("lesion 1"), ct.image, ct.meta.frameOfReferenceUid);
    size_t differ = 0, lesionDiffer = 0;
    for (size_t i = 0; i < plane * size[2]; ++i) {
        const auto v = labels->GetBufferPointer()[i];
        const bool chosen = v == 1 || v == 101;
        differ += back.labels->GetBufferPointer()[i] != (chosen ? v : 0);
        lesionDiffer += (lesion->GetBufferPointer()[i] != 0) != (v == 101);
    }
    EXPECT_EQ(differ, 0u);
    EXPECT_EQ(lesionDiffer, 0u);
}

TEST_F(PhantomExport, CliExportsListsAndRefusesBadInput) {
    const fs::path out = test::scratchDir("export_cli");
    auto r = test::runIrplan({"export", "--labels", labelsFile().string(), "--ct-dicom", ctDir().string(), "--out",
                              out.string(), "--format", "seg,rtstruct,nifti", "--legend",
                              (*dir_ / "phantom" / "truth.json").string(), "--select", "1,102", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j["files"]["seg"]["segments"], 2);
    EXPECT_EQ(j["structures"][1]["name"], "lesion 2");
    EXPECT_TRUE(fs::exists(out / "segmentation.dcm") && fs::exists(out / "rtstruct.dcm") &&
                fs::exists(out / "labels.nii.gz"));
    r = test::runIrplan({"seg", (out / "segmentation.dcm").string(), "--volume", ctDir().string(), "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json s = Json::parse(r.out);
    ASSERT_EQ(s["segments"].size(), 2u);
    EXPECT_EQ(s["segments"][1]["label"], 102);
    EXPECT_EQ(s["refers_to_volume"], true);

    // NIfTI needs no CT series.
    const fs::path niftiOut = test::scratchDir("export_cli_nifti");
    r = test::runIrplan({"export", "--labels", labelsFile().string(), "--out", niftiOut.string(), "--format", "nifti",
                         "--select", "101,102", "--legend", (*dir_ / "phantom" / "truth.json").string()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(readLegend(niftiOut / "legend.json").at(102), "lesion 2");
    EXPECT_EQ(labelsPresent(readLabelMap(niftiOut / "labels.nii.gz")), (std::vector<int>{101, 102}));

    auto oneLine = [](const test::CliResult& res) {
        EXPECT_EQ(res.exitCode, 1) << res.err;
        EXPECT_EQ(std::count(res.err.begin(), res.err.end(), '\n'), 1) << res.err;
        EXPECT_EQ(res.err.rfind("irplan: error: ", 0), 0u) << res.err;
    };
    oneLine(test::runIrplan({"export", "--labels", labelsFile().string(), "--out", out.string()}));
    oneLine(test::runIrplan({"export", "--labels", labelsFile().string(), "--ct-dicom", ctDir().string(), "--out",
                             out.string(), "--format", "stl"}));
    oneLine(test::runIrplan({"export", "--labels", labelsFile().string(), "--ct-dicom", ctDir().string(), "--out",
                             out.string(), "--select", "99"}));
    oneLine(test::runIrplan(
        {"export", "--labels", (out / "nope.nii.gz").string(), "--ct-dicom", ctDir().string(), "--out", out.string()}));
    oneLine(test::runIrplan({"seg", (out / "rtstruct.dcm").string()}));
}

// Real data: the STS_001 CT crop (DICOM) and its expert GTV mask (NIfTI on the CT grid).
TEST(RealDataExport, SarcomaGtvRoundTripsThroughSegAndRtStruct) {
    IRPLAN_SHARED_ZIP(ctZip, "sts001-fdg-petct-mr/crop/STS_001_CT_crop_dicom.zip");
    IRPLAN_SHARED_FILE(maskFile, "sts001-fdg-petct-mr/crop/STS_001_CT_crop_GTV_Mass_mask.nii.gz");
    const fs::path out = test::scratchDir("export_sts001");
    const LabelImage::Pointer mask = readLabelMap(maskFile);
    const ReferencedSeries ref = readReferencedSeries(ctZip / "image");
    const auto styles = styleLabels({1}, {{1, "GTV_Mass"}});
    EXPECT_EQ(styles[0].rtInterpretedType, "GTV");
    writeDicomSeg(mask, styles, ref, out / "seg.dcm");
    writeRtStructFromLabels(mask, styles, ref, out / "rtstruct.dcm");

    const Volume ct = readVolume(ctZip / "image");
    const SegImport seg = readDicomSeg(out / "seg.dcm", ct.image);
    const auto* ps = seg.labels->GetBufferPointer();
    const double dSeg = dice(mask, 1, seg.labels, [&](size_t i) { return ps[i] == 1; });
    const RtStructSet rt = readRtStruct(out / "rtstruct.dcm");
    const MaskImage::Pointer m = rasterizeRoi(rt.roi("GTV_Mass"), ct.image, ct.meta.frameOfReferenceUid);
    const auto* pm = m->GetBufferPointer();
    const double dRt = dice(mask, 1, m, [&](size_t i) { return pm[i] != 0; });
    const auto& sp = ct.image->GetSpacing();
    const double ml = static_cast<double>(seg.segments[0].voxels) * sp[0] * sp[1] * sp[2] / 1000.0;
    std::printf("STS_001 GTV: %zu voxels, %.1f mL; Dice SEG %.4f, RTSTRUCT %.4f\n", seg.segments[0].voxels, ml, dSeg,
                dRt);
    // README: 117,145 voxels, 365.3 mL.
    EXPECT_EQ(seg.segments[0].voxels, 117145u);
    EXPECT_NEAR(ml, 365.3, 0.5);
    EXPECT_GE(dSeg, 0.98);
    EXPECT_GE(dRt, 0.98);
    EXPECT_EQ(seg.references.referencedSeriesUids.at(0), ct.meta.seriesInstanceUid);
    EXPECT_EQ(readDicomReferences(out / "rtstruct.dcm").referencedSeriesUids.at(0), ct.meta.seriesInstanceUid);
    EXPECT_EQ(seg.references.frameOfReferenceUid, ct.meta.frameOfReferenceUid);
}

} // namespace
