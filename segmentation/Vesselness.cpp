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

VesselnessResult vesselness(const FloatImage* image, const MaskImage* roi, const VesselnessOptions& o,
                            const Progress& progress) {
    if (o.sigmas_mm.empty()) throw Error("vesselness: no scales given");
    const auto n = dims(image);
    VesselnessResult res;
    res.vesselness = newFloat(image, 0.0f);
    res.bestSigma_mm = newFloat(image, 0.0f);
    float* V = res.vesselness->GetBufferPointer();
    float* S = res.bestSigma_mm->GetBufferPointer();
    const auto* inRoi = roi ? roi->GetBufferPointer() : nullptr;
    const auto& sp = image->GetSpacing();
    const double ia2 = 1.0 / (2.0 * o.alpha * o.alpha), ib2 = 1.0 / (2.0 * o.beta * o.beta), ic2 = 1.0 / (2.0 * o.c * o.c);
    const long nx = long(n[0]), ny = long(n[1]), nz = long(n[2]);
    for (size_t si = 0; si < o.sigmas_mm.size(); ++si) {
        const double sigma = o.sigmas_mm[si];
        progress.update(double(si) / double(o.sigmas_mm.size()), "vessels: vesselness at " + std::to_string(sigma).substr(0, 4) + " mm");
        auto g = gaussianSmooth(image, sigma);
        const float* G = g->GetBufferPointer();
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
                    const double v = (1.0 - std::exp(-ra2 * ia2)) * std::exp(-rb2 * ib2) * (1.0 - std::exp(-ss * ic2));
                    if (v > V[idx]) {
                        V[idx] = static_cast<float>(v);
                        S[idx] = static_cast<float>(sigma);
                    }
                }
            }
        }, o.threads);
    }
    progress.update(1.0, "vessels: vesselness done");
    return res;
}

} // namespace irplan::seg
