#pragma once
// Multiscale Hessian vesselness (Frangi et al., MICCAI 1998) for bright tubes.
//
// ITK's Hessian filter stores six doubles per voxel (6.6 GB per scale on a
// 512 x 512 x 300 CT, MEASURED.md); this version smooths in float, takes the
// second derivatives by central differences of the smoothed image and reduces
// each voxel's Hessian to its eigenvalues on the fly, so memory stays at a few
// float images of the (cropped) input.
#include "core/Progress.h"
#include "io/ImageTypes.h"

#include <vector>

namespace irplan::seg {

struct VesselnessOptions {
    std::vector<double> sigmas_mm{0.8, 1.2, 1.8, 2.7, 4.0}; // scales (mm); a tube of radius r answers best near sigma ~ r/sqrt(2)
    double alpha = 0.5; // plate vs line (Frangi's default)
    double beta = 0.5;  // blob vs line (Frangi's default)
    double c = 30.0;    // second-order structureness scale, in image units (HU) after scale normalisation
    unsigned threads = 0;
};

struct VesselnessResult {
    FloatImage::Pointer vesselness;   // max over scales, 0..1
    FloatImage::Pointer bestSigma_mm; // scale of the maximum (0 where vesselness is 0)
};

// `roi` (optional, same grid): only voxels inside it are evaluated (others 0).
VesselnessResult vesselness(const FloatImage* image, const MaskImage* roi, const VesselnessOptions& options,
                            const Progress& progress);

// Eigenvalues of a symmetric 3x3 matrix (xx, yy, zz, xy, xz, yz), sorted by
// increasing absolute value.
void symmetricEigenvalues(double xx, double yy, double zz, double xy, double xz, double yz, double out[3]);

} // namespace irplan::seg
