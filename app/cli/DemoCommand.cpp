// irplan demo [--headless] [--out DIR] [--seed N] [--spacing MM] [--no-pictures]: `irplan run` on the
// built-in phantom. Generates the phantom into DIR/phantom, runs the pipeline
// (PET registration with its quality gate, liver, lesions, vessels, a plan per
// lesion) into DIR (case.json, report/), then with a display opens the viewer
// on the case; headless (or without a display) it writes screenshots of the
// viewer and its state into DIR/screenshots.
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "phantom/Phantom.h"

#ifdef IRPLAN_HAVE_PIPELINE
#include "app/cli/RunSupport.h"
#endif

#ifdef IRPLAN_HAVE_VIEWER
#include "app/gui/Launch.h"
#include "app/gui/session/PhantomCase.h"
#include "app/gui/session/XServer.h"
#endif

#include <filesystem>
#include <fstream>
#include <iostream>

namespace irplan::cli {

namespace fs = std::filesystem;

namespace {
struct DemoOptions {
    std::string out = "irplan-demo";
    bool headless = false;
    uint64_t seed = 1;
    // 0: the phantom's default grid (~0.8 x 0.8 x 1.5 mm). The whole demo takes
    // ~2.5 min there on 2 cores (README), under the ~3 min budget, and finds
    // only the true lesions; coarser grids are quicker but add false positives.
    double spacing = 0;
    bool noPictures = false;
};


void printSummary(const fs::path& caseFile) {
    const Case c = loadCase(caseFile);
    std::cout << "IRPlan demo case written to " << caseFile.parent_path().string() << "\n";
    std::cout << "  case file   " << caseFile.string() << "\n";
    for (const auto& v : c.volumes)
        std::cout << "  " << v.id << std::string(12 - std::min<size_t>(11, v.id.size()), ' ') << v.path << " (" << v.units
                  << ")\n";
    for (const auto& t : c.transforms)
        std::cout << "  transform   " << t.id << ": " << t.fixedId << " -> " << t.movingId << " (" << t.preset << ")\n";
}

#ifdef IRPLAN_HAVE_VIEWER
// What the headless demo shows: the fused views on the largest lesion, the PET
// MIP and the 3D view with the vessel tree, one picture each.
std::string demoScript(const fs::path& caseFile, const fs::path& shots, bool open = true) {
    auto q = [](const fs::path& p) { return "\"" + p.string() + "\""; };
    std::string s;
    if (open) s += "open " + q(caseFile) + "\n";
    s += "lesion 1\n";
    s += "size 1600x1000\nlayout 2x2\nwindow abdomen\n";
    s += "screenshot " + q(shots / "overview_2x2.png") + "\n";
    s += "size 1000x1000\nlayout 1x1\nview axial\nwindow liver\n";
    s += "screenshot " + q(shots / "axial_fused.png") + "\n";
    s += "window abdomen\nview mip\nsize 800x1000\n";
    s += "screenshot " + q(shots / "pet_mip.png") + "\n";
    s += "view 3d\nsize 1000x1000\n";
    s += "screenshot " + q(shots / "3d_vessels.png") + "\n";
    s += "state " + q(shots / "viewer_state.json") + "\n";
    return s;
}
#endif

#if defined(IRPLAN_HAVE_PIPELINE) && defined(IRPLAN_HAVE_VIEWER)
// The phantom into DIR/phantom, then `irplan run` on it into DIR; the demo's
// screenshots are taken in the report's headless viewer session.
void runPipelineDemo(const DemoOptions& o) {
    const fs::path out = o.out;
    const Progress progress = stderrProgress(false);
    phantom::PhantomOptions po;
    po.seed = o.seed;
    if (o.spacing > 0) po.spacing = Vec3{o.spacing, o.spacing, o.spacing};
    po.progress = progress.sub(0.0, 0.8);
    const phantom::PhantomCase p = phantom::generatePhantom(po);
    const phantom::PhantomFiles pf = phantom::writePhantom(p, out / "phantom", false, progress.sub(0.8, 1.0));
    const bool window = !o.headless && viewer::windowAvailable();
    RunRequest r;
    r.pipeline.ct = pf.ctArterial.string();
    r.pipeline.portal = pf.ctPortal.string();
    r.pipeline.pet = pf.pet.string();
    r.pipeline.caseDir = out;
    r.pipeline.name = "IRPlan demo phantom (seed " + std::to_string(o.seed) + ")";
    r.pictures = !o.noPictures;
    const fs::path caseFile = out / "case.json";
    const fs::path shots = out / "screenshots";
    if (!window && !o.noPictures) {
        files::ensureDirectory(shots);
        r.extraScript = demoScript(fs::absolute(caseFile), fs::absolute(shots), false);
    }
    runAndReport(r);
    printSummary(caseFile);
    std::cout << "  phantom     " << (out / "phantom").string() << " (truth.json: the true lesions and vessels)\n";
    if (window) {
        viewer::LaunchOptions lo;
        lo.inputs = {caseFile.string()};
        const int code = viewer::runViewer(lo);
        if (code != 0) std::exit(code);
        return;
    }
    if (o.noPictures) return;
    if (fs::exists(shots / "overview_2x2.png"))
        std::cout << "  screenshots " << shots.string() << " (overview_2x2, axial_fused, pet_mip, 3d_vessels)\n";
    else
        log::warn("no screenshots were taken (see the report's note on pictures)");
}
#endif

void addDemoCommand(CLI::App& app) {
    auto opt = std::make_shared<DemoOptions>();
    CLI::App* cmd = app.add_subcommand("demo", "Run IRPlan on the built-in phantom case");
    cmd->add_option("--out", opt->out, "Output directory (default irplan-demo)");
    cmd->add_flag("--headless", opt->headless, "Write screenshots and the case to --out instead of opening a window");
    cmd->add_option("--seed", opt->seed, "Phantom seed");
    cmd->add_option("--spacing", opt->spacing, "Phantom CT voxel size in mm (isotropic; default grid when absent)");
    cmd->add_flag("--no-pictures", opt->noPictures, "No report pictures and no screenshots");
    cmd->callback([opt] {
        if (opt->spacing != 0 && !(opt->spacing >= 0.3 && opt->spacing <= 10))
            throw Error("--spacing must be between 0.3 and 10 mm");
        const fs::path out = opt->out;
#if defined(IRPLAN_HAVE_PIPELINE) && defined(IRPLAN_HAVE_VIEWER)
        runPipelineDemo(*opt);
        return;
#endif
#ifdef IRPLAN_HAVE_VIEWER
        viewer::PhantomCaseOptions po;
        po.seed = opt->seed;
        if (opt->spacing > 0) po.spacing_mm = opt->spacing;
        const fs::path caseFile = viewer::writePhantomCase(out, po, stderrProgress(false));
        printSummary(caseFile);
        const bool window = !opt->headless && viewer::windowAvailable();
        if (window) {
            viewer::LaunchOptions lo;
            lo.inputs = {caseFile.string()};
            const int code = viewer::runViewer(lo);
            if (code != 0) std::exit(code);
            return;
        }
        if (!viewer::windowAvailable() && !viewer::xvfbAvailable()) {
            log::warn("no display and no Xvfb: the screenshots were skipped (install xvfb or run under xvfb-run)");
            return;
        }
        const fs::path shots = out / "screenshots";
        files::ensureDirectory(shots);
        const fs::path script = shots / "demo_script.irs";
        files::writeTextAtomic(script, demoScript(fs::absolute(caseFile), fs::absolute(shots)));
        viewer::LaunchOptions lo;
        lo.script = script;
        lo.headless = true;
        lo.exitAfterScript = true;
        const int code = viewer::runViewer(lo);
        if (code != 0) std::exit(code);
        std::cout << "  screenshots " << shots.string() << " (overview_2x2, axial_fused, pet_mip, 3d_vessels)\n";
#else
        phantom::PhantomOptions po;
        po.seed = opt->seed;
        if (opt->spacing > 0) po.spacing = Vec3{opt->spacing, opt->spacing, opt->spacing};
        po.progress = stderrProgress(false).sub(0.0, 0.8);
        const phantom::PhantomCase p = phantom::generatePhantom(po);
        const auto files = phantom::writePhantom(p, out, false, stderrProgress(false).sub(0.8, 1.0));
        printSummary(files.caseFile);
        log::warn("built without the viewer (IRPLAN_BUILD_GUI=OFF): no screenshots");
#endif
    });
}

const CommandRegistrar registrar(900, addDemoCommand);
} // namespace

} // namespace irplan::cli
