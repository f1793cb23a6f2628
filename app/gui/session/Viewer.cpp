#include "app/gui/session/Viewer.h"
#include "app/gui/session/LiverWindow.h"

#include "app/gui/session/PhantomCase.h"
#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "io/DicomSeries.h"
#include "io/VolumeIO.h"
#include "render/SliceCompositor.h"

#include <algorithm>
#include <cmath>

namespace irplan::viewer {

namespace fs = std::filesystem;
using render::ViewKind;

Viewer::Viewer()
    : planning_(std::make_unique<PlanSession>(*this)), segmentation_(std::make_unique<SegmentSession>(*this)),
      registration_(std::make_unique<RegisterSession>(*this)), editor_(std::make_unique<EditSession>(*this)) {}

void Viewer::reloadImages() { loadSelection(Selection{images_.ctId, images_.petId, images_.labelsId}); }
Viewer::~Viewer() { tasks_.cancelAll(); }

void Viewer::poll() {
    tasks_.poll();
    for (auto& e : tasks_.takeErrors()) taskErrors_.push_back(e);
}

std::vector<std::string> Viewer::takeTaskErrors() {
    std::vector<std::string> e;
    e.swap(taskErrors_);
    return e;
}

std::vector<std::string> Viewer::takeMessages() {
    std::vector<std::string> m;
    m.swap(messages_);
    return m;
}

// ---------------------------------------------------------------- opening

void Viewer::openCase(const fs::path& file) {
    Case c = loadCase(file); // quick (JSON): errors reach the caller directly
    for (const auto& v : c.volumes) {
        std::error_code ec;
        if (!fs::exists(c.resolve(v.path), ec))
            throw Error("case " + file.string() + ": volume '" + v.id + "' is missing (" + c.resolve(v.path).string() + ")");
    }
    tasks_.cancelAll();
    case_ = std::move(c);
    caseFile_ = fs::absolute(file);
    undo_.clear();
    state_.selectedProbe.clear();
    planning_->reset();
    segmentation_->reset();
    registration_->reset();
    editor_->reset();
    images_ = LoadedImages{};
    volume3d_.reset();
    surfaces_.reset();
    tubes_.reset();
    rebuildItems();
    ++versions_.images;
    ++versions_.volume3d;
    log::info("opening case " + caseFile_.string());
    segmentation_->loadCaseTable();
    loadSelection(defaultSelection(case_));
}

void Viewer::loadSelection(const Selection& selection) {
    const Case snapshot = case_;
    const unsigned generation = ++loadGeneration_;
    tasks_.start("loading case", [this, snapshot, selection, generation](const Progress& progress) {
        auto loaded = std::make_shared<LoadedImages>(loadCaseImages(snapshot, selection, progress));
        return [this, loaded, generation] {
            if (generation != loadGeneration_) return; // a newer load replaced this one
            installImages(std::move(*loaded));
        };
    });
}

void Viewer::installImages(LoadedImages images) {
    const bool hadImage = scene_.hasImage();
    images_ = std::move(images);
    for (const auto& w : images_.warnings) {
        log::warn(w);
        messages_.push_back(w);
    }
    if (images_.pet) render::defaultPetWindow(*images_.pet, state_.display.petLow, state_.display.petHigh);
    if (images_.labels.labels && images_.labels.labels != scene_.labels.labels)
        state_.display.hiddenLabels = defaultHiddenLabels(images_.labels.legend);
    scene_.ct = images_.ct;
    scene_.pet.volume = images_.pet;
    scene_.pet.ctToPet = images_.ctToPet;
    scene_.pet.alignment = images_.petAlignment;
    scene_.labels = images_.labels;
    couinaudOverlay_ = false;
    scene_.vessels = images_.vessels;
    scene_.vesselSource = images_.vesselSource;
    if (images_.ct && guessRole(images_.ct->meta) == "mr" && state_.display.window.preset != "") {
        // MR or unknown units: a HU preset means nothing; start from the data range.
        const float* p = images_.ct->image->GetBufferPointer();
        const size_t n = images_.ct->image->GetBufferedRegion().GetNumberOfPixels();
        float lo = p[0], hi = p[0];
        for (size_t i = 0; i < n; i += 7) {
            lo = std::min(lo, p[i]);
            hi = std::max(hi, p[i]);
        }
        state_.display.window = {std::max(1.0, 0.8 * (hi - lo)), 0.5 * (lo + hi), ""};
    }
    if (images_.liverHu && (!hadImage || state_.display.window.preset == "liver")) {
        // Where the liver was measured, start (and stay) on a window centred on it.
        state_.display.window = liverWindow(*images_.liverHu);
        log::info("liver window centred on the measured parenchyma (" + std::to_string(int(std::lround(*images_.liverHu))) +
                  " HU)");
    }
    if (!hadImage || !scene_.hasImage()) {
        Vec3 lo, hi;
        if (render::sceneBounds(scene_, lo, hi)) state_.crosshair_mm = (lo + hi) * 0.5;
        // Start on the liver when the label map has one: where this tool is used.
        auto liver = images_.labels.legend.find(1);
        auto info = images_.labelInfo.find(1);
        if (liver != images_.labels.legend.end() && liver->second.find("liver") != std::string::npos &&
            info != images_.labelInfo.end())
            state_.crosshair_mm = info->second.centroid_mm;
        for (ViewKind v : {ViewKind::Axial, ViewKind::Coronal, ViewKind::Sagittal})
            state_.crosshair_mm = render::snapToSlice(scene_, state_.crosshair_mm, render::nextSliceDirection(v));
    }
    // The planning context depends on the images: rebuild it for the same target.
    const int lesion = planning_->settings().lesion;
    planning_->reset();
    rebuildItems();
    ++versions_.images;
    ++versions_.crosshair;
    ++versions_.display;
    start3dBuild();
    planning_->loadStoredPlans();
    if (lesion && images_.labelInfo.count(100 + lesion)) planning_->setLesion(lesion);
}

void Viewer::start3dBuild() {
    volume3d_.reset();
    surfaces_.reset();
    tubes_.reset();
    ++versions_.volume3d;
    if (!scene_.hasImage()) return;
    const render::Scene scene = scene_; // shares the images; they are never modified in place
    const unsigned generation = loadGeneration_;
    tasks_.start("building the 3D view", [this, scene, generation](const Progress& progress) {
        auto volume = std::make_shared<render::FusedVolumeData>(render::buildFusedVolume(scene, 256, progress.sub(0, 0.6)));
        std::shared_ptr<const render::LabelSurfaces> surfaces;
        if (scene.labels.labels) {
            std::vector<int> wanted{1, 2, 3, 4, 5, 6};
            for (int k = 1; k < 100; ++k) wanted.push_back(100 + k);
            surfaces = render::buildLabelSurfaces(scene.labels.labels.GetPointer(), wanted, 192, progress.sub(0.6, 0.95));
        }
        std::shared_ptr<const render::VesselTubes> tubes;
        if (!scene.vessels.empty()) tubes = render::buildVesselTubes(scene.vessels);
        progress.update(1.0, "3D view ready");
        return [this, volume, surfaces, tubes, generation] {
            if (generation != loadGeneration_) return;
            volume3d_ = volume;
            surfaces_ = surfaces;
            tubes_ = tubes;
            ++versions_.volume3d;
        };
    });
}

void Viewer::openVolume(const fs::path& path, const std::string& role, const std::string& seriesUid) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error("not found: " + path.string());
    const fs::path absolute = fs::absolute(path);
    const unsigned generation = ++loadGeneration_;
    tasks_.start("reading " + path.filename().string(), [this, absolute, role, seriesUid, generation](const Progress& progress) {
        ReadOptions o;
        o.seriesUid = seriesUid;
        o.progress = progress;
        auto volume = std::make_shared<Volume>(readVolume(absolute, o));
        return [this, volume, absolute, role, generation] {
            if (generation != loadGeneration_) return;
            const std::string r = role.empty() ? guessRole(volume->meta) : role;
            CaseVolume v;
            v.role = r;
            v.id = r;
            for (int n = 2; case_.volume(v.id); ++n) v.id = r + std::to_string(n);
            v.path = absolute.string();
            v.units = unitsName(volume->meta.units);
            v.seriesUid = volume->meta.seriesInstanceUid;
            v.frameOfReferenceUid = volume->meta.frameOfReferenceUid;
            if (case_.name.empty()) case_.name = absolute.filename().string();
            setVolume(case_, v);
            LoadedImages images = images_;
            if (r == "pet" || r == "spect") {
                images.pet = volume;
                images.petId = v.id;
                if (!render::petQuantity(volume->meta).isSuv)
                    images.warnings = {"PET values are " + render::petQuantity(volume->meta).unit +
                                       ", not SUV: " + render::petQuantity(volume->meta).why};
                else
                    images.warnings.clear();
                petAlignment(case_, images.ctId, images.petId, images.ctToPet, images.petAlignment, images.warnings);
            } else {
                images.ct = volume;
                images.ctId = v.id;
                images.warnings.clear();
            }
            log::info("opened " + absolute.string() + " as " + v.id);
            installImages(std::move(images));
        };
    });
}

void Viewer::openLabels(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error("not found: " + path.string());
    const fs::path absolute = fs::absolute(path);
    const unsigned generation = ++loadGeneration_;
    tasks_.start("reading " + path.filename().string(), [this, absolute, generation](const Progress& progress) {
        progress.update(0.1, "reading labels");
        LabelImage::Pointer labels = readLabelMap(absolute);
        auto info = std::make_shared<std::map<int, LabelInfo>>(labelInfo(labels.GetPointer()));
        return [this, labels, info, absolute, generation] {
            if (generation != loadGeneration_) return;
            CaseSegmentation s;
            s.id = "labels";
            for (int n = 2; case_.segmentation(s.id); ++n) s.id = "labels" + std::to_string(n);
            s.kind = "labels";
            s.path = absolute.string();
            s.volumeId = images_.ctId;
            setSegmentation(case_, s);
            LoadedImages images = images_;
            images.labels.labels = labels;
            images.labels.legend.clear();
            images.labelsId = s.id;
            images.labelInfo = *info;
            images.warnings.clear();
            installImages(std::move(images));
        };
    });
}

void Viewer::openPhantom(const fs::path& dir, std::optional<double> spacing, uint64_t seed) {
    if (spacing && (!(*spacing > 0.3) || *spacing > 10))
        throw Error("phantom voxel size must be between 0.3 and 10 mm, not " + std::to_string(*spacing));
    const fs::path absolute = fs::absolute(dir);
    tasks_.start("generating the phantom", [this, absolute, spacing, seed](const Progress& progress) {
        PhantomCaseOptions o;
        o.seed = seed;
        o.spacing_mm = spacing;
        const fs::path caseFile = writePhantomCase(absolute, o, progress);
        return [this, caseFile] { openCase(caseFile); };
    });
}

void Viewer::saveCase(const fs::path& file) {
    // Hand edits of the label map are written first, next to the case file.
    if (editor_->dirty()) editor_->writeEdited(case_, file);
    irplan::saveCase(case_, file);
    caseFile_ = fs::absolute(file);
    log::info("case saved to " + caseFile_.string());
}

void Viewer::closeCase() {
    tasks_.cancelAll();
    ++loadGeneration_;
    case_ = Case{};
    caseFile_.clear();
    images_ = LoadedImages{};
    scene_ = render::Scene{};
    volume3d_.reset();
    surfaces_.reset();
    tubes_.reset();
    undo_.clear();
    state_.selectedProbe.clear();
    planning_->reset();
    segmentation_->reset();
    registration_->reset();
    editor_->reset();
    ++versions_.images;
    ++versions_.items;
    ++versions_.volume3d;
}

void Viewer::useCt(const std::string& id) {
    const CaseVolume* v = case_.volume(id);
    if (!v) throw Error("the case has no volume '" + id + "'");
    Selection s{id, images_.petId, images_.labelsId};
    loadSelection(s);
}

// ---------------------------------------------------------------- view

void Viewer::setLayout(render::Layout layout) {
    state_.layout = layout;
    ++versions_.display;
}

void Viewer::setMainView(ViewKind view) {
    state_.mainView = view;
    ++versions_.display;
}

void Viewer::setWindow(const render::WindowLevel& wl) {
    if (!(wl.width > 0) || !std::isfinite(wl.level)) throw Error("window width must be positive");
    state_.display.window = wl;
    ++versions_.display;
}

void Viewer::setWindowPreset(const std::string& name) {
    // On a CT whose liver was measured, the liver window is centred on it.
    if (name == "liver" && images_.liverHu) {
        setWindow(liverWindow(*images_.liverHu));
        return;
    }
    auto wl = render::windowPreset(name);
    if (!wl) throw Error("unknown window preset '" + name + "' (liver, abdomen, bone, lung, or W L)");
    setWindow(*wl);
}

void Viewer::setPetVisible(bool on) {
    state_.display.petVisible = on;
    ++versions_.display;
}

void Viewer::setPetColormap(render::Colormap map) {
    state_.display.petColormap = map;
    ++versions_.display;
}

void Viewer::setPetOpacity(double opacity) {
    if (!(opacity >= 0 && opacity <= 1)) throw Error("PET opacity must be between 0 and 1");
    state_.display.petOpacity = opacity;
    ++versions_.display;
}

void Viewer::setPetWindow(double low, double high) {
    if (!(high > low) || !std::isfinite(low) || !std::isfinite(high)) throw Error("PET window: the upper value must exceed the lower");
    state_.display.petLow = low;
    state_.display.petHigh = high;
    ++versions_.display;
}

void Viewer::setCheckerboard(double tile_mm) {
    if (!(tile_mm >= 0 && tile_mm <= 200)) throw Error("checkerboard tiles must be 0 (off) to 200 mm");
    state_.display.checkerboard_mm = tile_mm;
    ++versions_.display;
}

void Viewer::setLabelStyle(render::LabelStyle style) {
    state_.display.labelStyle = style;
    ++versions_.display;
}

void Viewer::setLabelHidden(int label, bool hidden) {
    if (hidden) state_.display.hiddenLabels.insert(label);
    else state_.display.hiddenLabels.erase(label);
    ++versions_.display;
}

void Viewer::set3dPreset(render::Volume3dPreset preset) {
    state_.display.preset3d = preset;
    ++versions_.display;
}

void Viewer::set3dOptions(std::optional<bool> pet, std::optional<bool> surfaces, std::optional<bool> shading) {
    if (pet) state_.display.pet3d = *pet;
    if (surfaces) state_.display.surfaces3d = *surfaces;
    if (shading) state_.display.shading3d = *shading;
    ++versions_.display;
}

void Viewer::setCrosshair(const Vec3& p) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) throw Error("crosshair position is not a number");
    state_.crosshair_mm = p;
    ++versions_.crosshair;
}

double Viewer::sliceStep(ViewKind view) const {
    if (!render::isSliceView(view)) return 1.0;
    return render::sceneSliceStep(scene_, render::nextSliceDirection(view));
}

void Viewer::stepSlice(ViewKind view, int steps) {
    if (!render::isSliceView(view)) throw Error(std::string("the ") + render::viewName(view) + " view has no slices");
    requireImage("scroll");
    const Vec3 dir = render::nextSliceDirection(view);
    Vec3 p = state_.crosshair_mm + dir * (steps * sliceStep(view));
    p = render::snapToSlice(scene_, p, dir);
    // Stay inside the image.
    Vec3 lo, hi;
    if (render::sceneBounds(scene_, lo, hi))
        for (int a = 0; a < 3; ++a) p[a] = std::clamp(p[a], lo[a], hi[a]);
    setCrosshair(p);
}

void Viewer::selectLesion(int k) {
    requireImage("select a lesion");
    const int label = 100 + k;
    auto it = images_.labelInfo.find(label);
    if (it == images_.labelInfo.end())
        throw Error("the label map has no lesion " + std::to_string(k) + " (label " + std::to_string(label) + ")");
    Vec3 p = it->second.centroid_mm;
    for (ViewKind v : {ViewKind::Axial, ViewKind::Coronal, ViewKind::Sagittal})
        p = render::snapToSlice(scene_, p, render::nextSliceDirection(v));
    setCrosshair(p);
}

void Viewer::requireImage(const char* what) const {
    if (!scene_.hasImage()) throw Error(std::string("nothing is loaded to ") + what + ": open a case or an image first");
}

} // namespace irplan::viewer
