#pragma once
// Small fixed-size geometry in patient space: DICOM/ITK LPS, millimetres.
// x grows towards the patient's Left, y towards Posterior, z towards Superior.
#include <array>
#include <cmath>
#include <string>

namespace irplan {

struct Vec3 {
    double x = 0, y = 0, z = 0;

    double& operator[](int i) { return i == 0 ? x : (i == 1 ? y : z); }
    double operator[](int i) const { return i == 0 ? x : (i == 1 ? y : z); }
    Vec3 operator+(const Vec3& o) const { return {x + o.x, y + o.y, z + o.z}; }
    Vec3 operator-(const Vec3& o) const { return {x - o.x, y - o.y, z - o.z}; }
    Vec3 operator-() const { return {-x, -y, -z}; }
    Vec3 operator*(double s) const { return {x * s, y * s, z * s}; }
    Vec3 operator/(double s) const { return {x / s, y / s, z / s}; }
    Vec3& operator+=(const Vec3& o) { x += o.x; y += o.y; z += o.z; return *this; }
    Vec3& operator-=(const Vec3& o) { x -= o.x; y -= o.y; z -= o.z; return *this; }
    Vec3& operator*=(double s) { x *= s; y *= s; z *= s; return *this; }
    bool operator==(const Vec3& o) const { return x == o.x && y == o.y && z == o.z; }
    bool operator!=(const Vec3& o) const { return !(*this == o); }
};

inline Vec3 operator*(double s, const Vec3& v) { return v * s; }
inline double dot(const Vec3& a, const Vec3& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
inline Vec3 cross(const Vec3& a, const Vec3& b) {
    return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
inline double norm(const Vec3& v) { return std::sqrt(dot(v, v)); }
inline double distance(const Vec3& a, const Vec3& b) { return norm(a - b); }
inline Vec3 normalized(const Vec3& v) {
    const double n = norm(v);
    return n > 0 ? v / n : Vec3{};
}

// Distance from p to the segment [a, b].
double distanceToSegment(const Vec3& p, const Vec3& a, const Vec3& b);

// Row-major 3x3 matrix.
struct Mat3 {
    std::array<double, 9> m{1, 0, 0, 0, 1, 0, 0, 0, 1};

    double operator()(int r, int c) const { return m[static_cast<size_t>(r * 3 + c)]; }
    double& operator()(int r, int c) { return m[static_cast<size_t>(r * 3 + c)]; }
    Vec3 operator*(const Vec3& v) const {
        return {m[0] * v.x + m[1] * v.y + m[2] * v.z, m[3] * v.x + m[4] * v.y + m[5] * v.z,
                m[6] * v.x + m[7] * v.y + m[8] * v.z};
    }
    Mat3 operator*(const Mat3& o) const;
    Mat3 transposed() const;
    double determinant() const;
    // Throws irplan::Error when singular.
    Mat3 inverse() const;
    Vec3 column(int c) const { return {(*this)(0, c), (*this)(1, c), (*this)(2, c)}; }

    static Mat3 identity() { return Mat3{}; }
    // Rotation about the x, then y, then z axis (applied in that order), radians:
    // R = Rz * Ry * Rx. This is elastix's EulerTransform only with (ComputeZYX "true"); elastix's
    // default (ComputeZYX "false") is R = Rz * Rx * Ry (itk::Euler3DTransform).
    static Mat3 rotationXYZ(double rx, double ry, double rz);
    static Mat3 rotationAxisAngle(const Vec3& axis, double angle_rad);
};

// A 4x4 homogeneous affine transform of points in LPS mm: y = A x + t.
struct Affine {
    Mat3 A;
    Vec3 t;

    Vec3 apply(const Vec3& p) const { return A * p + t; }
    Vec3 applyToVector(const Vec3& v) const { return A * v; }
    Affine operator*(const Affine& o) const { return {A * o.A, A * o.t + t}; } // this after o
    Affine inverse() const;
    // 16 numbers, row-major, last row 0 0 0 1.
    std::array<double, 16> toRowMajor4x4() const;
    static Affine fromRowMajor4x4(const std::array<double, 16>& m);
    static Affine identity() { return Affine{}; }
    static Affine translation(const Vec3& t) { return {Mat3{}, t}; }
    // Rotation about `centre` followed by translation `t`.
    static Affine rigid(const Mat3& R, const Vec3& centre, const Vec3& t);

    // Angle of the rotation part in degrees (assumes A is close to a rotation).
    double rotationAngleDeg() const;
};

std::string toString(const Vec3& v, int precision = 2);
// Parses "x,y,z" (mm); throws irplan::Error with the offending text.
Vec3 parseVec3(const std::string& text);

} // namespace irplan
