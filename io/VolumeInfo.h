#pragma once
// What `irplan info --json` prints about a volume, as JSON: geometry in LPS
// mm, units, value range, SUV (or why it is unavailable) and warnings.
#include "core/Case.h"
#include "io/Volume.h"

namespace irplan {

struct ValueRange {
    double min = 0, max = 0;
};
ValueRange valueRange(const FloatImage* image);

// Three letters naming where each voxel axis points in the patient, e.g. "LPS"
// for an identity direction (axis 0 towards Left, 1 Posterior, 2 Superior);
// a lower-case letter marks an oblique axis (its largest component).
std::string axisCodes(const FloatImage::DirectionType& direction);

Json suvJson(const SuvInfo& suv);
Json volumeInfoJson(const Volume& volume);

} // namespace irplan
