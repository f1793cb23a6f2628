#pragma once
// Internal: transformix runs on a stored registration: resampling an image
// (linear or nearest neighbour), the spatial Jacobian, mapping points.
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/ImageTypes.h"
#include "registration/ElastixSettings.h"

#include <filesystem>
#include <vector>

namespace irplan::registration::detail {

struct TransformixJob {
    std::filesystem::path finalTransformFile; // start of the chain (in a result folder or a temp folder)
    const FloatImage* image = nullptr;        // resample this, or null
    bool nearest = false;
    float outsideValue = 0.0f;
    const itk::ImageBase<3>* grid = nullptr;  // output grid; null = the transform file's own
    bool jacobian = false;                    // spatial Jacobian determinant on the output grid
    std::vector<Vec3> points;                 // fixed-space points to map
    ElastixSettings settings;
    Progress progress;
};

struct TransformixOutput {
    FloatImage::Pointer image;
    FloatImage::Pointer jacobian;
    std::vector<Vec3> points;
};

TransformixOutput runTransformix(const TransformixJob& job);

} // namespace irplan::registration::detail
