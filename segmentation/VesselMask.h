#pragma once
// The lumen mask of the hepatic vessels, measured against the scan's own
// parenchyma (issue 12: adapt to each scan, no constants tuned to one case).
//
// 1. Parenchyma: median and robust SD (noise) of the liver away from its
//    surface, at the detection and the edge smoothing.
// 2. Background field: the parenchyma level varies across a real liver by
//    20-30 HU (beam hardening near the heart and ribs, perfusion; 102-128 HU
//    on 3D-IRCADb-01); a normalised Gaussian (8 mm) of the parenchyma-like
//    voxels (within 2.5 SD of the median, away from a first detection of the
//    vessels) gives the local level, and every threshold is a height above it.
// 3. Contrast: blood level measured in the lumen of the thick vessels of a
//    first detection (median of the raw CT deep inside them) minus the local
//    background; the first guess is the liver's brightest 0.5%.
//    Voxels brighter than the blood level plus the contrast (bone, calcium)
//    and a 1.5 mm rim around them are left out.
// 4. Detection: hysteresis on the heights: seeds 5 noise SD above the local
//    level (on the 1 mm-smoothed, the lightly smoothed or the raw image: thin
//    vessels keep their peak only on the latter), grown down to 2.5 noise SD
//    on the 1 mm one (floors of 0.25, 0.25, 0.4 and 0.1 of the contrast for
//    noise-free images).
//    Components that are neither elongated nor sparse like a tree (a blob: a
//    lesion, noise), smaller than 8 mm^3, or mostly outside the liver (ribs, kidney in the margin)
//    are dropped.
// 5. Lumen edge: within 1.2 mm of the detection, the lightly smoothed image
//    above 0.35 of the contrast (at half-maximum, slightly outside it: the
//    partial-volume rim belongs to the lumen, as in expert masks), the binary
//    result smoothed (0.6 mm) against voxel noise on the contour, kept where
//    connected to the detection.
#include "core/Progress.h"
#include "io/ImageTypes.h"

#include <string>
#include <utility>
#include <vector>

namespace irplan::seg {

struct VesselMaskOptions {
    // Detection is set by the noise (false alarms), with a floor in contrast
    // for noise-free images; the contour by the contrast (half-maximum).
    double seedNoise = 5.0, growNoise = 2.5, edgeNoise = 2.0; // in noise SD of the smoothing used
    double seedFraction = 0.25, seedEdgeFraction = 0.25, seedRawFraction = 0.4, growFraction = 0.1; // of the contrast (floors)
    double edgeFraction = 0.35; // of the contrast: lumen contour
    double background_mm = 8.0; // scale of the parenchyma background field
    double minVolume_mm3 = 8.0; // smaller isolated pieces are dropped
    unsigned threads = 0;
};

struct VesselMask {
    MaskImage::Pointer lumen;      // the vessel lumen (0/1), grid of the input
    MaskImage::Pointer detection;  // the hysteresis detection it grew from
    FloatImage::Pointer background; // local parenchyma level (HU)
    double parenchyma_hu = 0;      // median of the liver core
    double noise_hu = 0;           // robust SD of the raw CT in the liver core
    double noiseDetect_hu = 0, noiseEdge_hu = 0; // robust SD after each smoothing
    double contrast_hu = 0;        // blood above the local background
    double blood_hu = 0;           // median lumen level of the thick vessels
    double seed_hu = 0, grow_hu = 0, edge_hu = 0; // heights above the background
    double boneLimit_hu = 0;       // brighter than blood: bone or calcification, not searched
    double detectSigma_mm = 0, edgeSigma_mm = 0;
    std::vector<std::string> warnings;
    std::vector<std::pair<std::string, double>> stepSeconds; // time of each step
};

// `ct`: the CT (cropped around the liver), `liver`: the liver on that grid,
// `region`: where vessels are looked for (the liver grown by a margin).
// Throws irplan::Error when the liver shows no enhanced vessels.
VesselMask vesselLumenMask(const FloatImage* ct, const MaskImage* liver, const MaskImage* region,
                           const VesselMaskOptions& options, const Progress& progress);

} // namespace irplan::seg
