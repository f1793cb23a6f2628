// `irplan devices` and `irplan plan` as a user runs them: the plan.json
// contract, images with correct LPS geometry, the case update, and one-line
// errors for bad input that leave every input untouched.
#include "core/Case.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "planning/GridGeometry.h"
#include "planning/PlanReport.h"
#include "tests/io/IoTestUtil.h"
#include "tests/planning/PlanningTestUtil.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace irplan;
using namespace irplan::planning;
namespace fs = std::filesystem;

namespace {

// A small torso: body, liver with lesion 1 (r 9 mm) at (-30, 0, 0), a 6 mm
// hepatic vein ~13 mm to its left, a rib, lung above z = 40; CT HU from labels.
int label(const Vec3& p) {
    if ((p.x * p.x) / (85.0 * 85.0) + (p.y * p.y) / (65.0 * 65.0) > 1) return 0;
    if (distance(p, {-30, 0, 0}) <= 9) return 101;
    if (std::hypot(p.x + 6, p.y - 8) <= 3) return 3;
    if (std::hypot(p.x + 76, p.z - 22) <= 5) return 7;
    if (p.z > 40) return 10;
    if (distance(p, {-30, 0, 0}) <= 45) return 1;
    return 15;
}

float hu(int l) {
    switch (l) {
    case 0:
        return -1000;
    case 1:
        return 60;
    case 3:
        return 160;
    case 7:
        return 700;
    case 10:
        return -850;
    case 15:
        return -100;
    default:
        return 120;
    }
}

struct CaseFiles {
    fs::path dir, ct, labels, caseFile;
};

const CaseFiles& torsoCase() {
    static const CaseFiles f = [] {
        CaseFiles c;
        // One folder per test: ctest runs the tests of this file as parallel processes.
        c.dir = test::scratchDir(std::string("planning_cli_case_") +
                                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        auto labels = test::makeLabels({121, 95, 81}, 1.5, {-90, -70.5, -60}, Mat3{}, label);
        c.labels = c.dir / "labels.nii.gz";
        writeLabelMap(labels, c.labels);
        Volume ct;
        ct.image = test::makeImage({121, 95, 81}, {1.5, 1.5, 1.5}, {-90, -70.5, -60}, Mat3{},
                                   [&](unsigned i, unsigned j, unsigned k) {
                                       return hu(labels->GetPixel({{i, j, k}}));
                                   });
        ct.meta.units = Units::HU;
        ct.meta.modality = "CT";
        c.ct = c.dir / "ct.nii.gz";
        WriteOptions o;
        o.pixelType = PixelType::Int16;
        writeVolume(ct, c.ct, o);
        Case cs;
        cs.name = "torso";
        cs.baseDir = c.dir;
        setVolume(cs, {"ct", "ct", "ct.nii.gz", "arterial", "HU", "", "", Json::object()});
        c.caseFile = c.dir / "case.json";
        saveCase(cs, c.caseFile);
        files::clearInputs();
        return c;
    }();
    return f;
}

// Lateral needle from the right into the lesion (MWA 65 W / 10 min: zone centre 18 mm behind the tip).
const std::string kProbe = "tip=-12,0,0;entry=-95,0,0";

Json readJson(const fs::path& p) {
    return Json::parse(files::readText(p));
}

void expectOneLineError(const test::CliResult& r, const std::string& needle) {
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(r.err.rfind("irplan: error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "expected '" << needle << "' in: " << r.err;
}

} // namespace

TEST(PlanningCli, DevicesJsonListsEveryModalityWithSources) {
    const test::CliResult r = test::runIrplan({"devices", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json j = Json::parse(r.out);
    std::set<std::string> modalities;
    std::set<int> ireElectrodes;
    int clusters = 0;
    for (const auto& d : j["devices"]) {
        modalities.insert(d["modality"].get<std::string>());
        EXPECT_FALSE(d["source"].get<std::string>().empty()) << d["id"];
        EXPECT_FALSE(d["in_vivo"]["source"].get<std::string>().empty()) << d["id"];
        if (d["applicator"]["needles"].get<int>() > 1 && d["modality"] != "IRE") ++clusters;
        for (const auto& s : d["settings"]) {
            EXPECT_FALSE(s["source"].get<std::string>().empty()) << d["id"] << " " << s["name"];
            EXPECT_GT(s["zone"]["length_mm"].get<double>(), 0);
            if (d["modality"] == "IRE") ireElectrodes.insert(s["electrodes"].get<int>());
        }
    }
    EXPECT_EQ(modalities, (std::set<std::string>{"RFA", "MWA", "IRE", "LASER"}));
    EXPECT_EQ(clusters, 2); // RFA and MWA clusters
    EXPECT_EQ(ireElectrodes, (std::set<int>{2, 3, 4, 5, 6}));
}

TEST(PlanningCli, PlanWritesTheContractWithLpsImages) {
    const CaseFiles& c = torsoCase();
    const fs::path out = test::scratchDir("planning_cli_plan");
    const test::CliResult r = test::runIrplan({"plan", "--ct", c.ct.string(), "--labels", c.labels.string(), "--lesion",
                                               "1", "--device", "mwa-single-14g", "--setting", "65W-10min", "--probe",
                                               kProbe, "--out", out.string(), "--json", "--samples", "64"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json p = readJson(out / "plan.json");
    for (const char* k : {"device", "setting", "model", "probes", "zone", "target", "margin", "heat_sink_warnings",
                          "path_checks", "timings_ms"})
        EXPECT_TRUE(p.contains(k)) << k;
    for (const char* k : {"volume_ml", "axes_mm"})
        EXPECT_TRUE(p["zone"].contains(k)) << k;
    for (const char* k : {"requested_mm", "minimal_mm", "coverage_lesion_pct", "coverage_margin_pct", "insufficient_ml",
                          "p_margin_reached"})
        EXPECT_TRUE(p["margin"].contains(k)) << k;
    EXPECT_EQ(p["model"], "chart");
    EXPECT_EQ(p["device"]["id"], "mwa-single-14g");
    EXPECT_NEAR(p["zone"]["axes_mm"][0].get<double>(), 47.0, 1.5);
    EXPECT_NEAR(p["zone"]["axes_mm"][1].get<double>(), 35.0, 1.5);
    // Lesion r 9 mm centred in the 35 mm wide zone: 17.5 - 9 = 8.5 mm, less
    // the voxelised lesion's faces (half a 1.5 mm voxel): 7.75 mm.
    const double mam = p["margin"]["minimal_mm"].get<double>();
    std::printf("plan: MAM %.2f mm, coverage %.1f%% / %.1f%%, P(margin) %.3f, %zu warnings, zone %.1f mL, in vivo %s\n",
                mam, p["margin"]["coverage_lesion_pct"].get<double>(), p["margin"]["coverage_margin_pct"].get<double>(),
                p["margin"]["p_margin_reached"].get<double>(), p["heat_sink_warnings"].size(),
                p["zone"]["volume_ml"].get<double>(), p["zone"]["in_vivo"]["expected_axes_mm"].dump().c_str());
    EXPECT_NEAR(mam, 7.75, 1.0);
    EXPECT_DOUBLE_EQ(p["margin"]["coverage_lesion_pct"].get<double>(), 100.0);
    // The 6 mm hepatic vein 14 mm left of the lesion is warned about.
    ASSERT_EQ(p["heat_sink_warnings"].size(), 1u);
    EXPECT_EQ(p["heat_sink_warnings"][0]["kind"], "hepatic vein");
    EXPECT_EQ(p["heat_sink_warnings"][0]["side"], "left");
    EXPECT_NEAR(p["heat_sink_warnings"][0]["distance_to_lesion_mm"].get<double>(), std::hypot(24.0, 8.0) - 12.0, 1.6);
    EXPECT_TRUE(p["path_checks"][0]["pass"].get<bool>()) << p["path_checks"].dump(1);

    // zone.nii.gz: a 0/1 mask whose LPS geometry puts the chart centre inside
    // and a point 2 mm beyond the chart's end outside.
    auto zone = readLabelMap(out / "zone.nii.gz");
    const GridGeometry g = GridGeometry::of(zone.GetPointer());
    EXPECT_NEAR(g.origin.x, p["grid"]["origin_mm"][0].get<double>(), 1e-3);
    EXPECT_NEAR(g.spacing.x, 1.0, 1e-6);
    auto at = [&](const Vec3& q) {
        const auto n = g.nearest(q);
        return zone->GetPixel({{static_cast<itk::IndexValueType>(n[0]), static_cast<itk::IndexValueType>(n[1]),
                                static_cast<itk::IndexValueType>(n[2])}});
    };
    const Vec3 centre{-12 - 18, 0, 0}; // tip + 18 mm towards the entry (-x)
    EXPECT_EQ(at(centre), 1);
    EXPECT_EQ(at(centre + Vec3{-23.5 - 2, 0, 0}), 0);
    EXPECT_EQ(at(centre + Vec3{-23.5 + 2, 0, 0}), 1);
    EXPECT_EQ(at(centre + Vec3{0, 17.5 + 2, 0}), 0);
    EXPECT_EQ(at(centre + Vec3{0, 17.5 - 2, 0}), 1);
    // margin_map.nii.gz: at the minimal point it reads the minimal margin.
    files::clearInputs();
    const Volume map = readVolume(out / "margin_map.nii.gz");
    const GridGeometry mg = GridGeometry::of(map.image.GetPointer());
    EXPECT_TRUE(mg == g);
    const auto& mp = p["margin"]["minimal_point_mm"];
    const auto n = mg.nearest({mp[0].get<double>(), mp[1].get<double>(), mp[2].get<double>()});
    const float v = map.image->GetPixel({{n[0], n[1], n[2]}});
    EXPECT_NEAR(v, mam, 0.8);
}

TEST(PlanningCli, AutoPlanUpdatesTheCase) {
    const CaseFiles& c = torsoCase();
    const fs::path out = test::scratchDir("planning_cli_auto");
    const fs::path caseFile = out / "case.json";
    fs::copy_file(c.caseFile, caseFile);
    const test::CliResult r = test::runIrplan(
        {"plan", "--ct", c.ct.string(), "--labels", c.labels.string(), "--lesion", "1", "--device", "rfa-single-17g",
         "--auto", "--out", (out / "plan").string(), "--case", caseFile.string(), "--json", "--samples", "32"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json p = readJson(out / "plan" / "plan.json");
    ASSERT_TRUE(p.contains("proposals"));
    ASSERT_FALSE(p["proposals"]["list"].empty());
    std::printf("auto: %s\n", p["proposals"]["list"][0]["rationale"].get<std::string>().c_str());
    EXPECT_TRUE(p["paths_safe"].get<bool>()) << p["path_checks"].dump(1);
    Case cs = loadCase(caseFile);
    const auto probes = probesOfPlan(cs, "lesion1");
    ASSERT_FALSE(probes.empty());
    ASSERT_NE(cs.plan("lesion1"), nullptr);
    EXPECT_EQ(cs.plan("lesion1")->lesionId, 1);
    EXPECT_EQ(cs.plan("lesion1")->summary["device"], p["device"]["id"]);
    EXPECT_NEAR(probes[0].tip_mm.x, p["probes"][0]["tip_mm"][0].get<double>(), 1e-9);
    EXPECT_NE(cs.volume("ct"), nullptr); // the rest of the case is kept
}

TEST(PlanningCli, SegmentationLesionMapAndVesselFile) {
    // A segmentation's outputs: lesions.nii.gz (label k = lesion k) and vessels.json.
    const CaseFiles& c = torsoCase();
    const fs::path seg = test::scratchDir("planning_cli_segmentation");
    auto lesions = test::makeLabels({121, 95, 81}, 1.5, {-90, -70.5, -60}, Mat3{},
                                    [](const Vec3& p) { return distance(p, {-30, 0, 0}) <= 9 ? 1 : 0; });
    writeLabelMap(lesions, seg / "lesions.nii.gz");
    files::writeTextAtomic(seg / "vessels.json", R"({"branches": [{"id": 12, "parent": -1,
        "points_mm": [[-6, 8, -60], [-6, 8, 60]], "diameters_mm": [6, 6], "diameter_mm": 6, "length_mm": 120, "ge_3mm": true}]})");
    files::clearInputs();
    const fs::path out = test::scratchDir("planning_cli_segmentation_out");
    const test::CliResult r = test::runIrplan({"plan", "--ct", c.ct.string(), "--labels", c.labels.string(), "--lesions",
                                               (seg / "lesions.nii.gz").string(), "--vessels", seg.string(), "--lesion", "1",
                                               "--device", "rfa-single-17g", "--probe", kProbe, "--out", out.string(), "--json",
                                               "--samples", "16"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const Json p = readJson(out / "plan.json");
    EXPECT_EQ(p["target"]["map"], "lesions");
    EXPECT_EQ(p["target"]["label"], 1);
    ASSERT_EQ(p["heat_sink_warnings"].size(), 1u);
    EXPECT_EQ(p["heat_sink_warnings"][0]["vessel_id"], "12");
    EXPECT_NEAR(p["heat_sink_warnings"][0]["diameter_mm"].get<double>(), 6.0, 0.01);
    EXPECT_NE(p["inputs"]["vessel_model"].get<std::string>().find("vessels.json"), std::string::npos);
}

TEST(PlanningCli, ThermalPreviewAndIreField) {
    const CaseFiles& c = torsoCase();
    const fs::path out = test::scratchDir("planning_cli_models");
    test::CliResult r = test::runIrplan({"plan",
                                         "--ct",
                                         c.ct.string(),
                                         "--labels",
                                         c.labels.string(),
                                         "--lesion",
                                         "1",
                                         "--device",
                                         "mwa-single-14g",
                                         "--setting",
                                         "65W-10min",
                                         "--model",
                                         "thermal",
                                         "--preview",
                                         "--probe",
                                         kProbe,
                                         "--out",
                                         (out / "thermal").string(),
                                         "--json",
                                         "--samples",
                                         "32"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    Json p = readJson(out / "thermal" / "plan.json");
    EXPECT_EQ(p["model"], "thermal");
    EXPECT_TRUE(p["thermal"]["calibrations"][0]["converged"].get<bool>());
    ASSERT_EQ(p["heat_sink_warnings"].size(), 1u);
    std::printf("thermal preview: zone %.1f mL, margin lost to the vein %s mm, timings %s\n",
                p["zone"]["volume_ml"].get<double>(), p["heat_sink_warnings"][0]["margin_lost_mm"].dump().c_str(),
                p["timings_ms"].dump().c_str());
    EXPECT_GT(p["heat_sink_warnings"][0]["margin_lost_mm"].get<double>(), 0.0);

    r = test::runIrplan({"plan",
                         "--ct",
                         c.ct.string(),
                         "--labels",
                         c.labels.string(),
                         "--lesion",
                         "1",
                         "--device",
                         "ire-19g",
                         "--setting",
                         "4x-15mm-20mm",
                         "--model",
                         "ire-field",
                         "--probe",
                         "tip=-30,0,-10;entry=-95,0,-10",
                         "--out",
                         (out / "ire").string(),
                         "--json",
                         "--samples",
                         "32"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    p = readJson(out / "ire" / "plan.json");
    EXPECT_EQ(p["model"], "ire-field");
    EXPECT_TRUE(p["heat_sink_warnings"].empty());
    EXPECT_NE(p["heat_sink_note"].get<std::string>().find("spared"), std::string::npos);
    EXPECT_EQ(p["ire"]["pairs"].size(), 6u);
    std::printf("IRE field: zone %.1f mL axes %s, MAM %.2f mm\n", p["zone"]["volume_ml"].get<double>(),
                p["zone"]["axes_mm"].dump().c_str(), p["margin"]["minimal_mm"].get<double>());
    EXPECT_GT(p["zone"]["volume_ml"].get<double>(), 5.0);
}

TEST(PlanningCli, BadInputGivesOneLineAndLeavesInputsAlone) {
    const CaseFiles& c = torsoCase();
    const std::string ctBytes = test::fileBytes(c.ct), labelBytes = test::fileBytes(c.labels);
    const fs::path out = test::scratchDir("planning_cli_bad");
    auto plan = [&](std::vector<std::string> extra) {
        std::vector<std::string> a{
            "plan", "--ct", c.ct.string(), "--labels", c.labels.string(), "--out", (out / "o").string(), "--json"};
        a.insert(a.end(), extra.begin(), extra.end());
        return test::runIrplan(a);
    };
    expectOneLineError(
        test::runIrplan({"plan", "--ct", c.ct.string(), "--labels", (c.dir / "nope.nii.gz").string(), "--lesion", "1",
                         "--device", "rfa-single-17g", "--probe", kProbe, "--out", (out / "o").string(), "--json"}),
        "nope.nii.gz");
    expectOneLineError(plan({"--lesion", "9", "--device", "rfa-single-17g", "--probe", kProbe}), "lesion 9");
    expectOneLineError(plan({"--lesion", "1", "--device", "rfa-magic", "--probe", kProbe}),
                       "unknown device 'rfa-magic'");
    expectOneLineError(plan({"--lesion", "1", "--device", "ire-19g", "--model", "thermal", "--probe", kProbe}),
                       "thermal model");
    expectOneLineError(plan({"--lesion", "1", "--device", "rfa-single-17g", "--margin", "12", "--probe", kProbe}),
                       "--margin");
    expectOneLineError(plan({"--lesion", "1", "--device", "rfa-single-17g", "--probe", "tip=1,2;entry=3,4,5"}),
                       "tip=1,2");
    expectOneLineError(plan({"--lesion", "1", "--device", "rfa-single-17g"}), "--auto");
    expectOneLineError(plan({"--lesion", "1", "--device", "rfa-single-17g", "--setting", "99W", "--probe", kProbe}),
                       "no setting '99W'");
    expectOneLineError(
        plan({"--lesion", "1", "--device", "rfa-single-17g", "--probe", kProbe, "--vessels", c.dir.string()}),
        "vessels.json");
    // A label map from elsewhere: not inside the CT.
    auto far = test::makeLabels({20, 20, 20}, 1.5, {900, 900, 900}, Mat3{}, [](const Vec3&) { return 101; });
    writeLabelMap(far, out / "far.nii.gz");
    expectOneLineError(
        test::runIrplan({"plan", "--ct", c.ct.string(), "--labels", (out / "far.nii.gz").string(), "--lesion", "1",
                         "--device", "rfa-single-17g", "--probe", kProbe, "--out", (out / "o").string(), "--json"}),
        "does not lie inside the CT");
    // A plan written into the inputs' own directory leaves them alone.
    const test::CliResult same =
        test::runIrplan({"plan", "--ct", c.ct.string(), "--labels", c.labels.string(), "--lesion", "1", "--device",
                         "rfa-single-17g", "--probe", kProbe, "--out", c.dir.string(), "--json", "--samples", "16"});
    EXPECT_EQ(same.exitCode, 0) << same.err;
    EXPECT_EQ(test::fileBytes(c.ct), ctBytes);
    EXPECT_EQ(test::fileBytes(c.labels), labelBytes);
    EXPECT_FALSE(fs::exists(out / "o" / "plan.json"));
}
