#include "app/gui/session/EditCommands.h"

#include "app/gui/session/Script.h"
#include "core/Error.h"
#include "segmentation/ImageOps.h"

#include <cmath>

namespace irplan::viewer {

std::string editScriptHelp() {
    return "edit-label liver|lesion K|vessels|LABEL (the active label) | edit-brush RADIUS_MM [sphere|disc]\n"
           "edit-paint X,Y,Z [radius=R] [sphere|disc] [view=axial|coronal|sagittal] | edit-erase (the same)\n"
           "edit-threshold LOW HIGH | edit-threshold off (limits the following paints to CT values in [LOW, HIGH])\n"
           "edit-grow inside=X,Y,Z[;X,Y,Z] outside=X,Y,Z[;X,Y,Z] (';' separates dots, '>' joins points into a stroke;\n"
           "  repeat inside=/outside= for more strokes) | edit-islands keep-largest|X,Y,Z | edit-margin +MM|-MM\n"
           "edit-fill-holes | edit-fill-between (outlines on a few axial slices -> the shape between them)\n"
           "edit-new-lesion | edit-delete-lesion K | edit-merge-lesions K L (L joins K)\n"
           "edit-split-lesion K X,Y,Z NX,NY,NZ (the part on the normal's side becomes a new lesion)\n"
           "  (undo, redo and save-case cover the edits)\n";
}

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        const size_t at = s.find(sep, start);
        out.push_back(s.substr(start, at == std::string::npos ? std::string::npos : at - start));
        if (at == std::string::npos) break;
        start = at + 1;
    }
    return out;
}

// "a;b>c;d" -> strokes {a}, {b, c}, {d}.
void addStrokes(const std::string& text, std::vector<std::vector<Vec3>>& strokes) {
    for (const auto& item : split(text, ';')) {
        if (item.empty()) continue;
        std::vector<Vec3> stroke;
        for (const auto& p : split(item, '>')) stroke.push_back(parseVec3(p));
        strokes.push_back(stroke);
    }
}

int lesionArg(const std::string& s) {
    const double k = scriptNumber(s, "lesion number");
    if (k != std::floor(k) || k < 1 || k > 60000) throw Error("a lesion number is a whole number from 1, not '" + s + "'");
    return static_cast<int>(k);
}

struct BrushArgs {
    Vec3 point;
    std::optional<double> radius;
    std::optional<seg::BrushShape> shape;
    int axis = -1;
};

BrushArgs brushArgs(const std::vector<std::string>& t, Viewer& viewer, const char* usage) {
    BrushArgs b;
    bool hasPoint = false;
    for (size_t i = 1; i < t.size(); ++i) {
        const std::string& a = t[i];
        if (a.rfind("radius=", 0) == 0) b.radius = scriptNumber(a.substr(7), "radius");
        else if (a == "sphere") b.shape = seg::BrushShape::Sphere;
        else if (a == "disc") b.shape = seg::BrushShape::Disc;
        else if (a.rfind("view=", 0) == 0) {
            const std::string v = a.substr(5);
            const auto& labels = viewer.images().labels.labels;
            const int patientAxis = v == "axial" ? 2 : v == "coronal" ? 1 : v == "sagittal" ? 0 : -1;
            if (patientAxis < 0) throw Error("view must be axial, coronal or sagittal, not '" + v + "'");
            if (labels) b.axis = seg::voxelAxisClosestTo(labels.GetPointer(), patientAxis);
        } else if (!hasPoint) {
            b.point = parseVec3(a);
            hasPoint = true;
        } else {
            throw Error(std::string("usage: ") + usage);
        }
    }
    if (!hasPoint) throw Error(std::string("usage: ") + usage);
    return b;
}

} // namespace

bool runEditCommand(const std::vector<std::string>& t, Viewer& viewer) {
    if (t.empty() || t[0].rfind("edit-", 0) != 0) return false;
    const std::string& cmd = t[0];
    EditSession& e = viewer.editor();
    if (cmd == "edit-label") {
        if (t.size() < 2 || t.size() > 3) throw Error("usage: edit-label liver|lesion K|vessels|LABEL");
        e.setActive(t.size() == 3 ? t[1] + " " + t[2] : t[1]);
    } else if (cmd == "edit-brush") {
        if (t.size() < 2 || t.size() > 3 || (t.size() == 3 && t[2] != "sphere" && t[2] != "disc"))
            throw Error("usage: edit-brush RADIUS_MM [sphere|disc]");
        e.setBrush(scriptNumber(t[1], "brush radius"),
                   t.size() == 3 ? (t[2] == "disc" ? seg::BrushShape::Disc : seg::BrushShape::Sphere) : e.brush().shape);
    } else if (cmd == "edit-paint" || cmd == "edit-erase") {
        const char* usage = "edit-paint|edit-erase X,Y,Z [radius=R] [sphere|disc] [view=axial|coronal|sagittal]";
        const BrushArgs b = brushArgs(t, viewer, usage);
        if (cmd == "edit-paint") e.paint(b.point, b.radius, b.shape, b.axis);
        else e.erase(b.point, b.radius, b.shape, b.axis);
    } else if (cmd == "edit-threshold") {
        if (t.size() == 2 && t[1] == "off") e.setThreshold(std::nullopt);
        else if (t.size() == 3) e.setThreshold(std::make_pair(scriptNumber(t[1], "LOW"), scriptNumber(t[2], "HIGH")));
        else throw Error("usage: edit-threshold LOW HIGH | edit-threshold off");
    } else if (cmd == "edit-grow") {
        std::vector<std::vector<Vec3>> inside, outside;
        for (size_t i = 1; i < t.size(); ++i) {
            if (t[i].rfind("inside=", 0) == 0) addStrokes(t[i].substr(7), inside);
            else if (t[i].rfind("outside=", 0) == 0) addStrokes(t[i].substr(8), outside);
            else throw Error("usage: edit-grow inside=X,Y,Z[;X,Y,Z] outside=X,Y,Z[;X,Y,Z]");
        }
        if (inside.empty() || outside.empty()) throw Error("edit-grow needs inside= and outside= strokes");
        e.grow(inside, outside);
    } else if (cmd == "edit-islands") {
        if (t.size() != 2) throw Error("usage: edit-islands keep-largest|X,Y,Z");
        if (t[1] == "keep-largest") e.keepIsland(std::nullopt);
        else e.keepIsland(parseVec3(t[1]));
    } else if (cmd == "edit-margin") {
        if (t.size() != 2) throw Error("usage: edit-margin +MM|-MM");
        e.margin(scriptNumber(t[1], "margin"));
    } else if (cmd == "edit-fill-holes") {
        if (t.size() != 1) throw Error("usage: edit-fill-holes");
        e.fillHoles();
    } else if (cmd == "edit-fill-between") {
        if (t.size() != 1) throw Error("usage: edit-fill-between");
        e.fillBetweenSlices();
    } else if (cmd == "edit-new-lesion") {
        if (t.size() != 1) throw Error("usage: edit-new-lesion");
        e.newLesion();
    } else if (cmd == "edit-delete-lesion") {
        if (t.size() != 2) throw Error("usage: edit-delete-lesion K");
        e.deleteLesion(lesionArg(t[1]));
    } else if (cmd == "edit-merge-lesions") {
        if (t.size() != 3) throw Error("usage: edit-merge-lesions K L");
        e.mergeLesions(lesionArg(t[1]), lesionArg(t[2]));
    } else if (cmd == "edit-split-lesion") {
        if (t.size() != 4) throw Error("usage: edit-split-lesion K X,Y,Z NX,NY,NZ");
        e.splitLesion(lesionArg(t[1]), parseVec3(t[2]), parseVec3(t[3]));
    } else {
        throw Error("unknown edit command '" + cmd + "'; edit commands:\n" + editScriptHelp());
    }
    return true;
}

} // namespace irplan::viewer
