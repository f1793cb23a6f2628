#pragma once
// The outline of one focal lesion around a point inside it, on CT or MR,
// whatever its appearance (darker or brighter than the liver around it).
//
// From the point, 600 rays (evenly spread over the sphere) sample the lightly
// smoothed image; each ray ends where the image has returned to parenchyma
// for 2 mm: past the edge level, which lies `edgeFraction` of the way from the
// parenchyma level to the lesion level (the outer edge of the blurred
// transition, where readers draw it). The ray lengths are median-filtered over
// neighbouring directions, so a ray that slips out along a vessel or through a
// gap does not make a spike, and the outline is the star-shaped surface they
// span. Lesion and parenchyma levels are re-measured from the outline's
// interior and a shell 3-12 mm around it, the centre moves to the outline's
// centroid, and the whole is repeated three times. A lesion level too close to
// the parenchyma (within 2.5 SD of its noise), an outline that is not closed
// within `reach_mm`, or one of a few voxels is reported, never kept silently.
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <string>
#include <vector>

namespace irplan::seg {

struct OutlineOptions {
    double reach_mm = 50.0;       // longest ray: lesions up to ~10 cm across
    double smooth_mm = 1.5;       // Gaussian against CT noise (a 10 mm lesion keeps its contrast)
    // Edge level: parenchyma + this x (lesion - parenchyma). Darker lesions
    // are outlined at the outer end of their transition (readers include the
    // rim: on 3D-IRCADb's expert masks 0.25 fits, 0.5 loses ~2 mm all round);
    // brighter ones half-way, so a bright vessel touching them stays out.
    double edgeFraction = 0.25;
    double edgeFractionBright = 0.45;
    double minEdgeSd = 1.5;       // ... and at least this many parenchyma SDs from the parenchyma level
    int iterations = 3;
    double seedBall_mm = 4.0;     // the first lesion level: median within this of the point
    // Where the lesion may lie: the liver with its dents closed (a tumour at
    // the surface often sits in a notch of the parenchyma mask) up to this
    // radius, and on CT never fat or air (below softTissue_hu after 0.7 mm smoothing).
    double closeLiver_mm = 12.0;
    bool isCt = true;
    double softTissue_hu = -20.0;
    // Optional, on the image's grid (or a crop of it holding the lesion): the
    // image already smoothed by smooth_mm, and the region the lesion may lie
    // in (replaces the closed liver); a detector outlining many lesions
    // computes them once.
    const FloatImage* smoothed = nullptr;
    const MaskImage* bound = nullptr;
    // Optional segmented vessels (same lattice): a lesion brighter than the
    // liver stops at them, so a bright vessel it touches is not taken in.
    // Not applied when the point itself lies on a vessel (the caller then
    // judges how much of the outline is vessel).
    const MaskImage* vessels = nullptr;
    // A point outside the closed liver but within this distance of it (a
    // tumour bulging out of the liver, which the liver mask missed) is outlined
    // against the liver next to it, bounded by soft tissue only; 0 refuses it.
    double outsideLiver_mm = 0;
};

struct LesionOutline {
    bool ok = false;
    std::string problem;          // why not, in words, when !ok
    MaskImage::Pointer mask;      // a crop of the image grid around the lesion (paste() it onto the full grid)
    Vec3 centre_mm;               // centroid
    double lesionLevel = 0;       // median inside (image units, HU on CT)
    double parenchymaLevel = 0;   // median of the shell around it
    double parenchymaSd = 0;      // robust SD of that shell (smoothed image)
    double edgeLevel = 0;
    int sign = 0;                 // -1 darker than the parenchyma, +1 brighter
    double volume_ml = 0;
    double equivalentDiameter_mm = 0;
    double meanRadius_mm = 0, maxRadius_mm = 0;
    double sphericity = 0;        // 36 pi V^2 / A^3 of the ray surface (1 for a sphere)
    double raysOnLiverEdge = 0;   // fraction of rays that stopped at the liver mask, not at an image edge
    double raysUnclosed = 0;      // fraction of rays that reached reach_mm
    double innerSpread = 0;       // robust SD more than 2 mm inside the outline (heterogeneity)
    double pointOutsideLiver_mm = 0; // > 0: the point lay this far outside the liver (OutlineOptions::outsideLiver_mm)
};

// Where a lesion may lie, on the grid of `image` (CT or MR): the liver, and
// what closing its dents adds (closeLiver_mm), except on CT fat or air and the
// 2 mm of partial volume next to them (the liver's dark rim is no lesion).
MaskImage::Pointer lesionBound(const FloatImage* image, const MaskImage* liver, const OutlineOptions& options);

// `liver` (optional, on the image's grid) gives the parenchyma to compare
// with and, closed, bounds the outline; a point outside that is refused.
LesionOutline outlineLesion(const FloatImage* image, const Vec3& point_mm, const MaskImage* liver,
                            const OutlineOptions& options = {});

} // namespace irplan::seg
