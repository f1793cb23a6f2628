// Exact Euclidean distance maps in mm and the morphology, connected
// components and hole filling built on them (ImageOps.h).
#include "core/Parallel.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace irplan::seg {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// One line of Felzenszwalb & Huttenlocher's squared distance transform
// (lower envelope of parabolas), with the voxel size `h` along the line.
// f: input squared distances (inf = no site), d: output.
void edtLine(const float* f, float* d, size_t n, double h, std::vector<int>& v, std::vector<double>& z) {
    const double h2 = h * h;
    v.resize(n);
    z.resize(n + 1);
    int k = -1;
    for (size_t q = 0; q < n; ++q) {
        if (!std::isfinite(f[q])) continue;
        const double fq = f[q] + h2 * double(q) * double(q);
        while (k >= 0) {
            const int p = v[static_cast<size_t>(k)];
            const double s = (fq - (f[p] + h2 * double(p) * double(p))) / (2.0 * h2 * (double(q) - p));
            if (s <= z[static_cast<size_t>(k)]) {
                --k;
                continue;
            }
            ++k;
            v[static_cast<size_t>(k)] = static_cast<int>(q);
            z[static_cast<size_t>(k)] = s;
            z[static_cast<size_t>(k) + 1] = std::numeric_limits<double>::infinity();
            break;
        }
        if (k < 0) {
            k = 0;
            v[0] = static_cast<int>(q);
            z[0] = -std::numeric_limits<double>::infinity();
            z[1] = std::numeric_limits<double>::infinity();
        }
    }
    if (k < 0) {
        for (size_t q = 0; q < n; ++q) d[q] = kInf;
        return;
    }
    int j = 0;
    for (size_t q = 0; q < n; ++q) {
        while (z[static_cast<size_t>(j) + 1] < double(q)) ++j;
        const int p = v[static_cast<size_t>(j)];
        const double dq = double(q) - p;
        d[q] = static_cast<float>(h2 * dq * dq + f[p]);
    }
}

// Squared EDT in place over all three axes.
void squaredEdt(float* data, const std::array<size_t, 3>& n, const itk::Vector<double, 3>& sp, unsigned threads) {
    for (int axis = 0; axis < 3; ++axis) {
        const size_t len = n[static_cast<size_t>(axis)];
        const size_t stride = axis == 0 ? 1 : (axis == 1 ? n[0] : n[0] * n[1]);
        const size_t a = axis == 0 ? n[1] : n[0];
        const size_t b = axis == 2 ? n[1] : n[2];
        parallelFor(0, b, [&](size_t outer) {
            std::vector<float> f(len), d(len);
            std::vector<int> v;
            std::vector<double> z;
            for (size_t inner = 0; inner < a; ++inner) {
                size_t base;
                if (axis == 0) base = n[0] * (inner + n[1] * outer);
                else if (axis == 1) base = inner + n[0] * n[1] * outer;
                else base = inner + n[0] * outer;
                for (size_t q = 0; q < len; ++q) f[q] = data[base + q * stride];
                edtLine(f.data(), d.data(), len, sp[static_cast<unsigned>(axis)], v, z);
                for (size_t q = 0; q < len; ++q) data[base + q * stride] = d[q];
            }
        }, threads);
    }
}

FloatImage::Pointer edtTo(const MaskImage* mask, bool toOn, unsigned threads) {
    auto out = newFloat(mask, 0.0f);
    const auto n = dims(mask);
    const size_t total = n[0] * n[1] * n[2];
    const auto* m = mask->GetBufferPointer();
    float* d = out->GetBufferPointer();
    for (size_t i = 0; i < total; ++i) d[i] = ((m[i] != 0) == toOn) ? 0.0f : kInf;
    squaredEdt(d, n, mask->GetSpacing(), threads);
    for (size_t i = 0; i < total; ++i) d[i] = std::sqrt(d[i]);
    return out;
}

} // namespace

FloatImage::Pointer distanceToOn(const MaskImage* on, unsigned threads) { return edtTo(on, true, threads); }
FloatImage::Pointer distanceToOff(const MaskImage* mask, unsigned threads) { return edtTo(mask, false, threads); }

MaskImage::Pointer dilate(const MaskImage* mask, double r_mm) {
    auto d = distanceToOn(mask);
    auto out = newMask(mask);
    const size_t n = mask->GetBufferedRegion().GetNumberOfPixels();
    const float* p = d->GetBufferPointer();
    auto* o = out->GetBufferPointer();
    const float r = static_cast<float>(r_mm);
    for (size_t i = 0; i < n; ++i) o[i] = p[i] <= r;
    return out;
}

MaskImage::Pointer erode(const MaskImage* mask, double r_mm) {
    auto d = distanceToOff(mask);
    auto out = newMask(mask);
    const size_t n = mask->GetBufferedRegion().GetNumberOfPixels();
    const float* p = d->GetBufferPointer();
    auto* o = out->GetBufferPointer();
    const float r = static_cast<float>(r_mm);
    for (size_t i = 0; i < n; ++i) o[i] = p[i] > r;
    return out;
}

MaskImage::Pointer open(const MaskImage* mask, double r_mm) {
    auto e = erode(mask, r_mm);
    return dilate(e, r_mm);
}

MaskImage::Pointer close(const MaskImage* mask, double r_mm) {
    auto d = dilate(mask, r_mm);
    return erode(d, r_mm);
}

MaskImage::Pointer closeCoarse(const MaskImage* mask, double r_mm, double workingSpacing_mm) {
    auto f = newFloat(mask);
    const size_t n = mask->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < n; ++i) f->GetBufferPointer()[i] = mask->GetBufferPointer()[i] ? 1.0f : 0.0f;
    auto coarse = blockDownsample(f, workingSpacing_mm);
    auto m = newMask(coarse);
    const size_t nc = coarse->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < nc; ++i) m->GetBufferPointer()[i] = coarse->GetBufferPointer()[i] > 0.25f;
    auto closed = resampleMaskNearest(close(m, r_mm), mask);
    auto* o = closed->GetBufferPointer();
    for (size_t i = 0; i < n; ++i) o[i] = o[i] || mask->GetBufferPointer()[i];
    return closed;
}

ComponentImage::Pointer components(const MaskImage* mask, bool full, std::vector<size_t>* sizes) {
    auto out = ComponentImage::New();
    out->CopyInformation(mask);
    out->SetRegions(mask->GetLargestPossibleRegion());
    out->Allocate();
    out->FillBuffer(0);
    const auto n = dims(mask);
    const auto* m = mask->GetBufferPointer();
    auto* lab = out->GetBufferPointer();
    std::vector<std::array<int, 3>> offsets;
    for (int dz = -1; dz <= 1; ++dz)
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                const int s = std::abs(dx) + std::abs(dy) + std::abs(dz);
                if (s == 0 || (!full && s > 1)) continue;
                offsets.push_back({dx, dy, dz});
            }
    std::vector<size_t> count(1, 0);
    std::vector<size_t> queue;
    std::uint32_t next = 0;
    const size_t total = n[0] * n[1] * n[2];
    for (size_t start = 0; start < total; ++start) {
        if (!m[start] || lab[start]) continue;
        ++next;
        size_t c = 0;
        queue.clear();
        queue.push_back(start);
        lab[start] = next;
        for (size_t qi = 0; qi < queue.size(); ++qi) {
            const size_t v = queue[qi];
            ++c;
            const long i = long(v % n[0]), j = long((v / n[0]) % n[1]), k = long(v / (n[0] * n[1]));
            for (const auto& o : offsets) {
                const long x = i + o[0], y = j + o[1], z = k + o[2];
                if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
                const size_t w = linearIndex(n, size_t(x), size_t(y), size_t(z));
                if (m[w] && !lab[w]) {
                    lab[w] = next;
                    queue.push_back(w);
                }
            }
        }
        count.push_back(c);
    }
    if (sizes) *sizes = std::move(count);
    return out;
}

MaskImage::Pointer largestComponent(const MaskImage* mask, bool full) {
    std::vector<size_t> sizes;
    auto cc = components(mask, full, &sizes);
    auto out = newMask(mask);
    if (sizes.size() < 2) return out;
    const auto best = static_cast<std::uint32_t>(std::max_element(sizes.begin() + 1, sizes.end()) - sizes.begin());
    const size_t n = mask->GetBufferedRegion().GetNumberOfPixels();
    const auto* c = cc->GetBufferPointer();
    auto* o = out->GetBufferPointer();
    for (size_t i = 0; i < n; ++i) o[i] = c[i] == best;
    return out;
}

MaskImage::Pointer componentAt(const MaskImage* mask, const Index3& index, bool full) {
    auto out = newMask(mask);
    const auto n = dims(mask);
    for (int a = 0; a < 3; ++a)
        if (index[static_cast<size_t>(a)] < 0 || index[static_cast<size_t>(a)] >= long(n[static_cast<size_t>(a)])) return out;
    const size_t seed = linearIndex(n, size_t(index[0]), size_t(index[1]), size_t(index[2]));
    const auto* m = mask->GetBufferPointer();
    if (!m[seed]) return out;
    auto* o = out->GetBufferPointer();
    std::vector<size_t> queue{seed};
    o[seed] = 1;
    for (size_t qi = 0; qi < queue.size(); ++qi) {
        const size_t v = queue[qi];
        const long i = long(v % n[0]), j = long((v / n[0]) % n[1]), k = long(v / (n[0] * n[1]));
        for (int dz = -1; dz <= 1; ++dz)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const int s = std::abs(dx) + std::abs(dy) + std::abs(dz);
                    if (s == 0 || (!full && s > 1)) continue;
                    const long x = i + dx, y = j + dy, z = k + dz;
                    if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
                    const size_t w = linearIndex(n, size_t(x), size_t(y), size_t(z));
                    if (m[w] && !o[w]) {
                        o[w] = 1;
                        queue.push_back(w);
                    }
                }
    }
    return out;
}

MaskImage::Pointer fillHoles(const MaskImage* mask) {
    const auto n = dims(mask);
    const auto* m = mask->GetBufferPointer();
    auto out = newMask(mask, 1);
    auto* o = out->GetBufferPointer(); // 0 = background reached from the border
    std::vector<size_t> queue;
    auto push = [&](size_t w) {
        if (!m[w] && o[w]) {
            o[w] = 0;
            queue.push_back(w);
        }
    };
    for (size_t k = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i)
                if (i == 0 || j == 0 || k == 0 || i + 1 == n[0] || j + 1 == n[1] || k + 1 == n[2]) push(linearIndex(n, i, j, k));
    for (size_t qi = 0; qi < queue.size(); ++qi) {
        const size_t v = queue[qi];
        const size_t i = v % n[0], j = (v / n[0]) % n[1], k = v / (n[0] * n[1]);
        if (i > 0) push(v - 1);
        if (i + 1 < n[0]) push(v + 1);
        if (j > 0) push(v - n[0]);
        if (j + 1 < n[1]) push(v + n[0]);
        if (k > 0) push(v - n[0] * n[1]);
        if (k + 1 < n[2]) push(v + n[0] * n[1]);
    }
    return out;
}

MaskImage::Pointer fillHolesSlices(const MaskImage* mask, int axis) {
    const auto n = dims(mask);
    const size_t ua = static_cast<size_t>(axis);
    const size_t a0 = ua == 0 ? 1 : 0, a1 = ua == 2 ? 1 : 2;
    const size_t stride[3] = {1, n[0], n[0] * n[1]};
    const auto* m = mask->GetBufferPointer();
    auto out = newMask(mask, 1);
    auto* o = out->GetBufferPointer();
    parallelFor(0, n[ua], [&](size_t s) {
        std::vector<size_t> queue;
        auto push = [&](size_t u, size_t v) {
            const size_t w = s * stride[ua] + u * stride[a0] + v * stride[a1];
            if (!m[w] && o[w]) {
                o[w] = 0;
                queue.push_back(u + n[a0] * v);
            }
        };
        for (size_t u = 0; u < n[a0]; ++u) {
            push(u, 0);
            push(u, n[a1] - 1);
        }
        for (size_t v = 0; v < n[a1]; ++v) {
            push(0, v);
            push(n[a0] - 1, v);
        }
        for (size_t qi = 0; qi < queue.size(); ++qi) {
            const size_t u = queue[qi] % n[a0], v = queue[qi] / n[a0];
            if (u > 0) push(u - 1, v);
            if (u + 1 < n[a0]) push(u + 1, v);
            if (v > 0) push(u, v - 1);
            if (v + 1 < n[a1]) push(u, v + 1);
        }
    });
    return out;
}

} // namespace irplan::seg
