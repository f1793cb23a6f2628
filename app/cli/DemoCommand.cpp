// irplan demo [--headless] [--out DIR]: the built-in demo case. Generates the
// phantom and writes its case file; later stages (registration, segmentation,
// planning, screenshots) run as they are available.
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "io/VolumeInfo.h"
#include "phantom/Phantom.h"

#include <iostream>

namespace irplan::cli {

namespace {
struct DemoOptions {
    std::string out = "irplan-demo";
    bool headless = false;
    uint64_t seed = 1;
};
} // namespace

namespace {
void addDemoCommand(CLI::App& app) {
    auto opt = std::make_shared<DemoOptions>();
    CLI::App* cmd = app.add_subcommand("demo", "Run IRPlan on the built-in phantom case");
    cmd->add_option("--out", opt->out, "Output directory (default irplan-demo)");
    cmd->add_flag("--headless", opt->headless, "Write results to --out instead of opening a window");
    cmd->add_option("--seed", opt->seed, "Phantom seed");
    cmd->callback([opt] {
        phantom::PhantomOptions po;
        po.seed = opt->seed;
        po.progress = stderrProgress(false).sub(0.0, 0.8);
        const phantom::PhantomCase p = phantom::generatePhantom(po);
        const auto files = phantom::writePhantom(p, opt->out, false, stderrProgress(false).sub(0.8, 1.0));
        std::cout << "IRPlan demo case written to " << files.caseFile.parent_path().string() << "\n";
        std::cout << "  case file   " << files.caseFile.string() << "\n";
        std::cout << "  CT          " << p.ctGrid.size[0] << " x " << p.ctGrid.size[1] << " x " << p.ctGrid.size[2]
                  << " voxels, arterial and portal-venous phases\n";
        std::cout << "  PET         68Ga-DOTATATE, SUV, " << p.petGrid.size[0] << " x " << p.petGrid.size[1] << " x "
                  << p.petGrid.size[2] << " voxels of 4 mm\n";
        for (const auto& l : p.anatomy.lesions)
            std::cout << "  lesion " << l.id << "    " << static_cast<int>(l.diameter + 0.5) << " mm, SUV "
                      << l.tissue.suv << ", " << l.note << "\n";
    });
}

const CommandRegistrar registrar(900, addDemoCommand);
} // namespace

} // namespace irplan::cli
