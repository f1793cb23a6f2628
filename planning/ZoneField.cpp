#include "planning/ZoneField.h"

#include "core/Error.h"
#include "planning/ChartZone.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace irplan::planning {

double ZoneField::sample(const Vec3& p) const {
    if (value.empty()) return -std::numeric_limits<double>::infinity();
    const Vec3 c = lattice.index(p);
    const int i0 = static_cast<int>(std::floor(c.x)), j0 = static_cast<int>(std::floor(c.y)),
              k0 = static_cast<int>(std::floor(c.z));
    const double fx = c.x - i0, fy = c.y - j0, fz = c.z - k0;
    double s = 0;
    for (int dz = 0; dz < 2; ++dz)
        for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) {
                const float v = at(i0 + dx, j0 + dy, k0 + dz);
                if (!std::isfinite(v)) return -std::numeric_limits<double>::infinity();
                s += (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz) * v;
            }
    return s;
}

size_t ZoneField::insideCount() const {
    return static_cast<size_t>(std::count_if(value.begin(), value.end(), [](float v) { return v >= 0.0f; }));
}

std::vector<Vec3> ZoneField::boundaryPoints() const {
    std::vector<Vec3> pts;
    if (value.empty()) return pts;
    const int nx = box.size(0), ny = box.size(1), nz = box.size(2);
    const Vec3 steps[3] = {lattice.step(0), lattice.step(1), lattice.step(2)};
    const size_t strides[3] = {1, static_cast<size_t>(nx), static_cast<size_t>(nx) * static_cast<size_t>(ny)};
    pts.reserve(4096);
    for (int k = 0; k < nz; ++k)
        for (int j = 0; j < ny; ++j) {
            size_t o = box.offset(box.lo[0], box.lo[1] + j, box.lo[2] + k);
            for (int i = 0; i < nx; ++i, ++o) {
                const float v = value[o];
                const bool in = v >= 0.0f;
                const int idx[3] = {i, j, k};
                const int n[3] = {nx, ny, nz};
                Vec3 p;
                bool havePoint = false;
                for (int a = 0; a < 3; ++a) {
                    // The face towards +a; at the box border the outside is "not ablated".
                    if (idx[a] + 1 < n[a]) {
                        const float w = value[o + strides[a]];
                        if ((w >= 0.0f) == in) continue;
                        if (!havePoint)
                            p = lattice.point(box.lo[0] + i, box.lo[1] + j, box.lo[2] + k), havePoint = true;
                        const double t = static_cast<double>(v) / (static_cast<double>(v) - static_cast<double>(w));
                        pts.push_back(p + steps[a] * std::clamp(t, 0.0, 1.0));
                    } else if (in) {
                        if (!havePoint)
                            p = lattice.point(box.lo[0] + i, box.lo[1] + j, box.lo[2] + k), havePoint = true;
                        pts.push_back(p + steps[a] * 0.5);
                    }
                    // The face towards -a at the low border.
                    if (idx[a] == 0 && in) {
                        if (!havePoint)
                            p = lattice.point(box.lo[0] + i, box.lo[1] + j, box.lo[2] + k), havePoint = true;
                        pts.push_back(p - steps[a] * 0.5);
                    }
                }
            }
        }
    return pts;
}

BoundaryIndex::BoundaryIndex(std::vector<Vec3> points, double cell_mm) : cell_(cell_mm) {
    if (points.empty()) return;
    Vec3 lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
    for (const auto& p : points)
        for (int a = 0; a < 3; ++a) {
            lo[a] = std::min(lo[a], p[a]);
            hi[a] = std::max(hi[a], p[a]);
        }
    origin_ = lo;
    for (size_t a = 0; a < 3; ++a)
        cells_[a] =
            std::max(1, static_cast<int>(std::floor((hi[static_cast<int>(a)] - lo[static_cast<int>(a)]) / cell_)) + 1);
    const size_t nCells =
        static_cast<size_t>(cells_[0]) * static_cast<size_t>(cells_[1]) * static_cast<size_t>(cells_[2]);
    std::vector<unsigned> cellOf(points.size());
    std::vector<unsigned> count(nCells + 1, 0);
    for (size_t n = 0; n < points.size(); ++n) {
        int c[3];
        for (int a = 0; a < 3; ++a)
            c[a] = std::clamp(static_cast<int>((points[n][a] - origin_[a]) / cell_), 0,
                              cells_[static_cast<size_t>(a)] - 1);
        cellOf[n] = static_cast<unsigned>(cellIndex(c[0], c[1], c[2]));
        ++count[cellOf[n] + 1];
    }
    std::partial_sum(count.begin(), count.end(), count.begin());
    cellStart_ = count;
    points_.resize(points.size());
    std::vector<unsigned> fill(count.begin(), count.end() - 1);
    for (size_t n = 0; n < points.size(); ++n)
        points_[fill[cellOf[n]]++] = points[n];
}

double BoundaryIndex::nearest(const Vec3& q, Vec3* closest) const {
    if (points_.empty()) return std::numeric_limits<double>::infinity();
    int c[3];
    for (int a = 0; a < 3; ++a)
        c[a] = std::clamp(static_cast<int>(std::floor((q[a] - origin_[a]) / cell_)), 0,
                          cells_[static_cast<size_t>(a)] - 1);
    double best2 = std::numeric_limits<double>::infinity();
    const Vec3* bestP = nullptr;
    const int maxRing = std::max({cells_[0], cells_[1], cells_[2]});
    for (int r = 0; r <= maxRing; ++r) {
        const int k0 = std::max(0, c[2] - r), k1 = std::min(cells_[2] - 1, c[2] + r);
        const int j0 = std::max(0, c[1] - r), j1 = std::min(cells_[1] - 1, c[1] + r);
        const int i0 = std::max(0, c[0] - r), i1 = std::min(cells_[0] - 1, c[0] + r);
        auto visit = [&](int i, int j, int k) {
            const size_t cell = cellIndex(i, j, k);
            for (unsigned n = cellStart_[cell]; n < cellStart_[cell + 1]; ++n) {
                const Vec3 d = points_[n] - q;
                const double d2 = dot(d, d);
                if (d2 < best2) {
                    best2 = d2;
                    bestP = &points_[n];
                }
            }
        };
        for (int k = k0; k <= k1; ++k)
            for (int j = j0; j <= j1; ++j) {
                if (r == 0 || std::abs(k - c[2]) == r || std::abs(j - c[1]) == r) {
                    for (int i = i0; i <= i1; ++i)
                        visit(i, j, k);
                } else {
                    // Inside the ring's cross-section only the cells at c0 -+ r are new.
                    if (c[0] - r >= 0) visit(c[0] - r, j, k);
                    if (c[0] + r < cells_[0]) visit(c[0] + r, j, k);
                }
            }
        // Anything in ring r+1 or beyond is at least r cells away.
        const double bound = r * cell_;
        if (best2 <= bound * bound) break;
    }
    if (closest && bestP) *closest = *bestP;
    return std::sqrt(best2);
}

Zone Zone::fromEllipsoids(std::vector<Ellipsoid> e, const GridGeometry& lattice) {
    Zone z = fromField(chartZoneField(e, lattice));
    z.ellipsoids = std::move(e);
    return z;
}

Zone Zone::fromField(ZoneField f) {
    Zone z;
    z.boundary = BoundaryIndex(f.boundaryPoints());
    z.field = std::move(f);
    return z;
}

double Zone::signedDistance(const Vec3& p, Vec3* closest) const {
    if (boundary.empty()) return -std::numeric_limits<double>::infinity();
    if (!ellipsoids.empty()) {
        // Outside every ellipsoid: the nearest surface is the union's.
        // Inside: the deepest containing ellipsoid's nearest surface point is
        // on the union's boundary unless another ellipsoid covers it.
        double best = -std::numeric_limits<double>::infinity();
        Vec3 q;
        size_t arg = 0;
        for (size_t i = 0; i < ellipsoids.size(); ++i) {
            Vec3 qi;
            const double d = ellipsoids[i].signedDistance(p, &qi);
            if (d > best) best = d, q = qi, arg = i;
        }
        bool exact = best <= 0;
        if (!exact) {
            exact = true;
            for (size_t j = 0; j < ellipsoids.size() && exact; ++j)
                if (j != arg && ellipsoids[j].rho(q) < 1.0 - 1e-9) exact = false;
        }
        if (exact) {
            if (closest) *closest = q;
            return best;
        }
    }
    const double d = boundary.nearest(p, closest);
    return insidePoint(p) ? d : -d;
}

bool Zone::insidePoint(const Vec3& p) const {
    if (!ellipsoids.empty()) {
        for (const auto& e : ellipsoids)
            if (e.rho(p) < 1.0) return true;
        return false;
    }
    return field.insidePoint(p);
}

namespace {
// Eigen-decomposition of a symmetric 3x3 matrix by Jacobi rotations.
void symmetricEigen(double a[3][3], double values[3], Vec3 vectors[3]) {
    double v[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    for (int sweep = 0; sweep < 50; ++sweep) {
        const double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
        if (off < 1e-18) break;
        for (int p = 0; p < 2; ++p)
            for (int q = p + 1; q < 3; ++q) {
                if (std::abs(a[p][q]) < 1e-30) continue;
                const double theta = 0.5 * (a[q][q] - a[p][p]) / a[p][q];
                const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
                const double cs = 1 / std::sqrt(t * t + 1), sn = t * cs;
                for (int k = 0; k < 3; ++k) {
                    const double akp = a[k][p], akq = a[k][q];
                    a[k][p] = cs * akp - sn * akq;
                    a[k][q] = sn * akp + cs * akq;
                }
                for (int k = 0; k < 3; ++k) {
                    const double apk = a[p][k], aqk = a[q][k];
                    a[p][k] = cs * apk - sn * aqk;
                    a[q][k] = sn * apk + cs * aqk;
                }
                for (int k = 0; k < 3; ++k) {
                    const double vkp = v[k][p], vkq = v[k][q];
                    v[k][p] = cs * vkp - sn * vkq;
                    v[k][q] = sn * vkp + cs * vkq;
                }
            }
    }
    for (int i = 0; i < 3; ++i) {
        values[i] = a[i][i];
        vectors[i] = {v[0][i], v[1][i], v[2][i]};
    }
}
} // namespace

ZoneShape measureZoneShape(const Zone& zone) {
    ZoneShape s;
    const ZoneField& f = zone.field;
    size_t n = 0;
    Vec3 sum;
    double m[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
    for (int k = f.box.lo[2]; k < f.box.hi[2]; ++k)
        for (int j = f.box.lo[1]; j < f.box.hi[1]; ++j)
            for (int i = f.box.lo[0]; i < f.box.hi[0]; ++i) {
                if (f.value[f.box.offset(i, j, k)] < 0.0f) continue;
                const Vec3 p = f.lattice.point(i, j, k);
                ++n;
                sum += p;
                for (int a = 0; a < 3; ++a)
                    for (int b = 0; b < 3; ++b)
                        m[a][b] += p[a] * p[b];
            }
    if (n == 0) return s;
    s.volume_ml = static_cast<double>(n) * f.lattice.voxelVolume_ml();
    s.centre_mm = sum / static_cast<double>(n);
    for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b)
            m[a][b] = m[a][b] / static_cast<double>(n) - s.centre_mm[a] * s.centre_mm[b];
    double values[3];
    Vec3 vectors[3];
    symmetricEigen(m, values, vectors);
    int order[3] = {0, 1, 2};
    std::sort(order, order + 3, [&](int x, int y) { return values[x] > values[y]; });
    for (int r = 0; r < 3; ++r) {
        const Vec3 d = normalized(vectors[order[r]]);
        double lo = 1e300, hi = -1e300;
        for (const Vec3& p : zone.boundary.points()) {
            const double t = dot(p - s.centre_mm, d);
            lo = std::min(lo, t);
            hi = std::max(hi, t);
        }
        s.axes_mm[static_cast<size_t>(r)] = zone.boundary.empty() ? 0.0 : hi - lo;
        s.axisDirections[static_cast<size_t>(r)] = d;
    }
    return s;
}

double reachAlong(const ZoneField& f, const Vec3& centre, const Vec3& dir, double maxReach_mm) {
    const Vec3 u = normalized(dir);
    const double step = 0.1 * std::min({f.lattice.spacing.x, f.lattice.spacing.y, f.lattice.spacing.z});
    double prev = f.sample(centre);
    if (!(prev >= 0)) return 0.0;
    double last = 0.0;
    for (double t = step; t <= maxReach_mm; t += step) {
        const double v = f.sample(centre + u * t);
        if (prev >= 0 && !(v >= 0)) {
            // Interpolate the crossing within the step when both values are finite.
            last = std::isfinite(v) ? t - step + step * prev / (prev - v) : t - step;
        }
        prev = v;
    }
    return last;
}

double extentAlong(const ZoneField& f, const Vec3& centre, const Vec3& dir, double maxReach_mm) {
    return reachAlong(f, centre, dir, maxReach_mm) + reachAlong(f, centre, -dir, maxReach_mm);
}

std::vector<std::uint8_t> rasterMask(const ZoneField& f, const GridGeometry& grid) {
    if (!grid.sameLattice(f.lattice)) throw Error("internal: zone and output grid are on different lattices");
    std::vector<std::uint8_t> mask(grid.voxels(), 0);
    if (f.value.empty()) return mask;
    // Offset of the output grid's voxel (0,0,0) on the field's lattice.
    const Vec3 o = f.lattice.index(grid.origin);
    const int oi = static_cast<int>(std::lround(o.x)), oj = static_cast<int>(std::lround(o.y)),
              ok = static_cast<int>(std::lround(o.z));
    for (int k = 0; k < grid.size[2]; ++k)
        for (int j = 0; j < grid.size[1]; ++j)
            for (int i = 0; i < grid.size[0]; ++i)
                if (f.insideVoxel(i + oi, j + oj, k + ok)) mask[grid.offset(i, j, k)] = 1;
    return mask;
}

} // namespace irplan::planning
