#include "planning/IreField.h"

#include "core/Error.h"
#include "core/Parallel.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace irplan::planning {

namespace {

struct Laplace {
    GridGeometry g;
    std::vector<float> cx, cy, cz; // face coefficients towards +x, +y, +z (sigma / h^2)
    std::vector<float> diag;
    std::vector<std::uint8_t> fixed;
    size_t sx = 1, sy = 0, sz = 0;

    // (L x)_i over unknowns, x given everywhere (fixed voxels hold their values).
    void apply(const std::vector<float>& x, std::vector<float>& out) const {
        const int nx = g.size[0], ny = g.size[1], nz = g.size[2];
        parallelFor(
            0, static_cast<size_t>(nz),
            [&](size_t k) {
                for (int j = 0; j < ny; ++j)
                    for (int i = 0; i < nx; ++i) {
                        const size_t c = k * sz + static_cast<size_t>(j) * sy + static_cast<size_t>(i);
                        if (fixed[c]) {
                            out[c] = 0;
                            continue;
                        }
                        // Interior unknowns only: the outer layer is fixed.
                        const float xc = x[c];
                        out[c] = cx[c] * (xc - x[c + sx]) + cx[c - sx] * (xc - x[c - sx]) + cy[c] * (xc - x[c + sy]) +
                                 cy[c - sy] * (xc - x[c - sy]) + cz[c] * (xc - x[c + sz]) +
                                 cz[c - sz] * (xc - x[c - sz]);
                    }
            },
            0, 4);
    }
};

double dotp(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0;
    for (size_t i = 0; i < a.size(); ++i)
        s += static_cast<double>(a[i]) * b[i];
    return s;
}

} // namespace

IreResult simulateIre(const PlacedApplicator& a, const GridGeometry& lattice, const VesselModel* vessels,
                      const IreOptions& o, const Progress& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    if (a.device->modality != Modality::IRE)
        throw Error(std::string("the ire-field model needs an IRE device, not ") + modalityName(a.device->modality));
    const DeviceSetting& s = *a.setting;
    const size_t ne = a.needles.size();
    if (ne < 2) throw Error("IRE needs at least two electrodes");
    IreResult r;
    // Exposed segment of each electrode: from its tip back along the shaft.
    std::vector<std::pair<Vec3, Vec3>> seg;
    Vec3 lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
    for (const auto& n : a.needles) {
        const Vec3 u = normalized(n.entry_mm - n.tip_mm);
        seg.push_back({n.tip_mm, n.tip_mm + u * s.exposure_mm});
        for (const Vec3& p : {seg.back().first, seg.back().second})
            for (int k = 0; k < 3; ++k)
                lo[k] = std::min(lo[k], p[k]), hi[k] = std::max(hi[k], p[k]);
    }
    // Pairs: electrodes within pairReach x the closest spacing.
    double closest = 1e300;
    for (size_t i = 0; i < ne; ++i)
        for (size_t j = i + 1; j < ne; ++j)
            closest = std::min(closest, distance(a.needles[i].tip_mm, a.needles[j].tip_mm));
    if (closest < 3.0) throw Error("IRE electrodes closer than 3 mm: they would short-circuit");
    for (size_t i = 0; i < ne; ++i)
        for (size_t j = i + 1; j < ne; ++j) {
            const double d = distance(a.needles[i].tip_mm, a.needles[j].tip_mm);
            if (d > o.pairReach * closest) continue;
            IrePair p;
            p.a = static_cast<int>(i);
            p.b = static_cast<int>(j);
            p.distance_mm = d;
            p.voltage_V = std::min(o.maxVoltage_V, s.voltage_V * d / s.spacing_mm);
            r.pairs.push_back(p);
        }

    const double h = o.spacing_mm > 0 ? o.spacing_mm : lattice.spacing.x;
    GridGeometry frame = lattice;
    frame.spacing = {h, h, h};
    const Vec3 pad{o.padding_mm, o.padding_mm, o.padding_mm};
    const GridGeometry g = frame.sub(frame.boxAround(lo - pad, hi + pad));
    r.domain = g;
    const size_t n = g.voxels();
    if (n > 30000000) throw Error("IRE domain too large (" + std::to_string(n) + " voxels): electrodes too far apart?");

    Laplace L;
    L.g = g;
    L.sy = static_cast<size_t>(g.size[0]);
    L.sz = L.sy * static_cast<size_t>(g.size[1]);
    std::vector<float> sigma(n, static_cast<float>(o.liverConductivity_S_m));
    if (vessels) {
        std::vector<float> dia;
        paintVessels(*vessels, g, dia, 0.0);
        for (size_t i = 0; i < n; ++i)
            if (dia[i] > 0) sigma[i] = static_cast<float>(o.bloodConductivity_S_m);
    }
    // Electrode voxels: within the needle radius of the exposed segment, at
    // least the voxels the segment passes through.
    const double er = std::max(0.5 * a.device->diameter_mm, 0.5 * h * std::sqrt(2.0));
    std::vector<int> electrodeOf(n, -1);
    for (size_t e = 0; e < ne; ++e) {
        Vec3 slo, shi;
        for (int k = 0; k < 3; ++k) {
            slo[k] = std::min(seg[e].first[k], seg[e].second[k]) - er;
            shi[k] = std::max(seg[e].first[k], seg[e].second[k]) + er;
        }
        const Box b = g.boxAround(slo, shi).intersected(g.box());
        for (int k = b.lo[2]; k < b.hi[2]; ++k)
            for (int j = b.lo[1]; j < b.hi[1]; ++j)
                for (int i = b.lo[0]; i < b.hi[0]; ++i)
                    if (distanceToSegment(g.point(i, j, k), seg[e].first, seg[e].second) <= er)
                        electrodeOf[g.offset(i, j, k)] = static_cast<int>(e);
    }
    L.fixed.assign(n, 0);
    L.cx.assign(n, 0);
    L.cy.assign(n, 0);
    L.cz.assign(n, 0);
    L.diag.assign(n, 1);
    const double h2 = h * h;
    auto face = [&](size_t p, size_t q) {
        const double a2 = sigma[p], b2 = sigma[q];
        return static_cast<float>(2 * a2 * b2 / (a2 + b2) / h2);
    };
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i) {
                const size_t c = g.offset(i, j, k);
                if (i == 0 || j == 0 || k == 0 || i == g.size[0] - 1 || j == g.size[1] - 1 || k == g.size[2] - 1)
                    L.fixed[c] = 1;
                if (i + 1 < g.size[0]) L.cx[c] = face(c, c + 1);
                if (j + 1 < g.size[1]) L.cy[c] = face(c, c + L.sy);
                if (k + 1 < g.size[2]) L.cz[c] = face(c, c + L.sz);
            }
    for (int k = 1; k < g.size[2] - 1; ++k)
        for (int j = 1; j < g.size[1] - 1; ++j)
            for (int i = 1; i < g.size[0] - 1; ++i) {
                const size_t c = g.offset(i, j, k);
                L.diag[c] = L.cx[c] + L.cx[c - 1] + L.cy[c] + L.cy[c - L.sy] + L.cz[c] + L.cz[c - L.sz];
            }

    std::vector<float> emax(n, 0.0f);
    std::vector<float> x(n), res(n), z(n), p(n), q(n);
    for (size_t pi = 0; pi < r.pairs.size(); ++pi) {
        progress.checkCancel();
        progress.update(static_cast<double>(pi) / r.pairs.size(), "IRE field: pair " + std::to_string(pi + 1));
        IrePair& pr = r.pairs[pi];
        std::vector<std::uint8_t> fixedPair = L.fixed;
        std::fill(x.begin(), x.end(), 0.0f);
        for (size_t c = 0; c < n; ++c) {
            if (electrodeOf[c] == pr.a)
                x[c] = static_cast<float>(0.5 * pr.voltage_V), fixedPair[c] = 1;
            else if (electrodeOf[c] == pr.b)
                x[c] = static_cast<float>(-0.5 * pr.voltage_V), fixedPair[c] = 1;
        }
        // Inactive electrodes are left floating: modelled as tissue.
        Laplace lp = L;
        lp.fixed = fixedPair;
        lp.apply(x, q);
        for (size_t c = 0; c < n; ++c)
            res[c] = fixedPair[c] ? 0.0f : -q[c];
        const double r0 = std::sqrt(dotp(res, res));
        for (size_t c = 0; c < n; ++c)
            z[c] = res[c] / lp.diag[c], p[c] = z[c];
        double rz = dotp(res, z);
        int it = 0;
        for (; it < o.maxIterations && r0 > 0; ++it) {
            lp.apply(p, q); // p is zero at fixed voxels
            const double pq = dotp(p, q);
            if (pq <= 0) break;
            const double alpha = rz / pq;
            for (size_t c = 0; c < n; ++c) {
                x[c] += static_cast<float>(alpha * p[c]);
                res[c] -= static_cast<float>(alpha * q[c]);
            }
            if (std::sqrt(dotp(res, res)) < o.tolerance * r0) break;
            for (size_t c = 0; c < n; ++c)
                z[c] = fixedPair[c] ? 0.0f : res[c] / lp.diag[c];
            const double rzNew = dotp(res, z);
            const double beta = rzNew / rz;
            rz = rzNew;
            for (size_t c = 0; c < n; ++c)
                p[c] = z[c] + static_cast<float>(beta * p[c]);
        }
        pr.iterations = it;
        // |E| by central differences (V/mm -> V/cm), outside the electrodes.
        for (int k = 1; k < g.size[2] - 1; ++k)
            for (int j = 1; j < g.size[1] - 1; ++j)
                for (int i = 1; i < g.size[0] - 1; ++i) {
                    const size_t c = g.offset(i, j, k);
                    if (electrodeOf[c] >= 0) continue;
                    const double ex = (x[c + 1] - x[c - 1]) / (2 * h), ey = (x[c + L.sy] - x[c - L.sy]) / (2 * h),
                                 ez = (x[c + L.sz] - x[c - L.sz]) / (2 * h);
                    const float e = static_cast<float>(10.0 * std::sqrt(ex * ex + ey * ey + ez * ez));
                    emax[c] = std::max(emax[c], e);
                    pr.maxField_V_cm = std::max(pr.maxField_V_cm, static_cast<double>(e));
                }
    }
    // Electrode voxels sit in the zone (the tissue touching them is ablated).
    for (size_t c = 0; c < n; ++c)
        if (electrodeOf[c] >= 0)
            emax[c] = static_cast<float>(std::max(o.threshold_V_cm * 2, static_cast<double>(emax[c])));

    ZoneField f;
    f.lattice = g;
    f.box = g.box();
    f.quantity = "ire-field: |E| max over pulsed pairs - threshold (V/cm) (zone where >= 0)";
    f.value.resize(n);
    for (size_t c = 0; c < n; ++c)
        f.value[c] = emax[c] - static_cast<float>(o.threshold_V_cm);
    // Onto the planning lattice.
    ZoneField out;
    out.lattice = lattice;
    out.quantity = f.quantity;
    if (g.sameLattice(lattice)) {
        const Vec3 oi = lattice.index(g.origin);
        out.box.lo = {static_cast<int>(std::lround(oi.x)), static_cast<int>(std::lround(oi.y)),
                      static_cast<int>(std::lround(oi.z))};
        for (size_t k = 0; k < 3; ++k)
            out.box.hi[k] = out.box.lo[k] + g.size[k];
        out.value = std::move(f.value);
    } else {
        const Vec3 p0 = g.point(0, 0, 0), p1 = g.point(g.size[0] - 1, g.size[1] - 1, g.size[2] - 1);
        Vec3 mn, mx;
        for (int k = 0; k < 3; ++k)
            mn[k] = std::min(p0[k], p1[k]), mx[k] = std::max(p0[k], p1[k]);
        out.box = lattice.boxAround(mn, mx);
        out.value.assign(out.box.voxels(), static_cast<float>(-o.threshold_V_cm));
        for (int k = out.box.lo[2]; k < out.box.hi[2]; ++k)
            for (int j = out.box.lo[1]; j < out.box.hi[1]; ++j)
                for (int i = out.box.lo[0]; i < out.box.hi[0]; ++i) {
                    const double v = f.sample(lattice.point(i, j, k));
                    if (std::isfinite(v)) out.value[out.box.offset(i, j, k)] = static_cast<float>(v);
                }
    }
    r.field = std::move(out);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.update(1.0, "IRE field ready");
    return r;
}

} // namespace irplan::planning
