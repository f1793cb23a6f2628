// The segment editor's outputs (EditSession.h): what an edit makes stale in
// the case, the edited lesion measured again, and the files save-case writes.
#include "app/gui/session/EditSession.h"

#include "app/gui/session/Viewer.h"
#include "core/Error.h"
#include "core/Files.h"
#include "core/JsonFile.h"
#include "core/Log.h"
#include "io/VolumeIO.h"
#include "segmentation/ImageOps.h"
#include "segmentation/LesionTable.h"
#include "segmentation/PetAlignment.h"

#include <algorithm>

namespace irplan::viewer {

namespace fs = std::filesystem;

namespace {

constexpr int kLesionBase = EditSession::kLesionBase;
constexpr seg::LabelValue kVesselUnknown = EditSession::kVesselUnknown;

bool lesionMap(const Viewer& v) { return EditSession::lesionScheme(v); }

// A path for the case: relative to its folder (saveCase moves those with it).
std::string casePath(const Case& c, const fs::path& file) {
    if (c.baseDir.empty()) return file.string();
    return file.lexically_relative(fs::absolute(c.baseDir).lexically_normal()).string();
}

} // namespace

// ---------------------------------------------------------------- what depends on the edit

void EditSession::markStale(Case& c, const std::vector<int>& lesions, const std::string& segment) const {
    Json& e = c.extra["editor"];
    if (!e.is_object()) e = Json::object();
    e["label_map"] = viewer_.images().labelsId;
    Json edited = e.value("edited", Json::array());
    if (std::find(edited.begin(), edited.end(), segment) == edited.end()) edited.push_back(segment);
    e["edited"] = edited;
    Json stale = e.value("stale", Json::object());
    Json plans = stale.value("plans", Json::array());
    for (auto& p : c.plans) {
        if (!lesions.empty() && std::find(lesions.begin(), lesions.end(), p.lesionId) == lesions.end()) continue;
        p.extra["stale"] = segment + " was edited after this plan: plan again";
        if (std::find(plans.begin(), plans.end(), p.id) == plans.end()) plans.push_back(p.id);
    }
    stale["plans"] = plans;
    stale["report"] = true;
    if (segment == "vessels") stale["vessel_table"] = true; // centrelines, diameters, heat sinks
    if (!lesions.empty()) stale["lesion_table"] = "measured again from the edited masks; written by save-case";
    e["stale"] = stale;
    for (auto& s : c.segmentations)
        if (s.id == viewer_.images().labelsId) s.extra["edited_by_hand"] = true;
}

std::vector<std::string> EditSession::staleItems() const {
    std::vector<std::string> out;
    const Json& extra = viewer_.currentCase().extra;
    if (!extra.contains("editor") || !extra["editor"].contains("stale")) return out;
    const Json& s = extra["editor"]["stale"];
    for (const auto& p : s.value("plans", Json::array())) out.push_back("plan " + p.get<std::string>());
    if (s.value("report", false)) out.push_back("report");
    if (s.value("vessel_table", false)) out.push_back("vessel centrelines and diameters");
    return out;
}

void EditSession::remeasure(int k) {
    const LabelImage* labels = working_.GetPointer();
    const seg::LabelValue value = static_cast<seg::LabelValue>(lesionMap(viewer_) ? k : kLesionBase + k);
    seg::LabelTarget t;
    t.members = {value};
    const LoadedImages& images = viewer_.images();
    const bool pet = images.pet && (images.ctToPet || seg::sameGrid(images.pet->image.GetPointer(), labels));
    const seg::EditRegion region = seg::segmentRegion(labels, t, pet ? 16.0 : 1.0);
    SegmentSession& table = viewer_.segmentation();
    if (!region.GetNumberOfPixels()) {
        table.removeLesionRow(k);
        return;
    }
    // The lesion alone on its box, as label k (what measureLesions reads).
    auto box = seg::crop(labels, region);
    auto* b = box->GetBufferPointer();
    for (size_t i = 0; i < region.GetNumberOfPixels(); ++i) b[i] = b[i] == value ? static_cast<seg::LabelValue>(k) : 0;
    Volume ct, petOnBox;
    seg::LesionMeasureInputs in;
    if (images.ct && seg::sameGrid(images.ct->image.GetPointer(), labels)) {
        ct.meta = images.ct->meta;
        ct.image = seg::crop(images.ct->image.GetPointer(), region);
        in.ct = &ct;
    }
    if (pet) {
        petOnBox.meta = images.pet->meta;
        petOnBox.image = seg::resampleOnGrid(images.pet->image.GetPointer(), box.GetPointer(), images.ctToPet);
        in.pet = &petOnBox;
    }
    std::vector<std::string> sources(static_cast<size_t>(k), "edited");
    auto rows = seg::measureLesions(box.GetPointer(), sources, in);
    if (rows.empty()) return;
    seg::LesionMeasurement m = rows.front();
    for (const auto& old : table.lesions())
        if (old.id == k) {
            // How it was found stays; the geometry and the values are the edited mask's.
            m.source = old.source;
            m.appearance = old.appearance;
            m.phase = old.phase;
            m.confidence = old.confidence;
            m.status = old.status;
            m.evidence = old.evidence;
            m.couinaud = old.couinaud;
            m.couinaudAll = old.couinaudAll;
        }
    m.note = "edited by hand; measured from the edited mask";
    table.setLesionRow(m);
}

// ---------------------------------------------------------------- saving

void EditSession::writeEdited(Case& c, const fs::path& caseFile) {
    if (!working_ || viewer_.images().labels.labels != working_) return;
    const fs::path dir = (fs::absolute(caseFile).parent_path() / "segmentation-edited").lexically_normal();
    files::ensureDirectory(dir);
    const CaseSegmentation* loaded = c.segmentation(viewer_.images().labelsId);
    if (!loaded) return;
    CaseSegmentation s = *loaded;
    const LabelImage* labels = working_.GetPointer();
    const size_t n = labels->GetBufferedRegion().GetNumberOfPixels();
    const auto* l = labels->GetBufferPointer();
    writeLabelMap(labels, dir / (s.id + ".nii.gz"));
    s.path = casePath(c, dir / (s.id + ".nii.gz"));
    s.extra["edited_by_hand"] = true;
    bool lesionsEdited = false, liverEdited = edited_.count("liver") > 0, vesselsEdited = edited_.count("vessels") > 0;
    for (const auto& e : edited_) lesionsEdited = lesionsEdited || e.rfind("lesion", 0) == 0 || e == "undo" || e == "redo";
    if (edited_.count("undo") || edited_.count("redo")) liverEdited = vesselsEdited = true; // cannot tell which: write all

    // The lesion table: the current rows (edited lesions measured again).
    auto writeTable = [&](CaseSegmentation& seg, const fs::path& file) {
        Json j = Json::object();
        std::error_code ec;
        if (!seg.tablePath.empty() && fs::is_regular_file(c.resolve(seg.tablePath), ec))
            j = parseJsonFile(c.resolve(seg.tablePath));
        Json rows = Json::array();
        for (const auto& m : viewer_.segmentation().lesions()) rows.push_back(seg::lesionJson(m));
        j["lesions"] = rows;
        j["edited_by_hand"] = true;
        files::writeTextAtomic(file, j.dump(2) + "\n");
        seg.tablePath = casePath(c, file);
        seg.legend.clear();
        for (const auto& m : viewer_.segmentation().lesions()) seg.legend[m.id] = "lesion " + std::to_string(m.id);
    };
    if (s.kind == "lesions") writeTable(s, dir / "lesions.json");
    setSegmentation(c, s);

    if (s.kind == "labels") {
        for (CaseSegmentation other : c.segmentations) {
            if (other.id == s.id) continue;
            if (other.kind == "lesions" && lesionsEdited) {
                auto map = seg::newLabels(labels);
                auto* m = map->GetBufferPointer();
                for (size_t i = 0; i < n; ++i) m[i] = l[i] > kLesionBase ? static_cast<seg::LabelValue>(l[i] - kLesionBase) : 0;
                writeLabelMap(map, dir / "lesions.nii.gz");
                other.path = casePath(c, dir / "lesions.nii.gz");
                writeTable(other, dir / "lesions.json");
            } else if (other.kind == "liver" && liverEdited) {
                // The organ: what it held before and still holds a label (vessels and
                // lesions inside it stay), plus every liver and lesion voxel now.
                auto mask = seg::newMask(labels);
                auto* m = mask->GetBufferPointer();
                std::error_code ec;
                LabelImage::Pointer old;
                if (fs::is_regular_file(c.resolve(other.path), ec)) old = readLabelMap(c.resolve(other.path));
                const bool useOld = old && seg::sameGrid(old.GetPointer(), labels);
                for (size_t i = 0; i < n; ++i)
                    m[i] = l[i] == 1 || l[i] > kLesionBase || (useOld && old->GetBufferPointer()[i] && l[i] != 0);
                writeMask(mask, dir / "liver.nii.gz");
                other.path = casePath(c, dir / "liver.nii.gz");
            } else if (other.kind == "vessels" && vesselsEdited) {
                // vessels.nii.gz's kinds: 2 portal, 3 hepatic, 4 artery, 6 IVC, 1 unknown.
                auto map = seg::newLabels(labels);
                auto* m = map->GetBufferPointer();
                for (size_t i = 0; i < n; ++i)
                    m[i] = l[i] == kVesselUnknown ? 1 : (l[i] == 2 || l[i] == 3 || l[i] == 4 || l[i] == 6) ? l[i] : 0;
                writeLabelMap(map, dir / "vessels.nii.gz");
                other.path = casePath(c, dir / "vessels.nii.gz");
            } else {
                continue;
            }
            other.extra["edited_by_hand"] = true;
            setSegmentation(c, other);
        }
    }
    edited_.clear();
    log::info("edited label maps written to " + dir.string());
}

Json EditSession::stateJson() const {
    Json j;
    j["active"] = activeName_;
    j["brush"] = {{"radius_mm", brush_.radius_mm}, {"shape", brush_.shape == seg::BrushShape::Disc ? "disc" : "sphere"}};
    j["threshold"] = threshold_ ? Json::array({threshold_->first, threshold_->second}) : Json();
    j["history_steps"] = history_.size();
    j["history_position"] = history_.position();
    j["history_bytes"] = history_.bytes();
    j["unsaved"] = dirty();
    j["stale"] = staleItems();
    return j;
}

} // namespace irplan::viewer
