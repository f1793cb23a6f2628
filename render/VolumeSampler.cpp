#include "render/VolumeSampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace irplan::render {

Vec3 GridGeometry::point(const Vec3& idx) const {
    return origin + direction * Vec3{idx.x * spacing.x, idx.y * spacing.y, idx.z * spacing.z};
}

Vec3 GridGeometry::continuousIndex(const Vec3& p) const {
    const Vec3 q = direction.transposed() * (p - origin);
    return {q.x / spacing.x, q.y / spacing.y, q.z / spacing.z};
}

bool GridGeometry::inside(const Vec3& ci) const {
    for (int a = 0; a < 3; ++a)
        if (ci[a] < -0.5 || ci[a] > size[static_cast<size_t>(a)] - 0.5) return false;
    return true;
}

void GridGeometry::boundsLps(Vec3& lo, Vec3& hi) const {
    const double inf = std::numeric_limits<double>::infinity();
    lo = {inf, inf, inf};
    hi = {-inf, -inf, -inf};
    for (int c = 0; c < 8; ++c) {
        const Vec3 idx{(c & 1) ? size[0] - 0.5 : -0.5, (c & 2) ? size[1] - 0.5 : -0.5, (c & 4) ? size[2] - 0.5 : -0.5};
        const Vec3 p = point(idx);
        for (int a = 0; a < 3; ++a) {
            lo[a] = std::min(lo[a], p[a]);
            hi[a] = std::max(hi[a], p[a]);
        }
    }
}

double GridGeometry::stepAlong(const Vec3& d) const {
    const Vec3 n = normalized(d);
    // The voxel axis most aligned with d sets the distance between slices.
    double best = 0, step = spacing.x;
    for (int a = 0; a < 3; ++a) {
        const double c = std::abs(dot(direction.column(a), n));
        if (c > best) {
            best = c;
            step = spacing[a] / c;
        }
    }
    return step;
}

template <class TImage>
GridGeometry GridGeometry::of(const TImage* image) {
    GridGeometry g;
    const auto size = image->GetLargestPossibleRegion().GetSize();
    const auto sp = image->GetSpacing();
    const auto org = image->GetOrigin();
    const auto dir = image->GetDirection();
    for (unsigned a = 0; a < 3; ++a) {
        g.size[a] = static_cast<int>(size[a]);
        g.spacing[static_cast<int>(a)] = sp[a];
        g.origin[static_cast<int>(a)] = org[a];
        for (unsigned b = 0; b < 3; ++b) g.direction(static_cast<int>(a), static_cast<int>(b)) = dir(a, b);
    }
    return g;
}
template GridGeometry GridGeometry::of<FloatImage>(const FloatImage*);
template GridGeometry GridGeometry::of<LabelImage>(const LabelImage*);
template GridGeometry GridGeometry::of<MaskImage>(const MaskImage*);

VolumeSampler::VolumeSampler(const FloatImage* image) {
    if (!image) return;
    data_ = image->GetBufferPointer();
    grid_ = GridGeometry::of(image);
    Mat3 inv = grid_.direction.transposed();
    for (int c = 0; c < 3; ++c)
        for (int r = 0; r < 3; ++r) inv(r, c) /= grid_.spacing[r];
    toIndex_ = inv;
}

float VolumeSampler::linearAtIndex(const Vec3& ci) const {
    // Clamp to the edge voxels so samples within half a voxel of the border keep the edge value.
    const double x = std::clamp(ci.x, 0.0, grid_.size[0] - 1.0);
    const double y = std::clamp(ci.y, 0.0, grid_.size[1] - 1.0);
    const double z = std::clamp(ci.z, 0.0, grid_.size[2] - 1.0);
    const int i0 = std::min(static_cast<int>(x), std::max(grid_.size[0] - 2, 0));
    const int j0 = std::min(static_cast<int>(y), std::max(grid_.size[1] - 2, 0));
    const int k0 = std::min(static_cast<int>(z), std::max(grid_.size[2] - 2, 0));
    const int i1 = std::min(i0 + 1, grid_.size[0] - 1);
    const int j1 = std::min(j0 + 1, grid_.size[1] - 1);
    const int k1 = std::min(k0 + 1, grid_.size[2] - 1);
    const float fx = static_cast<float>(x - i0), fy = static_cast<float>(y - j0), fz = static_cast<float>(z - k0);
    const float c00 = voxel(i0, j0, k0) * (1 - fx) + voxel(i1, j0, k0) * fx;
    const float c10 = voxel(i0, j1, k0) * (1 - fx) + voxel(i1, j1, k0) * fx;
    const float c01 = voxel(i0, j0, k1) * (1 - fx) + voxel(i1, j0, k1) * fx;
    const float c11 = voxel(i0, j1, k1) * (1 - fx) + voxel(i1, j1, k1) * fx;
    const float c0 = c00 * (1 - fy) + c10 * fy;
    const float c1 = c01 * (1 - fy) + c11 * fy;
    return c0 * (1 - fz) + c1 * fz;
}

std::optional<float> VolumeSampler::linear(const Vec3& p) const {
    if (!data_) return std::nullopt;
    const Vec3 ci = toIndex_ * (p - grid_.origin);
    if (!grid_.inside(ci)) return std::nullopt;
    return linearAtIndex(ci);
}

std::optional<float> VolumeSampler::nearest(const Vec3& p) const {
    if (!data_) return std::nullopt;
    const Vec3 ci = toIndex_ * (p - grid_.origin);
    if (!grid_.inside(ci)) return std::nullopt;
    const int i = std::clamp(static_cast<int>(std::lround(ci.x)), 0, grid_.size[0] - 1);
    const int j = std::clamp(static_cast<int>(std::lround(ci.y)), 0, grid_.size[1] - 1);
    const int k = std::clamp(static_cast<int>(std::lround(ci.z)), 0, grid_.size[2] - 1);
    return voxel(i, j, k);
}

LabelSampler::LabelSampler(const LabelImage* image) {
    if (!image) return;
    data_ = image->GetBufferPointer();
    grid_ = GridGeometry::of(image);
}

std::uint16_t LabelSampler::at(const Vec3& p) const {
    if (!data_) return 0;
    const Vec3 ci = grid_.continuousIndex(p);
    if (!grid_.inside(ci)) return 0;
    const int i = std::clamp(static_cast<int>(std::lround(ci.x)), 0, grid_.size[0] - 1);
    const int j = std::clamp(static_cast<int>(std::lround(ci.y)), 0, grid_.size[1] - 1);
    const int k = std::clamp(static_cast<int>(std::lround(ci.z)), 0, grid_.size[2] - 1);
    return voxel(i, j, k);
}

} // namespace irplan::render
