#pragma once
// Segmentation in the viewer: liver, lesions (with seeds: one click grows a
// lesion) and vessels on the loaded images, run in the background with the
// same functions and output files as `irplan segment`, then recorded in the
// case (undoable). Keeps the lesion table for the Segmentation panel.
// No GLFW, ImGui or VTK here.
#include "core/Case.h"
#include "io/ImageTypes.h"
#include "segmentation/LesionTable.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace irplan::viewer {

class Viewer;

class SegmentSession {
public:
    explicit SegmentSession(Viewer& viewer) : viewer_(viewer) {}

    // Where results are written: `dir`, or <case folder>/segmentation.
    std::filesystem::path outputDir(const std::string& dir = "") const;
    void runLiver(const std::string& dir = "");
    // Lesions on the CT (and the PET when it is aligned); `seeds` grow one lesion each.
    void runLesions(const std::vector<Vec3>& seeds = {}, const std::string& dir = "");
    // Adds a seed to the last run's seeds and runs lesions again.
    void growFromSeed(const Vec3& seed_mm);
    void runVessels(const std::string& dir = "");
    // Moves the crosshair to lesion k of the table.
    void showLesion(int k);

    const std::vector<seg::LesionMeasurement>& lesions() const { return lesions_; }
    // The lesion table of the opened case (lesions.json of its lesion segmentation), if any.
    void loadCaseTable();
    const std::vector<Vec3>& seeds() const { return seeds_; }
    // The segment editor's measurements of an edited lesion (replaces row k or adds it).
    void setLesionRow(const seg::LesionMeasurement& row);
    void removeLesionRow(int k);
    // Display name of the PET figures: "SUV" only when the PET is in SUV.
    std::string petLabel() const;
    std::string lastSummary() const { return summary_; }
    void reset();
    Json stateJson() const;

private:
    MaskImage::Pointer liverMask() const; // this session's liver, else label 1 of a phantom-legend label map
    void record(const CaseSegmentation& s, const std::string& what);

    Viewer& viewer_;
    MaskImage::Pointer liver_;
    std::vector<seg::LesionMeasurement> lesions_;
    std::vector<Vec3> seeds_;
    std::string summary_;
    unsigned generation_ = 0;
};

} // namespace irplan::viewer
