#pragma once
// The PET lesion finder behind segmentLesions (Lesions.h; CT/MR lesions are
// in FocalLesions.h), working on images cropped to the liver. It returns one
// 0/1 mask per lesion, on the crop's grid, and records its thresholds in `method`.
#include "core/Case.h"
#include "io/ImageTypes.h"
#include "segmentation/Lesions.h"

#include <vector>

namespace irplan::seg {

// PET hot spots in the liver.
std::vector<MaskImage::Pointer> detectPetLesions(const FloatImage* pet, const MaskImage* liver, const LesionOptions& o,
                                                 Json& method, double* liverBackground,
                                                 std::vector<std::string>& warnings);

// Principal-axis elongation of a mask: sqrt(largest / smallest eigenvalue of
// the voxel-position covariance), 1 for a sphere.
double elongation(const MaskImage* mask);

} // namespace irplan::seg
