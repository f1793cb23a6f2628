#pragma once
// The JSON files the segmentation writes (liver.json, lesions.json,
// vessels.json). The planner and the GUI read lesions.json and vessels.json;
// their field names are an interface: add fields, never rename them.
#include "core/Case.h"
#include "segmentation/Liver.h"
#include "segmentation/Vessels.h"

#include <string>

namespace irplan::seg {

Json liverJson(const LiverResult& r, const std::string& source);

// vessels.json: {"units": "mm (LPS)", "threshold_mm", "method", "branches": [{"id", "parent",
// "points_mm", "diameters_mm", "diameter_mm", "length_mm", "ge_3mm", ...}]}
Json vesselsJson(const VesselResult& r, const std::string& source);

} // namespace irplan::seg
