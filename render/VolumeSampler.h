#pragma once
// Reading a volume at patient-space points (LPS mm): the voxel grid's origin,
// spacing and direction cosines are honoured, so oblique and flipped volumes
// land where they belong. Pure C++ over the ITK buffer; thread-safe for reads.
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <array>
#include <cstdint>
#include <optional>

namespace irplan::render {

// Geometry of a voxel grid: index (i,j,k) -> origin + D * diag(spacing) * (i,j,k).
struct GridGeometry {
    std::array<int, 3> size{};
    Vec3 spacing{1, 1, 1};
    Vec3 origin;
    Mat3 direction;

    Vec3 point(const Vec3& index) const;
    Vec3 continuousIndex(const Vec3& p) const;
    bool inside(const Vec3& continuousIndex) const; // within [-0.5, size-0.5]
    // Bounding box in LPS of the voxel centres' hull, grown by half a voxel.
    void boundsLps(Vec3& lo, Vec3& hi) const;
    // Spacing seen along `direction` (the step between voxel planes crossing it).
    double stepAlong(const Vec3& direction) const;
    size_t voxels() const { return static_cast<size_t>(size[0]) * size[1] * size[2]; }

    template <class TImage>
    static GridGeometry of(const TImage* image);
};

class VolumeSampler {
public:
    VolumeSampler() = default;
    explicit VolumeSampler(const FloatImage* image);

    bool valid() const { return data_ != nullptr; }
    const GridGeometry& grid() const { return grid_; }
    // Trilinear value at an LPS point; nullopt outside the volume.
    std::optional<float> linear(const Vec3& p) const;
    // Value of the voxel containing p; nullopt outside.
    std::optional<float> nearest(const Vec3& p) const;
    // Same with a precomputed continuous index (hot loops).
    float linearAtIndex(const Vec3& ci) const;
    // The affine map from an LPS point to this volume's continuous voxel index.
    Affine indexFromLps() const { return {toIndex_, -(toIndex_ * grid_.origin)}; }
    float voxel(int i, int j, int k) const {
        return data_[static_cast<size_t>(i) + static_cast<size_t>(grid_.size[0]) *
                                                  (static_cast<size_t>(j) + static_cast<size_t>(grid_.size[1]) * static_cast<size_t>(k))];
    }

private:
    const float* data_ = nullptr;
    GridGeometry grid_;
    Mat3 toIndex_; // diag(1/spacing) * D^T
};

class LabelSampler {
public:
    LabelSampler() = default;
    explicit LabelSampler(const LabelImage* image);
    bool valid() const { return data_ != nullptr; }
    const GridGeometry& grid() const { return grid_; }
    // Label of the voxel containing p (0 outside).
    std::uint16_t at(const Vec3& p) const;
    std::uint16_t voxel(int i, int j, int k) const {
        return data_[static_cast<size_t>(i) + static_cast<size_t>(grid_.size[0]) *
                                                  (static_cast<size_t>(j) + static_cast<size_t>(grid_.size[1]) * static_cast<size_t>(k))];
    }

private:
    const std::uint16_t* data_ = nullptr;
    GridGeometry grid_;
};

} // namespace irplan::render
