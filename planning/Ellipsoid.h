#pragma once
// A charted ablation zone: an ellipsoid of revolution about the applicator
// axis, with the exact signed distance of a point to its surface (reduced to
// the point-to-ellipse problem in the plane through the axis and solved by
// bisection on the root of the normal-line equation, after D. Eberly,
// "Distance from a point to an ellipse, an ellipsoid, or a hyperellipsoid").
#include "core/Geometry.h"

namespace irplan::planning {

struct Ellipsoid {
    Vec3 centre_mm;
    Vec3 axis;                // unit, along the applicator (tip -> entry)
    double semiLength_mm = 0; // along axis
    double semiWidth_mm = 0;  // across
    // Normalised radius: < 1 inside, 1 on the surface.
    double rho(const Vec3& p) const;
    void bounds(Vec3& lo, Vec3& hi) const;
    // Signed distance to the surface (positive inside); `closest` receives the surface point.
    double signedDistance(const Vec3& p, Vec3* closest = nullptr) const;
};

// Distance from (y0, y1), both >= 0, to the ellipse x0^2/e0^2 + x1^2/e1^2 = 1
// with e0 >= e1 > 0; (x0, x1) receives the closest point (first quadrant).
double distancePointEllipse(double e0, double e1, double y0, double y1, double& x0, double& x1);

} // namespace irplan::planning
