// Response criteria on hand-computed lesion tables: every category of RECIST
// 1.1, Choi and PERCIST 1.0, and the thresholds' edges (DOMAIN.md "Quantities
// people read").
#include "core/Error.h"
#include "review/Response.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace irplan;
using namespace irplan::review;

namespace {

// A lesion: id, x position (mm; y = z = 0), longest diameter, mean HU, SUVpeak (< 0: none).
struct L {
    std::string id;
    double x, ld, hu, suvPeak = -1, tlg = -1;
    std::string organ = "";
};

LesionTable table(const std::vector<L>& ls, const std::string& name) {
    Json j;
    j["lesions"] = Json::array();
    for (const auto& l : ls) {
        Json e{{"id", l.id}, {"centre_mm", {l.x, 0.0, 0.0}}, {"longest_axial_diameter_mm", l.ld}, {"mean_hu", l.hu}};
        e["suv_peak"] = l.suvPeak >= 0 ? Json(l.suvPeak) : Json(nullptr);
        e["tlg"] = l.tlg >= 0 ? Json(l.tlg) : Json(nullptr);
        if (!l.organ.empty()) e["organ"] = l.organ;
        j["lesions"].push_back(e);
    }
    return lesionTableFromJson(j, name);
}

ResponseAssessment assess(const std::vector<L>& b, const std::vector<L>& f, ResponseOptions o = {}) {
    return assessResponse(table(b, "baseline"), table(f, "follow-up"), o);
}

ResponseOptions withSul(double ratio) {
    ResponseOptions o;
    o.baselineSul.sulPerSuv = ratio;
    return o;
}

} // namespace

// ---------- RECIST 1.1 ----------

TEST(Recist, ThirtyPercentSmallerSumIsPartialResponse) {
    // 40 + 30 = 70 mm -> 28 + 21 = 49 mm: -30.0% exactly.
    const auto a = assess({{"a", 0, 40, 80}, {"b", 100, 30, 80}}, {{"1", 2, 28, 80}, {"2", 101, 21, 80}});
    std::printf("sum %.1f -> %.1f (%.1f%%)\n", a.recist.baselineSum_mm, a.recist.followupSum_mm,
                a.recist.changeFromBaseline_pct);
    EXPECT_DOUBLE_EQ(a.recist.baselineSum_mm, 70.0);
    EXPECT_DOUBLE_EQ(a.recist.followupSum_mm, 49.0);
    EXPECT_NEAR(a.recist.changeFromBaseline_pct, -30.0, 1e-9);
    EXPECT_EQ(a.recist.target, Recist::PR);
    EXPECT_EQ(a.recist.overall, Recist::PR);
}

TEST(Recist, TwentyNinePercentSmallerIsStableDisease) {
    // 70 -> 28 + 22 = 50 mm: -28.6%.
    const auto a = assess({{"a", 0, 40, 80}, {"b", 100, 30, 80}}, {{"1", 0, 28, 80}, {"2", 100, 22, 80}});
    EXPECT_NEAR(a.recist.changeFromBaseline_pct, -28.571, 1e-3);
    EXPECT_EQ(a.recist.overall, Recist::SD);
}

TEST(Recist, TwentyPercentAndFiveMillimetresLargerIsProgression) {
    // 70 -> 50 + 34 = 84 mm: +14 mm = +20.0%.
    const auto a = assess({{"a", 0, 40, 80}, {"b", 100, 30, 80}}, {{"1", 0, 50, 80}, {"2", 100, 34, 80}});
    EXPECT_NEAR(a.recist.changeFromNadir_pct, 20.0, 1e-9);
    EXPECT_DOUBLE_EQ(a.recist.changeFromNadir_mm, 14.0);
    EXPECT_EQ(a.recist.overall, Recist::PD);
}

TEST(Recist, TwentyPercentButUnderFiveMillimetresIsStable) {
    // 20 -> 24 mm: +20% but only +4 mm absolute.
    const auto a = assess({{"a", 0, 20, 80}}, {{"1", 0, 24, 80}});
    EXPECT_NEAR(a.recist.changeFromNadir_pct, 20.0, 1e-9);
    EXPECT_EQ(a.recist.overall, Recist::SD);
}

TEST(Recist, ProgressionIsMeasuredFromTheNadir) {
    // Baseline 70 mm, nadir 50 mm, now 60 mm: -14% from baseline but +10 mm = +20% from the nadir.
    ResponseOptions o;
    o.recistNadirSum_mm = 50.0;
    const auto a = assess({{"a", 0, 40, 80}, {"b", 100, 30, 80}}, {{"1", 0, 35, 80}, {"2", 100, 25, 80}}, o);
    EXPECT_NEAR(a.recist.changeFromBaseline_pct, -14.286, 1e-3);
    EXPECT_EQ(a.recist.overall, Recist::PD);
}

TEST(Recist, AllLesionsGoneIsCompleteResponse) {
    const auto a = assess({{"a", 0, 40, 80}, {"b", 100, 30, 80}}, {});
    EXPECT_EQ(a.recist.target, Recist::CR);
    EXPECT_EQ(a.recist.nonTarget, "none");
    EXPECT_EQ(a.recist.overall, Recist::CR);
}

TEST(Recist, TargetsGoneButNonTargetLeftIsPartialResponse) {
    // Three liver lesions: 2 targets (40, 30), the 15 mm one is non-target (2 per organ).
    const auto a = assess({{"a", 0, 40, 80}, {"b", 100, 30, 80}, {"c", 200, 15, 80}}, {{"3", 200, 14, 80}});
    ASSERT_EQ(a.recist.targets.size(), 2u);
    ASSERT_EQ(a.recist.nonTargets.size(), 1u);
    EXPECT_EQ(a.recist.target, Recist::CR);
    EXPECT_EQ(a.recist.nonTarget, "non-CR/non-PD");
    EXPECT_EQ(a.recist.overall, Recist::PR);
}

TEST(Recist, NewLesionIsProgressionEvenWhenTargetsShrink) {
    const auto a = assess({{"a", 0, 40, 80}}, {{"1", 0, 20, 80}, {"new", 300, 8, 80}});
    EXPECT_EQ(a.recist.target, Recist::PR);
    ASSERT_EQ(a.recist.newLesions.size(), 1u);
    EXPECT_EQ(a.followup.lesions[a.recist.newLesions[0]].id, "new");
    EXPECT_EQ(a.recist.overall, Recist::PD);
}

TEST(Recist, FiveTargetsAtMostTwoPerOrgan) {
    // Liver 50, 40, 30, 20 and lung 15, 12, 11: targets liver 50 + 40, lung 15 + 12 = 117 mm.
    const auto a = assess({{"l1", 0, 50, 80},
                           {"l2", 100, 40, 80},
                           {"l3", 200, 30, 80},
                           {"l4", 300, 20, 80},
                           {"p1", 400, 15, 30, -1, -1, "lung"},
                           {"p2", 500, 12, 30, -1, -1, "lung"},
                           {"p3", 600, 11, 30, -1, -1, "lung"},
                           {"small", 700, 9, 80}},
                          {});
    EXPECT_EQ(a.recist.targets.size(), 4u);
    EXPECT_DOUBLE_EQ(a.recist.baselineSum_mm, 117.0);
    EXPECT_EQ(a.recist.nonTargets.size(), 4u);
}

TEST(Recist, OnlyNonMeasurableLesionsGiveNonCrNonPd) {
    const auto a = assess({{"a", 0, 8, 80}}, {{"1", 0, 7, 80}});
    EXPECT_TRUE(a.recist.targets.empty());
    EXPECT_EQ(a.recist.overall, Recist::NonCRNonPD);
    EXPECT_EQ(assess({{"a", 0, 8, 80}}, {}).recist.overall, Recist::CR);
}

// ---------- Choi ----------

TEST(ChoiCriteria, TenPercentSmallerIsPartialResponse) {
    const auto a = assess({{"a", 0, 40, 100}}, {{"1", 0, 36, 100}});
    EXPECT_NEAR(a.choi.sizeChange_pct, -10.0, 1e-9);
    EXPECT_EQ(a.choi.overall, Choi::PR);
    EXPECT_EQ(a.recist.overall, Recist::SD); // the same lesion is stable by RECIST
}

TEST(ChoiCriteria, FifteenPercentLessDenseIsPartialResponse) {
    // Same size, 100 -> 85 HU.
    const auto a = assess({{"a", 0, 40, 100}}, {{"1", 0, 40, 85}});
    ASSERT_TRUE(a.choi.densityChange_pct);
    EXPECT_NEAR(*a.choi.densityChange_pct, -15.0, 1e-9);
    EXPECT_EQ(a.choi.overall, Choi::PR);
}

TEST(ChoiCriteria, SmallChangesAreStable) {
    // -5% size, -10% density (two lesions: densities averaged, (100+80)/2 = 90 -> (90+72)/2 = 81).
    const auto a = assess({{"a", 0, 20, 100}, {"b", 100, 20, 80}}, {{"1", 0, 19, 90}, {"2", 100, 19, 72}});
    EXPECT_NEAR(a.choi.sizeChange_pct, -5.0, 1e-9);
    EXPECT_NEAR(*a.choi.baselineDensityHu, 90.0, 1e-9);
    EXPECT_NEAR(*a.choi.densityChange_pct, -10.0, 1e-9);
    EXPECT_EQ(a.choi.overall, Choi::SD);
}

TEST(ChoiCriteria, TenPercentLargerWithoutDensityDropIsProgression) {
    const auto a = assess({{"a", 0, 40, 100}}, {{"1", 0, 44, 95}});
    EXPECT_NEAR(a.choi.sizeChange_pct, 10.0, 1e-9);
    EXPECT_EQ(a.choi.overall, Choi::PD);
}

TEST(ChoiCriteria, LargerButMuchLessDenseIsPartialResponse) {
    // +12.5% size but -20% density: Choi PD needs "does not meet PR by density".
    const auto a = assess({{"a", 0, 40, 100}}, {{"1", 0, 45, 80}});
    EXPECT_EQ(a.choi.overall, Choi::PR);
    EXPECT_EQ(a.recist.overall, Recist::SD);
}

TEST(ChoiCriteria, DisappearanceIsCompleteAndNewLesionIsProgression) {
    EXPECT_EQ(assess({{"a", 0, 40, 100}}, {}).choi.overall, Choi::CR);
    EXPECT_EQ(assess({{"a", 0, 40, 100}}, {{"1", 0, 30, 60}, {"n", 250, 12, 90}}).choi.overall, Choi::PD);
}

// ---------- PERCIST 1.0 ----------

TEST(PercistCriteria, ThirtyPercentAndPointEightDownIsPartialMetabolicResponse) {
    // SUL/SUV 0.75: SULpeak 7.5 -> 4.875 (-35%, -2.625 SUL).
    const auto a = assess({{"a", 0, 30, 90, 10.0}}, {{"1", 0, 28, 80, 6.5}}, withSul(0.75));
    ASSERT_TRUE(a.percist.baselineSulPeak && a.percist.followupSulPeak);
    EXPECT_NEAR(*a.percist.baselineSulPeak, 7.5, 1e-12);
    EXPECT_NEAR(*a.percist.followupSulPeak, 4.875, 1e-12);
    EXPECT_NEAR(*a.percist.change_pct, -35.0, 1e-9);
    EXPECT_EQ(a.percist.overall, Percist::PMR);
}

TEST(PercistCriteria, RelativeDropUnderPointEightUnitsIsStable) {
    // SULpeak 1.5 -> 0.9: -40% but only -0.6 SUL units.
    const auto a = assess({{"a", 0, 30, 90, 2.0}}, {{"1", 0, 28, 80, 1.2}}, withSul(0.75));
    EXPECT_NEAR(*a.percist.change_pct, -40.0, 1e-9);
    EXPECT_NEAR(*a.percist.change_sul, -0.6, 1e-9);
    EXPECT_EQ(a.percist.overall, Percist::SMD);
}

TEST(PercistCriteria, ThirtyPercentAndPointEightUpIsProgression) {
    // SUL/SUV 0.8: SULpeak 3.2 -> 4.16 (+30.0%, +0.96 SUL).
    const auto a = assess({{"a", 0, 30, 90, 4.0}}, {{"1", 0, 28, 80, 5.2}}, withSul(0.8));
    EXPECT_NEAR(*a.percist.change_pct, 30.0, 1e-9);
    EXPECT_NEAR(*a.percist.change_sul, 0.96, 1e-9);
    EXPECT_EQ(a.percist.overall, Percist::PMD);
}

TEST(PercistCriteria, HottestLesionsMayDiffer) {
    // Baseline hottest is 'b' (SUV 8); at follow-up 'a' is hottest (SUV 6): 6.0 -> 4.5 SUL... -25%: SMD.
    const auto a = assess({{"a", 0, 30, 90, 5.0}, {"b", 100, 20, 90, 8.0}},
                          {{"1", 0, 30, 90, 6.0}, {"2", 100, 15, 90, 3.0}}, withSul(0.75));
    EXPECT_EQ(a.baseline.lesions[*a.percist.baselineLesion].id, "b");
    EXPECT_EQ(a.followup.lesions[*a.percist.followupLesion].id, "1");
    EXPECT_NEAR(*a.percist.change_pct, -25.0, 1e-9);
    EXPECT_EQ(a.percist.overall, Percist::SMD);
}

TEST(PercistCriteria, NoUptakeLeftIsCompleteMetabolicResponse) {
    EXPECT_EQ(assess({{"a", 0, 30, 90, 10.0}}, {}, withSul(0.75)).percist.overall, Percist::CMR);
    // Residual SULpeak 1.5 below the liver SULmean 2.0.
    ResponseOptions o = withSul(0.75);
    o.liverSulMean = 2.0;
    o.liverSulSd = 0.3;
    const auto a = assess({{"a", 0, 30, 90, 10.0}}, {{"1", 0, 25, 60, 2.0}}, o);
    EXPECT_NEAR(*a.percist.measurabilityThresholdSul, 3.6, 1e-12);
    EXPECT_EQ(a.percist.overall, Percist::CMR);
}

TEST(PercistCriteria, NewLesionWithUptakeIsProgression) {
    const auto a = assess({{"a", 0, 30, 90, 10.0}}, {{"1", 0, 20, 80, 4.0}, {"n", 250, 9, 90, 6.0}}, withSul(0.75));
    ASSERT_EQ(a.percist.newLesions.size(), 1u);
    EXPECT_EQ(a.percist.overall, Percist::PMD);
}

TEST(PercistCriteria, TotalLesionGlycolysisUpSeventyFivePercentIsProgression) {
    // SULpeak +5% (stable by SULpeak), TLG 100 -> 180 g (+80%).
    const auto a = assess({{"a", 0, 30, 90, 10.0, 100.0}}, {{"1", 0, 40, 90, 10.5, 180.0}}, withSul(0.75));
    EXPECT_NEAR(*a.percist.tlgChange_pct, 80.0, 1e-9);
    EXPECT_EQ(a.percist.overall, Percist::PMD);
}

TEST(PercistCriteria, NotEvaluableWithoutLeanBodyMassOrBelowTheLiverThreshold) {
    const auto a = assess({{"a", 0, 30, 90, 10.0}}, {{"1", 0, 20, 80, 4.0}});
    EXPECT_EQ(a.percist.overall, Percist::NE);
    EXPECT_NE(a.percist.reason.find("lean body mass"), std::string::npos) << a.percist.reason;
    ResponseOptions o = withSul(0.75);
    o.liverSulMean = 2.0;
    o.liverSulSd = 0.3;
    // SULpeak 3.0 < 1.5 x 2.0 + 2 x 0.3 = 3.6.
    EXPECT_EQ(assess({{"a", 0, 30, 90, 4.0}}, {{"1", 0, 20, 80, 4.0}}, o).percist.overall, Percist::NE);
}

TEST(PercistCriteria, SulFromWeightHeightAndSex) {
    // Janmahasatian: 75 kg, 1.75 m, male: BMI 24.49, LBM = 9270 x 75 / (6680 + 216 x 24.49) = 58.08 kg.
    SulSource s;
    s.weightKg = 75;
    s.heightM = 1.75;
    s.sex = "M";
    const SulFactor f = resolveSul(s, "baseline");
    ASSERT_TRUE(f.available);
    std::printf("SUL/SUV %.4f (%s)\n", f.sulPerSuv, f.how.c_str());
    EXPECT_NEAR(f.sulPerSuv * 75.0, 58.08, 0.01);
    s.heightM = 175;
    EXPECT_THROW(resolveSul(s, "baseline"), Error);
    s.heightM = 1.75;
    s.sex = "X";
    EXPECT_THROW(resolveSul(s, "baseline"), Error);
    SulSource ratio;
    ratio.sulPerSuv = 1.3;
    EXPECT_THROW(resolveSul(ratio, "baseline"), Error);
}

// ---------- matching and tables ----------

TEST(LesionPairs, ByPositionWithinToleranceOrById) {
    const LesionTable b = table({{"a", 0, 30, 90}, {"b", 50, 20, 90}}, "b");
    const LesionTable f = table({{"b", 8, 28, 90}, {"a", 62, 20, 90}}, "f"); // ids swapped on purpose
    const auto byPos = matchLesions(b, f, {});
    ASSERT_TRUE(byPos.followupOf[0] && byPos.followupOf[1]);
    EXPECT_EQ(*byPos.followupOf[0], 0u); // 8 mm away
    EXPECT_EQ(*byPos.followupOf[1], 1u); // 12 mm away
    MatchOptions tight;
    tight.tolerance_mm = 10;
    const auto t = matchLesions(b, f, tight);
    EXPECT_FALSE(t.followupOf[1]);
    EXPECT_EQ(t.newLesions.size(), 1u);
    MatchOptions ids;
    ids.byId = true;
    const auto byId = matchLesions(b, f, ids);
    EXPECT_EQ(*byId.followupOf[0], 1u);
    EXPECT_EQ(*byId.followupOf[1], 0u);
}

TEST(LesionTables, BadValuesAreNamed) {
    auto bad = [](const char* text) {
        try {
            lesionTableFromJson(Json::parse(text), "t.json");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(bad(R"({"lesion": []})").find("\"lesions\" array"), std::string::npos);
    EXPECT_NE(bad(R"({"lesions": [{"id": 1, "longest_axial_diameter_mm": -3}]})").find("negative"), std::string::npos);
    EXPECT_NE(bad(R"({"lesions": [{"id": 1}, {"id": 1}]})").find("twice"), std::string::npos);
    EXPECT_NE(bad(R"({"lesions": [{"id": 1, "centre_mm": [1, 2]}]})").find("centre_mm"), std::string::npos);
    EXPECT_NE(bad(R"({"lesions": [{"id": 1, "mean_hu": "dense"}]})").find("mean_hu"), std::string::npos);
    const LesionTable ok = lesionTableFromJson(
        Json::parse(R"({"lesions": [{"id": 3, "centre_mm": [1, 2, 3], "suv_peak": null, "couinaud_segment": 7}]})"),
        "t");
    EXPECT_EQ(ok.lesions[0].id, "3");
    EXPECT_FALSE(ok.lesions[0].suvPeak);
    EXPECT_EQ(ok.lesions[0].couinaudSegment, "7");
    EXPECT_THROW(matchLesions(lesionTableFromJson(Json::parse(R"({"lesions": [{"id": 1}]})"), "a"), ok, {}), Error);
}
