#pragma once
// Internal: small image operations the registration module needs in-process
// (coarse copies for the pose search and the quality gate, masks on a grid,
// geometry as an Affine). ITK + std only.
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <array>
#include <filesystem>
#include <string>

namespace irplan::registration::detail {

// Voxel index (continuous) -> LPS mm, and its inverse.
Affine indexToPhysical(const itk::ImageBase<3>* image);
// Centre of the image's field of view, LPS mm.
Vec3 imageCentre(const itk::ImageBase<3>* image);
// The 8 corners of the field of view (voxel centres), LPS mm.
std::array<Vec3, 8> imageCorners(const itk::ImageBase<3>* image);

// Averages blocks of voxels so the spacing becomes about `spacing_mm` (never finer
// than the input); a cheap low-pass copy for coarse work.
FloatImage::Pointer shrinkTo(const FloatImage* image, double spacing_mm);

// `mask` (any grid) on the grid of `reference`, nearest neighbour; voxels outside
// the mask's field of view are 0. Throws irplan::Error naming `what` when empty.
MaskImage::Pointer maskOnGrid(const MaskImage* mask, const itk::ImageBase<3>* reference, const std::string& what);

// Robust intensity range: the given lower/upper quantiles of the voxel values.
std::pair<double, double> quantiles(const FloatImage* image, double lower, double upper,
                                    const MaskImage* mask = nullptr);

// Otsu threshold of the values (256 bins over [lo, hi]).
double otsuThreshold(const FloatImage* image, double lo, double hi);

// 1 where value > threshold.
MaskImage::Pointer thresholdMask(const FloatImage* image, double threshold);

size_t countNonZero(const MaskImage* mask);

// An ITK exception description on one line.
std::string oneLine(const std::string& text);

// Writes an image for elastix/transformix as uncompressed MetaImage, without the
// reader's metadata (NIfTI keys MetaImage cannot store). Throws irplan::Error.
void writeTempMha(const FloatImage* image, const std::filesystem::path& path);
void writeTempMha(const MaskImage* image, const std::filesystem::path& path);

} // namespace irplan::registration::detail

namespace irplan::registration::detail {

// `moving` on `grid` through an affine fixed->moving map, in-process (ITK),
// linear or nearest-neighbour interpolation; `outside` where there is no data.
FloatImage::Pointer resampleAffine(const FloatImage* moving, const Affine& fixedToMoving,
                                   const itk::ImageBase<3>* grid, bool nearest, float outside);

} // namespace irplan::registration::detail
