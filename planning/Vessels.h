#pragma once
// Blood vessels for planning: from the segmentation's vessels.json (or the
// phantom's truth.json, same shape with radii), or measured from the vessel
// labels of a label map (local thickness from a distance map). Both become a
// VesselModel: points with the local lumen diameter, grouped by vessel, which
// the heat-sink warnings, the thermal model and the path checks read.
#include "io/ImageTypes.h"
#include "planning/GridGeometry.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan::planning {

struct VesselBranch {
    std::string id;
    std::string parent;               // "" for a root
    std::string kind;                 // as the file says: "portal", "hepatic", "ivc" (segmentation), a tree name (phantom)
    std::vector<Vec3> points;         // centreline, LPS mm
    std::vector<double> diameters_mm; // one per point
    double diameter_mm = 0;           // the branch's summary diameter
};

struct VesselTree {
    std::vector<VesselBranch> branches;
    std::string source; // file it was read from
};

// The clinic's words for a branch kind of vessels.json or truth.json
// ("portal" -> "portal vein", "hepatic" -> "hepatic vein", "ivc" -> "inferior
// vena cava", "unknown" -> "vessel (kind unknown)"); heat-sink warnings
// name the vessel with it.
std::string vesselKindWords(const std::string& kind);

// Reads DIR/vessels.json (or a .json file): {"branches": [...]} from the
// segmentation or {"vessels": [...]} from the phantom's truth.json; per point
// "diameters_mm" or "radii_mm", else the branch's "diameter_mm". Throws
// irplan::Error naming the file and branch for malformed content.
VesselTree loadVessels(const std::filesystem::path& dirOrFile);

struct VesselInfo {
    std::string id;
    std::string kind;
    double maxDiameter_mm = 0; // largest local diameter among its samples in the region
    std::string parentId;      // branch trees: the parent branch ("" for roots and label vessels)
};

// A point in a vessel lumen with the local diameter. wallOffset_mm is how far
// the wall lies beyond the point (centreline: the radius; a label voxel: half
// a voxel), so "distance from the wall" = distance from the point - wallOffset.
struct VesselSample {
    int vessel = 0; // index into VesselModel::vessels
    Vec3 point_mm;
    float wallOffset_mm = 0;
    float diameter_mm = 0;
};

struct VesselModel {
    std::vector<VesselInfo> vessels;
    std::vector<VesselSample> samples;
    std::string source;       // "vessels.json: PATH", "labels (distance map)"
    double resolution_mm = 0; // label-derived: the voxel size the diameters were measured at
};

// Samples of every branch passing through the LPS box [lo, hi], every <= 0.5 mm.
VesselModel vesselModelFromTree(const VesselTree& tree, const Vec3& lo_mm, const Vec3& hi_mm);

// The phantom legend's vessel labels (portal vein 2, hepatic vein 3, artery 4,
// aorta 5, IVC 6) and their names.
const std::vector<int>& vesselLabels();
std::string vesselLabelName(int label);

// Measures vessels from the label map inside the LPS box [lo, hi]: each 26-
// connected component of a vessel label is one vessel; the local diameter of a
// voxel is that of the largest inscribed ball containing it (distance map
// ridges painted back), so vessels narrower than ~2 voxels read as about one
// voxel wide: prefer the segmentation's vessels.json when it exists.
VesselModel vesselModelFromLabels(const LabelImage* labels, const Vec3& lo_mm, const Vec3& hi_mm);

// Local lumen diameter (mm) of every voxel of `mask` (1 = vessel) on `grid`,
// 0 outside: the local-thickness measure used by vesselModelFromLabels.
std::vector<float> localDiameter(const std::vector<std::uint8_t>& mask, const GridGeometry& grid);

// Paints the vessel lumens into a per-voxel diameter map on `grid` (0 where no
// vessel; the largest diameter where several overlap). Samples with diameter
// below minDiameter_mm are skipped.
void paintVessels(const VesselModel& model, const GridGeometry& grid, std::vector<float>& diameter_mm,
                  double minDiameter_mm = 0.0);

} // namespace irplan::planning
