#pragma once
// A lesion table as the segmentation module writes it (lesions.json):
//   {"lesions": [{"id", "centre_mm", "volume_ml", "longest_axial_diameter_mm",
//                 "mean_hu", "suv_max", "suv_peak", "mtv_ml", "tlg",
//                 "couinaud_segment", "source"}]}
// Values that a table may not have (no PET: suv_*; no CT: mean_hu) are null or
// absent and stay empty here: a criterion that needs them says it cannot be
// computed rather than using a default.
#include "core/Case.h"
#include "core/Geometry.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace irplan::review {

struct LesionRecord {
    std::string id;                // "id" (number or text), unique in a table
    std::optional<Vec3> centre_mm; // LPS mm
    std::optional<double> volume_ml;
    std::optional<double> longestAxialDiameter_mm;
    std::optional<double> meanHu;
    std::optional<double> suvMax;  // body-weight SUV
    std::optional<double> suvPeak; // body-weight SUV, mean of the hottest 1 cm^3 sphere
    std::optional<double> mtv_ml;
    std::optional<double> tlg;   // SUVmean x MTV, g
    std::string couinaudSegment; // "" when unknown
    std::string source;          // how it was found ("ct", "pet", "manual", ...)
    std::string organ = "liver"; // "organ" when given; the tables IRPlan writes are liver lesions
};

struct LesionTable {
    std::string name; // file path or a label, for messages
    std::vector<LesionRecord> lesions;
};

// Throws irplan::Error naming the table, the lesion and the field when a value
// has the wrong type, is not finite, or is negative where it cannot be.
LesionTable lesionTableFromJson(const Json& j, const std::string& name);
LesionTable readLesionTable(const std::filesystem::path& path);

} // namespace irplan::review
