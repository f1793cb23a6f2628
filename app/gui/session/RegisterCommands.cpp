#include "app/gui/session/RegisterCommands.h"

#include "core/Error.h"

namespace irplan::viewer {

std::string registerScriptHelp() {
    return "register PRESET [moving=VOLUME_ID] (pet-ct-rigid, pet-ct-affine, ...; the PET onto the CT)\n"
           "nudge TX,TY,TZ [RX,RY,RZ] (mm, degrees; re-runs the quality gate) | compare checkerboard MM | compare blend\n";
}

bool runRegisterCommand(const std::vector<std::string>& t, Viewer& viewer) {
    if (t.empty()) return false;
    const std::string& cmd = t[0];
    if (cmd == "register") {
        if (t.size() < 2 || t.size() > 3) throw Error("usage: register PRESET [moving=VOLUME_ID]");
        std::string moving;
        if (t.size() == 3) {
            if (t[2].rfind("moving=", 0) != 0) throw Error("usage: register PRESET [moving=VOLUME_ID]");
            moving = t[2].substr(7);
        }
        viewer.registration().run(t[1], moving);
    } else if (cmd == "nudge") {
        if (t.size() < 2 || t.size() > 3) throw Error("usage: nudge TX,TY,TZ [RX,RY,RZ]");
        viewer.registration().nudge(parseVec3(t[1]), t.size() == 3 ? parseVec3(t[2]) : Vec3{});
    } else if (cmd == "compare") {
        if (t.size() == 2 && t[1] == "blend") viewer.setCheckerboard(0);
        else if (t.size() == 3 && t[1] == "checkerboard") {
            double mm = 0;
            try {
                mm = std::stod(t[2]);
            } catch (const std::exception&) {
                throw Error("compare checkerboard: '" + t[2] + "' is not a tile size in mm");
            }
            viewer.setCheckerboard(mm);
        } else {
            throw Error("usage: compare checkerboard MM | compare blend");
        }
    } else {
        return false;
    }
    return true;
}

} // namespace irplan::viewer
