// irplan devices [--json] [--devices DIR]
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "planning/DeviceCatalogue.h"

#include <cstdio>
#include <iostream>

namespace irplan::cli {

namespace {
struct DevicesOptions {
    bool json = false;
    std::string dir;
};

void printText(const planning::DeviceCatalogue& c) {
    std::cout << "Applicator catalogue: " << c.directory().string() << "\n";
    std::cout << "Charts overestimate in vivo (DOMAIN.md): each device shows its in-vivo factor and spread.\n";
    for (const auto& d : c.devices()) {
        char line[256];
        std::snprintf(line, sizeof line,
                      "\n%s  [%s]  %s\n  %.0f mm, %g G (%.2f mm), %d needle(s); in vivo: %.0f%% of charted volume "
                      "(linear x%.2f, 10-90%%: x%.2f-x%.2f)\n",
                      d.id.c_str(), planning::modalityName(d.modality), d.name.c_str(), d.length_mm, d.gauge,
                      d.diameter_mm, d.needles, 100 * d.inVivo.volumeFactor, d.inVivo.linearMean(),
                      d.inVivo.linearQuantile(0.1), d.inVivo.linearQuantile(0.9));
        std::cout << line;
        for (const auto& s : d.settings) {
            std::snprintf(line, sizeof line, "    %-16s chart %4.0f x %4.0f mm, centre %4.1f mm behind the tip  (%s)\n",
                          s.name.c_str(), s.zone.length_mm, s.zone.width_mm, s.zone.centreFromTip_mm,
                          s.chartKind.c_str());
            std::cout << line;
        }
    }
}

void addDevicesCommand(CLI::App& app) {
    auto opt = std::make_shared<DevicesOptions>();
    CLI::App* cmd = app.add_subcommand(
        "devices", "List the ablation applicators (RFA, MWA, IRE, laser) with their charted zones and sources");
    cmd->add_flag("--json", opt->json, "Print the catalogue as JSON");
    cmd->add_option("--devices", opt->dir,
                    "Catalogue directory (default: IRPLAN_DEVICE_DIR or the built-in assets/devices)");
    cmd->callback([opt] {
        const auto c =
            opt->dir.empty() ? planning::DeviceCatalogue::loadDefault() : planning::DeviceCatalogue::load(opt->dir);
        if (opt->json)
            printJson(c.toJson());
        else
            printText(c);
    });
}

const CommandRegistrar registrar(50, addDevicesCommand);
} // namespace

} // namespace irplan::cli
