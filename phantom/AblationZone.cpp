#include "phantom/AblationZone.h"

#include "core/Parallel.h"

#include <algorithm>
#include <cmath>

namespace irplan::phantom {

const char* name(AblationModality m) {
    return m == AblationModality::MWA ? "MWA" : "RFA";
}

HeatSink heatSinkFor(const VesselBranch& b, AblationModality m) {
    HeatSink s;
    s.branchId = b.id;
    s.tree = b.tree;
    s.diameter_mm = b.meanDiameter();
    const double d = s.diameter_mm;
    if (m == AblationModality::MWA) {
        s.indentation_mm = std::min(3.0, 1.0 + 0.5 * (d - 3.0));
        s.patent = d > 5.0;
        s.sparedLayer_mm = d > 5.0 ? 1.0 : 0.0;
    } else {
        s.patent = true;
        s.indentation_mm = std::min(5.0, 1.6 + 0.8 * (d - 3.0));
        s.sparedLayer_mm = d > 5.0 ? 2.0 : 0.5;
    }
    return s;
}

double ellipsoidImplicit(const EllipsoidGeometry& e, const Vec3& p) {
    const Vec3 d = p - e.centre;
    const Mat3& A = e.axes; // q = A^T d without forming the transpose
    const Vec3 q{A(0, 0) * d.x + A(1, 0) * d.y + A(2, 0) * d.z, A(0, 1) * d.x + A(1, 1) * d.y + A(2, 1) * d.z,
                 A(0, 2) * d.x + A(1, 2) * d.y + A(2, 2) * d.z};
    const Vec3& r = e.semiAxes;
    const Vec3 a{q.x / r.x, q.y / r.y, q.z / r.z};
    const Vec3 b{q.x / (r.x * r.x), q.y / (r.y * r.y), q.z / (r.z * r.z)};
    const double k0 = norm(a), k1 = norm(b);
    if (k1 < 1e-12) return -std::min({r.x, r.y, r.z});
    return k0 * (k0 - 1.0) / k1;
}

Box ellipsoidBounds(const EllipsoidGeometry& e) {
    Box b;
    Vec3 half;
    for (int r = 0; r < 3; ++r) {
        double s = 0;
        for (int c = 0; c < 3; ++c) {
            const double v = e.axes(r, c) * e.semiAxes[c];
            s += v * v;
        }
        half[r] = std::sqrt(s);
    }
    b.add(e.centre - half);
    b.add(e.centre + half);
    return b;
}

void AblationZone::buildField(const Anatomy& anatomy, const Box& regionIn) {
    // Vessels act up to the reach (plus a raised spared layer) beyond the region.
    const double reach = kHeatSinkReachMm + 2.0;
    const Box region = regionIn.grown(2.0);
    origin_ = region.lo;
    for (int d = 0; d < 3; ++d)
        n_[d] = static_cast<size_t>(std::ceil((region.hi[d] - region.lo[d]) / step_)) + 1;
    const size_t nx = n_[0], ny = n_[1], nz = n_[2];
    field_.assign(nx * ny * nz, {0.0f, -1e3f, 1e3f, 0.0f});
    auto node = [&](size_t i, size_t j, size_t k) { return origin_ + Vec3{i * step_, j * step_, k * step_}; };

    // Liver signed distance: coarse (4 mm) everywhere, exact within 10 mm of the capsule.
    const size_t c = 4;
    const size_t cx = (nx + c - 1) / c + 1, cy = (ny + c - 1) / c + 1, cz = (nz + c - 1) / c + 1;
    std::vector<float> coarse(cx * cy * cz);
    parallelFor(0, cz, [&](size_t k) {
        for (size_t j = 0; j < cy; ++j)
            for (size_t i = 0; i < cx; ++i)
                coarse[(k * cy + j) * cx + i] = static_cast<float>(anatomy.liver->sdf(node(i * c, j * c, k * c)));
    });
    parallelFor(0, nz, [&](size_t k) {
        for (size_t j = 0; j < ny; ++j)
            for (size_t i = 0; i < nx; ++i) {
                const size_t i0 = i / c, j0 = j / c, k0 = k / c;
                const double fx = (i % c) / double(c), fy = (j % c) / double(c), fz = (k % c) / double(c);
                double v = 0;
                for (int dz = 0; dz < 2; ++dz)
                    for (int dy = 0; dy < 2; ++dy)
                        for (int dx = 0; dx < 2; ++dx)
                            v += (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz) *
                                 coarse[((k0 + dz) * cy + (j0 + dy)) * cx + (i0 + dx)];
                if (std::abs(v) < 10.0) v = anatomy.liver->sdf(node(i, j, k));
                field_[(k * ny + j) * nx + i][3] = static_cast<float>(v);
            }
    });

    // Vessels, segment by segment: every channel is a monotone function of the
    // distance to a wall, so taking it per segment equals taking it per branch.
    for (size_t si = 0; si < sinks.size(); ++si) {
        const HeatSink& s = sinks[si];
        const VesselBranch* b = nullptr;
        for (const auto& br : anatomy.branches)
            if (br.id == s.branchId) b = &br;
        if (!b) continue;
        const bool knob = static_cast<int>(si) == knobSink;
        for (size_t q = 0; q + 1 < b->points.size(); ++q) {
            const Vec3 pa = b->points[q], pb = b->points[q + 1];
            const double ra = b->radii[q], rb = b->radii[q + 1];
            Box sb;
            sb.add(pa);
            sb.add(pb);
            sb = sb.grown(std::max(ra, rb) + reach);
            size_t lo[3], hi[3];
            bool empty = false;
            for (int d = 0; d < 3; ++d) {
                const double a = std::floor((sb.lo[d] - origin_[d]) / step_),
                             z = std::ceil((sb.hi[d] - origin_[d]) / step_);
                if (z < 0 || a > static_cast<double>(n_[d] - 1)) empty = true;
                lo[d] = static_cast<size_t>(std::max(0.0, a));
                hi[d] = static_cast<size_t>(std::min(static_cast<double>(n_[d] - 1), z));
            }
            if (empty) continue;
            for (size_t k = lo[2]; k <= hi[2]; ++k)
                for (size_t j = lo[1]; j <= hi[1]; ++j)
                    for (size_t i = lo[0]; i <= hi[0]; ++i) {
                        const double dv = taperedCapsuleSdf(node(i, j, k), pa, pb, ra, rb);
                        if (dv > reach) continue;
                        auto& f = field_[(k * ny + j) * nx + i];
                        const double t = std::clamp(dv / kHeatSinkReachMm, 0.0, 1.0);
                        f[0] = std::max(f[0], static_cast<float>(s.indentation_mm * (1.0 - t * t * (3.0 - 2.0 * t))));
                        if (s.patent || knob)
                            f[1] = std::max(f[1], static_cast<float>((knob ? 0.0 : s.sparedLayer_mm) - dv));
                        if (knob) f[2] = std::min(f[2], static_cast<float>(dv));
                    }
        }
    }
}

std::array<float, 4> AblationZone::sample(const Vec3& p) const {
    double f[3];
    size_t i0[3];
    for (int d = 0; d < 3; ++d) {
        const double cidx = (p[d] - origin_[d]) / step_;
        if (!(cidx >= 0) || cidx >= static_cast<double>(n_[d] - 1)) return {0.0f, -1e3f, 1e3f, 1e3f};
        i0[d] = static_cast<size_t>(cidx);
        f[d] = cidx - static_cast<double>(i0[d]);
    }
    std::array<double, 4> v{0, 0, 0, 0};
    for (int dz = 0; dz < 2; ++dz)
        for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) {
                const double w = (dx ? f[0] : 1 - f[0]) * (dy ? f[1] : 1 - f[1]) * (dz ? f[2] : 1 - f[2]);
                const auto& s = field_[((i0[2] + dz) * n_[1] + (i0[1] + dy)) * n_[0] + (i0[0] + dx)];
                for (int c = 0; c < 4; ++c)
                    v[c] += w * s[c];
            }
    return {static_cast<float>(v[0]), static_cast<float>(v[1]), static_cast<float>(v[2]), static_cast<float>(v[3])};
}

double AblationZone::implicit(const Vec3& p) const {
    const std::array<float, 4> f = sample(p);
    double g = ellipsoidImplicit(achieved, p) + f[0];
    g = std::max(g, static_cast<double>(f[1]));
    if (knobSink >= 0) g = std::max(g, sinks[static_cast<size_t>(knobSink)].sparedLayer_mm - f[2]);
    return std::max(g, static_cast<double>(f[3]));
}

Box AblationZone::bounds() const {
    Box b = ellipsoidBounds(achieved);
    Box field{origin_, origin_ + Vec3{(n_[0] - 1) * step_, (n_[1] - 1) * step_, (n_[2] - 1) * step_}};
    for (int d = 0; d < 3; ++d) {
        b.lo[d] = std::max(b.lo[d], field.lo[d]);
        b.hi[d] = std::min(b.hi[d], field.hi[d]);
    }
    return b;
}

} // namespace irplan::phantom
