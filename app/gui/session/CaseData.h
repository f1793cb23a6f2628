#pragma once
// Loading what a case refers to into memory for display: the reference image
// (CT/MR), the PET with its alignment, a label map, vessel centrelines and the
// items drawn from the case itself. Pure functions, run on worker threads.
#include "core/Case.h"
#include "core/Progress.h"
#include "render/Scene.h"

#include <filesystem>
#include <map>
#include <set>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace irplan::viewer {

// Where each label of the label map is (for "jump to lesion" and the label list).
struct LabelInfo {
    size_t voxels = 0;
    Vec3 centroid_mm;
    double volume_ml = 0;
};

struct LoadedImages {
    std::string ctId, petId, labelsId; // case ids of what is loaded ("" when none)
    std::shared_ptr<const Volume> ct, pet;
    render::LabelLayer labels;
    std::optional<Affine> ctToPet;
    std::string petAlignment;
    std::vector<render::VesselBranchShape> vessels;
    std::string vesselSource;
    LabelImage::Pointer couinaud;      // the case's Couinaud segments (labels 1-8), when it has them
    std::map<int, LabelInfo> labelInfo;
    std::optional<double> liverHu;     // measured parenchyma (LiverWindow.h)
    std::vector<std::string> warnings; // shown to the user (e.g. PET not registered)
};

std::map<int, LabelInfo> labelInfo(const LabelImage* labels);

// Which case volume plays which part: the first CT (or MR) unless `preferredCt`
// names one; the first PET/SPECT; the first segmentation.
struct Selection {
    std::string ctId, petId, labelsId;
};
Selection defaultSelection(const Case& c, const std::string& preferredCt = "");

// Reads the selected items of the case (paths relative to c.baseDir).
LoadedImages loadCaseImages(const Case& c, const Selection& selection, const Progress& progress);

// The alignment of the PET for display: an affine case transform with fixed =
// the CT and moving = the PET, or none (scanner coordinates) with the reason.
void petAlignment(const Case& c, const std::string& ctId, const std::string& petId, std::optional<Affine>& ctToPet,
                  std::string& description, std::vector<std::string>& warnings);

// Vessel centrelines from the segmentation's vessels.json ("branches": [{"points_mm":
// [[x,y,z]...], "diameters_mm": [...], "kind": "portal", "ge_3mm": true}, ...]) or
// the phantom's truth.json ("vessels": [{"points_mm", "radii_mm", "tree"}, ...]).
std::vector<render::VesselBranchShape> readVesselCentrelines(const std::filesystem::path& file);

// What role a volume file probably has: "pet" for PT/NM or activity units, "ct"
// for CT or HU, "mr" for MR, else "ct" (the reference image).
std::string guessRole(const VolumeMeta& meta);
// True when a file name looks like a label map (labels, seg, mask).
bool looksLikeLabelMap(const std::filesystem::path& file);

// Labels hidden when a label map is first shown: with a legend, everything but
// the liver, its vessels and lesions (what ablation planning looks at); without
// a legend nothing is hidden.
std::set<int> defaultHiddenLabels(const std::map<int, std::string>& legend);

// Case items drawn on the views.
std::vector<render::ProbeShape> probeShapes(const Case& c, const std::string& selectedProbe);

struct Measurement {
    std::string id;
    bool ruler = false;
    Vec3 a, b;
};
// Measurements live in the case under "measurements" (kept by core's unknown-key rule).
std::vector<Measurement> measurements(const Case& c);
void setMeasurements(Case& c, const std::vector<Measurement>& m);

} // namespace irplan::viewer
