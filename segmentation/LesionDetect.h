#pragma once
// The automatic lesion finders behind segmentLesions (Lesions.h), working on
// images cropped to the liver. Each returns one 0/1 mask per lesion, on the
// crop's grid, and records its thresholds in `method`.
#include "core/Case.h"
#include "io/ImageTypes.h"
#include "segmentation/Lesions.h"

#include <vector>

namespace irplan::seg {

// Local mean of `image` over the voxels where `weight` is 1 (normalised
// Gaussian averaging, sigma in mm); `fallback` where no such voxel is near.
FloatImage::Pointer localMean(const FloatImage* image, const MaskImage* weight, double sigma_mm, float fallback);

// (a) Arterial hyperenhancement (washout check with `portal`, may be null).
std::vector<MaskImage::Pointer> detectEnhancingLesions(const FloatImage* arterial, const FloatImage* portal,
                                                       const MaskImage* liver, bool isCt, const LesionOptions& o,
                                                       Json& method, std::vector<std::string>& warnings);

// (b) PET hot spots in the liver.
std::vector<MaskImage::Pointer> detectPetLesions(const FloatImage* pet, const MaskImage* liver, const LesionOptions& o,
                                                 Json& method, double* liverBackground,
                                                 std::vector<std::string>& warnings);

// Principal-axis elongation of a mask: sqrt(largest / smallest eigenvalue of
// the voxel-position covariance), 1 for a sphere.
double elongation(const MaskImage* mask);

} // namespace irplan::seg
