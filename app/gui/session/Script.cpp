#include "app/gui/session/Script.h"

#include "app/gui/session/EditCommands.h"
#include "app/gui/session/PlanCommands.h"
#include "app/gui/session/RegisterCommands.h"
#include "app/gui/session/SegmentCommands.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "render/ImageFiles.h"
#include "render/SliceView.h"

#include <chrono>
#include <cstdio>
#include <thread>
#include <iostream>
#include <map>
#include <sstream>

namespace irplan::viewer {

namespace fs = std::filesystem;
using render::ViewKind;

std::vector<std::string> splitCommand(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    bool quoted = false, has = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '"') {
            quoted = !quoted;
            has = true;
        } else if (!quoted && c == '#') {
            break;
        } else if (!quoted && (c == ' ' || c == '\t' || c == '\r')) {
            if (has) out.push_back(cur);
            cur.clear();
            has = false;
        } else {
            cur += c;
            has = true;
        }
    }
    if (quoted) throw Error("unbalanced quote");
    if (has) out.push_back(cur);
    return out;
}

std::vector<ScriptLine> readScript(const fs::path& file) {
    std::istringstream in(files::readText(file));
    std::vector<ScriptLine> lines;
    std::string text;
    for (int n = 1; std::getline(in, text); ++n)
        if (!splitCommand(text).empty()) lines.push_back({n, text});
    return lines;
}

double scriptNumber(const std::string& text, const char* what) {
    try {
        size_t used = 0;
        const double v = std::stod(text, &used);
        if (used != text.size() || !std::isfinite(v)) throw std::invalid_argument("trailing");
        return v;
    } catch (const std::exception&) {
        throw Error(std::string(what) + " must be a number, not '" + text + "'");
    }
}

namespace {

bool onOff(const std::string& s) {
    if (s == "on" || s == "show" || s == "true" || s == "1") return true;
    if (s == "off" || s == "hide" || s == "false" || s == "0") return false;
    throw Error("expected on or off, not '" + s + "'");
}

ViewKind viewArg(const std::string& s) {
    auto v = render::viewFromName(s);
    if (!v) throw Error("unknown view '" + s + "' (axial, coronal, sagittal, 3d, mip)");
    return *v;
}

// Positional arguments and key=value options.
struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> options;
    std::string option(const std::string& key, const std::string& fallback = "") const {
        auto it = options.find(key);
        return it == options.end() ? fallback : it->second;
    }
};

Args parseArgs(const std::vector<std::string>& tokens) {
    Args a;
    for (size_t i = 1; i < tokens.size(); ++i) {
        const auto eq = tokens[i].find('=');
        if (eq != std::string::npos && eq > 0 && tokens[i].find('/') > eq) a.options[tokens[i].substr(0, eq)] = tokens[i].substr(eq + 1);
        else a.positional.push_back(tokens[i]);
    }
    return a;
}

void need(const Args& a, size_t n, const char* usage) {
    if (a.positional.size() != n) throw Error(std::string("usage: ") + usage);
}

Vec3 point(const Args& a, size_t first, const char* usage) {
    // "x,y,z" or "x y z"
    if (first + 1 == a.positional.size()) return parseVec3(a.positional[first]);
    if (first + 3 != a.positional.size()) throw Error(std::string("usage: ") + usage);
    return {scriptNumber(a.positional[first], "x"), scriptNumber(a.positional[first + 1], "y"), scriptNumber(a.positional[first + 2], "z")};
}

} // namespace

std::string scriptHelp() {
    return "open PATH [role=ct|pet|mr|labels] [series=UID]   case.json, DICOM directory, NIfTI/NRRD/MHA\n"
           "phantom DIR [spacing=MM] [seed=N]                  generate the built-in phantom and open it\n"
           "save-case PATH | use-ct VOLUME_ID | close\n"
           "layout 1x1|2x2|1+3 | view axial|coronal|sagittal|3d|mip\n"
           "window liver|abdomen|bone|lung | window WIDTH LEVEL\n"
           "pet on|off | pet-colormap hot|rainbow|gray|inverted | pet-opacity 0..1 | pet-window LOW HIGH\n"
           "labels outline|fill|off | label N show|hide\n"
           "crosshair X,Y,Z | slice VIEW STEPS | lesion K\n"
           "preset3d vessels|bone|soft | camera3d AZIMUTH ELEVATION | pet3d|surfaces|shading on|off\n"
           "probe ID TIP_X,Y,Z ENTRY_X,Y,Z [device=NAME] | move-probe ID tip|entry X,Y,Z | remove-probe ID\n"
           "ruler X,Y,Z X,Y,Z | point X,Y,Z | remove-measurement ID | undo | redo\n"
           "zoom VIEW FACTOR | reset-views | size WxH\n"
           "hover X,Y,Z (prints the read-out) | state PATH (viewer state as JSON) | screenshot PATH\n"
           "screenshot-view axial|coronal|sagittal PATH (one view, PATH.json maps its pixels to LPS)\n"
           + registerScriptHelp() + segmentScriptHelp() + editScriptHelp() + planScriptHelp() +
           "panel case|display|measure|registration|segmentation|planning|teaching|log (window only) | sleep SECONDS | echo TEXT | wait | quit\n";
}

void runCommand(const std::string& line, Viewer& viewer, Frontend& frontend) {
    const std::vector<std::string> tokens = splitCommand(line);
    if (tokens.empty()) return;
    const std::string& cmd = tokens[0];
    if (runPlanCommand(tokens, viewer) || runSegmentCommand(tokens, viewer) || runRegisterCommand(tokens, viewer) ||
        runEditCommand(tokens, viewer))
        return;
    const Args a = parseArgs(tokens);
    if (cmd == "open") {
        need(a, 1, "open PATH [role=ct|pet|mr|labels] [series=UID]");
        const fs::path path = a.positional[0];
        const std::string role = a.option("role");
        if (role == "labels" || (role.empty() && looksLikeLabelMap(path) && !fs::is_directory(path))) viewer.openLabels(path);
        else if (role.empty() && files::extensionOf(path) == ".json") viewer.openCase(path);
        else viewer.openVolume(path, role, a.option("series"));
    } else if (cmd == "phantom") {
        need(a, 1, "phantom DIR [spacing=MM] [seed=N]");
        std::optional<double> spacing;
        if (!a.option("spacing").empty()) spacing = scriptNumber(a.option("spacing"), "spacing");
        const double seed = a.option("seed").empty() ? 1 : scriptNumber(a.option("seed"), "seed");
        viewer.openPhantom(a.positional[0], spacing, static_cast<uint64_t>(seed));
    } else if (cmd == "save-case") {
        need(a, 1, "save-case PATH");
        viewer.saveCase(a.positional[0]);
    } else if (cmd == "use-ct") {
        need(a, 1, "use-ct VOLUME_ID");
        viewer.useCt(a.positional[0]);
    } else if (cmd == "close") {
        viewer.closeCase();
    } else if (cmd == "layout") {
        need(a, 1, "layout 1x1|2x2|1+3");
        auto l = render::layoutFromName(a.positional[0]);
        if (!l) throw Error("unknown layout '" + a.positional[0] + "' (1x1, 2x2, 1+3)");
        viewer.setLayout(*l);
    } else if (cmd == "view") {
        need(a, 1, "view axial|coronal|sagittal|3d|mip");
        viewer.setMainView(viewArg(a.positional[0]));
    } else if (cmd == "window") {
        if (a.positional.size() == 1) viewer.setWindowPreset(a.positional[0]);
        else if (a.positional.size() == 2)
            viewer.setWindow({scriptNumber(a.positional[0], "window width"), scriptNumber(a.positional[1], "window level"), ""});
        else throw Error("usage: window PRESET | window WIDTH LEVEL");
    } else if (cmd == "pet") {
        need(a, 1, "pet on|off");
        viewer.setPetVisible(onOff(a.positional[0]));
    } else if (cmd == "pet-colormap") {
        need(a, 1, "pet-colormap hot|rainbow|gray|inverted");
        auto m = render::colormapFromName(a.positional[0]);
        if (!m) throw Error("unknown colour map '" + a.positional[0] + "' (hot, rainbow, gray, inverted)");
        viewer.setPetColormap(*m);
    } else if (cmd == "pet-opacity") {
        need(a, 1, "pet-opacity 0..1");
        viewer.setPetOpacity(scriptNumber(a.positional[0], "opacity"));
    } else if (cmd == "pet-window") {
        need(a, 2, "pet-window LOW HIGH");
        viewer.setPetWindow(scriptNumber(a.positional[0], "low"), scriptNumber(a.positional[1], "high"));
    } else if (cmd == "labels") {
        need(a, 1, "labels outline|fill|off");
        auto s = render::labelStyleFromName(a.positional[0]);
        if (!s) throw Error("unknown label style '" + a.positional[0] + "' (outline, fill, off)");
        viewer.setLabelStyle(*s);
    } else if (cmd == "label") {
        need(a, 2, "label N show|hide");
        viewer.setLabelHidden(static_cast<int>(scriptNumber(a.positional[0], "label")), !onOff(a.positional[1]));
    } else if (cmd == "crosshair") {
        viewer.setCrosshair(point(a, 0, "crosshair X,Y,Z"));
    } else if (cmd == "slice") {
        need(a, 2, "slice VIEW STEPS");
        viewer.stepSlice(viewArg(a.positional[0]), static_cast<int>(scriptNumber(a.positional[1], "steps")));
    } else if (cmd == "lesion") {
        need(a, 1, "lesion K");
        viewer.selectLesion(static_cast<int>(scriptNumber(a.positional[0], "lesion number")));
    } else if (cmd == "preset3d") {
        need(a, 1, "preset3d vessels|bone|soft");
        auto p = render::volumePresetFromName(a.positional[0]);
        if (!p) throw Error("unknown 3D preset '" + a.positional[0] + "' (vessels, bone, soft)");
        viewer.set3dPreset(*p);
    } else if (cmd == "pet3d" || cmd == "surfaces" || cmd == "shading") {
        need(a, 1, "pet3d|surfaces|shading on|off");
        const bool on = onOff(a.positional[0]);
        viewer.set3dOptions(cmd == "pet3d" ? std::optional<bool>(on) : std::nullopt,
                            cmd == "surfaces" ? std::optional<bool>(on) : std::nullopt,
                            cmd == "shading" ? std::optional<bool>(on) : std::nullopt);
    } else if (cmd == "camera3d") {
        need(a, 2, "camera3d AZIMUTH ELEVATION");
        frontend.set3dAngles(scriptNumber(a.positional[0], "azimuth"), scriptNumber(a.positional[1], "elevation"));
    } else if (cmd == "probe") {
        need(a, 3, "probe ID TIP_X,Y,Z ENTRY_X,Y,Z [device=NAME]");
        viewer.placeProbe(a.positional[0], parseVec3(a.positional[1]), parseVec3(a.positional[2]), a.option("device", "manual"));
    } else if (cmd == "move-probe") {
        need(a, 3, "move-probe ID tip|entry X,Y,Z");
        if (a.positional[1] != "tip" && a.positional[1] != "entry") throw Error("move-probe: say tip or entry");
        viewer.moveProbeEnd(a.positional[0], a.positional[1] == "tip", parseVec3(a.positional[2]));
    } else if (cmd == "remove-probe") {
        need(a, 1, "remove-probe ID");
        viewer.removeProbe(a.positional[0]);
    } else if (cmd == "ruler") {
        need(a, 2, "ruler X,Y,Z X,Y,Z");
        viewer.addRuler(parseVec3(a.positional[0]), parseVec3(a.positional[1]));
    } else if (cmd == "point") {
        need(a, 1, "point X,Y,Z");
        viewer.addPoint(parseVec3(a.positional[0]));
    } else if (cmd == "remove-measurement") {
        need(a, 1, "remove-measurement ID");
        viewer.removeMeasurement(a.positional[0]);
    } else if (cmd == "undo") {
        viewer.undo();
    } else if (cmd == "redo") {
        viewer.redo();
    } else if (cmd == "zoom") {
        need(a, 2, "zoom VIEW FACTOR");
        frontend.zoom(viewArg(a.positional[0]), scriptNumber(a.positional[1], "zoom factor"));
    } else if (cmd == "reset-views") {
        frontend.resetViews();
    } else if (cmd == "size") {
        need(a, 1, "size WxH");
        const auto x = a.positional[0].find('x');
        if (x == std::string::npos) throw Error("size must be WIDTHxHEIGHT, e.g. 1280x800");
        const int w = static_cast<int>(scriptNumber(a.positional[0].substr(0, x), "width"));
        const int h = static_cast<int>(scriptNumber(a.positional[0].substr(x + 1), "height"));
        if (w < 64 || h < 64 || w > 8192 || h > 8192) throw Error("size must be between 64 and 8192 pixels per side");
        frontend.setSize(w, h);
    } else if (cmd == "hover") {
        const Readout r = viewer.readout(point(a, 0, "hover X,Y,Z"));
        std::cout << "readout: " << r.text() << std::endl;
    } else if (cmd == "state") {
        need(a, 1, "state PATH");
        files::writeTextAtomic(a.positional[0], viewer.stateJson().dump(2) + "\n");
    } else if (cmd == "screenshot") {
        need(a, 1, "screenshot PATH");
        frontend.screenshot(a.positional[0]);
    } else if (cmd == "screenshot-view") {
        need(a, 2, "screenshot-view axial|coronal|sagittal PATH");
        const ViewKind v = viewArg(a.positional[0]);
        if (!render::isSliceView(v)) throw Error("screenshot-view takes a slice view (axial, coronal, sagittal)");
        frontend.screenshotView(v, a.positional[1]);
    } else if (cmd == "echo") {
        std::string text;
        for (size_t i = 1; i < tokens.size(); ++i) text += (i > 1 ? " " : "") + tokens[i];
        std::cout << text << std::endl;
    } else if (cmd == "wait") {
        // Every command already waits for the previous one's background work.
    } else if (cmd == "sleep") {
        need(a, 1, "sleep SECONDS");
        const double seconds = scriptNumber(a.positional[0], "seconds");
        if (!(seconds >= 0 && seconds <= 3600)) throw Error("sleep takes 0 to 3600 seconds");
        frontend.pause(seconds);
    } else if (cmd == "panel") {
        need(a, 1, "panel case|display|measure|registration|segmentation|planning|teaching|log");
        const std::string& name = a.positional[0];
        if (name != "case" && name != "display" && name != "measure" && name != "planning" && name != "segmentation" &&
            name != "registration" && name != "teaching" && name != "log")
            throw Error("unknown panel '" + name +
                        "' (case, display, measure, registration, segmentation, planning, teaching, log)");
        frontend.showPanel(name);
    } else if (cmd == "quit") {
        frontend.quit();
    } else {
        throw Error("unknown command '" + cmd + "'; commands:\n" + scriptHelp());
    }
}

std::string ScriptRunner::where(const ScriptLine& line) {
    // Lines numbered <= 0 come from the command line (files to open), not from a script file.
    if (line.number <= 0) return "";
    return "script line " + std::to_string(line.number) + ": ";
}

void writeViewCapture(const render::RgbaImage& image, const render::SliceView& view, const fs::path& path) {
    render::writePng(image, path);
    const Vec3 o = view.pixelToLps(0, 0), x = view.pixelToLps(1, 0) - o, y = view.pixelToLps(0, 1) - o;
    Json j = {{"view", render::viewName(view.kind())},
              {"width", image.width},
              {"height", image.height},
              {"origin_lps", {o.x, o.y, o.z}},
              {"x_step_lps", {x.x, x.y, x.z}},
              {"y_step_lps", {y.x, y.y, y.z}},
              {"mm_per_pixel", view.mmPerPixel()}};
    files::writeTextAtomic(fs::path(path.string() + ".json"), j.dump(2) + "\n");
    log::info("view screenshot " + path.string());
}

void Frontend::screenshotView(ViewKind, const fs::path& path) {
    throw Error("screenshot-view " + path.string() + ": this front end draws no views");
}

void Frontend::pause(double seconds) { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); }

bool ScriptRunner::step(Viewer& viewer, Frontend& frontend) {
    if (done()) return false;
    if (viewer.tasks().busy()) return false;
    // Background work that failed fails the script at the command that started it.
    const auto errors = viewer.takeTaskErrors();
    if (!errors.empty() && next_ > 0) throw Error(where(lines_[next_ - 1]) + errors.front());
    const ScriptLine& line = lines_[next_++];
    try {
        runCommand(line.text, viewer, frontend);
    } catch (const Error& e) {
        throw Error(where(line) + e.what());
    }
    return true;
}

void ScriptRunner::runAll(Viewer& viewer, Frontend& frontend) {
    while (!done()) {
        viewer.tasks().waitIdle();
        viewer.poll();
        step(viewer, frontend);
    }
    viewer.tasks().waitIdle();
    viewer.poll();
    const auto errors = viewer.takeTaskErrors();
    if (!errors.empty()) throw Error((lines_.empty() ? std::string() : where(lines_.back())) + errors.front());
}

} // namespace irplan::viewer
