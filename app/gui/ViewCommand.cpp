// irplan view [CASE|FILES...] [--script FILE] [--screenshot PATH] [--size WxH]
//             [--exit-after-script] [--headless]
#include "app/cli/CommandRegistry.h"
#include "app/gui/Launch.h"
#include "app/gui/session/Script.h"
#include "core/Error.h"

#include <cstdlib>
#include <iostream>

namespace irplan::cli {

namespace {
struct ViewCliOptions {
    std::vector<std::string> inputs;
    std::string script, screenshot, size = "1600x1000";
    bool exitAfterScript = false, headless = false, listCommands = false;
};

void addViewCommand(CLI::App& app) {
    auto opt = std::make_shared<ViewCliOptions>();
    CLI::App* cmd = app.add_subcommand("view", "Open the viewer (fused slices, 3D, measurements, probes); scriptable");
    cmd->add_option("inputs", opt->inputs, "A case file (case.json), or image files / DICOM directories");
    cmd->add_option("--script", opt->script, "Run viewer commands from FILE (see --list-commands)");
    cmd->add_option("--screenshot", opt->screenshot, "Save a PNG of the window when loading (and the script) finished, then exit");
    cmd->add_option("--size", opt->size, "Window size WxH (default 1600x1000)");
    cmd->add_flag("--exit-after-script", opt->exitAfterScript, "Close the viewer when the script has run");
    cmd->add_flag("--headless", opt->headless, "No window: render offscreen (screenshots show the views without panels)");
    cmd->add_flag("--list-commands", opt->listCommands, "Print the script commands and exit");
    cmd->callback([opt] {
        if (opt->listCommands) {
            std::cout << viewer::scriptHelp();
            return;
        }
        viewer::LaunchOptions o;
        o.inputs = opt->inputs;
        o.script = opt->script;
        o.screenshot = opt->screenshot;
        o.exitAfterScript = opt->exitAfterScript;
        o.headless = opt->headless;
        const auto x = opt->size.find('x');
        try {
            if (x == std::string::npos) throw std::invalid_argument("no x");
            o.width = std::stoi(opt->size.substr(0, x));
            o.height = std::stoi(opt->size.substr(x + 1));
        } catch (const std::exception&) {
            throw Error("--size must be WIDTHxHEIGHT, e.g. 1600x1000, not '" + opt->size + "'");
        }
        const int code = viewer::runViewer(o);
        if (code != 0) std::exit(code);
    });
}

const CommandRegistrar registrar(800, addViewCommand);
} // namespace

} // namespace irplan::cli
