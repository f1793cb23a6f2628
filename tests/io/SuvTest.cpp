// computeSuv() on hand-built tag sets: the STS_001 oracle, every missing tag,
// implausible values, clock edge cases and SUL.
#include "core/Error.h"
#include "io/Suv.h"
#include "io/Volume.h"
#include "tests/io/IoTestUtil.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace irplan;

namespace {

// The tags of the raw STS_001 whole-body FDG PET (sts001 README).
PetTags sts001Tags() {
    PetTags t;
    t.units = "BQML";
    t.decayCorrection = "START";
    t.totalDoseBq = 3.88777472e8;
    t.startTime = "103500.00";
    t.halfLifeSeconds = 6588;
    t.radionuclide = "^18^Fluorine";
    t.weightKg = 71.0;
    t.heightM = 1.63;
    t.sex = "M";
    t.seriesDate = "20000907";
    t.seriesTime = "112011.00";
    t.acquisitionDate = "20000907";
    t.acquisitionTime = "112011.00";
    return t;
}

// The SCAN_001 Lu-177 SPECT tags (lu177 README).
PetTags lu177Tags() {
    PetTags t;
    t.units = "BQML";
    t.decayCorrection = "ADMIN";
    t.totalDoseBq = 7210425599.6;
    t.startDateTime = "20181115092200";
    t.startTime = "092200";
    t.halfLifeSeconds = 574300;
    t.weightKg = 92.987;
    t.heightM = 1.753;
    t.sex = "M";
    t.seriesDate = "20181115";
    t.seriesTime = "130628.148";
    return t;
}

constexpr double kStsFactor = 2.429030e-4; // sts001 README oracle, (g/mL)/(Bq/mL)

} // namespace

TEST(Suv, StartDecayReproducesSts001Oracle) {
    const SuvInfo s = computeSuv(sts001Tags());
    ASSERT_TRUE(s.available) << s.reason;
    EXPECT_FALSE(s.alreadySuv);
    EXPECT_EQ(s.decayCorrection, "START");
    EXPECT_DOUBLE_EQ(s.decaySeconds, 2711.0); // 10:35:00 -> 11:20:11
    EXPECT_NEAR(s.decayedDoseBq, 2.92298e8, 2.92298e8 * 1e-5);
    EXPECT_NEAR(s.factor, kStsFactor, 1e-9);
    EXPECT_NEAR(s.factor / kStsFactor, 1.0, 1e-6);
    // The same number from the definition.
    const double decayed = 3.88777472e8 * std::exp(-std::log(2.0) * 2711.0 / 6588.0);
    EXPECT_NEAR(s.factor, 71000.0 / decayed, 1e-15);
    EXPECT_EQ(s.injectionDateTime, "2000-09-07 10:35:00");
    EXPECT_EQ(s.scanDateTime, "2000-09-07 11:20:11");
    EXPECT_DOUBLE_EQ(s.weightKg, 71.0);
    EXPECT_EQ(s.radionuclide, "^18^Fluorine");
    EXPECT_TRUE(s.warning.empty()) << s.warning;
    EXPECT_TRUE(s.reason.empty());
}

TEST(Suv, AdminMeansNoFurtherDecay) {
    const SuvInfo s = computeSuv(lu177Tags());
    ASSERT_TRUE(s.available) << s.reason;
    EXPECT_EQ(s.decayCorrection, "ADMIN");
    EXPECT_DOUBLE_EQ(s.decaySeconds, 0.0);
    EXPECT_DOUBLE_EQ(s.decayedDoseBq, 7210425599.6);
    EXPECT_NEAR(s.factor, 1.28962e-5, 1.28962e-5 * 1e-5); // 92987 g / 7.2104e9 Bq
    EXPECT_DOUBLE_EQ(s.factor, 92987.0 / 7210425599.6);
    // ADMIN needs neither the half-life nor the clock.
    PetTags t = lu177Tags();
    t.halfLifeSeconds.reset();
    t.seriesTime.reset();
    EXPECT_TRUE(computeSuv(t).available);
}

TEST(Suv, GmlIsAlreadyBodyWeightSuv) {
    PetTags t;
    t.units = "GML";
    t.suvType = "BW";
    t.decayCorrection = "ADMIN";
    SuvInfo s = computeSuv(t);
    ASSERT_TRUE(s.available) << s.reason;
    EXPECT_TRUE(s.alreadySuv);
    EXPECT_DOUBLE_EQ(s.factor, 1.0);
    // Without a weight SUL cannot be derived, and it says why.
    EXPECT_FALSE(s.sulAvailable);
    EXPECT_NE(s.sulReason.find("PatientWeight (0010,1030)"), std::string::npos) << s.sulReason;

    for (const char* type : {"LBM", "BSA", "IBW"}) {
        t.suvType = type;
        s = computeSuv(t);
        EXPECT_FALSE(s.available) << type;
        EXPECT_NE(s.reason.find(type), std::string::npos) << s.reason;
        EXPECT_NE(s.reason.find("(0054,1006)"), std::string::npos) << s.reason;
    }
}

TEST(Suv, CountsAreNotQuantitative) {
    PetTags t = sts001Tags();
    t.units = "CNTS";
    const SuvInfo s = computeSuv(t);
    EXPECT_FALSE(s.available);
    EXPECT_NE(s.reason.find("CNTS"), std::string::npos) << s.reason;
    EXPECT_NE(s.reason.find("Units (0054,1001)"), std::string::npos) << s.reason;
}

TEST(Suv, EachMissingTagIsNamedWithItsNumber) {
    struct Case {
        const char* what;
        std::function<void(PetTags&)> drop;
        std::vector<std::string> mustName;
    };
    const std::vector<Case> cases = {
        {"Units", [](PetTags& t) { t.units.reset(); }, {"Units (0054,1001)"}},
        {"DecayCorrection", [](PetTags& t) { t.decayCorrection.reset(); }, {"DecayCorrection (0054,1102)"}},
        {"RadionuclideTotalDose", [](PetTags& t) { t.totalDoseBq.reset(); }, {"RadionuclideTotalDose (0018,1074)"}},
        {"start times",
         [](PetTags& t) {
             t.startTime.reset();
             t.startDateTime.reset();
         },
         {"RadiopharmaceuticalStartTime (0018,1072)", "RadiopharmaceuticalStartDateTime (0018,1078)"}},
        {"RadionuclideHalfLife", [](PetTags& t) { t.halfLifeSeconds.reset(); }, {"RadionuclideHalfLife (0018,1075)"}},
        {"PatientWeight", [](PetTags& t) { t.weightKg.reset(); }, {"PatientWeight (0010,1030)"}},
        {"SeriesTime and AcquisitionTime",
         [](PetTags& t) {
             t.seriesTime.reset();
             t.acquisitionTime.reset();
         },
         {"SeriesTime (0008,0031)", "AcquisitionTime (0008,0032)"}},
    };
    for (const auto& c : cases) {
        PetTags t = sts001Tags();
        c.drop(t);
        const SuvInfo s = computeSuv(t);
        EXPECT_FALSE(s.available) << c.what;
        EXPECT_EQ(s.factor, 0.0) << c.what;
        for (const auto& name : c.mustName)
            EXPECT_NE(s.reason.find(name), std::string::npos) << c.what << ": " << s.reason;
        EXPECT_NE(s.reason.find("SUV cannot be computed"), std::string::npos) << s.reason;
    }
    // One start time is enough; and one of SeriesTime/AcquisitionTime.
    PetTags t = sts001Tags();
    t.seriesTime.reset();
    EXPECT_NEAR(computeSuv(t).factor, kStsFactor, 1e-9);
    t = sts001Tags();
    t.acquisitionTime.reset();
    EXPECT_NEAR(computeSuv(t).factor, kStsFactor, 1e-9);
}

TEST(Suv, ImplausibleDoseAndWeightAreRejected) {
    PetTags t = sts001Tags();
    t.totalDoseBq = 370; // MBq written where Bq belongs
    SuvInfo s = computeSuv(t);
    EXPECT_FALSE(s.available);
    EXPECT_NE(s.reason.find("RadionuclideTotalDose (0018,1074)"), std::string::npos) << s.reason;
    EXPECT_NE(s.reason.find("370"), std::string::npos) << s.reason;
    EXPECT_NE(s.reason.find("MBq"), std::string::npos) << s.reason;

    t = sts001Tags();
    t.weightKg = 71000; // grams written where kg belongs
    s = computeSuv(t);
    EXPECT_FALSE(s.available);
    EXPECT_NE(s.reason.find("PatientWeight (0010,1030)"), std::string::npos) << s.reason;
    EXPECT_NE(s.reason.find("71000"), std::string::npos) << s.reason;
    EXPECT_NE(s.reason.find("grams"), std::string::npos) << s.reason;

    t = sts001Tags();
    t.weightKg = 0;
    EXPECT_FALSE(computeSuv(t).available);
}

TEST(Suv, MidnightCrossingWithoutDates) {
    PetTags t = sts001Tags();
    t.seriesDate.reset();
    t.acquisitionDate.reset();
    t.acquisitionTime.reset();
    t.startTime = "233000";
    t.seriesTime = "003000";
    const SuvInfo s = computeSuv(t);
    ASSERT_TRUE(s.available) << s.reason;
    EXPECT_DOUBLE_EQ(s.decaySeconds, 3600.0);
    EXPECT_NE(s.warning.find("previous day"), std::string::npos) << s.warning;
    EXPECT_DOUBLE_EQ(s.decayedDoseBq, 3.88777472e8 * std::exp(-std::log(2.0) * 3600.0 / 6588.0));
}

TEST(Suv, MidnightCrossingWhenOnlyTheScanIsDated) {
    // StartTime carries no date; IRPlan assumes the series date. Injected at
    // 23:30 the day before a 00:30 scan, that assumption puts the injection
    // 23 h after the scan: the previous day is the only reading that fits.
    PetTags t = sts001Tags();
    t.startTime = "233000";
    t.seriesDate = "20000908";
    t.seriesTime = "003000";
    t.acquisitionDate = "20000908";
    t.acquisitionTime = "003000";
    const SuvInfo s = computeSuv(t);
    ASSERT_TRUE(s.available) << s.reason;
    EXPECT_DOUBLE_EQ(s.decaySeconds, 3600.0);
    EXPECT_EQ(s.injectionDateTime, "2000-09-07 23:30:00");
    EXPECT_NE(s.warning.find("previous day"), std::string::npos) << s.warning;
    // With a real injection date the same numbers are an error, not a guess.
    t.startDateTime = "20000908233000";
    const SuvInfo bad = computeSuv(t);
    EXPECT_FALSE(bad.available);
    EXPECT_NE(bad.reason.find("after the scan start"), std::string::npos) << bad.reason;
}

TEST(Suv, StartDateTimeIsPreferredOverStartTime) {
    PetTags t = sts001Tags();
    t.startTime = "090000"; // would give 2 h 20 min
    t.startDateTime = "20000907103500";
    SuvInfo s = computeSuv(t);
    ASSERT_TRUE(s.available) << s.reason;
    EXPECT_DOUBLE_EQ(s.decaySeconds, 2711.0);
    EXPECT_NEAR(s.factor, kStsFactor, 1e-9);
    // A StartDateTime on the previous day is used as dated (no midnight guess).
    t.startDateTime = "20000906235000";
    t.seriesTime = "001000";
    t.seriesDate = "20000907";
    t.acquisitionTime.reset();
    s = computeSuv(t);
    ASSERT_TRUE(s.available) << s.reason;
    EXPECT_DOUBLE_EQ(s.decaySeconds, 1200.0);
    EXPECT_TRUE(s.warning.empty()) << s.warning;
    // A dated injection with an undated scan: the times of day are compared.
    t = sts001Tags();
    t.startDateTime = "20000907103500";
    t.seriesDate.reset();
    t.acquisitionDate.reset();
    s = computeSuv(t);
    ASSERT_TRUE(s.available) << s.reason;
    EXPECT_DOUBLE_EQ(s.decaySeconds, 2711.0);
    // A UTC offset and fractional seconds in the DT are accepted.
    t = sts001Tags();
    t.startDateTime = "20000907103500.000000+0200";
    EXPECT_DOUBLE_EQ(computeSuv(t).decaySeconds, 2711.0);
}

TEST(Suv, AcquisitionBeforeSeriesTimeIsUsedWithAWarning) {
    PetTags t = sts001Tags();
    t.seriesTime = "113000"; // series time reset by post-processing
    t.acquisitionTime = "112011";
    const SuvInfo s = computeSuv(t);
    ASSERT_TRUE(s.available) << s.reason;
    EXPECT_DOUBLE_EQ(s.decaySeconds, 2711.0);
    EXPECT_NEAR(s.factor, kStsFactor, 1e-9);
    EXPECT_NE(s.warning.find("AcquisitionTime"), std::string::npos) << s.warning;
    // Acquisition after the series start: the series time stays.
    t.seriesTime = "112011";
    t.acquisitionTime = "113000";
    const SuvInfo later = computeSuv(t);
    EXPECT_DOUBLE_EQ(later.decaySeconds, 2711.0);
    EXPECT_TRUE(later.warning.empty());
}

TEST(Suv, ScanLongAfterInjectionOrBeforeItIsRejected) {
    PetTags t = sts001Tags();
    t.startDateTime = "20000906103500"; // a day earlier: > 10 half-lives of 18F
    SuvInfo s = computeSuv(t);
    EXPECT_FALSE(s.available);
    EXPECT_NE(s.reason.find("half-lives"), std::string::npos) << s.reason;
    t = sts001Tags();
    t.startDateTime = "20000907120000";
    s = computeSuv(t);
    EXPECT_FALSE(s.available);
    EXPECT_NE(s.reason.find("after the scan start"), std::string::npos) << s.reason;
}

TEST(Suv, SulUsesJanmahasatianLeanBodyMass) {
    // By hand: BMI = 71 / 1.63^2 = 26.72287 kg/m^2;
    // LBM(male) = 9270 * 71 / (6680 + 216 * 26.72287) = 52.85597 kg.
    const double bmi = 71.0 / (1.63 * 1.63);
    EXPECT_NEAR(bmi, 26.72287, 1e-5);
    EXPECT_NEAR(leanBodyMassKg(71.0, 1.63, "M"), 52.85597, 1e-5);
    // Female: 60 kg, 1.70 m -> BMI 20.76125, LBM = 9270 * 60 / (8780 + 244 * 20.76125) = 40.17119 kg.
    EXPECT_NEAR(leanBodyMassKg(60.0, 1.70, "F"), 40.17119, 1e-5);

    const SuvInfo s = computeSuv(sts001Tags());
    ASSERT_TRUE(s.sulAvailable) << s.sulReason;
    EXPECT_NEAR(s.leanBodyMassKg, 52.85597, 1e-5);
    EXPECT_NEAR(s.sulFactor, 52855.97 / 2.9229778e8, 1e-9); // 1.808292e-4
    EXPECT_NEAR(s.sulFactor / s.factor, 52.85597 / 71.0, 1e-6);
    EXPECT_EQ(s.sex, "M");

    PetTags t = sts001Tags();
    t.heightM.reset();
    SuvInfo no = computeSuv(t);
    EXPECT_TRUE(no.available);
    EXPECT_FALSE(no.sulAvailable);
    EXPECT_NE(no.sulReason.find("PatientSize (0010,1020)"), std::string::npos) << no.sulReason;
    t = sts001Tags();
    t.heightM = 163; // centimetres
    no = computeSuv(t);
    EXPECT_FALSE(no.sulAvailable);
    EXPECT_NE(no.sulReason.find("163"), std::string::npos) << no.sulReason;
    t = sts001Tags();
    t.sex = "O";
    no = computeSuv(t);
    EXPECT_FALSE(no.sulAvailable);
    EXPECT_NE(no.sulReason.find("PatientSex (0010,0040)"), std::string::npos) << no.sulReason;
}

TEST(Suv, DicomDateTimeParsing) {
    // 2000-09-07 is day 11207 after 1970-01-01.
    EXPECT_DOUBLE_EQ(*dicomDateTimeSeconds("20000907", "112011.00"), 11207 * 86400.0 + 40811.0);
    EXPECT_DOUBLE_EQ(*dicomDateTimeSeconds("", "1035"), 10 * 3600.0 + 35 * 60.0);
    EXPECT_DOUBLE_EQ(*dicomDateTimeSeconds("", "10:35:00.5"), 38100.5);
    EXPECT_DOUBLE_EQ(*dicomDateTimeSeconds("20181115092200"), *dicomDateTimeSeconds("20181115", "092200"));
    EXPECT_FALSE(dicomDateTimeSeconds("", "250000"));
    EXPECT_FALSE(dicomDateTimeSeconds("", "10350"));
    EXPECT_FALSE(dicomDateTimeSeconds("2000090", "103500"));
    EXPECT_FALSE(dicomDateTimeSeconds("20001307", "103500"));
    EXPECT_FALSE(dicomDateTimeSeconds("2018"));
    EXPECT_EQ(formatSeconds(*dicomDateTimeSeconds("20181115", "092200")), "2018-11-15 09:22:00");
}

TEST(Suv, ToSuvScalesVoxelsAndRefusesWithoutSuv) {
    Volume v;
    v.image = test::makeImage({3, 2, 2}, {1, 1, 1}, {0, 0, 0}, Mat3::identity(),
                              [](unsigned i, unsigned j, unsigned k) { return 1000.0f * (i + 3 * j + 6 * k); });
    v.meta.units = Units::BQML;
    v.meta.suv = computeSuv(sts001Tags());
    const Volume s = toSuv(v);
    EXPECT_EQ(s.meta.units, Units::SUVbw);
    EXPECT_DOUBLE_EQ(s.suvFactor(), 1.0);
    FloatImage::IndexType idx{{2, 1, 1}}; // 1000 * 11 Bq/mL
    EXPECT_NEAR(s.image->GetPixel(idx), 11000.0 * kStsFactor, 1e-5);
    EXPECT_FLOAT_EQ(v.image->GetPixel(idx), 11000.0f); // the input is untouched
    EXPECT_NEAR(s.meta.suv.sulFactor, 52.85597 / 71.0, 1e-6);

    v.meta.suv = computeSuv(PetTags{});
    try {
        toSuv(v);
        FAIL() << "toSuv accepted a volume without SUV";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("Units (0054,1001)"), std::string::npos) << e.what();
    }
}
