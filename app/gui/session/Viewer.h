#pragma once
// The viewer's command layer: the document (the case and what is loaded for
// it), the view state, undo/redo and background tasks, changed only through the
// functions below. GUI panels, scripts (`irplan view --script`) and the demo call
// the same functions, so everything a user can do can be scripted and tested
// headless. No GLFW, ImGui or VTK here.
#include "app/gui/session/CaseData.h"
#include "app/gui/session/EditSession.h"
#include "app/gui/session/PlanSession.h"
#include "app/gui/session/RegisterSession.h"
#include "app/gui/session/SegmentSession.h"
#include "app/gui/session/Tasks.h"
#include "app/gui/session/UndoStack.h"
#include "render/FusedVolume.h"
#include "render/Scene.h"
#include "render/Surfaces.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace irplan::viewer {

struct ViewState {
    render::Layout layout = render::Layout::TwoByTwo;
    render::ViewKind mainView = render::ViewKind::Axial;
    Vec3 crosshair_mm;
    render::DisplaySettings display;
    std::string selectedProbe;
};

// What the cursor is over.
struct Readout {
    Vec3 position_mm;
    std::optional<double> ctValue; // HU (or MR signal) of the voxel
    std::string ctUnit;
    std::optional<double> petValue; // display unit (SUVbw, or Bq/mL when SUV is unknown)
    std::string petUnit;
    int label = 0;
    std::string labelName;
    std::string text() const; // one line for the status bar and scripts
};

// Counters the views compare to know what to redraw.
struct Versions {
    unsigned images = 0;    // volumes / labels replaced
    unsigned items = 0;     // probes, measurements
    unsigned display = 0;   // window, colour maps, layout
    unsigned crosshair = 0;
    unsigned volume3d = 0;  // the 3D data finished building
};

class Viewer {
public:
    Viewer();
    ~Viewer();

    // ---- state ----
    const Case& currentCase() const { return case_; }
    const std::filesystem::path& caseFile() const { return caseFile_; }
    const LoadedImages& images() const { return images_; }
    const render::Scene& scene() const { return scene_; }
    const ViewState& state() const { return state_; }
    const Versions& versions() const { return versions_; }
    TaskRunner& tasks() { return tasks_; }
    const UndoStack& undoStack() const { return undo_; }
    std::shared_ptr<const render::FusedVolumeData> volume3d() const { return volume3d_; }
    std::shared_ptr<const render::LabelSurfaces> surfaces() const { return surfaces_; }
    std::shared_ptr<const render::VesselTubes> vesselTubes() const { return tubes_; }
    bool hasImage() const { return scene_.hasImage(); }
    // Main thread, every frame: finishes background work.
    void poll();
    // Warnings for the user (PET not SUV, not registered, failed tasks) since the last call.
    std::vector<std::string> takeMessages();
    // Failures of background work (a file that could not be read) since the last call.
    std::vector<std::string> takeTaskErrors();

    // ---- opening and saving (long work runs as tasks) ----
    void openCase(const std::filesystem::path& caseFile);
    // A volume (DICOM directory or file, NIfTI, NRRD, MetaImage) into the current
    // case; role "" guesses from the modality/units. seriesUid picks a DICOM series.
    void openVolume(const std::filesystem::path& path, const std::string& role = "", const std::string& seriesUid = "");
    void openLabels(const std::filesystem::path& path);
    // Generates the built-in phantom into `dir` and opens it (with the phantom's
    // known CT->PET alignment as a labelled transform, until registration runs).
    void openPhantom(const std::filesystem::path& dir, std::optional<double> spacing_mm = std::nullopt, uint64_t seed = 1);
    void saveCase(const std::filesystem::path& file);
    void closeCase();
    // Which case volume is the reference image (e.g. arterial or portal CT).
    void useCt(const std::string& volumeId);

    // ---- view ----
    void setLayout(render::Layout layout);
    void setMainView(render::ViewKind view);
    void setWindow(const render::WindowLevel& wl);
    void setWindowPreset(const std::string& name);
    void setPetVisible(bool on);
    void setPetColormap(render::Colormap map);
    void setPetOpacity(double opacity);
    void setPetWindow(double low, double high);
    // Registration check: CT and PET in alternating tiles of this size (0: the blend).
    void setCheckerboard(double tile_mm);
    void setLabelStyle(render::LabelStyle style);
    void setLabelHidden(int label, bool hidden);
    // Couinaud segments on the slices (labels 201-208 under the label map's
    // own); throws irplan::Error when the case has none.
    void setCouinaudOverlay(bool on);
    bool couinaudOverlay() const { return couinaudOverlay_; }
    void set3dPreset(render::Volume3dPreset preset);
    void set3dOptions(std::optional<bool> pet, std::optional<bool> surfaces, std::optional<bool> shading);
    void setCrosshair(const Vec3& p_mm);
    // Moves the crosshair `steps` slices along the view's normal (+: S, A, R).
    void stepSlice(render::ViewKind view, int steps);
    double sliceStep(render::ViewKind view) const;
    // Centres the crosshair on lesion k (label 100 + k) of the label map.
    void selectLesion(int k);

    // ---- edits of the case (undoable) ----
    void placeProbe(const std::string& id, const Vec3& tip_mm, const Vec3& entry_mm, const std::string& device = "manual");
    void moveProbeEnd(const std::string& id, bool tip, const Vec3& p_mm);
    void removeProbe(const std::string& id);
    void selectProbe(const std::string& id);
    std::string addRuler(const Vec3& a_mm, const Vec3& b_mm);
    std::string addPoint(const Vec3& p_mm);
    void removeMeasurement(const std::string& id);
    // A drag becomes one undo step.
    void beginEditGroup(const std::string& label);
    void endEditGroup();
    void undo();
    void redo();
    std::string nextProbeId() const;

    // A drag (an open edit group) is in progress.
    bool editing() const { return undo_.grouping(); }
    // An undoable change of the case by a session part (planning, segmentation).
    void editCase(const std::string& label, const std::function<void(Case&)>& change) { edit(label, change); }
    // The same with what the edit changed outside the case (label map voxels).
    void editCase(const std::string& label, const std::function<void(Case&)>& change, std::shared_ptr<UndoHook> hook) {
        edit(label, change, std::move(hook));
    }

    // ---- planning (session/PlanSession.h) ----
    PlanSession& planning() { return *planning_; }
    const PlanSession& planning() const { return *planning_; }
    RegisterSession& registration() { return *registration_; }
    const RegisterSession& registration() const { return *registration_; }
    // Reads the loaded volumes again from the case (a new transform places the PET differently).
    void reloadImages();
    SegmentSession& segmentation() { return *segmentation_; }
    const SegmentSession& segmentation() const { return *segmentation_; }
    // ---- the segment editor (session/EditSession.h) ----
    EditSession& editor() { return *editor_; }
    const EditSession& editor() const { return *editor_; }
    // The editor's copy of the label map replaces the loaded one in the views.
    void setEditedLabels(LabelImage::Pointer labels);
    // The shown label map's voxels (or its legend in the case) changed: redraw;
    // `recount` measures every label again (not during a brush drag).
    void labelsEdited(bool recount = true);
    // The 3D surfaces of the label map built again (background) from a copy of it.
    void rebuildSurfaces();
    // The plan's zones and markers changed: redraw them.
    void planItemsChanged();

    // ---- queries ----
    Readout readout(const Vec3& p_mm) const;
    Json stateJson() const;

private:
    void edit(const std::string& label, const std::function<void(Case&)>& change, std::shared_ptr<UndoHook> hook = nullptr);
    void restore(const Json& caseJson);
    void loadSelection(const Selection& selection);
    void installImages(LoadedImages images);
    void rebuildItems();
    void start3dBuild();
    void requireImage(const char* what) const;

    Case case_;
    std::filesystem::path caseFile_;
    LoadedImages images_;
    render::Scene scene_;
    bool couinaudOverlay_ = false;
    ViewState state_;
    Versions versions_;
    UndoStack undo_;
    TaskRunner tasks_;
    std::shared_ptr<const render::FusedVolumeData> volume3d_;
    std::shared_ptr<const render::LabelSurfaces> surfaces_;
    std::shared_ptr<const render::VesselTubes> tubes_;
    std::vector<std::string> messages_;
    std::vector<std::string> taskErrors_;
    unsigned loadGeneration_ = 0;
    unsigned surfacesGeneration_ = 0;
    std::shared_ptr<CancelToken> surfacesTask_;
    std::unique_ptr<PlanSession> planning_; // last: these refer to the members above
    std::unique_ptr<SegmentSession> segmentation_;
    std::unique_ptr<RegisterSession> registration_;
    std::unique_ptr<EditSession> editor_;
};

} // namespace irplan::viewer
