// The bad-input corpus, through the CLI: `irplan info PATH --json` on every
// kind of broken input must exit with code 1 (no crash, no 0), print exactly
// one line "irplan: error: ..." that says what is wrong, print nothing on
// stdout, and leave the input (and its directory) byte-identical. The corpus
// is generated here, in the build tree; nothing binary is committed.
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "tests/io/IoTestUtil.h"

#include <gtest/gtest.h>
#include <itkImage.h>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>

#include <cstring>

using namespace irplan;
namespace fs = std::filesystem;

namespace {

// 24 x 20 x 12 float CT-like volume with some structure (so gzip cannot
// shrink it to nothing).
Volume sampleVolume() {
    Volume v;
    v.image = test::makeImage({24, 20, 12}, {0.9, 0.9, 2.5}, {-10, 20, -300}, Mat3::identity(),
                              [](unsigned i, unsigned j, unsigned k) {
                                  return static_cast<float>(static_cast<int>((i * 7919 + j * 104729 + k * 1299709) % 2000) - 1000);
                              });
    v.meta.units = Units::HU;
    v.meta.modality = "CT";
    return v;
}

fs::path writeSample(const fs::path& p, bool compress = true) {
    files::clearInputs();
    WriteOptions o;
    o.compress = compress;
    writeVolume(sampleVolume(), p, o);
    return p;
}

template <unsigned D>
fs::path writeItk(const fs::path& p, const std::array<unsigned, D>& size) {
    using Image = itk::Image<float, D>;
    auto img = Image::New();
    typename Image::RegionType region;
    typename Image::SizeType s;
    for (unsigned i = 0; i < D; ++i) s[i] = size[i];
    region.SetSize(s);
    img->SetRegions(region);
    img->Allocate(true);
    auto w = itk::ImageFileWriter<Image>::New();
    w->SetInput(img);
    if (files::extensionOf(p) == ".nrrd") w->SetImageIO(itk::NrrdImageIO::New());
    else w->SetImageIO(itk::NiftiImageIO::New());
    w->SetFileName(p.string());
    w->Update();
    return p;
}

// Runs `irplan info PATH --json` and checks the contract; `needles` must all
// appear in the error line. Returns the line.
std::string expectCleanError(const fs::path& input, const std::vector<std::string>& needles) {
    const fs::path watched = input.parent_path(); // the input and everything beside it
    const auto before = test::snapshot(watched);
    const test::CliResult r = test::runIrplan({"info", input.string(), "--json"});
    EXPECT_EQ(r.exitCode, 1) << input << "\nstderr: " << r.err;
    EXPECT_EQ(r.out, "") << input;
    const auto errLines = test::lines(r.err);
    EXPECT_EQ(errLines.size(), 1u) << input << "\nstderr: " << r.err;
    const std::string line = errLines.empty() ? std::string() : errLines.front();
    EXPECT_EQ(line.rfind("irplan: error: ", 0), 0u) << line;
    for (const auto& n : needles) EXPECT_NE(line.find(n), std::string::npos) << "missing '" << n << "' in: " << line;
    EXPECT_EQ(test::snapshot(watched), before) << "the input or its directory changed: " << input;
    std::cout << "[ corpus ] " << input.filename().string() << " -> " << line << "\n";
    return line;
}

} // namespace

TEST(BadInput, MissingPath) {
    const auto dir = test::scratchDir("bad_missing");
    expectCleanError(dir / "does-not-exist.nii.gz", {"no such file or directory", "does-not-exist.nii.gz"});
}

TEST(BadInput, EmptyDirectory) {
    const auto dir = test::scratchDir("bad_empty_dir");
    fs::create_directory(dir / "empty");
    expectCleanError(dir / "empty", {"no files in", "empty"});
}

TEST(BadInput, EmptyFile) {
    const auto dir = test::scratchDir("bad_empty_file");
    test::writeBytes(dir / "empty.nii.gz", "");
    expectCleanError(dir / "empty.nii.gz", {"empty.nii.gz", "is empty"});
    test::writeBytes(dir / "empty.dcm", "");
    expectCleanError(dir / "empty.dcm", {"empty.dcm", "neither DICOM nor"});
}

TEST(BadInput, TruncatedNiftiGz) {
    const auto dir = test::scratchDir("bad_truncated_niigz");
    const std::string bytes = test::fileBytes(writeSample(dir / "full.nii.gz"));
    ASSERT_GT(bytes.size(), 2000u);
    test::writeBytes(dir / "half.nii.gz", bytes.substr(0, bytes.size() / 2));
    expectCleanError(dir / "half.nii.gz", {"half.nii.gz", "truncated or damaged"});
    test::writeBytes(dir / "header_cut.nii.gz", bytes.substr(0, 60));
    expectCleanError(dir / "header_cut.nii.gz", {"header_cut.nii.gz"});
}

TEST(BadInput, TruncatedNifti) {
    const auto dir = test::scratchDir("bad_truncated_nii");
    const std::string bytes = test::fileBytes(writeSample(dir / "full.nii", false));
    ASSERT_EQ(bytes.size(), 352u + 24 * 20 * 12 * 4);
    test::writeBytes(dir / "half.nii", bytes.substr(0, bytes.size() / 2));
    expectCleanError(dir / "half.nii", {"half.nii", "truncated or damaged"});
    test::writeBytes(dir / "header_cut.nii", bytes.substr(0, 200));
    expectCleanError(dir / "header_cut.nii", {"header_cut.nii"});
}

TEST(BadInput, TruncatedMetaImageAndNrrd) {
    const auto dir = test::scratchDir("bad_truncated_other");
    for (const std::string ext : {".mha", ".nrrd"}) {
        const std::string bytes = test::fileBytes(writeSample(dir / ("full" + ext), false));
        test::writeBytes(dir / ("half" + ext), bytes.substr(0, bytes.size() / 2));
        expectCleanError(dir / ("half" + ext), {"half" + ext});
    }
    // A compressed .mha cut short (its header states CompressedDataSize).
    const std::string zbytes = test::fileBytes(writeSample(dir / "fullz.mha", true));
    ASSERT_NE(zbytes.find("CompressedDataSize"), std::string::npos);
    test::writeBytes(dir / "halfz.mha", zbytes.substr(0, zbytes.size() - 2000));
    expectCleanError(dir / "halfz.mha", {"halfz.mha", "truncated"});
    // A .mhd whose .raw lost its second half.
    writeSample(dir / "pair.mhd", false);
    const std::string raw = test::fileBytes(dir / "pair.raw");
    ASSERT_EQ(raw.size(), 24u * 20 * 12 * 4);
    test::writeBytes(dir / "pair.raw", raw.substr(0, raw.size() / 2));
    expectCleanError(dir / "pair.mhd", {"pair.mhd"});
}

TEST(BadInput, RandomBytesUnderImageNames) {
    const auto dir = test::scratchDir("bad_random");
    unsigned seed = 1;
    for (const std::string name : {"noise.nii.gz", "noise.nii", "noise.mha", "noise.nrrd", "noise.dcm"}) {
        test::writeBytes(dir / name, test::randomBytes(70000, seed++));
        const std::string line = expectCleanError(dir / name, {name});
        EXPECT_TRUE(line.find("not a readable") != std::string::npos || line.find("damaged") != std::string::npos ||
                    line.find("neither DICOM") != std::string::npos)
            << line;
    }
}

TEST(BadInput, NiftiWithNanVoxels) {
    const auto dir = test::scratchDir("bad_nan");
    Volume v = sampleVolume();
    v.image->GetBufferPointer()[100] = std::numeric_limits<float>::quiet_NaN();
    v.image->GetBufferPointer()[200] = std::numeric_limits<float>::quiet_NaN();
    v.image->GetBufferPointer()[300] = -std::numeric_limits<float>::infinity();
    files::clearInputs();
    writeVolume(v, dir / "nan.nii.gz");
    expectCleanError(dir / "nan.nii.gz", {"nan.nii.gz", "3 voxels", "NaN or infinite"});
}

TEST(BadInput, NiftiWithZeroSpacing) {
    const auto dir = test::scratchDir("bad_zero_spacing");
    std::string bytes = test::fileBytes(writeSample(dir / "ok.nii", false));
    // pixdim[1..3] are floats at byte offsets 80, 84, 88 of the NIfTI-1 header.
    float pixdim[3];
    std::memcpy(pixdim, bytes.data() + 80, sizeof pixdim);
    ASSERT_FLOAT_EQ(pixdim[0], 0.9f);
    ASSERT_FLOAT_EQ(pixdim[2], 2.5f);
    const float zero = 0.0f;
    std::memcpy(bytes.data() + 88, &zero, sizeof zero); // z spacing 0
    test::writeBytes(dir / "zero_z.nii", bytes);
    expectCleanError(dir / "zero_z.nii", {"zero_z.nii", "spacing", "axis 2"});
    std::memcpy(bytes.data() + 88, &pixdim[2], sizeof zero);
    std::memcpy(bytes.data() + 80, &zero, sizeof zero); // x spacing 0
    test::writeBytes(dir / "zero_x.nii", bytes);
    expectCleanError(dir / "zero_x.nii", {"zero_x.nii", "spacing", "axis 0"});
}

TEST(BadInput, TwoDimensionalImage) {
    const auto dir = test::scratchDir("bad_2d");
    writeItk<2>(dir / "slice.nii.gz", {64, 64});
    expectCleanError(dir / "slice.nii.gz", {"slice.nii.gz", "2D", "3D volume"});
    writeItk<3>(dir / "flat.nrrd", {64, 64, 1});
    expectCleanError(dir / "flat.nrrd", {"flat.nrrd", "2D"});
}

TEST(BadInput, FourDimensionalImage) {
    const auto dir = test::scratchDir("bad_4d");
    writeItk<4>(dir / "dynamic.nii.gz", {8, 8, 6, 3});
    expectCleanError(dir / "dynamic.nii.gz", {"dynamic.nii.gz", "8 x 8 x 6 x 3", "time series"});
}

TEST(BadInput, UnsupportedExtension) {
    const auto dir = test::scratchDir("bad_extension");
    test::writeBytes(dir / "scan.png", std::string("\x89PNG\r\n\x1a\n", 8) + test::randomBytes(500, 7));
    expectCleanError(dir / "scan.png", {"scan.png", "neither DICOM nor a supported image file"});
    test::writeBytes(dir / "notes.txt", "not an image\n");
    expectCleanError(dir / "notes.txt", {"notes.txt", ".nii.gz"});
}

TEST(BadInput, MixedSeriesDirectory) {
    IRPLAN_SHARED_ZIP(crlm, "crlm-ct-1006/CRLM-CT-1006_CT_dicom.zip");
    IRPLAN_SHARED_ZIP(crop, "sts001-fdg-petct-mr/crop/STS_001_CT_crop_dicom.zip");
    const auto dir = test::scratchDir("bad_mixed_series");
    test::copyFiles(crlm / "image", dir / "mixed");
    test::copyFiles(crop / "image", dir / "mixed");
    expectCleanError(dir / "mixed",
                     {"2 image series", "--series", "1.3.6.1.4.1.14519.5.2.1.9203.8273.286130801613533577338339572281",
                      "1.3.6.1.4.1.14519.5.2.1.5168.1900.449841255123215696894565592289"});
}

TEST(BadInput, DirectoryOfRandomFiles) {
    const auto dir = test::scratchDir("bad_random_dir");
    fs::create_directory(dir / "junk");
    for (unsigned i = 0; i < 4; ++i) test::writeBytes(dir / "junk" / ("f" + std::to_string(i)), test::randomBytes(3000, 40 + i));
    expectCleanError(dir / "junk", {"no DICOM files", "4 files"});
}
