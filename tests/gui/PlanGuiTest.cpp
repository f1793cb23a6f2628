// Done means (issue 6): a scripted GUI session plans an ablation end to end on
// the phantom, and its plan equals the CLI's (`irplan plan`) for the same
// probe, device, setting and model; the zone outline lands where the plan's
// margin map puts the zone boundary.
#include "core/Case.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "render/ImageFiles.h"
#include "render/VolumeSampler.h"
#include "tests/render/RenderTestSupport.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

using namespace irplan;
namespace fs = std::filesystem;

namespace {
// Lesion 1 of the seed-1 phantom is centred near (-76.9, 39.9, 31.0) LPS mm (truth.json).
const char* kTip = "-74.9,38.9,31.0";
const char* kEntry = "-150,10,60";

std::string q(const fs::path& p) { return "\"" + p.string() + "\""; }

Json lastJson(const std::string& out) {
    const size_t start = out.find('{');
    return Json::parse(out.substr(start));
}

void expectSameNumber(const Json& gui, const Json& cli, const char* key, double tol) {
    ASSERT_TRUE(gui.contains(key) && cli.contains(key)) << key;
    if (cli[key].is_null()) {
        EXPECT_TRUE(gui[key].is_null()) << key;
        return;
    }
    const double g = gui[key].get<double>(), c = cli[key].get<double>();
    std::printf("  %-22s GUI %.6f  CLI %.6f\n", key, g, c);
    EXPECT_NEAR(g, c, tol) << key;
}

// Runs the GUI script, then the CLI with the same inputs; returns both summaries.
struct Planned {
    Json gui, cli, state;
    fs::path dir;
};

std::string g17(double v) {
    char s[40];
    std::snprintf(s, sizeof s, "%.17g", v);
    return s;
}

// `planning`: the script lines that choose the device and place the probes.
Planned planBoth(const std::string& tag, const std::string& model, const std::string& planning) {
    Planned r;
    r.dir = test::scratchDir("gui_plan_" + tag);
    const fs::path& dir = r.dir;
    ::setenv("IRPLAN_CONFIG_DIR", dir.c_str(), 1);
    const std::string script =
        "phantom " + q(dir / "phantom") + " spacing=2\n"
        "plan-lesion 1\n"
        "plan-model " + model + "\n"
        "plan-margin 5\n" + planning +
        "plan-save " + q(dir / "gui_plan") + "\n"
        "layout 1x1\nview axial\npet off\nlabels off\n"
        "plan-show lesion\n"
        "crosshair " + std::string(kTip) + "\n"
        "screenshot-view axial " + q(dir / "axial.png") + "\n"
        "save-case " + q(dir / "case.json") + "\n"
        "state " + q(dir / "state.json") + "\n";
    files::writeTextAtomic(dir / "plan.irs", script);
    const auto g = test::runIrplan({"view", "--script", (dir / "plan.irs").string(), "--size", "1280x800", "--exit-after-script"});
    ::unsetenv("IRPLAN_CONFIG_DIR");
    EXPECT_EQ(g.exitCode, 0) << g.err;
    if (g.exitCode != 0) return r;

    const Case c = loadCase(dir / "case.json");
    r.state = Json::parse(files::readText(dir / "state.json"));
    const CaseVolume* ct = c.volume(r.state["loaded"]["ct"].get<std::string>());
    const CaseSegmentation* labels = c.segmentation(r.state["loaded"]["labels"].get<std::string>());
    EXPECT_TRUE(ct && labels);
    if (!ct || !labels) return r;
    const CasePlan* plan = c.plan("lesion1");
    EXPECT_NE(plan, nullptr) << "plan-save stores the plan in the case";
    if (!plan) return r;
    r.gui = plan->summary;

    // The CLI with the plan's probes as the case holds them (exact decimal round trip).
    std::vector<std::string> args{"plan", "--ct", c.resolve(ct->path).string(), "--labels", c.resolve(labels->path).string(),
                                  "--lesion", "1", "--device", r.gui["device"].get<std::string>(), "--setting",
                                  r.gui["setting"].get<std::string>(), "--model", model, "--out", (dir / "cli_plan").string(),
                                  "--json"};
    for (const auto& probe : c.probes)
        args.insert(args.end(), {"--probe", "tip=" + g17(probe.tip_mm.x) + "," + g17(probe.tip_mm.y) + "," + g17(probe.tip_mm.z) +
                                                ";entry=" + g17(probe.entry_mm.x) + "," + g17(probe.entry_mm.y) + "," +
                                                g17(probe.entry_mm.z)});
    const auto cli = test::runIrplan(args);
    EXPECT_EQ(cli.exitCode, 0) << cli.err;
    if (cli.exitCode == 0) r.cli = lastJson(cli.out);
    return r;
}

void compare(const Planned& p) {
    ASSERT_FALSE(p.gui.is_null());
    ASSERT_FALSE(p.cli.is_null());
    EXPECT_EQ(p.gui["model"], p.cli["model"]);
    EXPECT_EQ(p.gui["device"], p.cli["device"]);
    EXPECT_EQ(p.gui["setting"], p.cli["setting"]);
    EXPECT_EQ(p.gui["probes"], p.cli["probes"]);
    expectSameNumber(p.gui, p.cli, "zone_volume_ml", 1e-9);
    expectSameNumber(p.gui, p.cli, "minimal_margin_mm", 1e-9);
    expectSameNumber(p.gui, p.cli, "coverage_lesion_pct", 1e-9);
    expectSameNumber(p.gui, p.cli, "coverage_margin_pct", 1e-9);
    expectSameNumber(p.gui, p.cli, "p_margin_reached", 1e-9);
    EXPECT_EQ(p.gui["heat_sink_warnings"], p.cli["heat_sink_warnings"]);
    EXPECT_EQ(p.gui["paths_failing"], p.cli["paths_failing"]);
    // The warnings themselves (vessel, diameter, distances), from both plan.json files.
    const Json gp = Json::parse(files::readText(p.dir / "gui_plan" / "plan.json"));
    const Json cp = Json::parse(files::readText(p.dir / "cli_plan" / "plan.json"));
    ASSERT_EQ(gp["heat_sink_warnings"].size(), cp["heat_sink_warnings"].size());
    for (size_t i = 0; i < gp["heat_sink_warnings"].size(); ++i) {
        const Json& a = gp["heat_sink_warnings"][i];
        const Json& b = cp["heat_sink_warnings"][i];
        EXPECT_EQ(a["vessel_id"], b["vessel_id"]);
        EXPECT_NEAR(a["diameter_mm"].get<double>(), b["diameter_mm"].get<double>(), 1e-9);
        EXPECT_NEAR(a["distance_to_lesion_mm"].get<double>(), b["distance_to_lesion_mm"].get<double>(), 1e-9);
        std::printf("  heat sink %zu: %s %.1f mm, %.1f mm from the lesion\n", i + 1, a["kind"].get<std::string>().c_str(),
                    a["diameter_mm"].get<double>(), a["distance_to_lesion_mm"].get<double>());
    }
    // The live figures the panel shows are the saved plan's.
    const Json& live = p.state["plan"]["summary"];
    EXPECT_TRUE(p.state["plan"]["refined"].get<bool>());
    expectSameNumber(live, p.cli, "minimal_margin_mm", 1e-9);
    std::printf("  live chart update in the viewer: %.2f ms\n", p.state["plan"]["chart_update_ms"].get<double>());
}
} // namespace

TEST(GuiPlan, ChartPlanEqualsTheCliAndIsDrawnWhereThePlanSays) {
    IRPLAN_NEED_DISPLAY();
    // Placed off target, then moved onto it: the live chart update path.
    const Planned p = planBoth("chart", "chart",
                               "plan-device mwa-single-14g\n"
                               "probe p1 -70,45,31 " + std::string(kEntry) + "\n"
                               "move-probe p1 tip " + std::string(kTip) + "\n");
    compare(p);
    if (HasFatalFailure() || p.gui.is_null()) return;

    // The zone outline (deep pink) on the axial view lies on the zone boundary
    // of the plan's margin map (signed distance to the boundary, mm).
    const render::RgbaImage shot = render::readPng(p.dir / "axial.png");
    const Json map = Json::parse(files::readText(p.dir / "axial.png.json"));
    auto vec = [](const Json& j) { return Vec3{j[0].get<double>(), j[1].get<double>(), j[2].get<double>()}; };
    const Vec3 o = vec(map["origin_lps"]), dx = vec(map["x_step_lps"]), dy = vec(map["y_step_lps"]);
    const double mmPerPixel = map["mm_per_pixel"].get<double>();
    const Volume margin = readVolume(p.dir / "cli_plan" / "margin_map.nii.gz");
    const render::VolumeSampler field(margin.image.GetPointer());
    int pink = 0, onBoundary = 0;
    double uMin = 1e9, uMax = -1e9;
    for (int y = 0; y < shot.height; ++y)
        for (int x = 0; x < shot.width; ++x) {
            const auto* px = shot.at(x, y);
            if (!(px[0] > 200 && px[1] < 70 && px[2] > 90 && px[2] < 190)) continue;
            const Vec3 lps = o + dx * (x + 0.5) + dy * (y + 0.5);
            const auto d = field.linear(lps);
            if (!d) continue; // the zone's label text can lie outside the planning grid
            ++pink;
            if (std::abs(*d) <= 1.0 + 1.5 * mmPerPixel) ++onBoundary;
            uMin = std::min(uMin, lps.x), uMax = std::max(uMax, lps.x);
        }
    // The zone's extent along x on this slice, from the margin map.
    double zMin = 1e9, zMax = -1e9;
    for (int y = 0; y < shot.height; ++y)
        for (int x = 0; x < shot.width; ++x) {
            const auto d = field.linear(o + dx * (x + 0.5) + dy * (y + 0.5));
            if (d && *d >= 0) zMin = std::min(zMin, (o + dx * (x + 0.5)).x), zMax = std::max(zMax, (o + dx * (x + 0.5)).x);
        }
    std::printf("zone outline: %d pink pixels, %.1f%% within %.2f mm of the boundary; x extent drawn %.1f..%.1f, "
                "margin map %.1f..%.1f mm (%.2f mm/pixel)\n",
                pink, pink ? 100.0 * onBoundary / pink : 0.0, 1.0 + 1.5 * mmPerPixel, uMin, uMax, zMin, zMax, mmPerPixel);
    EXPECT_GT(pink, 100);
    EXPECT_GT(onBoundary, 0.9 * pink);
    EXPECT_NEAR(uMin, zMin, 1.0 + 2 * mmPerPixel);
    EXPECT_NEAR(uMax, zMax, 1.0 + 2 * mmPerPixel);
}

TEST(GuiPlan, AcceptedProposalWithTheThermalModelEqualsTheCli) {
    IRPLAN_NEED_DISPLAY();
    const Planned p = planBoth("thermal", "thermal",
                               "plan-device mwa-single-14g\n"
                               "plan-auto\n"
                               "plan-accept 1\n");
    compare(p);
    if (p.gui.is_null()) return;
    ASSERT_TRUE(p.state["plan"].contains("proposals"));
    EXPECT_GE(p.state["plan"]["proposals"].size(), 1u);
    std::printf("proposal 1: %s\n", p.state["plan"]["proposals"][0].dump().c_str());
    // The plan is proposal 1: its device, setting and probe, on a path that passes every check.
    const Json& best = p.state["plan"]["proposals"][0];
    EXPECT_EQ(p.gui["device"], best["device"]);
    EXPECT_EQ(p.gui["setting"], best["setting"]);
    EXPECT_TRUE(best["safe"].get<bool>());
    EXPECT_EQ(p.gui["paths_failing"].get<int>(), 0);
    const Case c = loadCase(p.dir / "case.json");
    ASSERT_EQ(c.probes.size(), best["probes"].size());
    for (size_t i = 0; i < c.probes.size(); ++i)
        for (int a = 0; a < 3; ++a) {
            EXPECT_DOUBLE_EQ(c.probes[i].tip_mm[a], best["probes"][i]["tip_mm"][a].get<double>());
            EXPECT_DOUBLE_EQ(c.probes[i].entry_mm[a], best["probes"][i]["entry_mm"][a].get<double>());
        }
}
