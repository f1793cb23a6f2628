// The undoable edits of the viewer (probes, measurements) and its queries.
#include "app/gui/session/Viewer.h"

#include "core/Error.h"
#include "core/Log.h"
#include "render/SliceCompositor.h"
#include "render/VolumeSampler.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace irplan::viewer {

namespace {
std::string fixed(double v, int precision) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(precision) << v;
    return s.str();
}

Json vecJson(const Vec3& v) { return Json::array({v.x, v.y, v.z}); }

void checkFinite(const Vec3& p, const char* what) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z))
        throw Error(std::string(what) + " is not a finite position");
}
} // namespace

void Viewer::edit(const std::string& label, const std::function<void(Case&)>& change, std::shared_ptr<UndoHook> hook) {
    Json before = toJson(case_);
    Case changed = case_;
    change(changed); // throws before anything is modified
    case_ = std::move(changed);
    undo_.push(label, std::move(before), toJson(case_), std::move(hook));
    rebuildItems();
}

void Viewer::restore(const Json& caseJson) {
    const std::filesystem::path base = case_.baseDir;
    case_ = caseFromJson(caseJson);
    case_.baseDir = base;
    if (!state_.selectedProbe.empty() && !case_.probe(state_.selectedProbe)) state_.selectedProbe.clear();
    rebuildItems();
}

void Viewer::undo() {
    editor_->endStroke(); // Ctrl+Z in the middle of a brush drag: the drag first becomes its step
    const std::string label = undo_.undoLabel();
    const auto hook = undo_.undoHook();
    restore(undo_.undo());
    if (hook) hook->undo();
    log::info("undo: " + label);
}

void Viewer::redo() {
    editor_->endStroke();
    const std::string label = undo_.redoLabel();
    const auto hook = undo_.redoHook();
    restore(undo_.redo());
    if (hook) hook->redo();
    log::info("redo: " + label);
}

void Viewer::setEditedLabels(LabelImage::Pointer labels) {
    images_.labels.labels = labels;
    labelsEdited();
}

void Viewer::labelsEdited(bool recount) {
    if (const CaseSegmentation* s = case_.segmentation(images_.labelsId))
        if (!s->legend.empty()) images_.labels.legend = s->legend;
    if (recount) images_.labelInfo = labelInfo(images_.labels.labels.GetPointer());
    if (couinaudOverlay_) {
        setCouinaudOverlay(true); // merges the edited map again
        return;
    }
    scene_.labels = images_.labels;
    ++versions_.images;
    ++versions_.display;
}

void Viewer::rebuildSurfaces() {
    if (!scene_.labels.labels) return;
    if (surfacesTask_) surfacesTask_->cancel(); // a newer edit replaces it
    // A copy: the editor keeps changing the shown map while the worker reads.
    const LabelImage* shown = images_.labels.labels.GetPointer();
    LabelImage::Pointer copy = seg::crop(shown, shown->GetLargestPossibleRegion());
    const unsigned generation = ++surfacesGeneration_, load = loadGeneration_;
    surfacesTask_ = tasks_.start("updating the 3D surfaces", [this, copy, generation, load](const Progress& progress) {
        std::vector<int> wanted{1, 2, 3, 4, 5, 6};
        for (int k = 1; k < 100; ++k) wanted.push_back(100 + k);
        auto surfaces = render::buildLabelSurfaces(copy.GetPointer(), wanted, 192, progress);
        return [this, surfaces, generation, load] {
            if (generation != surfacesGeneration_ || load != loadGeneration_) return;
            surfaces_ = surfaces;
            ++versions_.volume3d;
        };
    });
}

void Viewer::beginEditGroup(const std::string& label) { undo_.beginGroup(label); }
void Viewer::endEditGroup() {
    undo_.endGroup();
    planning_->probesChanged(); // the drag ended: the chosen model refines the plan
}

void Viewer::planItemsChanged() {
    scene_.zones = planning_->zones();
    scene_.markers = planning_->markers();
    ++versions_.items;
}

std::string Viewer::nextProbeId() const {
    for (int n = 1;; ++n) {
        const std::string id = "probe" + std::to_string(n);
        if (!case_.probe(id)) return id;
    }
}

void Viewer::placeProbe(const std::string& id, const Vec3& tip, const Vec3& entry, const std::string& device) {
    checkFinite(tip, "probe tip");
    checkFinite(entry, "probe entry");
    if (id.empty()) throw Error("a probe needs an id");
    if (distance(tip, entry) < 1.0) throw Error("probe '" + id + "': tip and entry are less than 1 mm apart");
    edit("place probe " + id, [&](Case& c) {
        CaseProbe p;
        if (const CaseProbe* old = c.probe(id)) p = *old;
        p.id = id;
        p.deviceId = device.empty() ? "manual" : device;
        p.tip_mm = tip;
        p.entry_mm = entry;
        setProbe(c, p);
    });
    state_.selectedProbe = id;
}

void Viewer::moveProbeEnd(const std::string& id, bool tip, const Vec3& p) {
    checkFinite(p, "probe position");
    const CaseProbe* probe = case_.probe(id);
    if (!probe) throw Error("the case has no probe '" + id + "'");
    const Vec3 other = tip ? probe->entry_mm : probe->tip_mm;
    if (distance(p, other) < 1.0) throw Error("probe '" + id + "': tip and entry would be less than 1 mm apart");
    edit("move probe " + id, [&](Case& c) {
        CaseProbe moved = *c.probe(id);
        (tip ? moved.tip_mm : moved.entry_mm) = p;
        setProbe(c, moved);
    });
}

void Viewer::removeProbe(const std::string& id) {
    edit("remove probe " + id, [&](Case& c) { irplan::removeProbe(c, id); });
    if (state_.selectedProbe == id) state_.selectedProbe.clear();
}

void Viewer::selectProbe(const std::string& id) {
    if (!id.empty() && !case_.probe(id)) throw Error("the case has no probe '" + id + "'");
    state_.selectedProbe = id;
    rebuildItems();
}

namespace {
// The first of m1, m2, ... that no measurement uses.
std::string freeMeasurementId(const std::vector<Measurement>& ms) {
    for (int n = 1;; ++n) {
        const std::string candidate = "m" + std::to_string(n);
        bool used = false;
        for (const auto& m : ms) used = used || m.id == candidate;
        if (!used) return candidate;
    }
}
} // namespace

std::string Viewer::addRuler(const Vec3& a, const Vec3& b) {
    checkFinite(a, "ruler start");
    checkFinite(b, "ruler end");
    std::vector<Measurement> ms = measurements(case_);
    const std::string id = freeMeasurementId(ms);
    edit("ruler " + id, [&](Case& c) {
        ms.push_back({id, true, a, b});
        setMeasurements(c, ms);
    });
    return id;
}

std::string Viewer::addPoint(const Vec3& p) {
    checkFinite(p, "point");
    std::vector<Measurement> ms = measurements(case_);
    const std::string id = freeMeasurementId(ms);
    edit("point " + id, [&](Case& c) {
        ms.push_back({id, false, p, p});
        setMeasurements(c, ms);
    });
    return id;
}

void Viewer::removeMeasurement(const std::string& id) {
    std::vector<Measurement> ms = measurements(case_);
    const size_t before = ms.size();
    ms.erase(std::remove_if(ms.begin(), ms.end(), [&](const Measurement& m) { return m.id == id; }), ms.end());
    if (ms.size() == before) throw Error("there is no measurement '" + id + "'");
    edit("remove " + id, [&](Case& c) { setMeasurements(c, ms); });
}

void Viewer::rebuildItems() {
    scene_.probes = probeShapes(case_, state_.selectedProbe);
    scene_.measurements.clear();
    for (const auto& m : measurements(case_)) {
        render::MeasurementShape s;
        s.id = m.id;
        s.ruler = m.ruler;
        s.a = m.a;
        s.b = m.b;
        if (m.ruler) {
            s.text = m.id + ": " + fixed(distance(m.a, m.b), 1) + " mm";
        } else {
            const Readout r = readout(m.a);
            std::string t = m.id + ":";
            if (r.ctValue) t += " " + r.ctUnit + " " + fixed(*r.ctValue, 0);
            if (r.petValue) t += " | " + r.petUnit + " " + fixed(*r.petValue, 2);
            s.text = t;
        }
        scene_.measurements.push_back(s);
    }
    planning_->probesChanged(); // live chart update while a probe moves
    scene_.zones = planning_->zones();
    scene_.markers = planning_->markers();
    ++versions_.items;
}

std::string Readout::text() const {
    std::ostringstream s;
    // LPS numbers and the patient directions they mean (x<0 is the patient's right).
    s << "(" << fixed(position_mm.x, 1) << ", " << fixed(position_mm.y, 1) << ", " << fixed(position_mm.z, 1)
      << ") mm LPS = " << (position_mm.x < 0 ? "R " : "L ") << fixed(std::abs(position_mm.x), 1)
      << (position_mm.y < 0 ? " A " : " P ") << fixed(std::abs(position_mm.y), 1)
      << (position_mm.z < 0 ? " I " : " S ") << fixed(std::abs(position_mm.z), 1);
    if (ctValue) s << " | " << ctUnit << " " << fixed(*ctValue, 0);
    if (petValue) s << " | " << petUnit << " " << fixed(*petValue, *petValue < 100 ? 2 : 0);
    if (label) s << " | " << (labelName.empty() ? "label " + std::to_string(label) : labelName);
    return s.str();
}

Readout Viewer::readout(const Vec3& p) const {
    Readout r;
    r.position_mm = p;
    if (scene_.ct) {
        render::VolumeSampler ct(scene_.ct->image.GetPointer());
        if (auto v = ct.nearest(p)) r.ctValue = *v;
        r.ctUnit = scene_.ct->meta.units == Units::HU ? "HU" : unitsName(scene_.ct->meta.units);
    }
    if (scene_.pet.volume) {
        r.petValue = render::petValueAt(scene_, p);
        r.petUnit = render::petQuantity(scene_.pet.volume->meta).unit;
    }
    if (scene_.labels.labels) {
        render::LabelSampler labels(scene_.labels.labels.GetPointer());
        r.label = labels.at(p);
        if (r.label) {
            auto it = scene_.labels.legend.find(r.label);
            if (it != scene_.labels.legend.end()) r.labelName = it->second;
        }
    }
    return r;
}

Json Viewer::stateJson() const {
    Json j;
    j["case_file"] = caseFile_.string();
    j["case_name"] = case_.name;
    j["layout"] = render::layoutName(state_.layout);
    j["main_view"] = render::viewName(state_.mainView);
    j["crosshair_mm"] = vecJson(state_.crosshair_mm);
    const auto& d = state_.display;
    j["window"] = {{"width", d.window.width}, {"level", d.window.level}, {"preset", d.window.preset}};
    j["pet"] = {{"visible", d.petVisible},
                {"colormap", render::colormapName(d.petColormap)},
                {"opacity", d.petOpacity},
                {"low", d.petLow},
                {"high", d.petHigh},
                {"unit", scene_.pet.volume ? render::petQuantity(scene_.pet.volume->meta).unit : ""},
                {"alignment", scene_.pet.alignment}};
    j["labels"] = {{"style", render::labelStyleName(d.labelStyle)}, {"hidden", d.hiddenLabels}};
    j["volume3d"] = {{"preset", render::volumePresetName(d.preset3d)},
                     {"ready", volume3d_ != nullptr},
                     {"downsample", volume3d_ ? volume3d_->downsample : 0}};
    j["loaded"] = {{"ct", images_.ctId}, {"pet", images_.petId}, {"labels", images_.labelsId}};
    j["readout_at_crosshair"] = readout(state_.crosshair_mm).text();
    Json probes = Json::array();
    for (const auto& p : case_.probes)
        probes.push_back({{"id", p.id}, {"tip_mm", vecJson(p.tip_mm)}, {"entry_mm", vecJson(p.entry_mm)}, {"device", p.deviceId}});
    j["probes"] = probes;
    Json ms = Json::array();
    for (const auto& m : scene_.measurements) ms.push_back({{"id", m.id}, {"text", m.text}});
    j["measurements"] = ms;
    j["plan"] = planning_->stateJson();
    j["segmentation"] = segmentation_->stateJson();
    j["editor"] = editor_->stateJson();
    j["registration"] = registration_->stateJson();
    j["undo"] = {{"steps", undo_.size()}, {"can_undo", undo_.canUndo()}, {"can_redo", undo_.canRedo()}};
    return j;
}

void Viewer::setCouinaudOverlay(bool on) {
    if (on && !images_.couinaud)
        throw Error("this case has no Couinaud segments: run irplan segment couinaud (irplan run makes them)");
    couinaudOverlay_ = on;
    scene_.labels = images_.labels;
    if (on && images_.labels.labels) {
        // Segment k as label 200 + k wherever the label map has nothing else.
        auto merged = LabelImage::New();
        merged->CopyInformation(images_.labels.labels);
        merged->SetRegions(images_.labels.labels->GetLargestPossibleRegion());
        merged->Allocate();
        const size_t n = merged->GetBufferedRegion().GetNumberOfPixels();
        const auto* l = images_.labels.labels->GetBufferPointer();
        const auto* c = images_.couinaud->GetBufferPointer();
        auto* m = merged->GetBufferPointer();
        for (size_t i = 0; i < n; ++i) {
            const bool liverOrNothing = l[i] == 0 || l[i] == 1;
            m[i] = liverOrNothing && c[i] >= 1 && c[i] <= 8 ? LabelImage::PixelType(200 + c[i]) : l[i];
        }
        scene_.labels.labels = merged;
        for (int k = 1; k <= 8; ++k) scene_.labels.legend[200 + k] = "Couinaud segment " + std::to_string(k);
    }
    ++versions_.images;
    ++versions_.display;
}

} // namespace irplan::viewer
