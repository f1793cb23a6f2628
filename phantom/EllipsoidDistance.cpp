#include "phantom/EllipsoidDistance.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace irplan::phantom {

double EllipsoidGeometry::volume_ml() const {
    return 4.0 / 3.0 * M_PI * semiAxes.x * semiAxes.y * semiAxes.z / 1000.0;
}

double ellipsoidSignedDistance(const EllipsoidGeometry& e, const Vec3& p, Vec3* closest) {
    const Vec3 q = e.toLocal(p);
    // Work in the first octant (the ellipsoid is symmetric); signs restored at the end.
    std::array<double, 3> a{e.semiAxes.x, e.semiAxes.y, e.semiAxes.z};
    std::array<double, 3> y{std::abs(q.x), std::abs(q.y), std::abs(q.z)};
    const double inside = (y[0] / a[0]) * (y[0] / a[0]) + (y[1] / a[1]) * (y[1] / a[1]) + (y[2] / a[2]) * (y[2] / a[2]);
    size_t m = 0; // index of the smallest semi-axis
    for (size_t i = 1; i < 3; ++i)
        if (a[i] < a[m]) m = i;
    const double amin2 = a[m] * a[m];
    auto F = [&](double t) {
        double s = 0;
        for (size_t i = 0; i < 3; ++i) {
            const double r = a[i] * y[i] / (a[i] * a[i] + t);
            s += r * r;
        }
        return s - 1.0;
    };
    std::array<double, 3> x{};
    const double ynorm = std::sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
    const double amax = std::max({a[0], a[1], a[2]});
    // Degenerate case: a point inside on the plane of the smallest axis whose
    // nearest surface point is off that plane (F has no root left of 0).
    const double tLow = -amin2;
    const double probe = tLow + 1e-12 * amin2;
    if (inside < 1.0 && y[m] < 1e-12 * a[m] && F(probe) < 0) {
        double sum = 0;
        for (size_t i = 0; i < 3; ++i) {
            if (i == m) continue;
            const double d = a[i] * a[i] - amin2;
            x[i] = d > 1e-12 ? a[i] * a[i] * y[i] / d : 0.0;
            sum += (x[i] / a[i]) * (x[i] / a[i]);
        }
        x[m] = a[m] * std::sqrt(std::max(0.0, 1.0 - sum));
    } else {
        // Root bracket: F(lo) >= 0 >= F(hi).
        double lo = inside < 1.0 ? tLow : 0.0;
        double hi = inside < 1.0 ? 0.0 : amax * ynorm + amax * amax;
        double t = 0.5 * (lo + hi);
        for (int it = 0; it < 200; ++it) {
            const double f = F(t);
            if (f > 0)
                lo = t;
            else
                hi = t;
            // Newton step, kept inside the bracket.
            double df = 0;
            for (size_t i = 0; i < 3; ++i) {
                const double d = a[i] * a[i] + t;
                df += -2.0 * (a[i] * y[i]) * (a[i] * y[i]) / (d * d * d);
            }
            double tn = df < 0 ? t - f / df : 0.5 * (lo + hi);
            if (!(tn > lo && tn < hi)) tn = 0.5 * (lo + hi);
            if (std::abs(tn - t) <= 1e-14 * std::max(1.0, std::abs(t)) ||
                hi - lo <= 1e-14 * std::max(1.0, std::abs(t))) {
                t = tn;
                break;
            }
            t = tn;
        }
        for (size_t i = 0; i < 3; ++i)
            x[i] = a[i] * a[i] * y[i] / (a[i] * a[i] + t);
    }
    const double d =
        std::sqrt((x[0] - y[0]) * (x[0] - y[0]) + (x[1] - y[1]) * (x[1] - y[1]) + (x[2] - y[2]) * (x[2] - y[2]));
    if (closest) {
        const Vec3 local{std::copysign(x[0], q.x), std::copysign(x[1], q.y), std::copysign(x[2], q.z)};
        *closest = e.toWorld(local);
    }
    return inside < 1.0 ? -d : d;
}

} // namespace irplan::phantom
