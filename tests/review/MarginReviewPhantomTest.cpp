// irplan review on the follow-up phantom (1.5 mm): measured minimal margins
// against the truth, verdicts, a planted failed registration that must be
// loud, and one-line errors for bad input. One phantom and one registration
// are shared by every test (WHOLE).
#include "core/Case.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "phantom/Followup.h"
#include "phantom/Phantom.h"
#include "tests/support/TestSupport.h"

#include <cmath>
#include <cstdio>
#include <gtest/gtest.h>

using namespace irplan;
namespace fs = std::filesystem;

namespace {

class MarginReviewPhantom : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        phantom::PhantomOptions o;
        o.seed = 1;
        o.spacing = Vec3{1.5, 1.5, 1.5}; // at 2 mm the margins come out 1-3 mm small (see below)
        const phantom::PhantomCase p = phantom::generatePhantom(o);
        const phantom::FollowupCase f = phantom::generateFollowup(p);
        dir_ = new fs::path(test::scratchDir("margin_review_phantom"));
        phantom::writePhantom(p, *dir_, false);
        phantom::writeFollowup(p, f, *dir_, false);
        truth_ = new Json(Json::parse(files::readText(*dir_ / "truth_followup.json")));
        review_ = new test::CliResult(test::runIrplan(
            {"review", "--pre", (*dir_ / "ct_portal.nii.gz").string(), "--post",
             (*dir_ / "ct_followup.nii.gz").string(), "--lesions", (*dir_ / "labels.nii.gz").string(), "--liver",
             (*dir_ / "labels.nii.gz").string(), "--out", (*dir_ / "review").string(), "--threads", "2"}));
        std::printf("%s", review_->out.c_str());
    }
    static void TearDownTestSuite() {
        delete dir_;
        delete truth_;
        delete review_;
    }
    static const fs::path& dir() { return *dir_; }
    static const Json& truth() { return *truth_; }
    static const test::CliResult& review() { return *review_; }
    static Json reviewJson(const fs::path& d) { return Json::parse(files::readText(d / "review.json")); }

  private:
    static inline fs::path* dir_ = nullptr;
    static inline Json* truth_ = nullptr;
    static inline test::CliResult* review_ = nullptr;
};

void expectOneLineError(const test::CliResult& r, const std::string& needle) {
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_EQ(r.err.rfind("irplan: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
}

// Measured against the truth: every margin within `tolerance_mm`, and (when
// asked) every verdict right.
void compareWithTruth(const fs::path& reviewDir, const Json& truth, double tolerance_mm, bool verdicts) {
    const Json j = Json::parse(files::readText(reviewDir / "review.json"));
    EXPECT_EQ(j["registration"]["preset"], "ct-ct-followup");
    EXPECT_EQ(j["registration"]["verdict"], "pass") << j["registration"].dump(1);
    EXPECT_NE(j["lesion_labels"].get<std::string>().find("phantom"), std::string::npos);
    const Json& zones = truth["zones"];
    ASSERT_EQ(j["lesions"].size(), zones.size());
    int within = 0;
    for (const Json& z : zones) {
        const int id = z["lesion_id"];
        const Json* l = nullptr;
        for (const Json& e : j["lesions"])
            if (e["id"] == id) l = &e;
        ASSERT_NE(l, nullptr) << "lesion " << id;
        const double trueMam = z["minimal_margin_mm"], trueCov = 100.0 * z["lesion_coverage"].get<double>();
        ASSERT_FALSE((*l)["minimal_margin_mm"].is_null()) << "lesion " << id << ": " << l->dump();
        const double mam = (*l)["minimal_margin_mm"];
        std::printf("lesion %d: MAM measured %+6.2f mm, true %+6.2f mm (error %+5.2f); lesion coverage %5.1f %% (true "
                    "%5.1f %%), 5 mm shell %5.1f %% (true %5.1f %%), 10 mm shell %5.1f %% (true %5.1f %%), "
                    "insufficient %.2f mL (true %.2f); verdict %s (true %s); zone %.1f mL (true %.1f)\n",
                    id, mam, trueMam, mam - trueMam, (*l)["coverage_lesion_pct"].get<double>(), trueCov,
                    (*l)["coverage_5mm_pct"].get<double>(), 100.0 * z["shell_5mm_coverage"].get<double>(),
                    (*l)["coverage_10mm_pct"].get<double>(), 100.0 * z["shell_10mm_coverage"].get<double>(),
                    (*l)["insufficient_ml"].get<double>(), z["insufficient_coverage_ml"].get<double>(),
                    (*l)["verdict"].get<std::string>().c_str(), z["verdict"].get<std::string>().c_str(),
                    (*l)["zone_volume_ml"].get<double>(), z["volume_pre_ml"].get<double>());
        EXPECT_NEAR(mam, trueMam, tolerance_mm) << "lesion " << id;
        if (verdicts) {
            EXPECT_EQ((*l)["verdict"], z["verdict"]) << "lesion " << id;
        }
        EXPECT_EQ((*l)["registration_verdict"], "pass");
        EXPECT_TRUE((*l)["reliable"].get<bool>());
        EXPECT_NEAR((*l)["coverage_lesion_pct"].get<double>(), trueCov, 10.0) << "lesion " << id;
        within += std::abs(mam - trueMam) <= 1.5;
    }
    std::printf("%d of %zu lesions within 1.5 mm; timings %s\n", within, zones.size(), j["timings_s"].dump().c_str());
}

} // namespace

// The criterion: every margin within 1.5 mm of the truth, every
// verdict right. Measured (2026-11-22): errors -0.94, +0.49, -1.41, -1.17,
// -0.86 mm at 1.5 mm; at 2 mm the errors grow to -1.2 ... -2.8 mm (the minimum
// over the lesion surface picks up the voxel-scale noise of both boundaries)
// and two verdicts flip; at the clinical 0.78 x 0.78 x 1 mm grid they are
// 0.0 ... -0.6 mm (bench/README.md).
TEST_F(MarginReviewPhantom, MarginsWithin1p5mmOfTheTruthAndVerdictsRight) {
    ASSERT_EQ(review().exitCode, 0) << review().err;
    compareWithTruth(dir() / "review", truth(), 1.5, true);
    for (const char* f : {"zone_post.nii.gz", "zone_on_pre.nii.gz", "zone_level_on_pre.nii.gz", "margin_map.nii.gz",
                          "review.json"})
        EXPECT_TRUE(fs::exists(dir() / "review" / f)) << f;
    EXPECT_TRUE(fs::exists(dir() / "review" / "registration" / "result.json"));
}

TEST_F(MarginReviewPhantom, ZoneOnPreOverlapsTheTrueZones) {
    ASSERT_EQ(review().exitCode, 0) << review().err;
    const LabelImage::Pointer measured = readLabelMap(dir() / "review" / "zone_on_pre.nii.gz");
    const LabelImage::Pointer truthZones = readLabelMap(dir() / "ablation_zones_pre.nii.gz");
    const size_t n = measured->GetLargestPossibleRegion().GetNumberOfPixels();
    ASSERT_EQ(n, truthZones->GetLargestPossibleRegion().GetNumberOfPixels());
    const auto* a = measured->GetBufferPointer();
    const auto* b = truthZones->GetBufferPointer();
    size_t both = 0, na = 0, nb = 0;
    for (size_t i = 0; i < n; ++i) {
        na += a[i] != 0;
        nb += b[i] != 0;
        both += a[i] != 0 && b[i] != 0;
    }
    const double dice = 2.0 * static_cast<double>(both) / static_cast<double>(na + nb);
    std::printf("zones on the pre CT: Dice %.3f against the truth (%zu vs %zu voxels)\n", dice, na, nb);
    EXPECT_GT(dice, 0.85);
}

TEST_F(MarginReviewPhantom, PlantedFailedRegistrationIsLoudNeverSilent) {
    ASSERT_EQ(review().exitCode, 0) << review().err;
    // A copy of the registration whose quality gate failed (as a mirrored
    // follow-up would): the review must carry it in warnings and per lesion.
    const fs::path bad = test::scratchDir("margin_review_bad_registration") / "registration";
    fs::copy(dir() / "review" / "registration", bad, fs::copy_options::recursive);
    Json r = Json::parse(files::readText(bad / "result.json"));
    r["qa"]["verdict"] = "fail";
    r["qa"]["checks"].push_back({{"name", "orientation_margin"},
                                 {"value", -0.2},
                                 {"warn_limit", 0.03},
                                 {"fail_limit", 0.0},
                                 {"higher_is_better", true},
                                 {"verdict", "fail"},
                                 {"message", "a left-right flipped copy of the moving image fits better (planted)"}});
    files::writeTextAtomic(bad / "result.json", r.dump(2));
    const fs::path out = bad.parent_path() / "review";
    const auto res = test::runIrplan({"review", "--pre", (dir() / "ct_portal.nii.gz").string(), "--post",
                                      (dir() / "ct_followup.nii.gz").string(), "--lesions",
                                      (dir() / "labels.nii.gz").string(), "--registration", bad.string(), "--out",
                                      out.string(), "--json"});
    ASSERT_EQ(res.exitCode, 0) << res.err;
    EXPECT_NE(res.err.find("irplan: WARNING: REGISTRATION QUALITY GATE FAILED"), std::string::npos) << res.err;
    const Json j = reviewJson(out);
    EXPECT_EQ(j["registration"]["verdict"], "fail");
    EXPECT_TRUE(j["registration"]["reused"].get<bool>());
    ASSERT_FALSE(j["warnings"].empty());
    EXPECT_NE(j["warnings"][0].get<std::string>().find("FAILED"), std::string::npos);
    EXPECT_NE(j["warnings"][0].get<std::string>().find("flipped"), std::string::npos);
    for (const Json& l : j["lesions"]) {
        EXPECT_EQ(l["registration_verdict"], "fail");
        EXPECT_FALSE(l["reliable"].get<bool>());
    }
}

TEST_F(MarginReviewPhantom, BadInputGivesOneLineErrors) {
    const fs::path d = test::scratchDir("margin_review_bad_input");
    const std::string pre = (dir() / "ct_portal.nii.gz").string(), post = (dir() / "ct_followup.nii.gz").string(),
                      labels = (dir() / "labels.nii.gz").string();
    // Missing file (--json: no progress lines, so the error is the only line).
    expectOneLineError(test::runIrplan({"review", "--pre", (d / "nope.nii.gz").string(), "--post", post,
                                        "--lesions", labels, "--out", (d / "o1").string(), "--json"}),
                       "not found");
    // An empty lesion map on the right grid.
    LabelImage::Pointer lab = readLabelMap(labels);
    LabelImage::Pointer empty = LabelImage::New();
    empty->SetRegions(lab->GetLargestPossibleRegion());
    empty->CopyInformation(lab);
    empty->Allocate();
    empty->FillBuffer(0);
    writeLabelMap(empty, d / "empty.nii.gz");
    expectOneLineError(test::runIrplan({"review", "--pre", pre, "--post", post, "--lesions",
                                        (d / "empty.nii.gz").string(), "--liver", labels, "--out",
                                        (d / "o2").string(), "--json"}),
                       "no lesion");
    // Lesions on another grid (the follow-up CT's, half a slice away).
    const Volume postCt = readVolume(post);
    LabelImage::Pointer moved = readLabelMap(labels);
    moved->SetOrigin(postCt.image->GetOrigin());
    writeLabelMap(moved, d / "labels_on_post.nii.gz");
    expectOneLineError(test::runIrplan({"review", "--pre", pre, "--post", post, "--lesions",
                                        (d / "labels_on_post.nii.gz").string(), "--out", (d / "o3").string(), "--json"}),
                       "grid");
    // elastix missing.
    expectOneLineError(test::runIrplan({"review", "--pre", pre, "--post", post, "--lesions", labels, "--liver",
                                        labels, "--elastix", (d / "no-elastix").string(), "--out",
                                        (d / "o4").string(), "--json"}),
                       "elastix");
    // A registration of another pre CT.
    expectOneLineError(test::runIrplan({"review", "--pre", post, "--post", pre, "--lesions",
                                        (d / "labels_on_post.nii.gz").string(), "--registration",
                                        (dir() / "review" / "registration").string(), "--out", (d / "o5").string(), "--json"}),
                       "not computed on this pre-procedure CT");
    // Inputs untouched, nothing half-written.
    EXPECT_FALSE(fs::exists(d / "o2" / "review.json"));
    EXPECT_FALSE(fs::exists(d / "o4" / "review.json"));
}
