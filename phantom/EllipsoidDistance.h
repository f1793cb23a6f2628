#pragma once
// Exact Euclidean signed distance from a point to an ellipsoid's surface
// (negative inside), for the ground truth of margins and shells. The closest
// point solves x_i = a_i^2 y_i / (a_i^2 + t) with t the root of
// F(t) = sum (a_i y_i / (a_i^2 + t))^2 - 1, which is monotone on
// t > -min(a_i)^2, so a safeguarded Newton iteration finds it to machine
// precision (Eberly, "Distance from a point to an ellipse, an ellipsoid, or a
// hyperellipsoid", Geometric Tools 2013).
#include "core/Geometry.h"

namespace irplan::phantom {

struct EllipsoidGeometry {
    Vec3 centre;
    Vec3 semiAxes; // mm, > 0
    Mat3 axes;     // columns: directions of the semi-axes (a rotation)

    Vec3 toLocal(const Vec3& p) const {
        const Vec3 d = p - centre;
        return {axes(0, 0) * d.x + axes(1, 0) * d.y + axes(2, 0) * d.z,
                axes(0, 1) * d.x + axes(1, 1) * d.y + axes(2, 1) * d.z,
                axes(0, 2) * d.x + axes(1, 2) * d.y + axes(2, 2) * d.z};
    }
    Vec3 toWorld(const Vec3& q) const { return centre + axes * q; }
    // The surface point at unit direction u of the ellipsoid's own frame (scaled sphere).
    Vec3 surfacePoint(const Vec3& unit) const {
        return toWorld({semiAxes.x * unit.x, semiAxes.y * unit.y, semiAxes.z * unit.z});
    }
    double volume_ml() const;
};

// Signed distance (mm, negative inside) and, optionally, the closest surface point.
double ellipsoidSignedDistance(const EllipsoidGeometry& e, const Vec3& p, Vec3* closest = nullptr);

} // namespace irplan::phantom
