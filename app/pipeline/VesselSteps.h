#pragma once
// The vessel side of `irplan run`: the vessel files with their kinds, the
// Couinaud segments and the lesions' segments, and the case entries for
// them. Kept apart from Pipeline.cpp, which calls these in order.
#include "core/Case.h"
#include "segmentation/Lesions.h"
#include "segmentation/Vessels.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace irplan::pipeline {

// Label of each vessel kind in the combined label map (the phantom legend's
// 2 portal vein, 3 hepatic vein, 4 artery, 6 IVC; 17 a vessel of unknown kind).
int combinedVesselLabel(std::uint16_t kindLabel);
// Legend entries of those labels.
std::map<int, std::string> combinedVesselLegend();

// Writes DIR/vessels.nii.gz (kind labels), vessel_branches.nii.gz and vessels.json.
void writeVesselFiles(const seg::VesselResult& vessels, const std::filesystem::path& segDir, const std::string& source);
// The case entry of the vessel segmentation (legend per kind).
CaseSegmentation vesselSegmentation();

struct CouinaudStep {
    bool done = false;
    std::string detail;                 // for the pipeline's step record
    std::vector<std::string> warnings;
};

// Couinaud segments from the liver and the vessels (their kinds), written to
// DIR/couinaud.nii.gz and couinaud.json and added to the case; every lesion of
// `lesions` gets its segments and `lesionsJson` (lesions.json) is updated.
// A failure (landmarks not found) is returned as a warning: the lesions stay
// "not estimated".
CouinaudStep runCouinaud(const MaskImage* liver, const seg::VesselResult& vessels, seg::LesionResult& lesions,
                         Json& lesionsJson, const std::filesystem::path& segDir, Case& c);

} // namespace irplan::pipeline
