#include "tests/segmentation/SegTestUtil.h"

#include "core/Parallel.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace irplan::test {

FloatImage::Pointer renderImage(const Vec3& extent, const Vec3& spacing, const std::function<double(const Vec3&)>& value,
                                int sub) {
    auto img = FloatImage::New();
    FloatImage::RegionType region;
    FloatImage::SizeType size;
    FloatImage::SpacingType sp;
    FloatImage::PointType origin;
    for (unsigned a = 0; a < 3; ++a) {
        size[a] = static_cast<size_t>(std::ceil(extent[static_cast<int>(a)] / spacing[static_cast<int>(a)]));
        sp[a] = spacing[static_cast<int>(a)];
        origin[a] = -0.5 * (double(size[a]) - 1.0) * sp[a];
    }
    region.SetSize(size);
    img->SetRegions(region);
    img->SetSpacing(sp);
    img->SetOrigin(origin);
    img->Allocate();
    float* p = img->GetBufferPointer();
    parallelFor(0, size[2], [&](size_t k) {
        for (size_t j = 0; j < size[1]; ++j)
            for (size_t i = 0; i < size[0]; ++i) {
                // Away from edges (centre and 8 corners agree) one value is the voxel's.
                const Vec3 centre{origin[0] + i * sp[0], origin[1] + j * sp[1], origin[2] + k * sp[2]};
                const double vc = value(centre);
                bool uniform = true;
                for (int q = 0; q < 8 && uniform; ++q)
                    uniform = value(centre + Vec3{((q & 1) ? 0.5 : -0.5) * sp[0], ((q & 2) ? 0.5 : -0.5) * sp[1],
                                             ((q & 4) ? 0.5 : -0.5) * sp[2]}) == vc;
                if (uniform) {
                    p[i + size[0] * (j + size[1] * k)] = static_cast<float>(vc);
                    continue;
                }
                double s = 0;
                for (int c = 0; c < sub; ++c)
                    for (int b = 0; b < sub; ++b)
                        for (int a = 0; a < sub; ++a) {
                            const Vec3 q{origin[0] + (i + (a + 0.5) / sub - 0.5) * sp[0],
                                         origin[1] + (j + (b + 0.5) / sub - 0.5) * sp[1],
                                         origin[2] + (k + (c + 0.5) / sub - 0.5) * sp[2]};
                            s += value(q);
                        }
                p[i + size[0] * (j + size[1] * k)] = static_cast<float>(s / (sub * sub * sub));
            }
    });
    return img;
}

void addNoise(FloatImage* image, double sd, unsigned seed) {
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0.0, sd);
    float* p = image->GetBufferPointer();
    const size_t n = image->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < n; ++i) p[i] += static_cast<float>(normal(rng));
}

void addCorrelatedNoise(FloatImage* image, double sd, unsigned seed) {
    const auto size = image->GetLargestPossibleRegion().GetSize();
    const size_t nx = size[0], ny = size[1], nz = size[2];
    std::mt19937 rng(seed);
    std::normal_distribution<double> normal(0.0, sd / (6.0 / 16.0));
    float* p = image->GetBufferPointer();
    std::vector<float> a(nx * ny), b(nx * ny);
    for (size_t k = 0; k < nz; ++k) {
        for (auto& x : a) x = static_cast<float>(normal(rng));
        for (size_t j = 0; j < ny; ++j)
            for (size_t i = 0; i < nx; ++i) {
                const size_t l = i > 0 ? i - 1 : i, r = i + 1 < nx ? i + 1 : i;
                b[j * nx + i] = 0.25f * a[j * nx + l] + 0.5f * a[j * nx + i] + 0.25f * a[j * nx + r];
            }
        for (size_t j = 0; j < ny; ++j) {
            const size_t u = j > 0 ? j - 1 : j, d = j + 1 < ny ? j + 1 : j;
            for (size_t i = 0; i < nx; ++i)
                p[k * nx * ny + j * nx + i] += 0.25f * b[u * nx + i] + 0.5f * b[j * nx + i] + 0.25f * b[d * nx + i];
        }
    }
}

double median(std::vector<double> v) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

double dice(const MaskImage* a, const MaskImage* b) {
    const size_t n = a->GetBufferedRegion().GetNumberOfPixels();
    const auto* p = a->GetBufferPointer();
    const auto* q = b->GetBufferPointer();
    size_t both = 0, na = 0, nb = 0;
    for (size_t i = 0; i < n; ++i) {
        both += p[i] && q[i];
        na += p[i] != 0;
        nb += q[i] != 0;
    }
    return na + nb ? 2.0 * double(both) / double(na + nb) : 1.0;
}

Vec3 centroid(const MaskImage* m) {
    const auto n = seg::dims(m);
    Vec3 c;
    size_t k = 0;
    for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i)
        if (m->GetBufferPointer()[i]) {
            c += seg::indexToPoint(m, {double(i % n[0]), double((i / n[0]) % n[1]), double(i / (n[0] * n[1]))});
            ++k;
        }
    return k ? c / double(k) : c;
}

} // namespace irplan::test
