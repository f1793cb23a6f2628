#pragma once
// Where each slice view looks from, in patient space (LPS mm), and what the
// letters at its edges say. Radiological convention:
//   axial    seen from the feet: patient Right on the screen's left, Anterior up;
//   coronal  seen from the front: patient Right on the screen's left, Superior up;
//   sagittal seen from the patient's left: Anterior on the screen's left, Superior up.
// Pure geometry: the tests check it without rendering anything.
#include "core/Geometry.h"
#include "render/RenderTypes.h"

#include <string>

namespace irplan::render {

// Unit vectors in LPS: screen right, screen up, and the normal towards the viewer.
struct ViewAxes {
    Vec3 right;
    Vec3 up;
    Vec3 towardsViewer; // right x up
};
// Throws irplan::Error for the 3D view.
ViewAxes sliceAxes(ViewKind view);

// The letters of the patient directions a screen direction (LPS vector) points
// to: one letter when it is within ~22 degrees of an axis ("L"), otherwise the
// two or three dominant ones ("LA"). Used for the labels at the view's edges.
std::string orientationLetters(const Vec3& direction_lps);

struct EdgeLabels {
    std::string left, right, top, bottom;
};
EdgeLabels edgeLabels(const ViewAxes& axes);

// The direction "next slice" goes (mouse wheel forward, arrow up): towards
// Superior (axial), Anterior (coronal) and Right (sagittal), as in 3D Slicer.
Vec3 nextSliceDirection(ViewKind view);

// A plane in patient space with a 2D coordinate frame (u along right, v along up).
struct SlicePlane {
    Vec3 origin; // LPS point with u = v = 0
    Vec3 right;
    Vec3 up;
    Vec3 normal() const { return cross(right, up); }
    Vec3 point(double u, double v) const { return origin + right * u + up * v; }
    double u(const Vec3& p) const { return dot(p - origin, right); }
    double v(const Vec3& p) const { return dot(p - origin, up); }
    double distance(const Vec3& p) const { return dot(p - origin, normal()); }
};
// The plane of `view` through `centre`; u = dot(p, right) and v = dot(p, up) for
// every slice of that view, so the picture does not move while scrolling.
SlicePlane slicePlane(ViewKind view, const Vec3& centre);

} // namespace irplan::render
