#include "render/SliceGeometry.h"

#include "core/Error.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace irplan::render {

ViewAxes sliceAxes(ViewKind view) {
    ViewAxes a;
    switch (view) {
    case ViewKind::Axial: a.right = {1, 0, 0}; a.up = {0, -1, 0}; break;     // L right, A up
    case ViewKind::Coronal: a.right = {1, 0, 0}; a.up = {0, 0, 1}; break;    // L right, S up
    case ViewKind::Sagittal: a.right = {0, 1, 0}; a.up = {0, 0, 1}; break;   // P right, S up
    case ViewKind::PetMip: a.right = {1, 0, 0}; a.up = {0, 0, 1}; break;     // coronal projection
    case ViewKind::ThreeD: throw Error("the 3D view has no slice axes");
    }
    a.towardsViewer = cross(a.right, a.up);
    return a;
}

std::string orientationLetters(const Vec3& d) {
    const Vec3 n = normalized(d);
    // Letters for the positive and negative direction of each LPS axis.
    const char pos[3] = {'L', 'P', 'S'};
    const char neg[3] = {'R', 'A', 'I'};
    std::array<int, 3> order{0, 1, 2};
    std::sort(order.begin(), order.end(), [&](int a, int b) { return std::abs(n[a]) > std::abs(n[b]); });
    std::string letters;
    // cos(22.5 deg) = 0.924: closer than that to one axis -> one letter.
    for (int i : order) {
        const double c = std::abs(n[i]);
        if (letters.empty() || c > 0.383) // sin(22.5 deg): a component that matters
            letters += n[i] >= 0 ? pos[i] : neg[i];
        if (c > 0.924) break;
    }
    return letters;
}

EdgeLabels edgeLabels(const ViewAxes& axes) {
    return {orientationLetters(-axes.right), orientationLetters(axes.right), orientationLetters(axes.up),
            orientationLetters(-axes.up)};
}

Vec3 nextSliceDirection(ViewKind view) {
    switch (view) {
    case ViewKind::Axial: return {0, 0, 1};    // superior
    case ViewKind::Coronal: return {0, -1, 0}; // anterior
    case ViewKind::Sagittal: return {-1, 0, 0}; // right
    default: break;
    }
    throw Error(std::string("the ") + viewName(view) + " view has no slices");
}

SlicePlane slicePlane(ViewKind view, const Vec3& centre) {
    const ViewAxes a = sliceAxes(view);
    // The origin is the LPS origin projected onto the plane, so (u, v) of a point
    // do not change when the crosshair moves within the plane or to another slice.
    return {a.towardsViewer * dot(centre, a.towardsViewer), a.right, a.up};
}

} // namespace irplan::render
