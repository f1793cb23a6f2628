#include "planning/GridGeometry.h"

#include <algorithm>
#include <cmath>

namespace irplan::planning {

Box Box::grown(int n) const {
    Box b = *this;
    for (size_t a = 0; a < 3; ++a) {
        b.lo[a] -= n;
        b.hi[a] += n;
    }
    return b;
}

Box Box::intersected(const Box& o) const {
    Box b;
    for (size_t a = 0; a < 3; ++a) {
        b.lo[a] = std::max(lo[a], o.lo[a]);
        b.hi[a] = std::min(hi[a], o.hi[a]);
    }
    return b;
}

Box Box::united(const Box& o) const {
    if (empty()) return o;
    if (o.empty()) return *this;
    Box b;
    for (size_t a = 0; a < 3; ++a) {
        b.lo[a] = std::min(lo[a], o.lo[a]);
        b.hi[a] = std::max(hi[a], o.hi[a]);
    }
    return b;
}

Vec3 GridGeometry::index(const Vec3& p) const {
    const Vec3 q = direction.transposed() * (p - origin);
    return {q.x / spacing.x, q.y / spacing.y, q.z / spacing.z};
}

std::array<int, 3> GridGeometry::nearest(const Vec3& p) const {
    // floor(x + 0.5): ties go the same way on both sides of zero.
    const Vec3 c = index(p);
    return {static_cast<int>(std::floor(c.x + 0.5)), static_cast<int>(std::floor(c.y + 0.5)),
            static_cast<int>(std::floor(c.z + 0.5))};
}

Box GridGeometry::boxAround(const Vec3& lo_mm, const Vec3& hi_mm) const {
    Vec3 mn{1e300, 1e300, 1e300}, mx{-1e300, -1e300, -1e300};
    for (int c = 0; c < 8; ++c) {
        const Vec3 corner{(c & 1) ? hi_mm.x : lo_mm.x, (c & 2) ? hi_mm.y : lo_mm.y, (c & 4) ? hi_mm.z : lo_mm.z};
        const Vec3 q = index(corner);
        for (int a = 0; a < 3; ++a) {
            mn[a] = std::min(mn[a], q[a]);
            mx[a] = std::max(mx[a], q[a]);
        }
    }
    Box b;
    for (int a = 0; a < 3; ++a) {
        b.lo[static_cast<size_t>(a)] = static_cast<int>(std::ceil(mn[a] - 1e-9));
        b.hi[static_cast<size_t>(a)] = static_cast<int>(std::floor(mx[a] + 1e-9)) + 1;
    }
    return b;
}

GridGeometry GridGeometry::sub(const Box& b) const {
    GridGeometry g = *this;
    g.origin = point(b.lo[0], b.lo[1], b.lo[2]);
    for (size_t a = 0; a < 3; ++a)
        g.size[a] = std::max(0, b.hi[a] - b.lo[a]);
    return g;
}

bool GridGeometry::sameLattice(const GridGeometry& o, double tol) const {
    for (int a = 0; a < 3; ++a)
        if (std::abs(spacing[a] - o.spacing[a]) > tol) return false;
    for (size_t i = 0; i < 9; ++i)
        if (std::abs(direction.m[i] - o.direction.m[i]) > tol) return false;
    const Vec3 q = index(o.origin);
    for (int a = 0; a < 3; ++a)
        if (std::abs(q[a] - std::round(q[a])) > tol) return false;
    return true;
}

bool GridGeometry::operator==(const GridGeometry& o) const {
    return size == o.size && sameLattice(o, 1e-6) && distance(origin, o.origin) < 1e-6;
}

GridGeometry gridCovering(const Vec3& lo, const Vec3& hi, double pad_mm, double spacing_mm, const Mat3& frame) {
    // Express the LPS box corners in the frame, pad, and lay the lattice there.
    Vec3 mn{1e300, 1e300, 1e300}, mx{-1e300, -1e300, -1e300};
    const Mat3 ft = frame.transposed();
    for (int c = 0; c < 8; ++c) {
        const Vec3 corner{(c & 1) ? hi.x : lo.x, (c & 2) ? hi.y : lo.y, (c & 4) ? hi.z : lo.z};
        const Vec3 q = ft * corner;
        for (int a = 0; a < 3; ++a) {
            mn[a] = std::min(mn[a], q[a]);
            mx[a] = std::max(mx[a], q[a]);
        }
    }
    GridGeometry g;
    g.spacing = {spacing_mm, spacing_mm, spacing_mm};
    g.direction = frame;
    Vec3 start;
    for (int a = 0; a < 3; ++a) {
        const double from = mn[a] - pad_mm, to = mx[a] + pad_mm;
        const int n = static_cast<int>(std::ceil((to - from) / spacing_mm)) + 1;
        g.size[static_cast<size_t>(a)] = n;
        start[a] = 0.5 * (from + to) - 0.5 * (n - 1) * spacing_mm; // centred on the box
    }
    g.origin = frame * start;
    return g;
}

} // namespace irplan::planning
