#pragma once
// Where focal lesions may be: blobs darker or brighter than the liver around
// them, at sizes from ~8 mm to ~6 cm (scale-space difference of Gaussians).
//
// On a ~1.2 mm working grid, voxels outside `region` take the local
// parenchyma level (a 15 mm normalised average of liver-like voxels), so the
// liver's own edge against fat or kidney gives no response. At each scale the
// difference of Gaussians (sigma, 1.6 sigma) is divided by its own robust
// spread over the liver (the noise at that scale, measured on this scan), and
// every local extremum beyond `threshold` of those units, inside `region`,
// is a candidate. Nothing here decides what is a lesion (FocalLesions does).
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/ImageTypes.h"

#include <vector>

namespace irplan::seg {

struct BlobCandidate {
    Vec3 centre_mm;
    double scale_mm = 0;   // Gaussian sigma of the strongest response (radius ~ 1.7 sigma)
    double response = 0;   // in noise units of that scale; > 0 brighter, < 0 darker
};

struct CandidateOptions {
    std::vector<double> scales_mm{2.5, 3.5, 5.0, 7.0, 10.0, 14.0};
    double threshold = 4.0;     // noise units
    double workingSpacing_mm = 1.2;
    double minDepth_mm = 2.0;   // a candidate lies at least this deep in `region`
};

struct CandidateField {
    double parenchyma = 0;      // median of the liver core on the working grid
    double parenchymaSd = 0;    // its robust SD
    std::vector<double> noisePerScale;
};

// `liver` (parenchyma, for the statistics) and `region` (where lesions may
// lie, e.g. the liver with its dents filled) on the image's grid.
std::vector<BlobCandidate> findBlobCandidates(const FloatImage* image, const MaskImage* liver, const MaskImage* region,
                                              const CandidateOptions& options, CandidateField* field = nullptr,
                                              const Progress& progress = {});

} // namespace irplan::seg
