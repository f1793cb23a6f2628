#pragma once
// What each value of a label map is, for standard exports: a name (from a
// legend such as the phantom's truth.json), a display colour, the coded
// concepts DICOM SEG needs (category and type, SNOMED CT) and the RTSTRUCT
// interpreted type.
#include "io/ImageTypes.h"

#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace irplan {

struct CodedConcept {
    std::string value, scheme, meaning; // e.g. "10200004", "SCT", "Liver"
};

struct StructureStyle {
    int label = 0;
    std::string name;
    std::array<unsigned char, 3> rgb{{128, 128, 128}};
    CodedConcept category;                   // DICOM CID 7150
    CodedConcept type;                       // DICOM CID 7151 family
    std::string rtInterpretedType = "ORGAN"; // RTROIInterpretedType (3006,00A4)
};

// A legend file: {"legend": {"1": "liver", ...}} (truth.json, case files) or
// the object {"1": "liver", ...} itself. Throws irplan::Error naming the file
// and the bad entry.
std::map<int, std::string> readLegend(const std::filesystem::path& path);

// Label values > 0 present in the map, ascending.
std::vector<int> labelsPresent(const LabelImage* labels);

// Styles for these labels: names from the legend ("label N" when absent),
// codes and colours from the name (liver, portal vein, lesion, ablation zone,
// ...; a generic "Tissue" code for names IRPlan does not know).
std::vector<StructureStyle> styleLabels(const std::vector<int>& labels, const std::map<int, std::string>& legend);

} // namespace irplan
