#include "core/Error.h"
#include "core/Geometry.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace irplan;

TEST(Geometry, RigidTransformInverseAndMatrixRoundTrip) {
    const Mat3 R = Mat3::rotationXYZ(0.1, -0.2, 0.3);
    EXPECT_NEAR(R.determinant(), 1.0, 1e-12);
    const Affine a = Affine::rigid(R, {10, 20, 30}, {1, -2, 3});
    const Vec3 p{5, -7, 11};
    const Vec3 back = a.inverse().apply(a.apply(p));
    EXPECT_NEAR(distance(back, p), 0.0, 1e-9);
    const Affine b = Affine::fromRowMajor4x4(a.toRowMajor4x4());
    EXPECT_NEAR(distance(b.apply(p), a.apply(p)), 0.0, 1e-12);
    // The centre of rotation maps to itself plus the translation.
    EXPECT_NEAR(distance(a.apply({10, 20, 30}), Vec3{11, 18, 33}), 0.0, 1e-9);
}

TEST(Geometry, RotationAngleAndAxisAngleAgree) {
    const Affine a{Mat3::rotationAxisAngle({1, 1, 0}, 12.5 * M_PI / 180.0), {}};
    EXPECT_NEAR(a.rotationAngleDeg(), 12.5, 1e-9);
    // Rz(90) maps x to y.
    const Vec3 y = Mat3::rotationXYZ(0, 0, M_PI / 2) * Vec3{1, 0, 0};
    EXPECT_NEAR(distance(y, Vec3{0, 1, 0}), 0.0, 1e-12);
}

TEST(Geometry, SegmentDistance) {
    EXPECT_DOUBLE_EQ(distanceToSegment({0, 3, 0}, {-1, 0, 0}, {1, 0, 0}), 3.0);
    EXPECT_DOUBLE_EQ(distanceToSegment({4, 0, 0}, {-1, 0, 0}, {1, 0, 0}), 3.0);
}

TEST(Geometry, ParseVec3) {
    const Vec3 v = parseVec3("1.5,-2,3e1");
    EXPECT_EQ(v, (Vec3{1.5, -2, 30}));
    EXPECT_THROW(parseVec3("1,2"), Error);
    EXPECT_THROW(parseVec3("1,2,3,4"), Error);
    EXPECT_THROW(parseVec3("a,b,c"), Error);
    EXPECT_THROW(parseVec3("nan,1,2"), Error);
}

TEST(Geometry, SingularMatrixThrows) {
    Mat3 m;
    m.m = {1, 2, 3, 2, 4, 6, 0, 0, 1};
    EXPECT_THROW(m.inverse(), Error);
}
