#include "segmentation/SparseOps.h"

#include "core/Parallel.h"
#include "segmentation/ImageOps.h"

#include <array>
#include <cmath>
#include <vector>

namespace irplan::seg {

namespace {

std::vector<float> kernel(double sigmaVoxels) {
    const int r = std::max(1, int(std::ceil(3.0 * sigmaVoxels)));
    std::vector<float> k(size_t(2 * r + 1));
    double sum = 0;
    for (int i = -r; i <= r; ++i) {
        const double v = std::exp(-0.5 * i * i / (sigmaVoxels * sigmaVoxels));
        k[size_t(i + r)] = float(v);
        sum += v;
    }
    for (auto& v : k) v = float(v / sum);
    return k;
}

// One axis pass from `src` into `dst` (both n[0] x n[1] x n[2]). Along y and
// z whole x-rows are combined, so memory is read in order.
void pass(const float* src, float* dst, const std::array<size_t, 3>& n, int axis, const std::vector<float>& k,
          unsigned threads) {
    const long r = long(k.size() / 2);
    if (axis == 0) {
        parallelFor(0, n[1] * n[2], [&](size_t line) {
            const size_t base = line * n[0];
            const long len = long(n[0]);
            std::vector<float> buf(size_t(len + 2 * r));
            for (long i = -r; i < len + r; ++i) buf[size_t(i + r)] = src[base + size_t(std::clamp(i, 0L, len - 1))];
            for (long i = 0; i < len; ++i) {
                float acc = 0;
                const float* b = buf.data() + i;
                for (size_t t = 0; t < k.size(); ++t) acc += k[t] * b[t];
                dst[base + size_t(i)] = acc;
            }
        }, threads, 64);
        return;
    }
    const long len = long(n[size_t(axis)]);
    const size_t stride = axis == 1 ? n[0] : n[0] * n[1];
    // Outer index: z for the y pass, y for the z pass; inner: position along the axis.
    const size_t outer = axis == 1 ? n[2] : n[1];
    const size_t outerStride = axis == 1 ? n[0] * n[1] : n[0];
    parallelFor(0, outer * size_t(len), [&](size_t job) {
        const size_t o = job / size_t(len);
        const long p = long(job % size_t(len));
        float* out = dst + o * outerStride + size_t(p) * stride;
        std::fill(out, out + n[0], 0.0f);
        for (long t = -r; t <= r; ++t) {
            const long q = std::clamp(p + t, 0L, len - 1);
            const float w = k[size_t(t + r)];
            const float* in = src + o * outerStride + size_t(q) * stride;
            for (size_t i = 0; i < n[0]; ++i) out[i] += w * in[i];
        }
    }, threads, 16);
}

} // namespace

FloatImage::Pointer gaussianSmoothFir(const FloatImage* image, double sigma_mm, unsigned threads) {
    const auto n = dims(image);
    const auto& sp = image->GetSpacing();
    auto out = newFloat(image);
    const size_t total = n[0] * n[1] * n[2];
    std::vector<float> a(image->GetBufferPointer(), image->GetBufferPointer() + total), b(total);
    for (int axis = 0; axis < 3; ++axis) {
        const double s = sigma_mm / sp[unsigned(axis)];
        if (s < 0.2 || n[size_t(axis)] < 2) continue;
        pass(a.data(), b.data(), n, axis, kernel(s), threads);
        a.swap(b);
    }
    std::copy(a.begin(), a.end(), out->GetBufferPointer());
    return out;
}

MaskImage::Pointer dilateSmall(const MaskImage* mask, double r_mm) {
    const auto n = dims(mask);
    const auto& sp = mask->GetSpacing();
    std::vector<std::array<long, 3>> ball;
    const long ri = long(r_mm / sp[0]), rj = long(r_mm / sp[1]), rk = long(r_mm / sp[2]);
    for (long c = -rk; c <= rk; ++c)
        for (long b = -rj; b <= rj; ++b)
            for (long a = -ri; a <= ri; ++a)
                if (std::pow(a * sp[0], 2) + std::pow(b * sp[1], 2) + std::pow(c * sp[2], 2) <= r_mm * r_mm)
                    ball.push_back({a, b, c});
    auto out = newMask(mask);
    const auto* m = mask->GetBufferPointer();
    auto* o = out->GetBufferPointer();
    const long nx = long(n[0]), ny = long(n[1]), nz = long(n[2]);
    for (long k = 0; k < nz; ++k)
        for (long j = 0; j < ny; ++j)
            for (long i = 0; i < nx; ++i) {
                const size_t idx = size_t(i + nx * (j + ny * k));
                if (!m[idx]) continue;
                o[idx] = 1;
                const bool surface = i == 0 || j == 0 || k == 0 || i + 1 == nx || j + 1 == ny || k + 1 == nz ||
                                     !m[idx - 1] || !m[idx + 1] || !m[idx - size_t(nx)] || !m[idx + size_t(nx)] ||
                                     !m[idx - size_t(nx * ny)] || !m[idx + size_t(nx * ny)];
                if (!surface) continue;
                for (const auto& d : ball) {
                    const long x = i + d[0], y = j + d[1], z = k + d[2];
                    if (x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz) o[size_t(x + nx * (y + ny * z))] = 1;
                }
            }
    return out;
}

MaskImage::Pointer fillSmallHoles(const MaskImage* mask, double reach_mm) {
    const auto n = dims(mask);
    auto near = dilateSmall(mask, reach_mm);
    const auto* m = mask->GetBufferPointer();
    const auto* nr = near->GetBufferPointer();
    auto out = newMask(mask);
    auto* o = out->GetBufferPointer();
    const size_t total = n[0] * n[1] * n[2];
    std::copy(m, m + total, o);
    // Background pockets near the mask: 6-connected pieces of (near and not
    // mask); a piece that never reaches a voxel beyond `near` (or the image
    // border) is enclosed.
    std::vector<char> seen(total, 0);
    std::vector<size_t> piece;
    for (size_t start = 0; start < total; ++start) {
        if (m[start] || !nr[start] || seen[start]) continue;
        piece.clear();
        piece.push_back(start);
        seen[start] = 1;
        bool open = false;
        for (size_t qi = 0; qi < piece.size(); ++qi) {
            const size_t v = piece[qi];
            const size_t i = v % n[0], j = (v / n[0]) % n[1], k = v / (n[0] * n[1]);
            if (i == 0 || j == 0 || k == 0 || i + 1 == n[0] || j + 1 == n[1] || k + 1 == n[2]) open = true;
            const size_t nb[6] = {i > 0 ? v - 1 : v, i + 1 < n[0] ? v + 1 : v, j > 0 ? v - n[0] : v,
                                  j + 1 < n[1] ? v + n[0] : v, k > 0 ? v - n[0] * n[1] : v,
                                  k + 1 < n[2] ? v + n[0] * n[1] : v};
            for (size_t u : nb) {
                if (u == v || m[u] || seen[u]) continue;
                if (!nr[u]) {
                    open = true;
                    continue;
                }
                seen[u] = 1;
                piece.push_back(u);
            }
        }
        if (!open)
            for (size_t v : piece) o[v] = 1;
    }
    return out;
}

} // namespace irplan::seg
