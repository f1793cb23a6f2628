#include "core/Case.h"
#include "core/Error.h"
#include "core/Files.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

using namespace irplan;

namespace {
Case sampleCase() {
    Case c;
    c.name = "phantom seed 7";
    setVolume(c, {"ct", "ct", "ct_arterial.nii.gz", "arterial", "HU", "1.2.3", "9.8.7", Json::object()});
    setVolume(c, {"pet", "pet", "pet.nii.gz", "", "SUVbw", "", "", Json::object()});
    CaseTransform t;
    t.id = "pet_to_ct";
    t.fixedId = "ct";
    t.movingId = "pet";
    t.kind = "affine";
    t.matrixFixedToMoving = std::array<double, 16>{1, 0, 0, 0.125, 0, 1, 0, -3.5, 0, 0, 1, 1e-7, 0, 0, 0, 1};
    t.qaVerdict = "pass";
    setTransform(c, t);
    CaseSegmentation s;
    s.id = "labels";
    s.kind = "labels";
    s.path = "labels.nii.gz";
    s.volumeId = "ct";
    s.legend = {{1, "liver"}, {2, "portal vein"}, {10, "lesion 1"}};
    setSegmentation(c, s);
    CaseProbe p;
    p.id = "probe1";
    p.deviceId = "mwa-single";
    p.setting = "65W-10min";
    p.tip_mm = {10.25, -20.5, 30.0000001};
    p.entry_mm = {110, -80, 35};
    p.lesionId = 2;
    setProbe(c, p);
    CasePlan plan;
    plan.id = "plan1";
    plan.directory = "plans/plan1";
    plan.lesionId = 2;
    plan.summary = Json{{"minimal_mm", 4.3}, {"coverage_lesion_pct", 100.0}};
    setPlan(c, plan);
    c.extra["future_field"] = Json::array({1, 2, 3});
    return c;
}
} // namespace

TEST(Case, SaveLoadRoundTripsExactly) {
    const auto dir = test::scratchDir("case_roundtrip");
    Case c = sampleCase();
    saveCase(c, dir / "case.json");
    const std::string first = files::readText(dir / "case.json");
    Case loaded = loadCase(dir / "case.json");
    EXPECT_TRUE(loaded == c);
    saveCase(loaded, dir / "case.json");
    EXPECT_EQ(first, files::readText(dir / "case.json"));
    ASSERT_NE(loaded.probe("probe1"), nullptr);
    EXPECT_DOUBLE_EQ(loaded.probe("probe1")->tip_mm.z, 30.0000001);
    EXPECT_EQ(loaded.transform("pet_to_ct")->matrixFixedToMoving->at(11), 1e-7);
    EXPECT_EQ(loaded.segmentation("labels")->legend.at(10), "lesion 1");
    EXPECT_EQ(loaded.extra["future_field"].size(), 3u);
}

TEST(Case, SaveElsewhereKeepsRelativePathsPointingAtTheSameFiles) {
    const auto dir = test::scratchDir("case_rebase");
    Case c = sampleCase();
    saveCase(c, dir / "a" / "case.json");
    Case loaded = loadCase(dir / "a" / "case.json");
    saveCase(loaded, dir / "b" / "sub" / "case.json");
    EXPECT_EQ(loaded.volume("ct")->path, "../../a/ct_arterial.nii.gz");
    EXPECT_EQ(loaded.resolve(loaded.volume("ct")->path), (dir / "a" / "ct_arterial.nii.gz").lexically_normal());
}

TEST(Case, EditingFunctionsReplaceByIdAndRejectUnknownIds) {
    Case c = sampleCase();
    CaseProbe p = *c.probe("probe1");
    p.tip_mm.x = 0;
    setProbe(c, p);
    EXPECT_EQ(c.probes.size(), 1u);
    EXPECT_EQ(c.probe("probe1")->tip_mm.x, 0);
    removeProbe(c, "probe1");
    EXPECT_EQ(c.probe("probe1"), nullptr);
    EXPECT_THROW(removeProbe(c, "probe1"), Error);
    CaseTransform t;
    t.id = "x";
    t.fixedId = "ct";
    t.movingId = "nope";
    t.kind = "affine";
    EXPECT_THROW(setTransform(c, t), Error);
}

TEST(Case, MalformedFilesGiveMessagesNamingTheField) {
    const auto dir = test::scratchDir("case_bad");
    auto expectError = [&](const std::string& text, const std::string& fragment) {
        files::writeTextAtomic(dir / "c.json", text);
        try {
            loadCase(dir / "c.json");
            ADD_FAILURE() << "no error for " << text;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
        }
    };
    expectError("{not json", "not valid JSON");
    expectError("{}", "irplan_case_version");
    expectError(R"({"irplan_case_version":1,"volumes":[{"id":"ct","role":"ct"}]})", "path");
    expectError(R"({"irplan_case_version":1,"volumes":[{"id":"a","role":"ct","path":"x"},{"id":"a","role":"ct","path":"y"}]})",
                "share the id");
    expectError(R"({"irplan_case_version":1,"probes":[{"id":"p","device":"d","tip_mm":[1,2],"entry_mm":[1,2,3]}]})",
                "tip_mm");
    expectError(R"({"irplan_case_version":99})", "newer");
    EXPECT_THROW(loadCase(dir / "missing.json"), Error);
}
