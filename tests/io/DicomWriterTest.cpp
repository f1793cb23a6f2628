// writeDicomSeries -> readVolume round trips: oblique geometry, CT HU, PET
// Bq/mL with per-slice slopes and the SUV tags (the factor is recomputed by
// hand from the written tags).
#include "core/Error.h"
#include "io/DicomWriter.h"
#include "io/VolumeIO.h"
#include "io/VolumeInfo.h"
#include "core/Files.h"
#include "tests/io/IoTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace irplan;

namespace {
FloatImage::Pointer obliqueGrid(const std::function<float(unsigned, unsigned, unsigned)>& value) {
    return test::makeImage({16, 12, 9}, {0.7, 0.9, 2.5}, {-40.25, 12.5, -300.75}, Mat3::rotationXYZ(0.15, -0.1, 0.4),
                           value);
}

DicomSeriesSpec specFor(const std::string& modality, const std::string& seed) {
    DicomSeriesSpec s;
    s.modality = modality;
    s.seriesDescription = "round trip " + modality;
    s.studyInstanceUid = dicomUidFor(seed + "/study");
    s.seriesInstanceUid = dicomUidFor(seed + "/series");
    s.frameOfReferenceUid = dicomUidFor(seed + "/frame");
    s.uidSeed = seed;
    return s;
}

void expectSameGeometry(const FloatImage* a, const FloatImage* b) {
    ASSERT_EQ(a->GetLargestPossibleRegion().GetSize(), b->GetLargestPossibleRegion().GetSize());
    for (int i = 0; i < 3; ++i) {
        EXPECT_NEAR(a->GetSpacing()[i], b->GetSpacing()[i], 1e-4) << "spacing " << i;
        EXPECT_NEAR(a->GetOrigin()[i], b->GetOrigin()[i], 1e-3) << "origin " << i;
        for (int j = 0; j < 3; ++j) EXPECT_NEAR(a->GetDirection()(i, j), b->GetDirection()(i, j), 1e-5);
    }
}
} // namespace

TEST(DicomWriter, UidsAreValidAndStable) {
    const std::string a = dicomUidFor("x"), b = dicomUidFor("x"), c = dicomUidFor("y");
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_EQ(a.rfind("2.25.", 0), 0u);
    EXPECT_LE(a.size(), 64u);
    EXPECT_EQ(a.find_first_not_of("0123456789.", 0), std::string::npos) << a;
    EXPECT_NE(a[5], '0'); // no leading zero in a UID component
}

TEST(DicomWriter, CtRoundTripIsExactInHu) {
    files::clearInputs();
    const auto dir = test::scratchDir("dicomwriter_ct");
    const auto img = obliqueGrid([](unsigned i, unsigned j, unsigned k) {
        return static_cast<float>(static_cast<int>(i * 131 + j * 37 + k * 401) % 3000 - 1000);
    });
    const DicomSeriesSpec spec = specFor("CT", "ct-roundtrip");
    writeDicomSeries(img, dir, spec);
    EXPECT_EQ(test::countEntries(dir), 9); // one file per slice, nothing else
    const Volume v = readVolume(dir);
    expectSameGeometry(img, v.image);
    EXPECT_EQ(v.meta.units, Units::HU);
    EXPECT_EQ(v.meta.seriesInstanceUid, spec.seriesInstanceUid);
    EXPECT_EQ(v.meta.frameOfReferenceUid, spec.frameOfReferenceUid);
    size_t differ = 0;
    for (size_t i = 0, n = img->GetBufferedRegion().GetNumberOfPixels(); i < n; ++i)
        differ += img->GetBufferPointer()[i] != v.image->GetBufferPointer()[i];
    EXPECT_EQ(differ, 0u);
    EXPECT_TRUE(v.meta.warnings.empty()) << v.meta.warnings.front();
}

TEST(DicomWriter, PetRoundTripKeepsActivityAndSuvTags) {
    files::clearInputs();
    const auto dir = test::scratchDir("dicomwriter_pet");
    // Activity rising with k so every slice gets its own RescaleSlope.
    const auto img = obliqueGrid([](unsigned i, unsigned j, unsigned k) {
        return static_cast<float>(1000.0 * (k + 1) * (1.0 + 0.01 * i + 0.003 * j));
    });
    DicomSeriesSpec spec = specFor("PT", "pet-roundtrip");
    spec.patientWeightKg = 70;
    spec.patientSizeM = 1.75;
    spec.patientSex = "F";
    spec.seriesTime = "090000";
    PetSeriesTags pet;
    pet.totalDoseBq = 3.7e8;
    pet.halfLifeSeconds = 6586.2;
    pet.startDateTime = "20260101083000";
    pet.radiopharmaceutical = "Fluorodeoxyglucose";
    pet.radionuclideCodeMeaning = "^18^Fluorine";
    spec.pet = pet;
    writeDicomSeries(img, dir, spec);
    const Volume v = readVolume(dir);
    expectSameGeometry(img, v.image);
    EXPECT_EQ(v.meta.units, Units::BQML);
    double worstRel = 0;
    for (size_t i = 0, n = img->GetBufferedRegion().GetNumberOfPixels(); i < n; ++i) {
        const double a = img->GetBufferPointer()[i], b = v.image->GetBufferPointer()[i];
        worstRel = std::max(worstRel, std::abs(a - b) / a);
    }
    EXPECT_LT(worstRel, 1e-4); // int16 with a per-slice slope: < 1/32000 of the slice maximum
    ASSERT_TRUE(v.meta.suv.available) << v.meta.suv.reason;
    EXPECT_DOUBLE_EQ(v.meta.suv.decaySeconds, 1800.0); // 08:30 -> 09:00
    const double factor = 70000.0 / (3.7e8 * std::exp(-std::log(2.0) * 1800.0 / 6586.2));
    EXPECT_NEAR(v.meta.suv.factor / factor, 1.0, 1e-9);
    EXPECT_NE(v.meta.suv.radionuclide.find("^18^Fluorine"), std::string::npos) << v.meta.suv.radionuclide;
    ASSERT_TRUE(v.meta.suv.sulAvailable) << v.meta.suv.sulReason;
    EXPECT_NEAR(v.meta.suv.leanBodyMassKg, 9270.0 * 70 / (8780 + 244 * 70 / (1.75 * 1.75)), 1e-6);
}

TEST(DicomWriter, PetWithoutStartTimeIsAnErrorNotACrash) {
    files::clearInputs();
    const auto dir = test::scratchDir("dicomwriter_pet_notime");
    const auto img = obliqueGrid([](unsigned, unsigned, unsigned) { return 10.0f; });
    DicomSeriesSpec spec = specFor("PT", "pet-notime");
    spec.pet = PetSeriesTags{}; // no start date/time, no dose
    try {
        writeDicomSeries(img, dir, spec);
        const Volume v = readVolume(dir);
        EXPECT_FALSE(v.meta.suv.available); // written without the tags: SUV unavailable, said why
        EXPECT_FALSE(v.meta.suv.reason.empty());
    } catch (const Error&) {
        SUCCEED(); // refusing to write is fine too
    }
}
