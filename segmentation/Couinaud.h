#pragma once
// Couinaud segments of the liver (labels 1-8, 1 = caudate) from the liver
// mask and the kinds of its vessels.
//
// 1. Planes (core/CouinaudModel.h): vertical planes through the IVC axis and
//    the right, middle and left hepatic veins separate the four sectors; the
//    axial plane through the portal bifurcation separates superior from
//    inferior segments (in the left lateral sector, the one at the left
//    portal vein's height, 2 from 3); the caudate lies between the IVC and
//    the bifurcation.
// 2. Portal territories (optional, CouinaudOptions::refineBand_mm):
//    segments are defined by their portal supply, and the real boundaries
//    curve. Every portal branch clearly inside one segment (>= 10 mm of it,
//    80% of its centreline away from the boundaries) takes that segment;
//    within the band around a boundary, a voxel takes the segment of the
//    portal branch nearest to it inside the liver (a geodesic Voronoi of the
//    portal branches). The caudate is kept as the planes give it.
//
// Limits: segments 2/3 are split by an axial plane (an oblique one through
// the left portal vein in reality); segment 4 is not split into 4a/4b; the
// hepatic veins are taken as straight from the IVC; a missing vein's plane
// is assumed (a warning says so); the result is as good as the vessel kinds.
#include "core/CouinaudModel.h"
#include "core/Progress.h"
#include "io/ImageTypes.h"
#include "segmentation/LesionTable.h"
#include "segmentation/Vessels.h"

#include <array>
#include <string>
#include <vector>

namespace irplan::seg {

struct CouinaudOptions {
    // Portal territories decide within this distance of a boundary; 0 (the
    // default) keeps the planes: on 3D-IRCADb-01 a 5-10 mm band moved most of
    // the thin left lateral sector into segment 4 (segments 2 + 3 from 8% to
    // 2-5% of the liver), since the umbilical portal vein runs along that
    // boundary and claims it.
    double refineBand_mm = 0.0;
    Progress progress;
};

struct CouinaudResult {
    LabelImage::Pointer labels;          // 1..8 on the liver's voxels, 0 elsewhere (liver grid)
    CouinaudPlanes planes;
    std::array<double, 9> volume_ml{};   // index = segment (0 unused)
    double liver_ml = 0;
    size_t refinedVoxels = 0;            // voxels whose segment the portal territories changed
    // Plausible: each of segments 2-8 holds 1-50 % of the liver. An
    // implausible result (landmarks misread: the vessel kinds were wrong) is
    // kept for inspection but should not name lesions' segments.
    bool plausible = true;
    std::string implausibleReason;
    double refineBand_mm = 0;
    std::vector<std::string> warnings;
    double seconds = 0;
};

// Throws irplan::Error when the landmarks cannot be placed (no hepatic or
// portal veins, vessels without kinds) or the liver is empty.
CouinaudResult segmentCouinaud(const MaskImage* liver, const std::vector<CouinaudBranch>& branches,
                               const CouinaudOptions& options = {});

// The branches of a vessel segmentation, or of a vessels.json (the
// segmentation's "branches" with "kind", or the phantom's truth "vessels"
// with "tree"). Throws irplan::Error when no branch says its kind.
std::vector<CouinaudBranch> couinaudBranches(const std::vector<VesselBranch>& branches);
std::vector<CouinaudBranch> couinaudBranchesFromJson(const Json& vessels, const std::string& where);

Json couinaudJson(const CouinaudResult& r, const std::string& source);

// Each lesion's segments: the one holding most of its voxels, and every one
// it touches (sorted). Lesions outside the map keep no segment.
void assignLesionSegments(std::vector<LesionMeasurement>& lesions, const LabelImage* lesionLabels,
                          const LabelImage* couinaud);

} // namespace irplan::seg
