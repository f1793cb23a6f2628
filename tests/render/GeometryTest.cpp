// Slice geometry, orientation letters, grids and colour maps: the rules that make
// a wrong patient orientation impossible, checked without rendering.
#include "core/Error.h"
#include "render/Colormaps.h"
#include "render/SliceGeometry.h"
#include "render/VolumeSampler.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace irplan;
using namespace irplan::render;

TEST(SliceGeometry, RadiologicalEdgeLetters) {
    // Axial from the feet: patient Right on the screen's left, Anterior up.
    EdgeLabels a = edgeLabels(sliceAxes(ViewKind::Axial));
    EXPECT_EQ(a.left, "R");
    EXPECT_EQ(a.right, "L");
    EXPECT_EQ(a.top, "A");
    EXPECT_EQ(a.bottom, "P");
    EdgeLabels c = edgeLabels(sliceAxes(ViewKind::Coronal));
    EXPECT_EQ(c.left, "R");
    EXPECT_EQ(c.right, "L");
    EXPECT_EQ(c.top, "S");
    EXPECT_EQ(c.bottom, "I");
    // Sagittal from the patient's left: Anterior on the screen's left.
    EdgeLabels s = edgeLabels(sliceAxes(ViewKind::Sagittal));
    EXPECT_EQ(s.left, "A");
    EXPECT_EQ(s.right, "P");
    EXPECT_EQ(s.top, "S");
    EXPECT_EQ(s.bottom, "I");
    EXPECT_THROW(sliceAxes(ViewKind::ThreeD), Error);
}

TEST(SliceGeometry, AxesAreRightHandedAndFaceTheViewer) {
    for (ViewKind v : {ViewKind::Axial, ViewKind::Coronal, ViewKind::Sagittal}) {
        const ViewAxes a = sliceAxes(v);
        EXPECT_NEAR(dot(a.right, a.up), 0.0, 1e-12);
        EXPECT_NEAR(norm(a.towardsViewer), 1.0, 1e-12);
    }
    // Axial is seen from the feet: the viewer is inferior (-z).
    EXPECT_NEAR(sliceAxes(ViewKind::Axial).towardsViewer.z, -1.0, 1e-12);
    // Coronal from the front: the viewer is anterior (-y).
    EXPECT_NEAR(sliceAxes(ViewKind::Coronal).towardsViewer.y, -1.0, 1e-12);
    // Sagittal from the patient's left (+x).
    EXPECT_NEAR(sliceAxes(ViewKind::Sagittal).towardsViewer.x, 1.0, 1e-12);
}

TEST(SliceGeometry, ObliqueLetters) {
    EXPECT_EQ(orientationLetters({1, 1, 0}), "LP");
    EXPECT_EQ(orientationLetters({-1, 0.3, 0}), "R"); // 17 degrees off the axis
    EXPECT_EQ(orientationLetters({-1, -0.6, 0}), "RA");
    EXPECT_EQ(orientationLetters({0, 0, -2}), "I");
}

TEST(SliceGeometry, NextSliceFollowsSlicer) {
    EXPECT_EQ(nextSliceDirection(ViewKind::Axial).z, 1.0);     // superior
    EXPECT_EQ(nextSliceDirection(ViewKind::Coronal).y, -1.0);  // anterior
    EXPECT_EQ(nextSliceDirection(ViewKind::Sagittal).x, -1.0); // right
}

TEST(SliceGeometry, PlaneCoordinatesDoNotMoveWithTheCrosshair) {
    const SlicePlane a = slicePlane(ViewKind::Axial, {10, 20, 30});
    const SlicePlane b = slicePlane(ViewKind::Axial, {-50, 7, 30});
    const Vec3 p{3, 4, 30};
    EXPECT_DOUBLE_EQ(a.u(p), b.u(p));
    EXPECT_DOUBLE_EQ(a.v(p), b.v(p));
    EXPECT_NEAR(a.distance({0, 0, 35}), -5.0, 1e-12); // 5 mm superior = away from the viewer (feet)
    const Vec3 q = a.point(a.u(p), a.v(p));
    EXPECT_NEAR(distance(p, q), 0.0, 1e-12);
}

TEST(GridGeometry, ObliqueRoundTripAndSliceStep) {
    GridGeometry g;
    g.size = {10, 20, 30};
    g.spacing = {0.8, 0.8, 2.0};
    g.origin = {-100, 50, 12};
    g.direction = Mat3::rotationAxisAngle({0, 0, 1}, M_PI / 4);
    const Vec3 idx{3.25, 7.5, 11};
    const Vec3 back = g.continuousIndex(g.point(idx));
    EXPECT_NEAR(back.x, idx.x, 1e-9);
    EXPECT_NEAR(back.y, idx.y, 1e-9);
    EXPECT_NEAR(back.z, idx.z, 1e-9);
    EXPECT_NEAR(g.stepAlong({0, 0, 1}), 2.0, 1e-12);
    // 45 degrees to both in-plane axes: the next voxel plane is 0.8 / cos45 away.
    EXPECT_NEAR(g.stepAlong({1, 0, 0}), 0.8 / std::cos(M_PI / 4), 1e-9);
}

TEST(Colormaps, EndsAndLabels) {
    EXPECT_FLOAT_EQ(colormap(Colormap::Hot, 0).r, 0);
    EXPECT_FLOAT_EQ(colormap(Colormap::Hot, 1).b, 1);
    EXPECT_FLOAT_EQ(colormap(Colormap::InvertedGray, 0).g, 1);
    EXPECT_FLOAT_EQ(colormap(Colormap::Gray, 2).r, 1); // clamped
    const auto t = colormapTable(Colormap::Rainbow);
    EXPECT_EQ(t[255][0], 255); // red at the top
    EXPECT_EQ(t[0][2], 128);   // dark blue at the bottom
    // Lesions stand out: saturated, not the liver's colour.
    EXPECT_NE(labelColour(101).g, labelColour(1).g);
}

TEST(RenderTypes, NamesRoundTrip) {
    for (ViewKind v : {ViewKind::Axial, ViewKind::Coronal, ViewKind::Sagittal, ViewKind::ThreeD, ViewKind::PetMip})
        EXPECT_EQ(viewFromName(viewName(v)), v);
    for (Layout l : {Layout::One, Layout::TwoByTwo, Layout::OnePlusThree}) EXPECT_EQ(layoutFromName(layoutName(l)), l);
    EXPECT_EQ(colormapFromName("iron"), Colormap::Hot);
    EXPECT_FALSE(windowPreset("brain").has_value());
    EXPECT_EQ(windowPreset("liver")->width, 150);
}
