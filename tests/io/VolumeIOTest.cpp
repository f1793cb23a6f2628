// Writers and readers of NIfTI, MetaImage and NRRD: oblique geometry, values,
// pixel types and units survive a round trip; writes are atomic and never
// replace an input; label maps are checked.
#include "core/Error.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "io/VolumeInfo.h"
#include "tests/io/IoTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

using namespace irplan;
namespace fs = std::filesystem;

namespace {
const std::vector<std::string> kExtensions = {".nii.gz", ".nii", ".mha", ".mhd", ".nrrd"};

// 7 x 5 x 4 voxels, anisotropic spacing, an oblique direction, a non-trivial
// origin and values that are neither integers nor symmetric.
Volume obliqueVolume(Units units = Units::SUVbw, const std::string& modality = "PT") {
    Volume v;
    v.image = test::makeImage({7, 5, 4}, {0.8, 1.25, 3.3}, {-120.5, 33.25, -881.3},
                              Mat3::rotationXYZ(0.3, -0.2, 0.6), [](unsigned i, unsigned j, unsigned k) {
                                  return static_cast<float>(0.37 * i - 1.5 * j + 12.125 * k * k + 0.001);
                              });
    v.meta.units = units;
    v.meta.modality = modality;
    return v;
}

void expectSameGeometry(const itk::ImageBase<3>* a, const itk::ImageBase<3>* b, const std::string& what) {
    ASSERT_EQ(a->GetLargestPossibleRegion().GetSize(), b->GetLargestPossibleRegion().GetSize()) << what;
    for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(a->GetSpacing()[i], b->GetSpacing()[i], 1e-5) << what << " spacing " << i;
        EXPECT_NEAR(a->GetOrigin()[i], b->GetOrigin()[i], 1e-4) << what << " origin " << i;
        for (int j = 0; j < 3; ++j)
            EXPECT_NEAR(a->GetDirection()(i, j), b->GetDirection()(i, j), 1e-5) << what << " direction " << i << j;
    }
}

std::set<std::string> names(const fs::path& dir) {
    std::set<std::string> out;
    for (auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}
} // namespace

TEST(VolumeIO, FloatRoundTripKeepsObliqueGeometryValuesAndUnits) {
    files::clearInputs();
    const auto dir = test::scratchDir("volumeio_float");
    const Volume v = obliqueVolume();
    for (const auto& ext : kExtensions) {
        const fs::path p = dir / ("suv" + ext);
        writeVolume(v, p);
        const Volume back = readVolume(p);
        expectSameGeometry(v.image, back.image, ext);
        const float* a = v.image->GetBufferPointer();
        const float* b = back.image->GetBufferPointer();
        size_t differ = 0;
        for (size_t i = 0; i < 7 * 5 * 4; ++i) differ += a[i] != b[i];
        EXPECT_EQ(differ, 0u) << ext;
        EXPECT_EQ(back.meta.units, Units::SUVbw) << ext;
        EXPECT_EQ(back.meta.modality, "PT") << ext;
        EXPECT_TRUE(back.meta.suv.available) << ext;
        EXPECT_DOUBLE_EQ(back.meta.suv.factor, 1.0) << ext;
        EXPECT_EQ(back.meta.format, ext == ".nrrd" ? "nrrd" : (ext[1] == 'n' ? "nifti" : "metaimage")) << ext;
        EXPECT_EQ(axisCodes(back.image->GetDirection()), axisCodes(v.image->GetDirection())) << ext;
    }
    // Exactly the files asked for (plus the compressed .mhd's .zraw): no temporaries left.
    EXPECT_EQ(names(dir),
              (std::set<std::string>{"suv.nii.gz", "suv.nii", "suv.mha", "suv.mhd", "suv.zraw", "suv.nrrd"}));
}

TEST(VolumeIO, Int16RoundTripRoundsAndClampsAndKeepsHu) {
    files::clearInputs();
    const auto dir = test::scratchDir("volumeio_int16");
    Volume v = obliqueVolume(Units::HU, "CT");
    float* p = v.image->GetBufferPointer();
    p[0] = -1024.4f;
    p[1] = 3071.5f; // rounds away from zero
    p[2] = 40000.0f; // clamps to 32767
    p[3] = -40000.0f;
    for (const auto& ext : kExtensions) {
        const fs::path out = dir / ("ct" + ext);
        WriteOptions o;
        o.pixelType = PixelType::Int16;
        writeVolume(v, out, o);
        const Volume back = readVolume(out);
        expectSameGeometry(v.image, back.image, ext);
        const float* b = back.image->GetBufferPointer();
        EXPECT_EQ(b[0], -1024.0f) << ext;
        EXPECT_EQ(b[1], 3072.0f) << ext;
        EXPECT_EQ(b[2], 32767.0f) << ext;
        EXPECT_EQ(b[3], -32768.0f) << ext;
        size_t differ = 0;
        for (size_t i = 4; i < 140; ++i) differ += b[i] != std::round(p[i]);
        EXPECT_EQ(differ, 0u) << ext;
        EXPECT_EQ(back.meta.units, Units::HU) << ext;
        EXPECT_EQ(back.meta.modality, "CT") << ext;
        EXPECT_FALSE(back.meta.suv.available) << ext;
    }
}

TEST(VolumeIO, LabelMapAndMaskRoundTrips) {
    files::clearInputs();
    const auto dir = test::scratchDir("volumeio_labels");
    const Volume v = obliqueVolume();
    auto labels = LabelImage::New();
    labels->CopyInformation(v.image);
    labels->SetRegions(v.image->GetLargestPossibleRegion());
    labels->Allocate();
    auto mask = MaskImage::New();
    mask->CopyInformation(v.image);
    mask->SetRegions(v.image->GetLargestPossibleRegion());
    mask->Allocate();
    for (size_t i = 0; i < 140; ++i) {
        labels->GetBufferPointer()[i] = static_cast<LabelImage::PixelType>(i % 3 == 0 ? 0 : 1000 + i * 300);
        mask->GetBufferPointer()[i] = static_cast<MaskImage::PixelType>(i % 7 == 0);
    }
    for (const auto& ext : kExtensions) {
        writeLabelMap(labels, dir / ("labels" + ext));
        writeMask(mask, dir / ("mask" + ext));
        const auto l = readLabelMap(dir / ("labels" + ext));
        const auto m = readLabelMap(dir / ("mask" + ext));
        expectSameGeometry(labels, l, ext);
        expectSameGeometry(mask, m, ext);
        size_t differ = 0;
        for (size_t i = 0; i < 140; ++i) {
            differ += l->GetBufferPointer()[i] != labels->GetBufferPointer()[i];
            differ += m->GetBufferPointer()[i] != mask->GetBufferPointer()[i];
        }
        EXPECT_EQ(differ, 0u) << ext;
        EXPECT_EQ(l->GetBufferPointer()[139], 1000 + 139 * 300) << ext; // 16-bit labels kept
    }
}

TEST(VolumeIO, LabelMapReaderRejectsNonLabels) {
    files::clearInputs();
    const auto dir = test::scratchDir("volumeio_notlabels");
    Volume v = obliqueVolume();
    writeVolume(v, dir / "float.nii.gz"); // floating-point values
    EXPECT_THROW(readLabelMap(dir / "float.nii.gz"), Error);
    v.image->GetBufferPointer()[5] = -3;
    WriteOptions o;
    o.pixelType = PixelType::Int16;
    writeVolume(v, dir / "negative.nii.gz", o);
    try {
        readLabelMap(dir / "negative.nii.gz");
        FAIL() << "a negative label was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("-3"), std::string::npos) << e.what();
    }
}

TEST(VolumeIO, RealLabelMapVoxelCounts) {
    IRPLAN_SHARED_FILE(path, "totalsegmentator-examples/example_seg.nii.gz");
    const auto labels = readLabelMap(path);
    std::map<int, size_t> counts;
    const auto* p = labels->GetBufferPointer();
    for (size_t i = 0, n = labels->GetBufferedRegion().GetNumberOfPixels(); i < n; ++i) ++counts[p[i]];
    // README: liver 38634, spleen 9452, aorta 997, IVC 1368, portal/splenic vein 901.
    EXPECT_EQ(counts[5], 38634u);
    EXPECT_EQ(counts[1], 9452u);
    EXPECT_EQ(counts[52], 997u);
    EXPECT_EQ(counts[63], 1368u);
    EXPECT_EQ(counts[64], 901u);
    EXPECT_EQ(labels->GetLargestPossibleRegion().GetSize()[2], 30u);
}

TEST(VolumeIO, UnitsWithoutSuvAndUnknownUnits) {
    files::clearInputs();
    const auto dir = test::scratchDir("volumeio_units");
    for (const auto& ext : kExtensions) {
        writeVolume(obliqueVolume(Units::BQML, "PT"), dir / ("bq" + ext));
        const Volume bq = readVolume(dir / ("bq" + ext));
        EXPECT_EQ(bq.meta.units, Units::BQML) << ext;
        EXPECT_FALSE(bq.meta.suv.available) << ext; // the SUV tags do not travel with the file
        EXPECT_NE(bq.meta.suv.reason.find("Bq/mL"), std::string::npos) << bq.meta.suv.reason;
        writeVolume(obliqueVolume(Units::Unknown, ""), dir / ("unknown" + ext));
        EXPECT_EQ(readVolume(dir / ("unknown" + ext)).meta.units, Units::Unknown) << ext;
    }
    EXPECT_THROW(writeVolume(obliqueVolume(), dir / "volume.png"), Error);
    EXPECT_FALSE(fs::exists(dir / "volume.png"));
}

TEST(VolumeIO, WritingOntoAnInputIsRefusedAndTheInputIsUnchanged) {
    files::clearInputs();
    const auto dir = test::scratchDir("volumeio_input");
    for (const auto& ext : kExtensions) {
        const fs::path p = dir / ("input" + ext);
        writeVolume(obliqueVolume(), p);
        const std::string before = test::fileBytes(p);
        const auto rawBefore = test::snapshot(dir);
        (void)readVolume(p);
        Volume other = obliqueVolume(Units::HU, "CT");
        other.image->GetBufferPointer()[0] = 42;
        try {
            writeVolume(other, p);
            FAIL() << "overwrote the input " << p;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("input"), std::string::npos) << e.what();
        }
        EXPECT_EQ(test::fileBytes(p), before) << ext;
        EXPECT_EQ(test::snapshot(dir), rawBefore) << ext; // no companion changed, no temporary left
        // The same file under another spelling is the same input.
        EXPECT_THROW(writeVolume(other, dir / "." / ("input" + ext)), Error) << ext;
    }
    // Another file beside the inputs is fine.
    writeVolume(obliqueVolume(), dir / "output.nii.gz");
    EXPECT_TRUE(fs::exists(dir / "output.nii.gz"));
    files::clearInputs();
}

TEST(VolumeIO, NonFiniteVoxelsAreRefusedUnlessAllowed) {
    files::clearInputs();
    const auto dir = test::scratchDir("volumeio_nan");
    Volume v = obliqueVolume();
    v.image->GetBufferPointer()[3] = std::numeric_limits<float>::quiet_NaN();
    v.image->GetBufferPointer()[4] = std::numeric_limits<float>::infinity();
    for (const auto& ext : kExtensions) {
        const fs::path p = dir / ("nan" + ext);
        writeVolume(v, p);
        try {
            readVolume(p);
            ADD_FAILURE() << "NaN voxels were accepted from " << ext;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("2 voxels that are NaN or infinite"), std::string::npos) << e.what();
        }
        ReadOptions o;
        o.allowNonFinite = true;
        const Volume back = readVolume(p, o);
        const ValueRange r = valueRange(back.image); // finite voxels only
        EXPECT_TRUE(std::isfinite(r.min) && std::isfinite(r.max)) << ext;
        if (ext.rfind(".nii", 0) == 0) {
            // The NIfTI library turns them into 0; IRPlan says so.
            EXPECT_EQ(back.image->GetBufferPointer()[3], 0.0f) << ext;
            ASSERT_EQ(back.meta.warnings.size(), 1u) << ext;
            EXPECT_NE(back.meta.warnings[0].find("2 voxels are NaN or infinite"), std::string::npos);
        } else {
            EXPECT_TRUE(std::isnan(back.image->GetBufferPointer()[3])) << ext;
            EXPECT_TRUE(std::isinf(back.image->GetBufferPointer()[4])) << ext;
        }
    }
}

TEST(VolumeIO, ValidateGeometryRejectsBrokenGrids) {
    auto img = test::makeImage({4, 4, 4}, {1, 1, 1}, {0, 0, 0}, Mat3::identity(),
                               [](unsigned, unsigned, unsigned) { return 0.0f; });
    EXPECT_NO_THROW(validateGeometry(img, "grid"));
    FloatImage::DirectionType d = img->GetDirection();
    d(0, 1) = 0.5; // axes not orthogonal
    img->SetDirection(d);
    EXPECT_THROW(validateGeometry(img, "grid"), Error);
    auto flat = test::makeImage({4, 4, 1}, {1, 1, 1}, {0, 0, 0}, Mat3::identity(),
                                [](unsigned, unsigned, unsigned) { return 0.0f; });
    EXPECT_THROW(validateGeometry(flat, "flat"), Error);
}
