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
// 4. Detection: hysteresis on the 1 mm-smoothed height: seeds above 0.6 of the
//    contrast, grown down to 0.3 of it (never below 4 and 2 noise SD).
//    Components that are not elongated (a blob: a lesion, noise), smaller
//    than 8 mm^3, or mostly outside the liver (ribs, kidney in the margin)
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
    double seedFraction = 0.6; // of the contrast: certain vessel
    double growFraction = 0.3; // of the contrast: connected vessel
    double edgeFraction = 0.35; // of the contrast: lumen contour
    double seedNoise = 4.0, growNoise = 2.0, edgeNoise = 2.0; // floors, in noise SD
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
