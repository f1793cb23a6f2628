#include "registration/detail/ImageOps.h"

#include "core/Error.h"

#include <itkBinShrinkImageFilter.h>
#include <itkImageFileWriter.h>
#include <itkMetaImageIO.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace irplan::registration::detail {

Affine indexToPhysical(const itk::ImageBase<3>* image) {
    Affine a;
    const auto& d = image->GetDirection();
    const auto& s = image->GetSpacing();
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) a.A(r, c) = d(static_cast<unsigned>(r), static_cast<unsigned>(c)) * s[static_cast<unsigned>(c)];
    const auto& o = image->GetOrigin();
    a.t = {o[0], o[1], o[2]};
    return a;
}

Vec3 imageCentre(const itk::ImageBase<3>* image) {
    const auto size = image->GetLargestPossibleRegion().GetSize();
    return indexToPhysical(image).apply({(size[0] - 1) / 2.0, (size[1] - 1) / 2.0, (size[2] - 1) / 2.0});
}

std::array<Vec3, 8> imageCorners(const itk::ImageBase<3>* image) {
    const auto size = image->GetLargestPossibleRegion().GetSize();
    const Affine a = indexToPhysical(image);
    std::array<Vec3, 8> out;
    for (int k = 0; k < 8; ++k)
        out[static_cast<size_t>(k)] = a.apply({(k & 1) ? size[0] - 1.0 : 0.0, (k & 2) ? size[1] - 1.0 : 0.0,
                                               (k & 4) ? size[2] - 1.0 : 0.0});
    return out;
}

FloatImage::Pointer shrinkTo(const FloatImage* image, double spacing_mm) {
    using Shrink = itk::BinShrinkImageFilter<FloatImage, FloatImage>;
    auto f = Shrink::New();
    f->SetInput(image);
    const auto size = image->GetLargestPossibleRegion().GetSize();
    Shrink::ShrinkFactorsType factors;
    bool any = false;
    for (unsigned i = 0; i < 3; ++i) {
        const double want = spacing_mm / image->GetSpacing()[i];
        unsigned fct = static_cast<unsigned>(std::max(1.0, std::floor(want + 0.25)));
        fct = std::min<unsigned>(fct, static_cast<unsigned>(std::max<size_t>(1, size[i] / 2)));
        factors[i] = fct;
        any = any || fct > 1;
    }
    if (!any) {
        FloatImage::Pointer copy = FloatImage::New();
        copy->Graft(image);
        return copy;
    }
    f->SetShrinkFactors(factors);
    f->Update();
    FloatImage::Pointer out = f->GetOutput();
    out->DisconnectPipeline();
    return out;
}

MaskImage::Pointer maskOnGrid(const MaskImage* mask, const itk::ImageBase<3>* reference, const std::string& what) {
    auto out = MaskImage::New();
    out->CopyInformation(reference);
    out->SetRegions(reference->GetLargestPossibleRegion());
    out->Allocate();
    out->FillBuffer(0);
    const Affine refToPhys = indexToPhysical(reference);
    const Affine physToMask = indexToPhysical(mask).inverse();
    const Affine refToMask = physToMask * refToPhys;
    const auto rs = reference->GetLargestPossibleRegion().GetSize();
    const auto ms = mask->GetLargestPossibleRegion().GetSize();
    const auto* in = mask->GetBufferPointer();
    auto* o = out->GetBufferPointer();
    size_t n = 0, idx = 0;
    for (size_t k = 0; k < rs[2]; ++k)
        for (size_t j = 0; j < rs[1]; ++j)
            for (size_t i = 0; i < rs[0]; ++i, ++idx) {
                const Vec3 q = refToMask.apply({double(i), double(j), double(k)});
                const long a = std::lround(q.x), b = std::lround(q.y), c = std::lround(q.z);
                if (a < 0 || b < 0 || c < 0 || a >= long(ms[0]) || b >= long(ms[1]) || c >= long(ms[2])) continue;
                if (in[size_t(a) + ms[0] * (size_t(b) + ms[1] * size_t(c))]) {
                    o[idx] = 1;
                    ++n;
                }
            }
    if (n == 0)
        throw Error(what + " is empty on the image it belongs to (no voxel of the mask lies inside the image): check "
                           "that it was drawn on this image");
    return out;
}

std::pair<double, double> quantiles(const FloatImage* image, double lower, double upper, const MaskImage* mask) {
    const float* p = image->GetBufferPointer();
    const size_t n = image->GetBufferedRegion().GetNumberOfPixels();
    const auto* m = mask ? mask->GetBufferPointer() : nullptr;
    // A subsample is plenty for quantiles and keeps this O(n) cheap on 512^3 volumes.
    const size_t step = std::max<size_t>(1, n / 2000000);
    std::vector<float> v;
    v.reserve(n / step + 1);
    for (size_t i = 0; i < n; i += step)
        if (!m || m[i]) v.push_back(p[i]);
    if (v.empty()) return {0.0, 1.0};
    auto at = [&](double q) {
        const size_t k = std::min(v.size() - 1, static_cast<size_t>(q * (v.size() - 1)));
        std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
        return static_cast<double>(v[k]);
    };
    const double lo = at(lower), hi = at(upper);
    return {lo, hi > lo ? hi : lo + 1.0};
}

double otsuThreshold(const FloatImage* image, double lo, double hi) {
    constexpr int kBins = 256;
    std::vector<double> h(kBins, 0.0);
    const float* p = image->GetBufferPointer();
    const size_t n = image->GetBufferedRegion().GetNumberOfPixels();
    const double scale = kBins / (hi - lo);
    for (size_t i = 0; i < n; ++i) {
        const int b = std::clamp(static_cast<int>((p[i] - lo) * scale), 0, kBins - 1);
        h[static_cast<size_t>(b)] += 1;
    }
    double total = 0, sum = 0;
    for (int b = 0; b < kBins; ++b) {
        total += h[size_t(b)];
        sum += b * h[size_t(b)];
    }
    double wB = 0, sumB = 0, best = -1;
    int bestBin = kBins / 2;
    for (int b = 0; b < kBins; ++b) {
        wB += h[size_t(b)];
        if (wB == 0) continue;
        const double wF = total - wB;
        if (wF == 0) break;
        sumB += b * h[size_t(b)];
        const double mB = sumB / wB, mF = (sum - sumB) / wF;
        const double between = wB * wF * (mB - mF) * (mB - mF);
        if (between > best) {
            best = between;
            bestBin = b;
        }
    }
    return lo + (bestBin + 1) / scale;
}

MaskImage::Pointer thresholdMask(const FloatImage* image, double threshold) {
    auto out = MaskImage::New();
    out->CopyInformation(image);
    out->SetRegions(image->GetLargestPossibleRegion());
    out->Allocate();
    const float* p = image->GetBufferPointer();
    auto* o = out->GetBufferPointer();
    const size_t n = image->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < n; ++i) o[i] = p[i] > threshold ? 1 : 0;
    return out;
}

std::string oneLine(const std::string& text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

size_t countNonZero(const MaskImage* mask) {
    const auto* p = mask->GetBufferPointer();
    const size_t n = mask->GetBufferedRegion().GetNumberOfPixels();
    size_t c = 0;
    for (size_t i = 0; i < n; ++i) c += p[i] != 0;
    return c;
}

} // namespace irplan::registration::detail

#include "core/Parallel.h"

namespace irplan::registration::detail {

FloatImage::Pointer resampleAffine(const FloatImage* moving, const Affine& fixedToMoving,
                                   const itk::ImageBase<3>* grid, bool nearest, float outside) {
    auto out = FloatImage::New();
    out->CopyInformation(grid);
    out->SetRegions(grid->GetLargestPossibleRegion());
    out->Allocate();
    // Output voxel index -> moving continuous index, one affine map.
    const Affine toIndex = indexToPhysical(moving).inverse() * fixedToMoving * indexToPhysical(grid);
    const auto os = grid->GetLargestPossibleRegion().GetSize();
    const auto ms = moving->GetLargestPossibleRegion().GetSize();
    const size_t nx = ms[0], ny = ms[1], nz = ms[2];
    const double mx = double(nx - 1), my = double(ny - 1), mz = double(nz - 1);
    const float* v = moving->GetBufferPointer();
    float* o = out->GetBufferPointer();
    // Each voxel covers half a voxel beyond its centre, as in ITK and transformix;
    // in that border band the edge value is used.
    parallelFor(0, os[2], [&](size_t k) {
        for (size_t j = 0; j < os[1]; ++j) {
            float* row = o + os[0] * (j + os[1] * k);
            const Vec3 start = toIndex.apply({0.0, double(j), double(k)});
            const Vec3 step = toIndex.applyToVector({1.0, 0.0, 0.0});
            for (size_t i = 0; i < os[0]; ++i) {
                const Vec3 q = start + step * double(i);
                if (!(q.x >= -0.5 && q.y >= -0.5 && q.z >= -0.5 && q.x < mx + 0.5 && q.y < my + 0.5 &&
                      q.z < mz + 0.5)) {
                    row[i] = outside;
                    continue;
                }
                if (nearest) {
                    const size_t a = std::min(size_t(std::lround(std::max(0.0, q.x))), nx - 1);
                    const size_t b = std::min(size_t(std::lround(std::max(0.0, q.y))), ny - 1);
                    const size_t c = std::min(size_t(std::lround(std::max(0.0, q.z))), nz - 1);
                    row[i] = v[a + nx * (b + ny * c)];
                    continue;
                }
                const size_t i0 = std::min(size_t(std::max(0.0, q.x)), nx > 1 ? nx - 2 : 0);
                const size_t j0 = std::min(size_t(std::max(0.0, q.y)), ny > 1 ? ny - 2 : 0);
                const size_t k0 = std::min(size_t(std::max(0.0, q.z)), nz > 1 ? nz - 2 : 0);
                const double fx = std::clamp(q.x - double(i0), 0.0, 1.0), fy = std::clamp(q.y - double(j0), 0.0, 1.0),
                             fz = std::clamp(q.z - double(k0), 0.0, 1.0);
                const size_t sy = nx, sz = nx * ny;
                const float* c = v + i0 + sy * j0 + sz * k0;
                const double c00 = c[0] + fx * (c[1] - c[0]);
                const double c10 = c[sy] + fx * (c[sy + 1] - c[sy]);
                const double c01 = c[sz] + fx * (c[sz + 1] - c[sz]);
                const double c11 = c[sz + sy] + fx * (c[sz + sy + 1] - c[sz + sy]);
                const double c0 = c00 + fy * (c10 - c00), c1 = c01 + fy * (c11 - c01);
                row[i] = float(c0 + fz * (c1 - c0));
            }
        }
    });
    return out;
}

namespace {
template <class TImage>
void writeMha(const TImage* image, const std::filesystem::path& path) {
    auto view = TImage::New();
    view->Graft(image);
    view->SetMetaDataDictionary(itk::MetaDataDictionary());
    auto w = itk::ImageFileWriter<TImage>::New();
    w->SetInput(view);
    w->SetImageIO(itk::MetaImageIO::New());
    w->SetFileName(path.string());
    w->SetUseCompression(false);
    try {
        w->Update();
    } catch (const itk::ExceptionObject& e) {
        throw Error("cannot write the temporary image " + path.string() +
                    " (is the temporary directory's disk full?): " + oneLine(e.GetDescription()));
    }
}
} // namespace

void writeTempMha(const FloatImage* image, const std::filesystem::path& path) { writeMha(image, path); }
void writeTempMha(const MaskImage* image, const std::filesystem::path& path) { writeMha(image, path); }

} // namespace irplan::registration::detail
