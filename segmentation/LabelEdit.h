#pragma once
// Hand edits of a label map, the core of the segment editor (issue 13): paint
// and erase with a sphere or a disc brush (radius in mm, optionally limited to
// an intensity range), remove islands, grow/shrink by a distance in mm, fill
// holes, grow from "inside" and "outside" seed strokes, delete a lesion. Every
// function changes the label map in place and returns the region of voxels it
// may have changed, so EditHistory can record just that box as a delta.
//
// A segment is a set of label values (the vessels are several kinds) with one
// value that paint writes. Paint only takes voxels that are background or one
// of `overwrite` (usually the liver, the segment's parent), never another
// lesion or vessel; what is erased from a segment returns to `parent` (the
// liver for lesions and vessels, background for the liver).
// ITK + std only (no VTK, ImGui or GLFW).
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <optional>
#include <vector>

namespace irplan::seg {

using LabelValue = LabelImage::PixelType;
using EditRegion = itk::ImageRegion<3>;

struct LabelTarget {
    LabelValue paint = 1;                // value written by paint and grow
    std::vector<LabelValue> members{1};  // values that belong to the segment (erase, islands, margin)
    std::vector<LabelValue> overwrite;   // other values paint may take (besides 0)
    LabelValue parent = 0;               // value erased voxels return to
    bool member(LabelValue v) const;
    bool writable(LabelValue v) const;   // 0 or in `overwrite` (what paint may take)
};

enum class BrushShape { Sphere, Disc };

struct Brush {
    double radius_mm = 5;
    BrushShape shape = BrushShape::Sphere;
    int sliceAxis = 2; // voxel axis normal to the disc's slice
};

// Paint only where the image (on the label map's grid) lies in [low, high].
struct IntensityLimit {
    const FloatImage* image = nullptr;
    double low = 0, high = 0;
};

// The voxels whose centres lie within the brush (distance <= radius_mm, in
// physical space with the image's spacing and direction); the disc keeps the
// slice under the point (nearest voxel along sliceAxis) and measures distance
// within it. Calls f(linear index). Returns the bounding region (may be empty).
template <class F>
EditRegion forEachInBrush(const itk::ImageBase<3>* grid, const Vec3& centre_mm, const Brush& brush, F f);
// The same voxels as a list (tests, previews).
std::vector<size_t> brushVoxels(const itk::ImageBase<3>* grid, const Vec3& centre_mm, const Brush& brush);

// The region forEachInBrush visits (what a paint or erase may change).
EditRegion brushRegion(const itk::ImageBase<3>* grid, const Vec3& centre_mm, const Brush& brush);

EditRegion paint(LabelImage* labels, const Vec3& centre_mm, const Brush& brush, const LabelTarget& target,
                 const std::optional<IntensityLimit>& limit = std::nullopt);
EditRegion erase(LabelImage* labels, const Vec3& centre_mm, const Brush& brush, const LabelTarget& target);

// The segment's bounding region grown by margin_mm (empty when it has no voxel).
EditRegion segmentRegion(const LabelImage* labels, const LabelTarget& target, double margin_mm = 0);

// Keeps one 26-connected piece of the segment: the largest, or the one holding
// the voxel nearest to `at` (throws irplan::Error when that voxel is not in it).
EditRegion keepIsland(LabelImage* labels, const LabelTarget& target, const std::optional<Vec3>& at = std::nullopt);
// Grows (mm > 0, into writable voxels) or shrinks (mm < 0) the segment by |mm|
// millimetres (exact Euclidean distance maps).
EditRegion growShrink(LabelImage* labels, const LabelTarget& target, double mm);
// Enclosed background (and writable) pockets of the segment become the segment.
EditRegion fillHoles(LabelImage* labels, const LabelTarget& target);
// Fill between slices: where the segment is outlined on axial slices (voxel
// axis 2) with empty slices between them, each empty slice gets the shape
// whose in-plane signed distance is the linear blend of its two neighbours'
// (shape-based interpolation; ITK's morphological contour interpolator is not
// in Debian's ITK). Outlined slices are left as they are; throws
// irplan::Error with fewer than two outlined slices.
EditRegion fillBetweenSlices(LabelImage* labels, const LabelTarget& target);

// Grow from seeds: "inside" and "outside" strokes (polylines in mm; a single
// point is a dot) compete for the voxels of a box around them, each spreading
// along the cheapest path where the cost of a step grows with how far the
// (lightly smoothed) image departs from that side's seed intensities
// (geodesic region competition). Inside's voxels become the segment (where
// writable), the segment's voxels won by outside return to the parent.
struct SeedStrokes {
    std::vector<std::vector<Vec3>> inside, outside;
    double margin_mm = 15; // the box: the strokes' bounds grown by this
    // Inside spreads only through the segment and the values it may overwrite
    // (a lesion stays in the liver), never through background or other labels.
    bool confine = false;
};
// The box growFromSeeds works in (what it may change).
EditRegion seedRegion(const itk::ImageBase<3>* grid, const SeedStrokes& seeds);
EditRegion growFromSeeds(LabelImage* labels, const FloatImage* image, const SeedStrokes& seeds, const LabelTarget& target);

// Every voxel of `value` returns to `parent`; the number of voxels changed.
size_t relabel(LabelImage* labels, LabelValue value, LabelValue parent, EditRegion* changed = nullptr);

// The voxels of `value` on the side of the plane (through p, normal n) that n
// points to become `newValue`; the number of voxels changed.
size_t splitAtPlane(LabelImage* labels, LabelValue value, const Vec3& p_mm, const Vec3& normal, LabelValue newValue,
                    EditRegion* changed = nullptr);

// The first lesion number k >= 1 for which 100 + k is not in the map.
int freeLesionNumber(const LabelImage* labels, int lesionBase = 100);

} // namespace irplan::seg

#include "segmentation/LabelEdit.hxx"
