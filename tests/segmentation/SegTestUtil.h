#pragma once
// Helpers for the segmentation tests: analytic images with partial volume,
// noise, overlap measures.
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <functional>
#include <vector>

namespace irplan::test {

// A float image centred on the origin covering `extent` mm; each voxel is the
// mean of value() over 4 x 4 x 4 sub-samples (partial volume).
FloatImage::Pointer renderImage(const Vec3& extent, const Vec3& spacing, const std::function<double(const Vec3&)>& value,
                                int subsamples = 4);
// Adds Gaussian noise (SD in image units), deterministic for a seed.
void addNoise(FloatImage* image, double sd, unsigned seed);
// Noise smoothed by [1 2 1]/4 along x and y (as the phantom's CT), scaled to `sd`.
void addCorrelatedNoise(FloatImage* image, double sd, unsigned seed);

double median(std::vector<double> v);
// Dice of two 0/1 masks on one grid.
double dice(const MaskImage* a, const MaskImage* b);
// Centroid (LPS mm) of the non-zero voxels of a mask (the origin when empty).
Vec3 centroid(const MaskImage* m);

} // namespace irplan::test
