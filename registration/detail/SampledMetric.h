#pragma once
// Internal: a deterministic Mattes-style mutual information between a fixed
// image and a moving image seen through an affine fixed->moving map, computed
// in-process on coarse copies (fixed sample points on a regular grid, moving
// block-averaged, trilinear interpolation, partial-volume binning so the value
// changes smoothly with the pose).
//
// elastix's own final metric is computed on random samples and differs from
// run to run by more than the gap between a right and a wrong pose, so IRPlan
// compares poses (initialisation search, quality gate, metric before/after)
// with this one instead.
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <vector>

namespace irplan::registration::detail {

struct MetricOptions {
    double fixedSpacing_mm = 6.0;  // spacing of the fixed sample grid
    double movingSpacing_mm = 4.0; // block size of the coarse moving copy
    int bins = 32;
    size_t maxSamples = 60000;
    // Samples that map outside the moving image count as the moving image's
    // background instead of being dropped (zero padding).
    bool outsideAsBackground = false;
    // Also prepare image gradients for edgeAlignment().
    bool gradients = false;
};

class SampledMetric {
public:
    // fixedMask / movingMask: optional, on the grid of their image.
    SampledMetric(const FloatImage* fixed, const MaskImage* fixedMask, const FloatImage* moving,
                  const MaskImage* movingMask, const MetricOptions& options = {});

    // Mutual information in nats (higher is better). `overlap`: fraction of the
    // fixed samples that map inside the moving image (and its mask).
    double evaluate(const Affine& fixedToMoving, double* overlap = nullptr) const;

    // Normalised gradient field agreement (Haber & Modersitzki 2006): the mean
    // squared cosine between fixed and moving intensity gradients, damped where
    // either is weak. Independent of how the two modalities map intensities, so
    // it tells apart poses that mutual information scores alike (edges of bone,
    // skin and fascia must coincide). In [0, 1], higher is better. Needs
    // MetricOptions::gradients.
    double edgeAlignment(const Affine& fixedToMoving) const;

    size_t sampleCount() const { return points_.size(); }
    const std::vector<Vec3>& points() const { return points_; }
    Vec3 centroid() const { return centroid_; }
    double radius_mm() const { return radius_; } // RMS distance of the samples from their centroid

private:
    struct Coarse {
        std::vector<float> values;
        std::vector<float> grad[3]; // physical gradient (LPS), when prepared
        std::vector<unsigned char> mask; // empty: no mask
        size_t n[3] = {0, 0, 0};
        Affine physToIndex;
    };
    std::vector<Vec3> points_;
    std::vector<int> fixedBins_;
    std::vector<Vec3> fixedGradients_;
    double fixedEps_ = 1, movingEps_ = 1;
    Coarse moving_;
    double movingLo_ = 0, movingScale_ = 1;
    int bins_ = 32;
    bool outsideAsBackground_ = false;
    Vec3 centroid_;
    double radius_ = 1;
};

} // namespace irplan::registration::detail
