#include "registration/detail/SampledMetric.h"

#include "core/Error.h"
#include "registration/detail/ImageOps.h"

#include <algorithm>
#include <cmath>

namespace irplan::registration::detail {
namespace {

// Central-difference gradient of `image` in LPS (per mm), one array per axis.
void physicalGradient(const FloatImage* image, std::vector<float> out[3]) {
    const auto size = image->GetLargestPossibleRegion().GetSize();
    const size_t nx = size[0], ny = size[1], nz = size[2];
    const float* v = image->GetBufferPointer();
    // d(index)/d(physical) = (D S)^-1; the gradient transforms with its transpose.
    const Mat3 J = indexToPhysical(image).A.inverse().transposed();
    for (int d = 0; d < 3; ++d) out[d].assign(nx * ny * nz, 0.0f);
    const size_t sy = nx, sz = nx * ny;
    for (size_t k = 0; k < nz; ++k)
        for (size_t j = 0; j < ny; ++j)
            for (size_t i = 0; i < nx; ++i) {
                const size_t id = i + sy * j + sz * k;
                auto diff = [&](size_t c, size_t n, size_t stride) {
                    const size_t lo = c > 0 ? id - stride : id, hi = c + 1 < n ? id + stride : id;
                    const double span = double((c + 1 < n) + (c > 0));
                    return span > 0 ? (double(v[hi]) - double(v[lo])) / span : 0.0;
                };
                const Vec3 gi{diff(i, nx, 1), diff(j, ny, sy), diff(k, nz, sz)};
                const Vec3 g = J * gi;
                out[0][id] = float(g.x);
                out[1][id] = float(g.y);
                out[2][id] = float(g.z);
            }
}

double median(std::vector<double> v) {
    if (v.empty()) return 1.0;
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    return std::max(v[v.size() / 2], 1e-6);
}

} // namespace

SampledMetric::SampledMetric(const FloatImage* fixed, const MaskImage* fixedMask, const FloatImage* moving,
                             const MaskImage* movingMask, const MetricOptions& o)
    : bins_(o.bins), outsideAsBackground_(o.outsideAsBackground) {
    // Fixed samples: centres of averaged blocks, inside the mask when there is one.
    FloatImage::Pointer fs = shrinkTo(fixed, o.fixedSpacing_mm);
    const Affine fsToPhys = indexToPhysical(fs);
    const auto fsSize = fs->GetLargestPossibleRegion().GetSize();
    Affine physToMask;
    size_t ms[3] = {0, 0, 0};
    if (fixedMask) {
        physToMask = indexToPhysical(fixedMask).inverse();
        const auto s = fixedMask->GetLargestPossibleRegion().GetSize();
        for (int i = 0; i < 3; ++i) ms[i] = s[static_cast<unsigned>(i)];
    }
    std::vector<float> values;
    std::vector<float> fgrad[3];
    if (o.gradients) physicalGradient(fs, fgrad);
    const float* fp = fs->GetBufferPointer();
    size_t idx = 0;
    for (size_t k = 0; k < fsSize[2]; ++k)
        for (size_t j = 0; j < fsSize[1]; ++j)
            for (size_t i = 0; i < fsSize[0]; ++i, ++idx) {
                const Vec3 p = fsToPhys.apply({double(i), double(j), double(k)});
                if (fixedMask) {
                    const Vec3 q = physToMask.apply(p);
                    const long a = std::lround(q.x), b = std::lround(q.y), c = std::lround(q.z);
                    if (a < 0 || b < 0 || c < 0 || a >= long(ms[0]) || b >= long(ms[1]) || c >= long(ms[2])) continue;
                    if (!fixedMask->GetBufferPointer()[size_t(a) + ms[0] * (size_t(b) + ms[1] * size_t(c))]) continue;
                }
                points_.push_back(p);
                values.push_back(fp[idx]);
                if (o.gradients) fixedGradients_.push_back({fgrad[0][idx], fgrad[1][idx], fgrad[2][idx]});
            }
    if (points_.size() > o.maxSamples) {
        // Keep a regular subset (deterministic).
        const double step = double(points_.size()) / double(o.maxSamples);
        std::vector<Vec3> p2, g2;
        std::vector<float> v2;
        for (double x = 0; size_t(x) < points_.size(); x += step) {
            p2.push_back(points_[size_t(x)]);
            v2.push_back(values[size_t(x)]);
            if (o.gradients) g2.push_back(fixedGradients_[size_t(x)]);
        }
        points_.swap(p2);
        values.swap(v2);
        fixedGradients_.swap(g2);
    }
    if (points_.size() < 50)
        throw Error("the fixed image (or its mask) is too small for registration: fewer than 50 sample points at " +
                    std::to_string(int(o.fixedSpacing_mm)) + " mm spacing");
    // Fixed bins over the robust range of the samples.
    std::vector<float> sorted = values;
    auto q = [&](double f) {
        const size_t k = std::min(sorted.size() - 1, size_t(f * double(sorted.size() - 1)));
        std::nth_element(sorted.begin(), sorted.begin() + long(k), sorted.end());
        return double(sorted[k]);
    };
    const double flo = q(0.005), fhi = std::max(q(0.995), flo + 1e-6);
    fixedBins_.resize(values.size());
    for (size_t i = 0; i < values.size(); ++i)
        fixedBins_[i] = std::clamp(int((values[i] - flo) / (fhi - flo) * bins_), 0, bins_ - 1);
    for (const auto& p : points_) centroid_ += p;
    centroid_ = centroid_ / double(points_.size());
    double r2 = 0;
    for (const auto& p : points_) r2 += dot(p - centroid_, p - centroid_);
    radius_ = std::max(10.0, std::sqrt(r2 / double(points_.size())));

    // Coarse moving copy.
    FloatImage::Pointer mv = shrinkTo(moving, o.movingSpacing_mm);
    const auto mSize = mv->GetLargestPossibleRegion().GetSize();
    for (int i = 0; i < 3; ++i) moving_.n[i] = mSize[unsigned(i)];
    moving_.values.assign(mv->GetBufferPointer(), mv->GetBufferPointer() + mv->GetBufferedRegion().GetNumberOfPixels());
    moving_.physToIndex = indexToPhysical(mv).inverse();
    if (movingMask) {
        MaskImage::Pointer mm = maskOnGrid(movingMask, mv, "the moving mask");
        moving_.mask.assign(mm->GetBufferPointer(), mm->GetBufferPointer() + mm->GetBufferedRegion().GetNumberOfPixels());
    }
    if (o.gradients) {
        physicalGradient(mv, moving_.grad);
        std::vector<double> fm, mm;
        for (const auto& g : fixedGradients_) fm.push_back(norm(g));
        for (size_t i = 0; i < moving_.grad[0].size(); i += 7)
            mm.push_back(std::sqrt(double(moving_.grad[0][i]) * moving_.grad[0][i] +
                                   double(moving_.grad[1][i]) * moving_.grad[1][i] +
                                   double(moving_.grad[2][i]) * moving_.grad[2][i]));
        // The damping scale: the typical gradient, so noise in flat regions counts little.
        fixedEps_ = median(fm);
        movingEps_ = median(mm);
    }
    const auto [mlo, mhi] = quantiles(mv, 0.005, 0.995);
    movingLo_ = mlo;
    movingScale_ = (bins_ - 1) / std::max(mhi - mlo, 1e-6);
}

double SampledMetric::evaluate(const Affine& fixedToMoving, double* overlap) const {
    const Affine toIndex = moving_.physToIndex * fixedToMoving;
    const size_t nx = moving_.n[0], ny = moving_.n[1], nz = moving_.n[2];
    const double mx = double(nx - 1), my = double(ny - 1), mz = double(nz - 1);
    const float* v = moving_.values.data();
    const bool masked = !moving_.mask.empty();
    std::vector<double> joint(size_t(bins_ * bins_), 0.0);
    size_t inside = 0;
    const double top = bins_ - 1;
    for (size_t s = 0; s < points_.size(); ++s) {
        const Vec3 q = toIndex.apply(points_[s]);
        double value;
        if (q.x < 0 || q.y < 0 || q.z < 0 || q.x > mx || q.y > my || q.z > mz ||
            (masked && !moving_.mask[size_t(std::lround(q.x)) + nx * (size_t(std::lround(q.y)) + ny * size_t(std::lround(q.z)))])) {
            if (!outsideAsBackground_) continue;
            value = movingLo_;
        } else {
            ++inside;
            const size_t i0 = std::min(size_t(q.x), nx - 2), j0 = std::min(size_t(q.y), ny - 2),
                         k0 = std::min(size_t(q.z), nz - 2);
            const double fx = q.x - double(i0), fy = q.y - double(j0), fz = q.z - double(k0);
            const float* c = v + i0 + nx * (j0 + ny * k0);
            const size_t sy = nx, sz = nx * ny;
            const double c00 = c[0] + fx * (c[1] - c[0]);
            const double c10 = c[sy] + fx * (c[sy + 1] - c[sy]);
            const double c01 = c[sz] + fx * (c[sz + 1] - c[sz]);
            const double c11 = c[sz + sy] + fx * (c[sz + sy + 1] - c[sz + sy]);
            const double c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01);
            value = c0 + fz * (c1 - c0);
        }
        const double b = std::clamp((value - movingLo_) * movingScale_, 0.0, top);
        const int b0 = std::min(int(b), bins_ - 2);
        const double w = b - b0;
        double* row = joint.data() + size_t(fixedBins_[s] * bins_);
        row[b0] += 1.0 - w;
        row[b0 + 1] += w;
    }
    if (overlap) *overlap = double(inside) / double(points_.size());
    double total = 0;
    for (double j : joint) total += j;
    if (total < 20) return 0.0;
    std::vector<double> pf(size_t(bins_), 0.0), pm(size_t(bins_), 0.0);
    double hj = 0;
    for (int a = 0; a < bins_; ++a)
        for (int b = 0; b < bins_; ++b) {
            const double p = joint[size_t(a * bins_ + b)] / total;
            pf[size_t(a)] += p;
            pm[size_t(b)] += p;
            if (p > 0) hj -= p * std::log(p);
        }
    double hf = 0, hm = 0;
    for (int a = 0; a < bins_; ++a) {
        if (pf[size_t(a)] > 0) hf -= pf[size_t(a)] * std::log(pf[size_t(a)]);
        if (pm[size_t(a)] > 0) hm -= pm[size_t(a)] * std::log(pm[size_t(a)]);
    }
    return hf + hm - hj;
}

} // namespace irplan::registration::detail

namespace irplan::registration::detail {

double SampledMetric::edgeAlignment(const Affine& fixedToMoving) const {
    if (fixedGradients_.empty() || moving_.grad[0].empty()) return 0.0;
    const Affine toIndex = moving_.physToIndex * fixedToMoving;
    const Mat3 At = fixedToMoving.A.transposed();
    const size_t nx = moving_.n[0], ny = moving_.n[1], nz = moving_.n[2];
    const double mx = double(nx - 1), my = double(ny - 1), mz = double(nz - 1);
    const double ef2 = fixedEps_ * fixedEps_, em2 = movingEps_ * movingEps_;
    double sum = 0;
    size_t inside = 0;
    for (size_t s = 0; s < points_.size(); ++s) {
        const Vec3 q = toIndex.apply(points_[s]);
        if (q.x < 0 || q.y < 0 || q.z < 0 || q.x > mx || q.y > my || q.z > mz) continue;
        const size_t i0 = std::min(size_t(q.x), nx - 2), j0 = std::min(size_t(q.y), ny - 2),
                     k0 = std::min(size_t(q.z), nz - 2);
        const double fx = q.x - double(i0), fy = q.y - double(j0), fz = q.z - double(k0);
        Vec3 gm;
        for (int d = 0; d < 3; ++d) {
            const float* c = moving_.grad[d].data() + i0 + nx * (j0 + ny * k0);
            const size_t sy = nx, sz = nx * ny;
            const double c00 = c[0] + fx * (c[1] - c[0]);
            const double c10 = c[sy] + fx * (c[sy + 1] - c[sy]);
            const double c01 = c[sz] + fx * (c[sz + 1] - c[sz]);
            const double c11 = c[sz + sy] + fx * (c[sz + sy + 1] - c[sz + sy]);
            const double c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01);
            gm[d] = c0 + fz * (c1 - c0);
        }
        gm = At * gm; // gradient of M(T x) with respect to x
        const Vec3& gf = fixedGradients_[s];
        const double d = dot(gf, gm);
        sum += d * d / ((dot(gf, gf) + ef2) * (dot(gm, gm) + em2));
        ++inside;
    }
    return inside > 0 ? sum / double(inside) : 0.0;
}

} // namespace irplan::registration::detail
