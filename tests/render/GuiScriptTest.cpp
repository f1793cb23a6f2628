// The real application driven by a script under Xvfb: `irplan view --script`
// opens a window (GLFW + ImGui + VTK), runs the same commands as the panels,
// and the test checks the screenshot and the saved case. The same script run
// headless gives the same case: one command layer.
#include "RenderTestSupport.h"
#include "core/Case.h"
#include "core/Files.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

using namespace irplan;
namespace fs = std::filesystem;

namespace {
// Lesion 1 of the seed-1 phantom is centred at (-76.9, 39.9, 31.0) LPS mm (truth.json).
std::string script(const fs::path& dir, const std::string& tag) {
    return "phantom \"" + (dir / "phantom").string() + "\" spacing=3\n"
           "lesion 1\n"
           "layout 2x2\n"
           "window liver\n"
           "probe p1 -76.9,39.9,31.0 -150,10,60 device=mwa\n"
           "ruler -95,30,31 -60,50,31\n"
           "point -76.9,39.9,31\n"
           "undo\n"
           "redo\n"
           "move-probe p1 entry -150,12,58\n"
           "remove-probe p1\n"
           "undo\n"
           "screenshot \"" + (dir / (tag + ".png")).string() + "\"\n"
           "save-case \"" + (dir / (tag + "_case.json")).string() + "\"\n"
           "state \"" + (dir / (tag + "_state.json")).string() + "\"\n";
}

Json items(const fs::path& caseFile) {
    const Json j = Json::parse(files::readText(caseFile));
    return {{"probes", j["probes"]}, {"measurements", j["measurements"]}};
}
} // namespace

TEST(GuiScript, WindowRunsTheScriptAndSavesTheCase) {
    IRPLAN_NEED_DISPLAY();
    const fs::path dir = test::scratchDir("gui_script");
    ::setenv("IRPLAN_CONFIG_DIR", dir.c_str(), 1);
    files::writeTextAtomic(dir / "gui.irs", script(dir, "gui"));
    const auto r = test::runIrplan({"view", "--script", (dir / "gui.irs").string(), "--size", "1280x800", "--exit-after-script"});
    ASSERT_EQ(r.exitCode, 0) << r.err;

    const render::RgbaImage shot = render::readPng(dir / "gui.png");
    EXPECT_EQ(shot.width, 1280);
    EXPECT_EQ(shot.height, 800);
    // The views are drawn: the orientation letters' yellow and the PET's hot colours are on screen.
    int letters = 0, hot = 0;
    for (int y = 0; y < shot.height; ++y)
        for (int x = 0; x < shot.width; ++x) {
            const auto* p = shot.at(x, y);
            if (p[0] > 230 && p[1] > 190 && p[1] < 235 && p[2] < 90) ++letters;
            if (p[0] > 200 && p[1] > 120 && p[2] < 80) ++hot;
        }
    std::printf("screenshot: %d orientation-letter pixels, %d hot PET pixels\n", letters, hot);
    EXPECT_GT(letters, 100);
    EXPECT_GT(hot, 100);

    const Case saved = loadCase(dir / "gui_case.json");
    const CaseProbe* p = saved.probe("p1");
    ASSERT_NE(p, nullptr) << "undo of the removal brings p1 back";
    EXPECT_EQ(p->deviceId, "mwa");
    EXPECT_EQ(p->tip_mm, (Vec3{-76.9, 39.9, 31.0}));
    EXPECT_EQ(p->entry_mm, (Vec3{-150, 12, 58}));
    ASSERT_TRUE(saved.extra.contains("measurements"));
    EXPECT_EQ(saved.extra["measurements"].size(), 2u);
    EXPECT_NEAR(saved.extra["measurements"][0]["length_mm"].get<double>(), std::hypot(35.0, 20.0), 1e-9);
    const Json state = Json::parse(files::readText(dir / "gui_state.json"));
    EXPECT_EQ(state["layout"], "2x2");
    EXPECT_EQ(state["window"]["preset"], "liver");
    EXPECT_EQ(state["pet"]["unit"], "SUVbw");
    EXPECT_TRUE(state["volume3d"]["ready"].get<bool>());
    EXPECT_NE(state["readout_at_crosshair"].get<std::string>().find("SUVbw"), std::string::npos);

    // Headless, the same script leaves the same case items.
    files::writeTextAtomic(dir / "headless.irs", script(dir, "headless"));
    const auto h = test::runIrplan({"view", "--headless", "--script", (dir / "headless.irs").string(), "--size", "1000x700"});
    ASSERT_EQ(h.exitCode, 0) << h.err;
    EXPECT_EQ(items(dir / "gui_case.json"), items(dir / "headless_case.json"));
    EXPECT_EQ(render::readPng(dir / "headless.png").width, 1000);
    ::unsetenv("IRPLAN_CONFIG_DIR");
}

TEST(GuiScript, ErrorsEndWithOneReadableLine) {
    const fs::path dir = test::scratchDir("gui_script_errors");
    files::writeTextAtomic(dir / "bad.irs", "layout 2x2\nwindow 400 40\nexplode now\n");
    auto r = test::runIrplan({"view", "--headless", "--script", (dir / "bad.irs").string()});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("irplan: error: script line 3: unknown command 'explode'"), std::string::npos) << r.err;

    r = test::runIrplan({"view", "--headless", "/no/such/scan.nii.gz", "--exit-after-script"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("irplan: error: not found: /no/such/scan.nii.gz"), std::string::npos) << r.err;

    r = test::runIrplan({"view", "--headless", "--script", (dir / "missing.irs").string()});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("irplan: error:"), std::string::npos);

    r = test::runIrplan({"view", "--size", "12x5", "--headless"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("--size"), std::string::npos);

    // A corrupt image file: the background load fails, the script stops with its message.
    files::writeTextAtomic(dir / "broken.nii.gz", "not an image");
    files::writeTextAtomic(dir / "open.irs", "open \"" + (dir / "broken.nii.gz").string() + "\"\nscreenshot x.png\n");
    r = test::runIrplan({"view", "--headless", "--script", (dir / "open.irs").string()});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("irplan: error: script line 1: reading broken.nii.gz"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir / "x.png"));
}

TEST(GuiScript, WindowWithoutDisplayIsAClearError) {
    const char* display = std::getenv("DISPLAY");
    const std::string saved = display ? display : "";
    ::unsetenv("DISPLAY");
    const auto r = test::runIrplan({"view"});
    if (!saved.empty()) ::setenv("DISPLAY", saved.c_str(), 1);
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("irplan: error: no display"), std::string::npos) << r.err;
}
