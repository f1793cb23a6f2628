#include "app/gui/session/SegmentCommands.h"

#include "core/Error.h"

namespace irplan::viewer {

std::string segmentScriptHelp() {
    return "segment-liver [out=DIR] | segment-lesions [out=DIR] [seed=X,Y,Z]... | segment-seed X,Y,Z\n"
           "segment-vessels [out=DIR] | lesion-row K (moves the crosshair to lesion K of the table)\n"
           "couinaud on|off (the case's Couinaud segments on the slices)\n";
}

bool runSegmentCommand(const std::vector<std::string>& t, Viewer& viewer) {
    if (t.empty()) return false;
    const std::string& cmd = t[0];
    if (cmd == "couinaud") {
        if (t.size() != 2 || (t[1] != "on" && t[1] != "off")) throw Error("usage: couinaud on|off");
        viewer.setCouinaudOverlay(t[1] == "on");
        return true;
    }
    if (cmd != "segment-liver" && cmd != "segment-lesions" && cmd != "segment-seed" && cmd != "segment-vessels" &&
        cmd != "lesion-row")
        return false;
    std::string out;
    std::vector<Vec3> seeds;
    std::vector<std::string> positional;
    for (size_t i = 1; i < t.size(); ++i) {
        if (t[i].rfind("out=", 0) == 0) out = t[i].substr(4);
        else if (t[i].rfind("seed=", 0) == 0) seeds.push_back(parseVec3(t[i].substr(5)));
        else positional.push_back(t[i]);
    }
    SegmentSession& s = viewer.segmentation();
    if (cmd == "segment-liver") {
        if (!positional.empty() || !seeds.empty()) throw Error("usage: segment-liver [out=DIR]");
        s.runLiver(out);
    } else if (cmd == "segment-lesions") {
        if (!positional.empty()) throw Error("usage: segment-lesions [out=DIR] [seed=X,Y,Z]...");
        s.runLesions(seeds, out);
    } else if (cmd == "segment-seed") {
        if (positional.size() != 1) throw Error("usage: segment-seed X,Y,Z");
        s.growFromSeed(parseVec3(positional[0]));
    } else if (cmd == "segment-vessels") {
        if (!positional.empty() || !seeds.empty()) throw Error("usage: segment-vessels [out=DIR]");
        s.runVessels(out);
    } else {
        if (positional.size() != 1) throw Error("usage: lesion-row K");
        int k = 0;
        try {
            k = std::stoi(positional[0]);
        } catch (const std::exception&) {
            throw Error("lesion-row: '" + positional[0] + "' is not a lesion number");
        }
        s.showLesion(k);
    }
    return true;
}

} // namespace irplan::viewer
