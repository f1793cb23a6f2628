#pragma once
// The segment editor in the viewer (issue 13): paint, erase, threshold paint,
// grow from seeds, islands, margins, new and deleted lesions on the loaded
// label map, with undo through the viewer's undo stack (each step keeps only
// its changed voxels, seg::EditHistory). What depends on an edited segment is
// marked stale in the case at once: the plans of an edited lesion (all plans
// for liver or vessel edits) and the report; the edited lesion's row of the
// lesion table is measured again from the edited mask. save-case writes the
// edited label maps and the lesion table next to the saved case.
// The script commands (EditCommands.h) and the Segmentation panel call the
// same functions. No GLFW, ImGui or VTK here.
#include "core/Case.h"
#include "io/ImageTypes.h"
#include "segmentation/EditHistory.h"
#include "segmentation/LabelEdit.h"

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace irplan::viewer {

class Viewer;

class EditSession {
public:
    static constexpr int kLesionBase = 100;                 // lesion k is label 100 + k in the combined map
    static constexpr seg::LabelValue kVesselUnknown = 17;   // "vessel of unknown kind" (irplan run's combined map)
    // Whether the loaded map is a lesions map (label k = lesion k, no liver).
    static bool lesionScheme(const Viewer& viewer);

    explicit EditSession(Viewer& viewer) : viewer_(viewer) {}

    // ---- settings ----
    // "liver", "lesion K" (or "lesionK"), "vessels", or a label value.
    void setActive(const std::string& name);
    const std::string& activeName() const { return activeName_; }
    const seg::LabelTarget& target() const { return target_; }
    void setBrush(double radius_mm, seg::BrushShape shape);
    const seg::Brush& brush() const { return brush_; }
    // Limits the following paints to image values in [low, high]; nullopt: off.
    void setThreshold(std::optional<std::pair<double, double>> range);
    const std::optional<std::pair<double, double>>& threshold() const { return threshold_; }
    // A range from the CT around p: mean -/+ 2.5 SD of the voxels within radius_mm.
    std::pair<double, double> rangeAround(const Vec3& p_mm, double radius_mm = 3) const;

    // ---- edits (each one undo step) ----
    // `sliceAxis` for a disc: the voxel axis normal to the slice (-1: the axial one).
    void paint(const Vec3& p_mm, std::optional<double> radius_mm = std::nullopt,
               std::optional<seg::BrushShape> shape = std::nullopt, int sliceAxis = -1);
    void erase(const Vec3& p_mm, std::optional<double> radius_mm = std::nullopt,
               std::optional<seg::BrushShape> shape = std::nullopt, int sliceAxis = -1);
    void grow(const std::vector<std::vector<Vec3>>& inside, const std::vector<std::vector<Vec3>>& outside);
    // Keeps the largest piece of the active segment, or the one under `at`.
    void keepIsland(const std::optional<Vec3>& at);
    void margin(double mm);
    void fillHoles();
    // Outlines drawn on a few axial slices become the shape between them.
    void fillBetweenSlices();
    // A new lesion number becomes the active label (no voxel yet); returns it.
    int newLesion();
    void deleteLesion(int k);
    // Lesion `other` becomes part of lesion k (its number is not reused).
    void mergeLesions(int k, int other);
    // The voxels of lesion k on the side of the plane (through p, normal n) that
    // n points to become a new lesion; returns its number.
    int splitLesion(int k, const Vec3& p_mm, const Vec3& normal);

    // A brush drag: the paints and erases until endStroke are one undo step
    // (the lesion is measured again and the case marked at the end).
    void beginStroke();
    void endStroke();
    bool stroking() const { return stroking_; }

    // ---- queries ----
    bool dirty() const { return !edited_.empty(); }
    const std::set<std::string>& editedSegments() const { return edited_; }
    size_t historyBytes() const { return history_.bytes(); }
    size_t historySteps() const { return history_.size(); }
    // What is stale in the case (plans, report), for the panel.
    std::vector<std::string> staleItems() const;
    // The voxel axis closest to the patient's z (the axial slices), -1 without a map.
    int axialAxis() const;
    Json stateJson() const;

    // Called by the viewer: before the case is written to `caseFile`, the
    // edited label maps and the lesion table go to <its folder>/segmentation-edited/.
    void writeEdited(Case& c, const std::filesystem::path& caseFile);
    // The undo stack's hook, on undo/redo of an edit step.
    void undoStep(const std::vector<int>& lesions);
    void redoStep(const std::vector<int>& lesions);
    void replayStep(bool redo, const std::vector<int>& lesions);
    void reset();

private:
    LabelImage* working();
    void requireActive() const;
    std::vector<int> activeLesions() const;
    int nextLesionNumber() const;
    // Runs an edit of lesion `k` as the active target (legend, undo name), then restores the active label.
    void asLesion(int k, const std::function<void()>& edit); // {k} when the active target is lesion k, else {}
    // `lesions`: the lesions the edit changes ({}: the liver or vessels, which every plan depends on).
    void record(const std::string& name, const seg::EditRegion& region, const std::function<void()>& apply,
                const std::vector<int>& lesions, const std::string& segment);
    void finish(const std::string& name, const std::vector<int>& lesions, const std::string& segment, size_t changed);
    void remeasure(int lesion);
    void markStale(Case& c, const std::vector<int>& lesions, const std::string& what) const;

    Viewer& viewer_;
    LabelImage::Pointer working_; // the edited label map (the viewer shows this one)
    LabelImage::Pointer source_;  // the map it was copied from (a reload replaces it: history restarts)
    seg::EditHistory history_;
    std::string activeName_;
    seg::LabelTarget target_;
    seg::Brush brush_{5.0, seg::BrushShape::Sphere, 2};
    std::optional<std::pair<double, double>> threshold_;
    std::set<std::string> edited_; // "liver", "vessels", "lesion K"
    bool stroking_ = false;
    size_t strokeStart_ = 0;
    std::string strokeName_, strokeSegment_;
    std::vector<int> strokeLesions_;
};

} // namespace irplan::viewer
