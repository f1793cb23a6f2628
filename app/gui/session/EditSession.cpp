#include "app/gui/session/EditSession.h"

#include "app/gui/session/Viewer.h"
#include "core/Error.h"
#include "core/Log.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace irplan::viewer {

namespace fs = std::filesystem;

namespace {

constexpr int kLesionBase = EditSession::kLesionBase;
constexpr seg::LabelValue kVesselUnknown = EditSession::kVesselUnknown;
const std::vector<seg::LabelValue> kVesselValues = {2, 3, 4, 6, kVesselUnknown};

// Undo/redo of one label edit: the voxels (EditSession's history) with the
// case JSON the undo stack restores.
class LabelUndo : public UndoHook {
public:
    LabelUndo(EditSession& s, std::vector<int> lesions) : session_(s), lesions_(std::move(lesions)) {}
    void undo() override { session_.undoStep(lesions_); }
    void redo() override { session_.redoStep(lesions_); }

private:
    EditSession& session_;
    std::vector<int> lesions_;
};

int parseInt(const std::string& s, const char* what) {
    try {
        size_t used = 0;
        const int v = std::stoi(s, &used);
        if (used != s.size()) throw std::invalid_argument("trailing");
        return v;
    } catch (const std::exception&) {
        throw Error(std::string(what) + " must be a whole number, not '" + s + "'");
    }
}

bool lesionMap(const Viewer& v) { return EditSession::lesionScheme(v); }

} // namespace

bool EditSession::lesionScheme(const Viewer& v) {
    // lesions.nii.gz of `irplan segment lesions`: label k is lesion k (no liver).
    const CaseSegmentation* s = v.currentCase().segmentation(v.images().labelsId);
    return s && s->kind == "lesions";
}

// ---------------------------------------------------------------- settings

void EditSession::setActive(const std::string& raw) {
    std::string name;
    for (char c : raw) name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!viewer_.images().labels.labels) throw Error("edit-label: no label map is loaded (open a case with segmentations)");
    const bool liverKnown = !lesionMap(viewer_);
    seg::LabelTarget t;
    std::string shown;
    int value = -1;
    if (name.rfind("lesion", 0) == 0) {
        std::string k = name.substr(6);
        k.erase(0, k.find_first_not_of(' '));
        const int lesion = parseInt(k, "lesion number");
        if (lesion < 1 || lesion > 60000 - kLesionBase) throw Error("edit-label: lesion numbers start at 1");
        value = lesionMap(viewer_) ? lesion : kLesionBase + lesion;
        shown = "lesion " + std::to_string(lesion);
    } else if (name == "liver") {
        if (lesionMap(viewer_)) throw Error("edit-label: the loaded map holds lesions only (no liver)");
        value = 1;
    } else if (name == "vessels" || name == "vessel") {
        if (lesionMap(viewer_)) throw Error("edit-label: the loaded map holds lesions only (no vessels)");
        t.paint = kVesselUnknown;
        t.members = kVesselValues;
        t.overwrite = {1};
        t.parent = 1;
        shown = "vessels";
    } else {
        value = parseInt(name, "label");
        if (value < 1 || value > 65535) throw Error("edit-label: a label value is 1 to 65535");
        if (!lesionMap(viewer_) && value > kLesionBase) shown = "lesion " + std::to_string(value - kLesionBase);
        else if (value == 1 && liverKnown) name = "liver";
        else shown = "label " + std::to_string(value);
    }
    if (value == 1 && liverKnown) {
        t.paint = 1;
        t.members = {1};
        t.overwrite = {};
        t.parent = 0;
        shown = "liver";
    } else if (value > 0) {
        t.paint = static_cast<seg::LabelValue>(value);
        t.members = {t.paint};
        t.overwrite = liverKnown ? std::vector<seg::LabelValue>{1} : std::vector<seg::LabelValue>{};
        t.parent = liverKnown ? 1 : 0;
    }
    target_ = t;
    activeName_ = shown;
    log::info("editing " + activeName_);
}

void EditSession::setBrush(double radius_mm, seg::BrushShape shape) {
    if (!(radius_mm > 0 && radius_mm <= 100)) throw Error("brush radius must be more than 0 and at most 100 mm");
    brush_.radius_mm = radius_mm;
    brush_.shape = shape;
}

void EditSession::setThreshold(std::optional<std::pair<double, double>> range) {
    if (range && !(range->second >= range->first)) throw Error("edit-threshold: HIGH must not be below LOW");
    threshold_ = range;
}

std::pair<double, double> EditSession::rangeAround(const Vec3& p, double radius_mm) const {
    const auto& ct = viewer_.images().ct;
    if (!ct) throw Error("a threshold from the cursor needs a CT (or MR)");
    const float* v = ct->image->GetBufferPointer();
    double sum = 0, sum2 = 0;
    size_t n = 0;
    seg::forEachInBrush(ct->image.GetPointer(), p, seg::Brush{radius_mm, seg::BrushShape::Sphere, 2}, [&](size_t i) {
        sum += v[i];
        sum2 += double(v[i]) * v[i];
        ++n;
    });
    if (!n) throw Error("the cursor is outside the image");
    const double mean = sum / double(n), sd = std::sqrt(std::max(0.0, sum2 / double(n) - mean * mean));
    return {mean - 2.5 * sd, mean + 2.5 * sd};
}

int EditSession::axialAxis() const {
    const auto& l = viewer_.images().labels.labels;
    return l ? seg::voxelAxisClosestTo(l.GetPointer(), 2) : -1;
}

std::vector<int> EditSession::activeLesions() const {
    if (activeName_.rfind("lesion ", 0) != 0) return {};
    return {std::stoi(activeName_.substr(7))};
}

// ---------------------------------------------------------------- the map and its history

void EditSession::requireActive() const {
    if (activeName_.empty()) throw Error("choose the label to edit first (edit-label liver|lesion K|vessels)");
}

LabelImage* EditSession::working() {
    const LabelImage::Pointer shown = viewer_.images().labels.labels;
    if (!shown) throw Error("no label map is loaded: open a case with segmentations (or run segment-liver)");
    if (working_ && shown == working_) return working_.GetPointer();
    if (working_ && dirty()) log::warn("the label map was loaded again: unsaved hand edits are gone, the edit history restarts");
    // The views and background tasks share the loaded map: edit a copy of it.
    history_.clear();
    edited_.clear();
    source_ = shown;
    working_ = seg::crop(shown.GetPointer(), shown->GetLargestPossibleRegion());
    viewer_.setEditedLabels(working_);
    return working_.GetPointer();
}

void EditSession::record(const std::string& name, const seg::EditRegion& region, const std::function<void()>& apply,
                         const std::vector<int>& lesions, const std::string& segment) {
    LabelImage* labels = working();
    const size_t changed = history_.record(labels, region, name, apply);
    if (stroking_) {
        if (!changed) return;
        if (strokeName_.empty()) {
            strokeName_ = name;
            strokeSegment_ = segment;
            strokeLesions_ = lesions;
        }
        edited_.insert(segment);
        viewer_.labelsEdited(false);
        return;
    }
    if (!changed) {
        log::info(name + ": no voxel changed");
        return;
    }
    finish(name, lesions, segment, changed);
}

void EditSession::beginStroke() {
    if (stroking_) endStroke();
    stroking_ = true;
    strokeStart_ = history_.position();
    strokeName_.clear();
    strokeSegment_.clear();
    strokeLesions_.clear();
}

void EditSession::endStroke() {
    if (!stroking_) return;
    stroking_ = false;
    if (!working_ || history_.position() <= strokeStart_ || strokeName_.empty()) return;
    const size_t changed = history_.mergeLast(working_.GetPointer(), history_.position() - strokeStart_, strokeName_);
    if (changed) finish(strokeName_, strokeLesions_, strokeSegment_, changed);
}

void EditSession::finish(const std::string& name, const std::vector<int>& lesions, const std::string& segment,
                         size_t changed) {
    edited_.insert(segment);
    viewer_.labelsEdited();
    viewer_.rebuildSurfaces();
    for (int k : lesions) remeasure(k);
    const seg::LabelValue paintValue = target_.paint;
    const std::string shown = activeName_;
    viewer_.editCase(
        name,
        [&](Case& c) {
            markStale(c, lesions, segment);
            // A painted label the legend does not name yet gets its name.
            for (auto& s : c.segmentations) {
                if (s.id != viewer_.images().labelsId || s.legend.empty()) continue;
                if (name.rfind("delete", 0) == 0 || name.rfind("merge", 0) == 0) s.legend.erase(paintValue);
                else if (!s.legend.count(paintValue))
                    s.legend[paintValue] = paintValue == kVesselUnknown ? "vessel of unknown kind" : shown;
            }
        },
        std::make_shared<LabelUndo>(*this, lesions));
    viewer_.labelsEdited(false); // the legend may have changed
    log::info(name + ": " + std::to_string(changed) + " voxels changed (undo history " +
              std::to_string(history_.bytes() / 1024) + " kB)");
}

void EditSession::undoStep(const std::vector<int>& lesions) { replayStep(false, lesions); }

void EditSession::redoStep(const std::vector<int>& lesions) { replayStep(true, lesions); }

void EditSession::replayStep(bool redo, const std::vector<int>& lesions) {
    const char* what = redo ? "redo" : "undo";
    if (!working_ || viewer_.images().labels.labels != working_ || !(redo ? history_.canRedo() : history_.canUndo())) {
        log::warn(std::string(what) + ": the label map's edit was already dropped (map reloaded)");
        return;
    }
    if (redo) history_.redo(working_.GetPointer());
    else history_.undo(working_.GetPointer());
    edited_.insert(what);
    viewer_.labelsEdited();
    viewer_.rebuildSurfaces();
    for (int k : lesions) remeasure(k);
}

void EditSession::reset() {
    stroking_ = false;
    working_ = nullptr;
    source_ = nullptr;
    history_.clear();
    edited_.clear();
    activeName_.clear();
    target_ = seg::LabelTarget{};
    threshold_.reset();
}

// ---------------------------------------------------------------- edits

namespace {
seg::Brush brushFor(const seg::Brush& base, std::optional<double> r, std::optional<seg::BrushShape> shape, int axis,
                    int axial) {
    seg::Brush b = base;
    if (r) {
        if (!(*r > 0 && *r <= 100)) throw Error("brush radius must be more than 0 and at most 100 mm");
        b.radius_mm = *r;
    }
    if (shape) b.shape = *shape;
    b.sliceAxis = axis >= 0 ? axis : axial;
    return b;
}

void checkPoint(const Vec3& p) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) throw Error("edit: the point is not finite");
}

} // namespace

void EditSession::paint(const Vec3& p, std::optional<double> r, std::optional<seg::BrushShape> shape, int axis) {
    checkPoint(p);
    requireActive();
    LabelImage* labels = working();
    const seg::Brush b = brushFor(brush_, r, shape, axis, axialAxis());
    std::optional<seg::IntensityLimit> limit;
    if (threshold_) {
        const auto& ct = viewer_.images().ct;
        if (!ct || !seg::sameGrid(ct->image.GetPointer(), labels))
            throw Error("threshold paint needs the CT (or MR) on the label map's grid");
        limit = seg::IntensityLimit{ct->image.GetPointer(), threshold_->first, threshold_->second};
    }
    const seg::LabelTarget t = target_;
    record("paint " + activeName_, seg::brushRegion(labels, p, b), [&] { seg::paint(labels, p, b, t, limit); },
           activeLesions(), activeName_);
}

void EditSession::erase(const Vec3& p, std::optional<double> r, std::optional<seg::BrushShape> shape, int axis) {
    checkPoint(p);
    requireActive();
    LabelImage* labels = working();
    const seg::Brush b = brushFor(brush_, r, shape, axis, axialAxis());
    const seg::LabelTarget t = target_;
    record("erase " + activeName_, seg::brushRegion(labels, p, b), [&] { seg::erase(labels, p, b, t); }, activeLesions(),
           activeName_);
}

void EditSession::grow(const std::vector<std::vector<Vec3>>& inside, const std::vector<std::vector<Vec3>>& outside) {
    requireActive();
    LabelImage* labels = working();
    const auto& ct = viewer_.images().ct;
    if (!ct || !seg::sameGrid(ct->image.GetPointer(), labels))
        throw Error("grow from seeds needs the CT (or MR) on the label map's grid");
    seg::SeedStrokes s;
    s.inside = inside;
    s.outside = outside;
    s.confine = !target_.overwrite.empty(); // a lesion or vessel grows within the liver, never into background
    for (const auto* group : {&inside, &outside})
        for (const auto& stroke : *group)
            for (const Vec3& p : stroke) checkPoint(p);
    const seg::LabelTarget t = target_;
    record("grow " + activeName_ + " from seeds", seg::seedRegion(labels, s),
           [&] { seg::growFromSeeds(labels, ct->image.GetPointer(), s, t); }, activeLesions(), activeName_);
}

void EditSession::keepIsland(const std::optional<Vec3>& at) {
    requireActive();
    LabelImage* labels = working();
    const seg::LabelTarget t = target_;
    record(at ? "keep the island under the point of " + activeName_ : "keep the largest island of " + activeName_,
           seg::segmentRegion(labels, t, 0), [&] { seg::keepIsland(labels, t, at); }, activeLesions(),
           activeName_);
}

void EditSession::margin(double mm) {
    if (!std::isfinite(mm) || std::abs(mm) > 50) throw Error("edit-margin takes -50 to +50 mm");
    requireActive();
    LabelImage* labels = working();
    const auto& s = labels->GetSpacing();
    const seg::LabelTarget t = target_;
    char text[64];
    std::snprintf(text, sizeof text, "%+.1f mm", mm);
    record(std::string(mm > 0 ? "grow " : "shrink ") + activeName_ + " " + text,
           seg::segmentRegion(labels, t, std::abs(mm) + std::max({s[0], s[1], s[2]})),
           [&] { seg::growShrink(labels, t, mm); }, activeLesions(), activeName_);
}

void EditSession::fillHoles() {
    requireActive();
    LabelImage* labels = working();
    const auto& s = labels->GetSpacing();
    const seg::LabelTarget t = target_;
    record("fill holes of " + activeName_, seg::segmentRegion(labels, t, std::max({s[0], s[1], s[2]})),
           [&] { seg::fillHoles(labels, t); }, activeLesions(), activeName_);
}

void EditSession::fillBetweenSlices() {
    requireActive();
    LabelImage* labels = working();
    const seg::LabelTarget t = target_;
    record("fill between slices of " + activeName_, seg::segmentRegion(labels, t, 10.0),
           [&] { seg::fillBetweenSlices(labels, t); }, activeLesions(), activeName_);
}

int EditSession::nextLesionNumber() const {
    if (!viewer_.images().labels.labels) throw Error("no label map is loaded");
    // Never reuse the number of a lesion a plan, the table or the map still names.
    const LabelImage* labels = viewer_.images().labels.labels.GetPointer();
    const int base = lesionMap(viewer_) ? 0 : kLesionBase;
    int k = seg::freeLesionNumber(labels, base);
    for (const auto& [label, info] : viewer_.images().labelInfo)
        if (label > base) k = std::max(k, label - base + 1);
    for (const auto& p : viewer_.currentCase().plans) k = std::max(k, p.lesionId + 1);
    for (const auto& l : viewer_.segmentation().lesions()) k = std::max(k, l.id + 1);
    return k;
}

int EditSession::newLesion() {
    if (!viewer_.images().labels.labels) throw Error("edit-new-lesion: no label map is loaded");
    const int k = nextLesionNumber();
    setActive("lesion " + std::to_string(k));
    log::info("new lesion " + std::to_string(k) + ": paint it (edit-paint) or grow it from seeds (edit-grow)");
    return k;
}

void EditSession::asLesion(int k, const std::function<void()>& edit) {
    const std::string saved = activeName_;
    const seg::LabelTarget savedTarget = target_;
    setActive("lesion " + std::to_string(k));
    try {
        edit();
    } catch (...) {
        activeName_ = saved;
        target_ = savedTarget;
        throw;
    }
    if (saved == "lesion " + std::to_string(k) && !viewer_.images().labelInfo.count(target_.paint)) {
        activeName_.clear(); // the active lesion is gone
    } else {
        activeName_ = saved;
        target_ = savedTarget;
    }
}

void EditSession::deleteLesion(int k) {
    if (k < 1) throw Error("edit-delete-lesion: lesion numbers start at 1");
    LabelImage* labels = working();
    const seg::LabelValue value = static_cast<seg::LabelValue>(lesionMap(viewer_) ? k : kLesionBase + k);
    seg::LabelTarget t;
    t.members = {value};
    const seg::EditRegion region = seg::segmentRegion(labels, t, 0);
    if (!region.GetNumberOfPixels()) throw Error("edit-delete-lesion: the label map has no lesion " + std::to_string(k));
    asLesion(k, [&] {
        const seg::LabelValue parent = target_.parent;
        record("delete lesion " + std::to_string(k), region, [&] { seg::relabel(labels, value, parent); }, {k},
               "lesion " + std::to_string(k));
    });
}

void EditSession::mergeLesions(int k, int other) {
    if (k < 1 || other < 1 || k == other) throw Error("edit-merge-lesions: two different lesion numbers");
    LabelImage* labels = working();
    const int base = lesionMap(viewer_) ? 0 : kLesionBase;
    const auto into = static_cast<seg::LabelValue>(base + k), from = static_cast<seg::LabelValue>(base + other);
    seg::LabelTarget t;
    t.members = {from};
    const seg::EditRegion region = seg::segmentRegion(labels, t, 0);
    if (!region.GetNumberOfPixels()) throw Error("edit-merge-lesions: the label map has no lesion " + std::to_string(other));
    t.members = {into};
    if (!seg::segmentRegion(labels, t, 0).GetNumberOfPixels())
        throw Error("edit-merge-lesions: the label map has no lesion " + std::to_string(k));
    // Recorded as lesion `other` (its legend entry goes); both rows are measured again.
    asLesion(other, [&] {
        record("merge lesion " + std::to_string(other) + " into lesion " + std::to_string(k), region,
               [&] { seg::relabel(labels, from, into); }, {k, other}, "lesion " + std::to_string(k));
    });
}

int EditSession::splitLesion(int k, const Vec3& p, const Vec3& normal) {
    if (k < 1) throw Error("edit-split-lesion: lesion numbers start at 1");
    checkPoint(p);
    LabelImage* labels = working();
    const int base = lesionMap(viewer_) ? 0 : kLesionBase;
    const auto value = static_cast<seg::LabelValue>(base + k);
    seg::LabelTarget t;
    t.members = {value};
    const seg::EditRegion region = seg::segmentRegion(labels, t, 0);
    if (!region.GetNumberOfPixels()) throw Error("edit-split-lesion: the label map has no lesion " + std::to_string(k));
    const int fresh = nextLesionNumber();
    const auto freshValue = static_cast<seg::LabelValue>(base + fresh);
    size_t moved = 0;
    // Recorded as the new lesion (its legend entry is added); both rows are measured.
    asLesion(fresh, [&] {
        record("split lesion " + std::to_string(k), region,
               [&] { moved = seg::splitAtPlane(labels, value, p, normal, freshValue); }, {k, fresh},
               "lesion " + std::to_string(k));
    });
    if (!moved) throw Error("edit-split-lesion: no voxel of lesion " + std::to_string(k) + " lies on that side of the plane");
    log::info("lesion " + std::to_string(k) + " split: " + std::to_string(moved) + " voxels became lesion " +
              std::to_string(fresh));
    return fresh;
}

} // namespace irplan::viewer
