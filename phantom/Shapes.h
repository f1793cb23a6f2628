#pragma once
// Signed-distance shapes for the digital phantom (LPS mm; negative inside).
// Distances are exact for spheres, capsules and planes and first-order
// approximations for ellipsoids; the rasteriser only needs them accurate within
// about a voxel of the surface, where they give partial-volume edges.
#include "core/Geometry.h"

#include <functional>
#include <memory>
#include <vector>

namespace irplan::phantom {

struct Box {
    Vec3 lo{1e300, 1e300, 1e300};
    Vec3 hi{-1e300, -1e300, -1e300};
    void add(const Vec3& p) {
        for (int i = 0; i < 3; ++i) {
            lo[i] = std::min(lo[i], p[i]);
            hi[i] = std::max(hi[i], p[i]);
        }
    }
    Box grown(double d) const { return {lo - Vec3{d, d, d}, hi + Vec3{d, d, d}}; }
    bool empty() const { return lo.x > hi.x; }
};

class Shape {
public:
    virtual ~Shape() = default;
    virtual double sdf(const Vec3& p) const = 0;
    virtual Box bounds() const = 0;
};
using ShapePtr = std::shared_ptr<const Shape>;

// Ellipsoid with semi-axes `radii` along the columns of `axes` (a rotation).
ShapePtr ellipsoid(const Vec3& centre, const Vec3& radii, const Mat3& axes = Mat3::identity());
ShapePtr sphere(const Vec3& centre, double radius);
// Elliptic cylinder along z between z0 and z1; semi-axes may vary linearly with z.
ShapePtr ellipticCylinder(const Vec3& centreAtZ0, double z0, double z1, double rx0, double ry0, double rx1,
                          double ry1);
// A tube along a polyline with a radius per point (tapered capsules joined).
ShapePtr tube(std::vector<Vec3> points, std::vector<double> radii);

// Combinations.
ShapePtr smoothUnion(std::vector<ShapePtr> parts, double blend_mm);
ShapePtr intersection(ShapePtr a, ShapePtr b);
ShapePtr subtraction(ShapePtr a, ShapePtr minus);
ShapePtr offset(ShapePtr a, double grow_mm); // sdf - grow
// Adds a smooth bump field (amplitude mm) to a shape's surface.
ShapePtr perturbed(ShapePtr a, double amplitude_mm, double wavelength_mm, unsigned seed);
// A shape defined by a function (bounds given).
ShapePtr custom(std::function<double(const Vec3&)> f, Box bounds);

// Distance from p to the tapered segment a(ra) -> b(rb), minus the local radius.
double taperedCapsuleSdf(const Vec3& p, const Vec3& a, const Vec3& b, double ra, double rb);

} // namespace irplan::phantom
