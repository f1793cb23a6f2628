#pragma once
// Hepatic vessels with diameters, for heat-sink warnings.
//
// Inside the liver dilated by a margin (and cropped to it, MEASURED.md): the
// lumen mask against the scan's own local parenchyma level and contrast
// (VesselMask.h), curve skeleton, a graph of connected branches with parents
// (VesselBranches.h), a sub-voxel diameter at every centreline point
// (VesselDiameter.h) and the kind of every branch, portal or hepatic vein,
// artery or IVC (VesselKinds.h). Each branch is flagged as >= 3 mm or not
// (DOMAIN.md "Heat sink").
//
// Vessels should be segmented on the portal-venous phase, where portal and
// hepatic veins are both bright; in the late arterial phase hepatic veins are
// darker than the liver and hyperenhancing lesions look like vessels.
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/Volume.h"

#include <string>
#include <utility>
#include <vector>

namespace irplan::seg {

struct VesselOptions {
    // Heat sink from vessels of >= 3 mm (DOMAIN.md: sink in 32/44 veins > 3 mm, 0/20 < 3 mm).
    double threshold_mm = 3.0;
    double margin_mm = 8.0;          // the liver is dilated by this much (vessels at the hilum and IVC)
    double minLength_mm = 5.0;       // shorter isolated pieces are dropped
    // Contrast phase when known ("arterial", "portal-venous", "delayed"):
    // only the arterial phase labels arteries (brighter than the portal trunk).
    std::string phase;
    unsigned threads = 0;
    Progress progress;
};

// What a branch is. The label-map values are the phantom legend's (2 portal
// vein, 3 hepatic vein, 4 artery, 6 IVC), 1 where the kind is unknown.
enum class VesselKind { Unknown, Portal, Hepatic, Artery, Ivc };
std::string vesselKindName(VesselKind kind);  // "portal", "hepatic", "artery", "ivc", "unknown"
std::string vesselKindLabelName(VesselKind kind); // "portal vein", ..., "vessel (kind unknown)"
int vesselKindLabel(VesselKind kind);         // 2, 3, 4, 6; 1 unknown
VesselKind vesselKindFromName(const std::string& name); // also accepts the label names

struct VesselBranch {
    int id = 0;      // 1..n
    int parent = -1; // -1 for a root
    std::vector<Vec3> points_mm;
    std::vector<double> diameters_mm; // one per point
    double diameter_mm = 0;           // median over the branch (away from its junctions)
    double length_mm = 0;
    bool ge3mm = false;
    double blood = 0;                 // lumen intensity used (HU)
    std::string bloodFrom;            // "own centre", "ancestor 12", "thick vessels"
    VesselKind kind = VesselKind::Unknown;
    std::string kindFrom;             // why: "connected to the portal trunk", ...
};

struct VesselResult {
    MaskImage::Pointer mask;            // CT grid, 0/1
    LabelImage::Pointer kindLabels;     // CT grid: vesselKindLabel() of the branch owning each vessel voxel
    FloatImage::Pointer diameter_mm;    // CT grid: diameter at vessel voxels, 0 elsewhere
    LabelImage::Pointer branchLabels;   // CT grid: branch id at vessel voxels
    std::vector<VesselBranch> branches;
    double threshold_mm = 3.0;
    // How it was done (written to vessels.json).
    double liverMedian_hu = 0, liverNoise_hu = 0, contrast_hu = 0, blood_hu = 0;
    // Heights above the local parenchyma level (HU): detection seeds, grown
    // region, lumen contour (VesselMask.h).
    double seedThreshold_hu = 0, growThreshold_hu = 0, edgeThreshold_hu = 0;
    std::string kindMethod;             // how kinds were told apart (landmarks used)
    double seconds = 0;
    std::vector<std::pair<std::string, double>> stepSeconds; // time of each step
    std::vector<std::string> warnings;
};

// `liver`: a mask on the CT's grid. Throws irplan::Error on bad input (empty
// mask, other grid, not a CT) and irplan::Cancelled when cancelled.
VesselResult segmentVessels(const Volume& ct, const MaskImage* liver, const VesselOptions& options = {});

} // namespace irplan::seg
