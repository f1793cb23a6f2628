#include "segmentation/Vesselness.h"

#include "core/Error.h"
#include "core/Parallel.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>

namespace irplan::seg {

void symmetricEigenvalues(double xx, double yy, double zz, double xy, double xz, double yz, double out[3]) {
    // Closed form for symmetric 3x3 matrices (Smith, Comm. ACM 1961).
    const double m = (xx + yy + zz) / 3.0;
    const double a = xx - m, b = yy - m, c = zz - m;
    const double p = (a * a + b * b + c * c + 2.0 * (xy * xy + xz * xz + yz * yz)) / 6.0;
    if (p < 1e-30) {
        out[0] = out[1] = out[2] = m;
        return;
    }
    const double q = 0.5 * (a * (b * c - yz * yz) - xy * (xy * c - yz * xz) + xz * (xy * yz - b * xz));
    const double sp = std::sqrt(p);
    const double r = std::clamp(q / (p * sp), -1.0, 1.0);
    const double phi = std::acos(r) / 3.0;
    double e[3] = {m + 2.0 * sp * std::cos(phi), m + 2.0 * sp * std::cos(phi + 2.0943951023931957),
                   m + 2.0 * sp * std::cos(phi + 4.1887902047863905)};
    std::sort(e, e + 3, [](double u, double v) { return std::abs(u) < std::abs(v); });
    out[0] = e[0];
    out[1] = e[1];
    out[2] = e[2];
}

namespace {

// Frangi vesselness of one scale on `image` (already Gaussian-smoothed with
// sigma) at the voxels where `roi` is set (all when null), into `out`.
void scaleVesselness(const FloatImage* g, double sigma, const MaskImage* roi, const VesselnessOptions& o, float* out,
                     const Progress& progress) {
    const auto n = dims(g);
    const auto& sp = g->GetSpacing();
    const float* G = g->GetBufferPointer();
    const auto* inRoi = roi ? roi->GetBufferPointer() : nullptr;
    const double ia2 = 1.0 / (2.0 * o.alpha * o.alpha), ib2 = 1.0 / (2.0 * o.beta * o.beta), ic2 = 1.0 / (2.0 * o.c * o.c);
    const long nx = long(n[0]), ny = long(n[1]), nz = long(n[2]);
    // Scale normalisation (Lindeberg): sigma^2 times the second derivatives.
    const double s2 = sigma * sigma;
    const double hxx = s2 / (sp[0] * sp[0]), hyy = s2 / (sp[1] * sp[1]), hzz = s2 / (sp[2] * sp[2]);
    const double hxy = s2 / (4 * sp[0] * sp[1]), hxz = s2 / (4 * sp[0] * sp[2]), hyz = s2 / (4 * sp[1] * sp[2]);
    parallelFor(0, n[2], [&](size_t kk) {
        progress.checkCancel();
        const long k = long(kk);
        const long km = std::max(0L, k - 1), kp = std::min(nz - 1, k + 1);
        for (long j = 0; j < ny; ++j) {
            const long jm = std::max(0L, j - 1), jp = std::min(ny - 1, j + 1);
            for (long i = 0; i < nx; ++i) {
                const size_t idx = size_t(i + nx * (j + ny * k));
                out[idx] = 0.0f;
                if (inRoi && !inRoi[idx]) continue;
                const long im = std::max(0L, i - 1), ip = std::min(nx - 1, i + 1);
                auto at = [&](long x, long y, long z) { return double(G[size_t(x + nx * (y + ny * z))]); };
                const double c = at(i, j, k);
                const double dxx = (at(ip, j, k) - 2 * c + at(im, j, k)) * hxx;
                const double dyy = (at(i, jp, k) - 2 * c + at(i, jm, k)) * hyy;
                const double dzz = (at(i, j, kp) - 2 * c + at(i, j, km)) * hzz;
                const double dxy = (at(ip, jp, k) - at(ip, jm, k) - at(im, jp, k) + at(im, jm, k)) * hxy;
                const double dxz = (at(ip, j, kp) - at(ip, j, km) - at(im, j, kp) + at(im, j, km)) * hxz;
                const double dyz = (at(i, jp, kp) - at(i, jp, km) - at(i, jm, kp) + at(i, jm, km)) * hyz;
                double e[3];
                symmetricEigenvalues(dxx, dyy, dzz, dxy, dxz, dyz, e);
                // Bright tubes: the two large eigenvalues are negative.
                if (e[1] >= 0 || e[2] >= 0) continue;
                const double l1 = std::abs(e[0]), l2 = std::abs(e[1]), l3 = std::abs(e[2]);
                const double ra2 = (l2 * l2) / (l3 * l3);
                const double rb2 = (l1 * l1) / (l2 * l3);
                const double ss = l1 * l1 + l2 * l2 + l3 * l3;
                out[idx] = static_cast<float>((1.0 - std::exp(-ra2 * ia2)) * std::exp(-rb2 * ib2) * (1.0 - std::exp(-ss * ic2)));
            }
        }
    }, o.threads);
}

} // namespace

VesselnessResult vesselness(const FloatImage* image, const MaskImage* roi, const VesselnessOptions& o,
                            const Progress& progress) {
    if (o.sigmas_mm.empty()) throw Error("vesselness: no scales given");
    const auto n = dims(image);
    const size_t total = n[0] * n[1] * n[2];
    VesselnessResult res;
    res.vesselness = newFloat(image, 0.0f);
    res.bestSigma_mm = newFloat(image, 0.0f);
    float* V = res.vesselness->GetBufferPointer();
    float* S = res.bestSigma_mm->GetBufferPointer();
    const auto* inRoi = roi ? roi->GetBufferPointer() : nullptr;
    const auto& sp = image->GetSpacing();
    const double hMax = std::max({sp[0], sp[1], sp[2]});
    std::vector<float> scale(total);
    for (size_t si = 0; si < o.sigmas_mm.size(); ++si) {
        const double sigma = o.sigmas_mm[si];
        progress.update(double(si) / double(o.sigmas_mm.size()), "vessels: vesselness at " + std::to_string(sigma).substr(0, 4) + " mm");
        // Wide scales on a coarser grid (voxels still < sigma / 1.2): the
        // smoothing and the eigenvalues cost 8-27x less, the answer is smooth.
        const int factor = sigma >= 3.6 * hMax ? 3 : (sigma >= 2.4 * hMax ? 2 : 1);
        if (factor == 1) {
            auto g = gaussianSmooth(image, sigma);
            scaleVesselness(g, sigma, roi, o, scale.data(), progress);
        } else {
            auto coarse = blockDownsample(image, factor * hMax);
            auto g = gaussianSmooth(coarse, sigma);
            std::vector<float> vc(coarse->GetBufferedRegion().GetNumberOfPixels());
            scaleVesselness(g, sigma, nullptr, o, vc.data(), progress);
            const auto nc = dims(coarse);
            parallelFor(0, n[2], [&](size_t k) {
                for (size_t j = 0; j < n[1]; ++j)
                    for (size_t i = 0; i < n[0]; ++i) {
                        const size_t idx = linearIndex(n, i, j, k);
                        if (inRoi && !inRoi[idx]) {
                            scale[idx] = 0.0f;
                            continue;
                        }
                        const Vec3 q = pointToIndex(coarse, indexToPoint(image, {double(i), double(j), double(k)}));
                        scale[idx] = static_cast<float>(sampleLinear(vc.data(), nc, q));
                    }
            }, o.threads);
        }
        for (size_t i = 0; i < total; ++i)
            if (scale[i] > V[i]) {
                V[i] = scale[i];
                S[i] = static_cast<float>(sigma);
            }
    }
    progress.update(1.0, "vessels: vesselness done");
    return res;
}

} // namespace irplan::seg
