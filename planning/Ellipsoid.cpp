#include "planning/Ellipsoid.h"

#include <algorithm>
#include <cmath>

namespace irplan::planning {

namespace {
// Root of F(s) = (r0 z0 / (s + r0))^2 + (z1 / (s + 1))^2 - 1 for s > z1 - 1.
// F is convex and decreasing there, so Newton's method started left of the
// root (F(z1 - 1) >= 0) climbs to it monotonically; bisection guards it.
double solveRoot(double r0, double z0, double z1, double g) {
    const double n0 = r0 * z0;
    double lo = z1 - 1, hi = g < 0 ? 0 : std::hypot(n0, z1) - 1;
    double s = lo;
    for (int i = 0; i < 60; ++i) {
        const double a = n0 / (s + r0), b = z1 / (s + 1);
        const double f = a * a + b * b - 1;
        if (f > 0)
            lo = s;
        else if (f < 0)
            hi = s;
        else
            return s;
        const double df = -2 * (a * a / (s + r0) + b * b / (s + 1));
        double next = df < 0 ? s - f / df : 0.5 * (lo + hi);
        if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
        if (std::abs(next - s) <= 1e-12 * (1 + std::abs(s))) return next;
        s = next;
    }
    return s;
}
} // namespace

double distancePointEllipse(double e0, double e1, double y0, double y1, double& x0, double& x1) {
    // Coordinates within rounding of an axis are on it: the root solve below
    // degenerates there (its bracket collapses onto the pole at s = -1).
    if (y0 < 1e-9 * e0) y0 = 0;
    if (y1 < 1e-9 * e1) y1 = 0;
    if (y1 > 0) {
        if (y0 > 0) {
            const double z0 = y0 / e0, z1 = y1 / e1, g = z0 * z0 + z1 * z1 - 1;
            if (g != 0) {
                const double r0 = (e0 / e1) * (e0 / e1);
                const double sbar = solveRoot(r0, z0, z1, g);
                x0 = r0 * y0 / (sbar + r0);
                x1 = y1 / (sbar + 1);
                return std::hypot(x0 - y0, x1 - y1);
            }
            x0 = y0;
            x1 = y1;
            return 0;
        }
        x0 = 0;
        x1 = e1;
        return std::abs(y1 - e1);
    }
    const double numer0 = e0 * y0, denom0 = e0 * e0 - e1 * e1;
    if (numer0 < denom0) {
        const double xde0 = numer0 / denom0;
        x0 = e0 * xde0;
        x1 = e1 * std::sqrt(std::max(0.0, 1 - xde0 * xde0));
        return std::hypot(x0 - y0, x1);
    }
    x0 = e0;
    x1 = 0;
    return std::abs(y0 - e0);
}

double Ellipsoid::rho(const Vec3& p) const {
    const Vec3 d = p - centre_mm;
    const double along = dot(d, axis);
    const Vec3 perp = d - axis * along;
    const double a = along / semiLength_mm;
    return std::sqrt(a * a + dot(perp, perp) / (semiWidth_mm * semiWidth_mm));
}

void Ellipsoid::bounds(Vec3& lo, Vec3& hi) const {
    // Extent of an ellipsoid of revolution along each LPS axis e_i:
    // sqrt(a^2 (u.e)^2 + b^2 (1 - (u.e)^2)).
    for (int i = 0; i < 3; ++i) {
        const double c = axis[i];
        const double h = std::sqrt(semiLength_mm * semiLength_mm * c * c + semiWidth_mm * semiWidth_mm * (1 - c * c));
        lo[i] = centre_mm[i] - h;
        hi[i] = centre_mm[i] + h;
    }
}

double Ellipsoid::signedDistance(const Vec3& p, Vec3* closest) const {
    const Vec3 d = p - centre_mm;
    const double along = dot(d, axis);
    const Vec3 perpV = d - axis * along;
    const double perp = norm(perpV);
    // The plane through the axis and p: coordinates (|along|, perp).
    const double ya = std::abs(along);
    double xa = 0, xp = 0, dist = 0;
    if (semiLength_mm >= semiWidth_mm)
        dist = distancePointEllipse(semiLength_mm, semiWidth_mm, ya, perp, xa, xp);
    else
        dist = distancePointEllipse(semiWidth_mm, semiLength_mm, perp, ya, xp, xa);
    if (closest) {
        // On the axis any direction across it leads to the nearest surface point.
        Vec3 across = perp > 1e-9 * semiWidth_mm ? perpV / perp : cross(axis, Vec3{1, 0, 0});
        if (norm(across) < 0.5) across = cross(axis, Vec3{0, 1, 0});
        across = normalized(across);
        *closest = centre_mm + axis * (along < 0 ? -xa : xa) + across * xp;
    }
    return rho(p) < 1.0 ? dist : -dist;
}

} // namespace irplan::planning
