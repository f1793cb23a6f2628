#include "segmentation/ImageOps.h"

#include "core/Error.h"
#include "core/Parallel.h"

#include <itkSmoothingRecursiveGaussianImageFilter.h>

#include <cmath>
#include <limits>

namespace irplan::seg {

namespace {

template <class TImage>
typename TImage::Pointer newLike(const itk::ImageBase<3>* grid, typename TImage::PixelType fill) {
    auto img = TImage::New();
    Region r;
    r.SetSize(grid->GetLargestPossibleRegion().GetSize());
    img->SetRegions(r);
    img->SetSpacing(grid->GetSpacing());
    img->SetOrigin(grid->GetOrigin());
    img->SetDirection(grid->GetDirection());
    img->Allocate();
    img->FillBuffer(fill);
    return img;
}

} // namespace

std::array<size_t, 3> dims(const itk::ImageBase<3>* image) {
    const auto s = image->GetLargestPossibleRegion().GetSize();
    return {s[0], s[1], s[2]};
}

MaskImage::Pointer newMask(const itk::ImageBase<3>* grid, std::uint8_t fill) { return newLike<MaskImage>(grid, fill); }
FloatImage::Pointer newFloat(const itk::ImageBase<3>* grid, float fill) { return newLike<FloatImage>(grid, fill); }
LabelImage::Pointer newLabels(const itk::ImageBase<3>* grid, LabelImage::PixelType fill) {
    return newLike<LabelImage>(grid, fill);
}

bool sameGrid(const itk::ImageBase<3>* a, const itk::ImageBase<3>* b) {
    if (a->GetLargestPossibleRegion().GetSize() != b->GetLargestPossibleRegion().GetSize()) return false;
    for (unsigned i = 0; i < 3; ++i) {
        if (std::abs(a->GetSpacing()[i] - b->GetSpacing()[i]) > 1e-3) return false;
        if (std::abs(a->GetOrigin()[i] - b->GetOrigin()[i]) > 1e-3) return false;
        for (unsigned j = 0; j < 3; ++j)
            if (std::abs(a->GetDirection()(i, j) - b->GetDirection()(i, j)) > 1e-5) return false;
    }
    return true;
}

double voxelVolume_mm3(const itk::ImageBase<3>* image) {
    const auto& s = image->GetSpacing();
    return s[0] * s[1] * s[2];
}

Vec3 indexToPoint(const itk::ImageBase<3>* image, const Vec3& ci) {
    const auto& o = image->GetOrigin();
    const auto& s = image->GetSpacing();
    const auto& d = image->GetDirection();
    Vec3 p;
    for (int r = 0; r < 3; ++r) {
        double v = o[static_cast<unsigned>(r)];
        for (int c = 0; c < 3; ++c) v += d(static_cast<unsigned>(r), static_cast<unsigned>(c)) * ci[c] * s[static_cast<unsigned>(c)];
        p[r] = v;
    }
    return p;
}

Vec3 pointToIndex(const itk::ImageBase<3>* image, const Vec3& p) {
    const auto& o = image->GetOrigin();
    const auto& s = image->GetSpacing();
    const auto& d = image->GetDirection();
    Vec3 ci;
    for (int c = 0; c < 3; ++c) {
        double v = 0;
        for (int r = 0; r < 3; ++r)
            v += d(static_cast<unsigned>(r), static_cast<unsigned>(c)) * (p[r] - o[static_cast<unsigned>(r)]);
        ci[c] = v / s[static_cast<unsigned>(c)];
    }
    return ci;
}

int voxelAxisClosestTo(const itk::ImageBase<3>* image, int patientAxis) {
    const auto& d = image->GetDirection();
    int best = 0;
    for (unsigned c = 1; c < 3; ++c)
        if (std::abs(d(static_cast<unsigned>(patientAxis), c)) > std::abs(d(static_cast<unsigned>(patientAxis), static_cast<unsigned>(best))))
            best = static_cast<int>(c);
    return best;
}

Region boundingRegion(const MaskImage* mask, double margin_mm) {
    const auto n = dims(mask);
    long lo[3] = {long(n[0]), long(n[1]), long(n[2])}, hi[3] = {-1, -1, -1};
    const auto* m = mask->GetBufferPointer();
    size_t idx = 0;
    for (size_t k = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i, ++idx) {
                if (!m[idx]) continue;
                const long c[3] = {long(i), long(j), long(k)};
                for (int a = 0; a < 3; ++a) {
                    lo[a] = std::min(lo[a], c[a]);
                    hi[a] = std::max(hi[a], c[a]);
                }
            }
    Region r;
    if (hi[0] < 0) return r; // empty
    Region::IndexType start;
    Region::SizeType size;
    for (unsigned a = 0; a < 3; ++a) {
        const long g = static_cast<long>(std::ceil(margin_mm / mask->GetSpacing()[a]));
        const long s = std::max(0L, lo[a] - g), e = std::min(long(n[a]) - 1, hi[a] + g);
        start[a] = s;
        size[a] = static_cast<size_t>(e - s + 1);
    }
    r.SetIndex(start);
    r.SetSize(size);
    return r;
}

Region regionCovering(const itk::ImageBase<3>* grid, const itk::ImageBase<3>* other, const Region& region,
                      double margin_mm) {
    const auto n = dims(grid);
    double lo[3] = {1e300, 1e300, 1e300}, hi[3] = {-1e300, -1e300, -1e300};
    for (int c = 0; c < 8; ++c) {
        Vec3 ci;
        for (int a = 0; a < 3; ++a) {
            const double s = static_cast<double>(region.GetIndex()[static_cast<unsigned>(a)]);
            const double e = s + static_cast<double>(region.GetSize()[static_cast<unsigned>(a)]) - 1.0;
            ci[a] = (c >> a) & 1 ? e : s;
        }
        const Vec3 q = pointToIndex(grid, indexToPoint(other, ci));
        for (int a = 0; a < 3; ++a) {
            lo[a] = std::min(lo[a], q[a]);
            hi[a] = std::max(hi[a], q[a]);
        }
    }
    Region r;
    Region::IndexType start;
    Region::SizeType size;
    for (unsigned a = 0; a < 3; ++a) {
        const double g = margin_mm / grid->GetSpacing()[a];
        const long s = std::max(0L, static_cast<long>(std::floor(lo[a] - g)));
        const long e = std::min(long(n[a]) - 1, static_cast<long>(std::ceil(hi[a] + g)));
        if (e < s) return Region();
        start[a] = s;
        size[a] = static_cast<size_t>(e - s + 1);
    }
    r.SetIndex(start);
    r.SetSize(size);
    return r;
}

FloatImage::Pointer blockDownsample(const FloatImage* image, double target_mm, std::array<unsigned, 3>* factorsOut) {
    const auto n = dims(image);
    std::array<unsigned, 3> f{};
    Region::SizeType size;
    FloatImage::SpacingType sp;
    for (unsigned a = 0; a < 3; ++a) {
        f[a] = std::max(1u, static_cast<unsigned>(std::lround(target_mm / image->GetSpacing()[a])));
        f[a] = static_cast<unsigned>(std::min<size_t>(f[a], std::max<size_t>(1, n[a] / 2)));
        size[a] = std::max<size_t>(1, n[a] / f[a]);
        sp[a] = image->GetSpacing()[a] * f[a];
    }
    if (factorsOut) *factorsOut = f;
    auto out = FloatImage::New();
    Region r;
    r.SetSize(size);
    out->SetRegions(r);
    out->SetSpacing(sp);
    out->SetDirection(image->GetDirection());
    // The new voxel (0,0,0) sits at the centre of the first block.
    out->SetOrigin(image->GetOrigin());
    const Vec3 o = indexToPoint(image, {(f[0] - 1) / 2.0, (f[1] - 1) / 2.0, (f[2] - 1) / 2.0});
    FloatImage::PointType origin;
    for (unsigned a = 0; a < 3; ++a) origin[a] = o[static_cast<int>(a)];
    out->SetOrigin(origin);
    out->Allocate();
    const float* src = image->GetBufferPointer();
    float* dst = out->GetBufferPointer();
    const double inv = 1.0 / (double(f[0]) * f[1] * f[2]);
    parallelFor(0, size[2], [&](size_t k) {
        for (size_t j = 0; j < size[1]; ++j)
            for (size_t i = 0; i < size[0]; ++i) {
                double s = 0;
                for (size_t c = 0; c < f[2]; ++c)
                    for (size_t b = 0; b < f[1]; ++b) {
                        const float* row = src + linearIndex(n, i * f[0], j * f[1] + b, k * f[2] + c);
                        for (size_t a = 0; a < f[0]; ++a) s += row[a];
                    }
                dst[i + size[0] * (j + size[1] * k)] = static_cast<float>(s * inv);
            }
    });
    return out;
}

FloatImage::Pointer gaussianSmooth(const FloatImage* image, double sigma_mm) {
    using Filter = itk::SmoothingRecursiveGaussianImageFilter<FloatImage, FloatImage>;
    auto f = Filter::New();
    f->SetInput(image);
    f->SetSigma(sigma_mm);
    f->Update();
    FloatImage::Pointer out = f->GetOutput();
    out->DisconnectPipeline();
    return out;
}

MaskImage::Pointer maskFromLabels(const LabelImage* labels, const std::string& what, int label) {
    auto out = newMask(labels);
    const size_t n = labels->GetBufferedRegion().GetNumberOfPixels();
    const auto* p = labels->GetBufferPointer();
    auto* o = out->GetBufferPointer();
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
        o[i] = label == 0 ? p[i] != 0 : p[i] == label;
        count += o[i];
    }
    if (count == 0)
        throw Error(what + (label == 0 ? std::string(" is empty (no non-zero voxel)") : " has no voxel with label " + std::to_string(label)));
    return out;
}

MaskImage::Pointer andMask(const MaskImage* a, const MaskImage* b) {
    auto out = newMask(a);
    const size_t n = a->GetBufferedRegion().GetNumberOfPixels();
    const auto* p = a->GetBufferPointer();
    const auto* q = b->GetBufferPointer();
    auto* o = out->GetBufferPointer();
    for (size_t i = 0; i < n; ++i) o[i] = p[i] && q[i];
    return out;
}

size_t countOn(const MaskImage* mask) {
    const size_t n = mask->GetBufferedRegion().GetNumberOfPixels();
    const auto* p = mask->GetBufferPointer();
    size_t c = 0;
    for (size_t i = 0; i < n; ++i) c += p[i] != 0;
    return c;
}

size_t overlapVoxels(const MaskImage* a, const MaskImage* b) {
    size_t count = 0;
    const auto* q = b->GetBufferPointer();
    forEachOnIn(a, b, [&](size_t i) { count += q[i] != 0; });
    return count;
}

bool maskAt(const MaskImage* m, const Vec3& p) {
    const auto n = dims(m);
    const Vec3 q = pointToIndex(m, p);
    const long x = std::lround(q.x), y = std::lround(q.y), z = std::lround(q.z);
    if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) return false;
    return m->GetBufferPointer()[linearIndex(n, size_t(x), size_t(y), size_t(z))] != 0;
}

FloatImage::Pointer localMean(const FloatImage* image, const MaskImage* weight, double sigma_mm, float fallback,
                              float minWeight) {
    auto num = newFloat(image), den = newFloat(image);
    const size_t n = image->GetBufferedRegion().GetNumberOfPixels();
    const float* v = image->GetBufferPointer();
    const auto* w = weight->GetBufferPointer();
    float* a = num->GetBufferPointer();
    float* b = den->GetBufferPointer();
    for (size_t i = 0; i < n; ++i) {
        b[i] = w[i] ? 1.0f : 0.0f;
        a[i] = b[i] * v[i];
    }
    num = gaussianSmooth(num, sigma_mm);
    den = gaussianSmooth(den, sigma_mm);
    auto out = newFloat(image);
    float* o = out->GetBufferPointer();
    a = num->GetBufferPointer();
    b = den->GetBufferPointer();
    for (size_t i = 0; i < n; ++i) o[i] = b[i] > minWeight ? a[i] / b[i] : fallback;
    return out;
}

FloatImage::Pointer resampleAxial(const FloatImage* image, double inPlane_mm, double slice_mm, float outside) {
    auto coarse = blockDownsample(image, std::min(inPlane_mm, slice_mm));
    const auto nc = dims(coarse);
    // Physical bounding box of the voxel centres.
    Vec3 lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
    for (int c = 0; c < 8; ++c) {
        const Vec3 q = indexToPoint(coarse, {(c & 1) ? double(nc[0] - 1) : 0.0, (c & 2) ? double(nc[1] - 1) : 0.0,
                                             (c & 4) ? double(nc[2] - 1) : 0.0});
        for (int a = 0; a < 3; ++a) {
            lo[a] = std::min(lo[a], q[a]);
            hi[a] = std::max(hi[a], q[a]);
        }
    }
    FloatImage::SpacingType sp;
    for (unsigned a = 0; a < 3; ++a) {
        const double own = coarse->GetSpacing()[a];
        sp[a] = std::max(a < 2 ? inPlane_mm : slice_mm, std::min(own, a < 2 ? inPlane_mm : slice_mm));
    }
    Region::SizeType size;
    FloatImage::PointType origin;
    for (unsigned a = 0; a < 3; ++a) {
        size[a] = std::max<size_t>(1, size_t(std::floor((hi[int(a)] - lo[int(a)]) / sp[a])) + 1);
        origin[a] = lo[int(a)];
    }
    auto out = FloatImage::New();
    Region r;
    r.SetSize(size);
    out->SetRegions(r);
    out->SetSpacing(sp);
    out->SetOrigin(origin);
    FloatImage::DirectionType d;
    d.SetIdentity();
    out->SetDirection(d);
    out->Allocate();
    const auto n = dims(out);
    const float* src = coarse->GetBufferPointer();
    float* o = out->GetBufferPointer();
    parallelFor(0, n[2], [&](size_t k) {
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i) {
                const Vec3 q = pointToIndex(coarse, indexToPoint(out, {double(i), double(j), double(k)}));
                bool inside = true;
                for (int a = 0; a < 3; ++a)
                    if (q[a] < -0.5 || q[a] > double(nc[static_cast<size_t>(a)]) - 0.5) inside = false;
                o[linearIndex(n, i, j, k)] = inside ? static_cast<float>(sampleLinear(src, nc, q)) : outside;
            }
    });
    return out;
}

MaskImage::Pointer resampleMaskNearest(const MaskImage* mask, const itk::ImageBase<3>* grid) {
    auto out = newMask(grid);
    const auto n = dims(grid);
    const auto nm = dims(mask);
    const auto* m = mask->GetBufferPointer();
    auto* o = out->GetBufferPointer();
    parallelFor(0, n[2], [&](size_t k) {
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i) {
                const Vec3 q = pointToIndex(mask, indexToPoint(grid, {double(i), double(j), double(k)}));
                const long x = std::lround(q.x), y = std::lround(q.y), z = std::lround(q.z);
                if (x < 0 || y < 0 || z < 0 || x >= long(nm[0]) || y >= long(nm[1]) || z >= long(nm[2])) continue;
                o[linearIndex(n, i, j, k)] = m[linearIndex(nm, size_t(x), size_t(y), size_t(z))] ? 1 : 0;
            }
    });
    return out;
}

FloatImage::Pointer signedDistanceOnGrid(const MaskImage* mask, const itk::ImageBase<3>* grid, const Region& where,
                                         float outsideValue) {
    // Negative inside; the surface lies half-way between an inside and an
    // outside voxel centre.
    auto dOn = distanceToOn(mask);
    auto dOff = distanceToOff(mask);
    auto sd = newFloat(mask);
    const auto nm = dims(mask);
    const size_t total = nm[0] * nm[1] * nm[2];
    {
        const float* a = dOn->GetBufferPointer();
        const float* b = dOff->GetBufferPointer();
        float* s = sd->GetBufferPointer();
        for (size_t i = 0; i < total; ++i)
            s[i] = std::isfinite(a[i]) && std::isfinite(b[i]) ? a[i] - b[i] : (std::isfinite(a[i]) ? a[i] : -b[i]);
    }
    auto out = newFloat(grid, outsideValue);
    if (where.GetNumberOfPixels() == 0) return out;
    const auto n = dims(grid);
    const float* s = sd->GetBufferPointer();
    float* o = out->GetBufferPointer();
    const size_t z0 = size_t(where.GetIndex()[2]), z1 = z0 + where.GetSize()[2];
    parallelFor(z0, z1, [&](size_t k) {
        for (size_t j = size_t(where.GetIndex()[1]); j < size_t(where.GetIndex()[1]) + where.GetSize()[1]; ++j)
            for (size_t i = size_t(where.GetIndex()[0]); i < size_t(where.GetIndex()[0]) + where.GetSize()[0]; ++i) {
                const Vec3 q = pointToIndex(mask, indexToPoint(grid, {double(i), double(j), double(k)}));
                bool inside = true;
                for (int a = 0; a < 3; ++a)
                    if (q[a] < -0.5 || q[a] > double(nm[static_cast<size_t>(a)]) - 0.5) inside = false;
                if (!inside) continue;
                o[linearIndex(n, i, j, k)] = static_cast<float>(sampleLinear(s, nm, q));
            }
    });
    return out;
}

MaskImage::Pointer resampleMaskSmooth(const MaskImage* mask, const itk::ImageBase<3>* grid) {
    auto out = newMask(grid);
    const Region box = boundingRegion(mask, 0.0);
    if (box.GetNumberOfPixels() == 0) return out;
    const double h = std::max({mask->GetSpacing()[0], mask->GetSpacing()[1], mask->GetSpacing()[2]});
    const Region target = regionCovering(grid, mask, box, 2.0 * h);
    auto sd = signedDistanceOnGrid(mask, grid, target, 1.0f);
    const size_t n = grid->GetLargestPossibleRegion().GetNumberOfPixels();
    const float* s = sd->GetBufferPointer();
    auto* o = out->GetBufferPointer();
    for (size_t i = 0; i < n; ++i) o[i] = s[i] < 0;
    return out;
}

double sampleLinear(const float* data, const std::array<size_t, 3>& n, const Vec3& ci) {
    size_t b[3];
    double w[3];
    for (int a = 0; a < 3; ++a) {
        const size_t na = n[static_cast<size_t>(a)];
        const double c = std::clamp(ci[a], 0.0, double(na - 1));
        b[a] = na > 1 ? std::min(static_cast<size_t>(c), na - 2) : 0;
        w[a] = na > 1 ? c - double(b[a]) : 0.0;
    }
    double v = 0;
    for (int c = 0; c < 8; ++c) {
        double wt = 1;
        size_t idx[3];
        for (int a = 0; a < 3; ++a) {
            const bool up = (c >> a) & 1;
            wt *= up ? w[a] : 1.0 - w[a];
            idx[a] = b[a] + (up && n[static_cast<size_t>(a)] > 1 ? 1 : 0);
        }
        if (wt > 0) v += wt * data[linearIndex(n, idx[0], idx[1], idx[2])];
    }
    return v;
}

RobustStats robustStats(std::vector<float> values) {
    RobustStats r;
    r.n = values.size();
    if (values.empty()) return r;
    auto mid = values.begin() + static_cast<long>(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    r.median = *mid;
    for (auto& v : values) v = std::abs(v - static_cast<float>(r.median));
    std::nth_element(values.begin(), mid, values.end());
    r.sd = 1.4826 * *mid; // MAD of a normal distribution
    return r;
}

double percentile(std::vector<float> values, double p) {
    if (values.empty()) return 0;
    const size_t k = std::min(values.size() - 1, static_cast<size_t>(std::clamp(p, 0.0, 100.0) / 100.0 * double(values.size() - 1) + 0.5));
    std::nth_element(values.begin(), values.begin() + static_cast<long>(k), values.end());
    return values[k];
}

} // namespace irplan::seg
