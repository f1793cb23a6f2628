#pragma once
// Image helpers shared by the segmentation steps: new images on a grid, crops,
// block downsampling, Gaussian smoothing, exact Euclidean distance maps in mm
// (so erosion and dilation take a radius in millimetres on any voxel size),
// connected components and hole filling. Everything keeps ITK's LPS geometry.
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/ImageTypes.h"

#include <array>
#include <string>
#include <cstdint>
#include <vector>

namespace irplan::seg {

using Region = itk::ImageRegion<3>;
using Index3 = std::array<long, 3>;

// A new image with the geometry (origin, spacing, direction, size) of `grid`.
MaskImage::Pointer newMask(const itk::ImageBase<3>* grid, std::uint8_t fill = 0);
FloatImage::Pointer newFloat(const itk::ImageBase<3>* grid, float fill = 0.0f);
LabelImage::Pointer newLabels(const itk::ImageBase<3>* grid, LabelImage::PixelType fill = 0);

// Same size, spacing, origin and direction (within 1e-3 mm / 1e-5).
bool sameGrid(const itk::ImageBase<3>* a, const itk::ImageBase<3>* b);
double voxelVolume_mm3(const itk::ImageBase<3>* image);

Vec3 indexToPoint(const itk::ImageBase<3>* image, const Vec3& continuousIndex);
Vec3 pointToIndex(const itk::ImageBase<3>* image, const Vec3& point_mm);
// Unit vector of the patient's axis (0 x, 1 y, 2 z) in voxel-index space,
// i.e. which voxel axis is closest to patient z (for axial measurements).
int voxelAxisClosestTo(const itk::ImageBase<3>* image, int patientAxis);

// Copy of `region` of `image` as its own image (origin moved accordingly).
template <class TImage>
typename TImage::Pointer crop(const TImage* image, const Region& region);
// Pastes `part` (a crop of `whole`'s grid) back into `whole`.
template <class TImage>
void paste(TImage* whole, const TImage* part);

// Calls f(i) with the linear index in `grid` of every non-zero voxel of
// `part`, a mask on the same voxel lattice as `grid` (a crop of it, or it);
// voxels of `part` outside `grid` are skipped.
template <class F>
void forEachOnIn(const MaskImage* part, const itk::ImageBase<3>* grid, F f);
// Non-zero voxels of `a` that are non-zero in `b` too (same lattice, any crops).
size_t overlapVoxels(const MaskImage* a, const MaskImage* b);
// Whether the voxel nearest to `p` (mm) is non-zero (false outside the image).
bool maskAt(const MaskImage* m, const Vec3& p);

// Bounding region of the non-zero voxels grown by margin_mm and clipped to the
// image; an empty region (size 0) when the mask is empty.
Region boundingRegion(const MaskImage* mask, double margin_mm);
// The region of `grid` covering the physical box of `region` on `other`'s grid.
Region regionCovering(const itk::ImageBase<3>* grid, const itk::ImageBase<3>* other, const Region& region,
                      double margin_mm);

// Block average over integer factors chosen so the new spacing is about
// target_mm (never below the original); factors returned in `factors`.
FloatImage::Pointer blockDownsample(const FloatImage* image, double target_mm, std::array<unsigned, 3>* factors = nullptr);

FloatImage::Pointer gaussianSmooth(const FloatImage* image, double sigma_mm);

// Exact Euclidean distance (mm) from every voxel to the nearest voxel where
// `on` is non-zero (0 on those voxels). Voxels outside the image do not count.
// Returns +inf everywhere when no voxel is on.
FloatImage::Pointer distanceToOn(const MaskImage* on, unsigned threads = 0);
// Distance to the nearest voxel where the mask is zero (0 outside the mask).
FloatImage::Pointer distanceToOff(const MaskImage* mask, unsigned threads = 0);

// Morphology with a ball of radius r_mm (exact, via distance maps).
MaskImage::Pointer dilate(const MaskImage* mask, double r_mm);
MaskImage::Pointer erode(const MaskImage* mask, double r_mm);
MaskImage::Pointer open(const MaskImage* mask, double r_mm);
MaskImage::Pointer close(const MaskImage* mask, double r_mm);

// Closing with a large radius, done on a ~2.5 mm grid (a closing's radius
// does not need fine voxels) and brought back; the result always holds the mask.
MaskImage::Pointer closeCoarse(const MaskImage* mask, double r_mm, double workingSpacing_mm = 2.5);

// Connected components (26-connected when `full`, else 6), labelled 1..n in
// scan order; `sizes[l]` is the voxel count of component l (sizes[0] unused).
using ComponentImage = itk::Image<std::uint32_t, 3>;
ComponentImage::Pointer components(const MaskImage* mask, bool full, std::vector<size_t>* sizes);
MaskImage::Pointer largestComponent(const MaskImage* mask, bool full = false);
// The component containing voxel `index` (empty mask when that voxel is off).
MaskImage::Pointer componentAt(const MaskImage* mask, const Index3& index, bool full = false);

// Background voxels not 6-connected to the image border become foreground.
MaskImage::Pointer fillHoles(const MaskImage* mask);
// The same, slice by slice along voxel axis `axis` (2D, 4-connected background).
MaskImage::Pointer fillHolesSlices(const MaskImage* mask, int axis = 2);

// 0/1 mask of the voxels equal to `label` (any non-zero voxel when label is 0);
// throws irplan::Error naming `what` when none is.
MaskImage::Pointer maskFromLabels(const LabelImage* labels, const std::string& what, int label = 0);
MaskImage::Pointer andMask(const MaskImage* a, const MaskImage* b);
size_t countOn(const MaskImage* mask);

// Nearest-neighbour resampling of a mask onto another grid (physical space).
MaskImage::Pointer resampleMaskNearest(const MaskImage* mask, const itk::ImageBase<3>* grid);
// Smooth upsampling of a mask onto a finer grid: the mask's signed distance is
// interpolated linearly, so the surface does not show the coarse voxels.
MaskImage::Pointer resampleMaskSmooth(const MaskImage* mask, const itk::ImageBase<3>* grid);
// The mask's signed distance (mm, negative inside) interpolated onto `grid`
// within `where` (a region of grid); `outsideValue` elsewhere.
FloatImage::Pointer signedDistanceOnGrid(const MaskImage* mask, const itk::ImageBase<3>* grid, const Region& where,
                                         float outsideValue);

// The image on an axis-aligned LPS grid (identity direction: index x grows to
// the patient's left, y to posterior, z to superior) covering its physical
// extent, with in-plane spacing `inPlane_mm` and slices `slice_mm` apart
// (each at least the input's own); block-averaged first, then trilinear.
// Anatomy-aware steps use it so they never depend on how a file is stored.
FloatImage::Pointer resampleAxial(const FloatImage* image, double inPlane_mm, double slice_mm, float outside = -1024.0f);

// Local mean of `image` over the voxels where `weight` is non-zero
// (normalised Gaussian averaging, sigma in mm); `fallback` where the weight
// within reach is below minWeight.
FloatImage::Pointer localMean(const FloatImage* image, const MaskImage* weight, double sigma_mm, float fallback,
                              float minWeight = 0.05f);

// Trilinear interpolation at a continuous index (clamped to the image).
double sampleLinear(const float* data, const std::array<size_t, 3>& n, const Vec3& continuousIndex);

// Median and 1.4826 x median absolute deviation of `values` (robust mean and SD).
struct RobustStats {
    double median = 0, sd = 0;
    size_t n = 0;
};
RobustStats robustStats(std::vector<float> values);
double percentile(std::vector<float> values, double p); // p in [0, 100]

inline size_t linearIndex(const std::array<size_t, 3>& n, size_t i, size_t j, size_t k) { return i + n[0] * (j + n[1] * k); }
std::array<size_t, 3> dims(const itk::ImageBase<3>* image);

} // namespace irplan::seg

#include "segmentation/ImageOps.hxx"
