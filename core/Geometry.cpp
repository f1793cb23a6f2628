#include "core/Geometry.h"

#include "core/Error.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace irplan {

double distanceToSegment(const Vec3& p, const Vec3& a, const Vec3& b) {
    const Vec3 ab = b - a;
    const double len2 = dot(ab, ab);
    if (len2 <= 0) return distance(p, a);
    const double t = std::clamp(dot(p - a, ab) / len2, 0.0, 1.0);
    return distance(p, a + ab * t);
}

Mat3 Mat3::operator*(const Mat3& o) const {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) {
            double s = 0;
            for (int k = 0; k < 3; ++k) s += (*this)(i, k) * o(k, j);
            r(i, j) = s;
        }
    return r;
}

Mat3 Mat3::transposed() const {
    Mat3 r;
    for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j) r(i, j) = (*this)(j, i);
    return r;
}

double Mat3::determinant() const {
    const auto& a = m;
    return a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) +
           a[2] * (a[3] * a[7] - a[4] * a[6]);
}

Mat3 Mat3::inverse() const {
    const double d = determinant();
    if (std::abs(d) < 1e-12) throw Error("matrix is singular and cannot be inverted");
    const auto& a = m;
    Mat3 r;
    r.m = {(a[4] * a[8] - a[5] * a[7]) / d, (a[2] * a[7] - a[1] * a[8]) / d,
           (a[1] * a[5] - a[2] * a[4]) / d, (a[5] * a[6] - a[3] * a[8]) / d,
           (a[0] * a[8] - a[2] * a[6]) / d, (a[2] * a[3] - a[0] * a[5]) / d,
           (a[3] * a[7] - a[4] * a[6]) / d, (a[1] * a[6] - a[0] * a[7]) / d,
           (a[0] * a[4] - a[1] * a[3]) / d};
    return r;
}

Mat3 Mat3::rotationXYZ(double rx, double ry, double rz) {
    const double cx = std::cos(rx), sx = std::sin(rx);
    const double cy = std::cos(ry), sy = std::sin(ry);
    const double cz = std::cos(rz), sz = std::sin(rz);
    Mat3 X, Y, Z;
    X.m = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
    Y.m = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
    Z.m = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
    return Z * Y * X;
}

Mat3 Mat3::rotationAxisAngle(const Vec3& axis, double angle) {
    const Vec3 u = normalized(axis);
    const double c = std::cos(angle), s = std::sin(angle), C = 1 - c;
    Mat3 r;
    r.m = {c + u.x * u.x * C,       u.x * u.y * C - u.z * s, u.x * u.z * C + u.y * s,
           u.y * u.x * C + u.z * s, c + u.y * u.y * C,       u.y * u.z * C - u.x * s,
           u.z * u.x * C - u.y * s, u.z * u.y * C + u.x * s, c + u.z * u.z * C};
    return r;
}

Affine Affine::inverse() const {
    const Mat3 Ai = A.inverse();
    return {Ai, -(Ai * t)};
}

std::array<double, 16> Affine::toRowMajor4x4() const {
    return {A(0, 0), A(0, 1), A(0, 2), t.x, A(1, 0), A(1, 1), A(1, 2), t.y,
            A(2, 0), A(2, 1), A(2, 2), t.z, 0,       0,       0,       1};
}

Affine Affine::fromRowMajor4x4(const std::array<double, 16>& m) {
    if (std::abs(m[12]) > 1e-9 || std::abs(m[13]) > 1e-9 || std::abs(m[14]) > 1e-9 ||
        std::abs(m[15] - 1) > 1e-9)
        throw Error("a 4x4 affine matrix must end with the row 0 0 0 1");
    Affine a;
    a.A.m = {m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]};
    a.t = {m[3], m[7], m[11]};
    return a;
}

Affine Affine::rigid(const Mat3& R, const Vec3& centre, const Vec3& t) {
    // y = R (x - c) + c + t
    return {R, centre - R * centre + t};
}

double Affine::rotationAngleDeg() const {
    const double tr = A(0, 0) + A(1, 1) + A(2, 2);
    const double c = std::clamp((tr - 1.0) / 2.0, -1.0, 1.0);
    return std::acos(c) * 180.0 / 3.14159265358979323846;
}

std::string toString(const Vec3& v, int precision) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "(%.*f, %.*f, %.*f)", precision, v.x, precision, v.y, precision,
                  v.z);
    return buf;
}

Vec3 parseVec3(const std::string& text) {
    std::string s = text;
    std::replace(s.begin(), s.end(), ',', ' ');
    std::istringstream in(s);
    Vec3 v;
    std::string rest;
    if (!(in >> v.x >> v.y >> v.z) || (in >> rest) || !std::isfinite(v.x) || !std::isfinite(v.y) ||
        !std::isfinite(v.z))
        throw Error("expected a point as x,y,z in millimetres, got '" + text + "'");
    return v;
}

} // namespace irplan
