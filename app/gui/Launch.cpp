#include "app/gui/Launch.h"

#include "app/gui/session/Headless.h"
#include "app/gui/session/XServer.h"
#include "app/gui/window/GuiApp.h"
#include "core/Error.h"
#include "render/ViewCanvas.h"

#include <memory>

namespace irplan::viewer {

namespace {
std::string quote(const std::string& s) { return "\"" + s + "\""; }
} // namespace

std::vector<std::string> openCommands(const std::vector<std::string>& inputs) {
    std::vector<std::string> lines;
    for (const auto& in : inputs) {
        if (in.find('"') != std::string::npos) throw Error("file names with double quotes are not supported: " + in);
        lines.push_back("open " + quote(in));
    }
    return lines;
}

bool windowAvailable() { return render::displayAvailable(); }

int runViewer(const LaunchOptions& o) {
    if (o.width < 64 || o.height < 64 || o.width > 8192 || o.height > 8192)
        throw Error("--size must be between 64x64 and 8192x8192");
    std::vector<ScriptLine> lines;
    int n = 0;
    for (const auto& cmd : openCommands(o.inputs)) lines.push_back({--n, cmd}); // negative: from the command line
    if (!o.script.empty())
        for (auto& l : readScript(o.script)) lines.push_back(l);
    bool exitWhenDone = o.exitAfterScript || !o.screenshot.empty();
    if (!o.screenshot.empty()) lines.push_back({0, "screenshot " + quote(o.screenshot.string())});

    if (!o.headless) {
        if (!windowAvailable())
            throw Error("no display to open the viewer window on (DISPLAY is unset or unreachable); use --headless, or "
                        "run under xvfb-run");
        return runGui(lines, o.width, o.height, exitWhenDone);
    }
    std::unique_ptr<PrivateXServer> x;
    if (!render::displayAvailable()) {
        x = std::make_unique<PrivateXServer>();
        x->start(std::max(1920, o.width), std::max(1080, o.height));
    }
    Viewer viewer;
    HeadlessFrontend frontend(viewer, o.width, o.height);
    ScriptRunner runner(std::move(lines));
    runner.runAll(viewer, frontend);
    frontend.views().releaseGraphics();
    return 0;
}

} // namespace irplan::viewer
