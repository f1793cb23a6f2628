#include "phantom/MarginTruth.h"

#include "core/Error.h"
#include "core/Parallel.h"
#include "phantom/AblationZone.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace irplan::phantom {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Zone boundary points: crossings of grid edges, refined by bisection.
std::vector<Vec3> extractBoundary(const ZoneFunction& zone, const Box& box, double h, bool* allInside,
                                  bool* allOutside) {
    size_t n[3];
    for (int d = 0; d < 3; ++d)
        n[d] = static_cast<size_t>(std::ceil((box.hi[d] - box.lo[d]) / h)) + 1;
    const size_t nx = n[0], ny = n[1], nz = n[2];
    std::vector<float> g(nx * ny * nz);
    auto node = [&](size_t i, size_t j, size_t k) { return box.lo + Vec3{i * h, j * h, k * h}; };
    parallelFor(0, nz, [&](size_t k) {
        for (size_t j = 0; j < ny; ++j)
            for (size_t i = 0; i < nx; ++i)
                g[(k * ny + j) * nx + i] = static_cast<float>(zone(node(i, j, k)));
    });
    bool in = true, out = true;
    for (float v : g) {
        in = in && v < 0;
        out = out && v >= 0;
    }
    if (allInside) *allInside = in;
    if (allOutside) *allOutside = out;
    // Per slice, joined in slice order: the same points in the same order on any number of threads.
    std::vector<std::vector<Vec3>> perSlice(nz);
    parallelFor(0, nz, [&](size_t k) {
        std::vector<Vec3>& local = perSlice[k];
        for (size_t j = 0; j < ny; ++j)
            for (size_t i = 0; i < nx; ++i) {
                const float a = g[(k * ny + j) * nx + i];
                const size_t nb[3][3] = {{i + 1, j, k}, {i, j + 1, k}, {i, j, k + 1}};
                for (const auto& q : nb) {
                    if (q[0] >= nx || q[1] >= ny || q[2] >= nz) continue;
                    const float b = g[(q[2] * ny + q[1]) * nx + q[0]];
                    if ((a < 0) == (b < 0)) continue;
                    Vec3 lo = node(i, j, k), hi = node(q[0], q[1], q[2]);
                    if (!(a < 0)) std::swap(lo, hi); // lo inside, hi outside
                    for (int it = 0; it < 30; ++it) {
                        const Vec3 mid = (lo + hi) * 0.5;
                        if (zone(mid) < 0)
                            lo = mid;
                        else
                            hi = mid;
                    }
                    local.push_back((lo + hi) * 0.5);
                }
            }
    });
    std::vector<Vec3> pts;
    for (const auto& v : perSlice) pts.insert(pts.end(), v.begin(), v.end());
    return pts;
}

// Points bucketed on a uniform grid for nearest-point queries.
class PointIndex {
  public:
    PointIndex(const std::vector<Vec3>& pts, const Box& box, double cell) : pts_(pts), lo_(box.lo), cell_(cell) {
        for (int d = 0; d < 3; ++d)
            n_[d] = static_cast<long>(std::ceil((box.hi[d] - box.lo[d]) / cell)) + 1;
        start_.assign(static_cast<size_t>(n_[0] * n_[1] * n_[2]) + 1, 0);
        std::vector<size_t> cellOf(pts.size());
        for (size_t p = 0; p < pts.size(); ++p) {
            cellOf[p] = cellIndex(pts[p]);
            ++start_[cellOf[p] + 1];
        }
        for (size_t c = 1; c < start_.size(); ++c)
            start_[c] += start_[c - 1];
        order_.resize(pts.size());
        std::vector<size_t> fill(start_.begin(), start_.end() - 1);
        for (size_t p = 0; p < pts.size(); ++p)
            order_[fill[cellOf[p]]++] = p;
    }

    // Nearest point within maxRadius (kInf distance when none). Cells are
    // visited in order of their smallest possible distance.
    std::pair<double, size_t> nearest(const Vec3& x, double maxRadius) const {
        long c[3];
        for (int d = 0; d < 3; ++d)
            c[d] = static_cast<long>(std::floor((x[d] - lo_[d]) / cell_));
        double best = kInf;
        size_t bestIndex = 0;
        for (const auto& o : offsets()) {
            const double reach = o.minDistance * cell_;
            if (reach > best || reach > maxRadius) break;
            const long i = c[0] + o.d[0], j = c[1] + o.d[1], k = c[2] + o.d[2];
            if (i < 0 || j < 0 || k < 0 || i >= n_[0] || j >= n_[1] || k >= n_[2]) continue;
            const size_t cell = static_cast<size_t>((k * n_[1] + j) * n_[0] + i);
            for (size_t q = start_[cell]; q < start_[cell + 1]; ++q) {
                const double dd = distance(x, pts_[order_[q]]);
                if (dd < best) {
                    best = dd;
                    bestIndex = order_[q];
                }
            }
        }
        const double tableReach = (kOffsetRadius - 1) * cell_;
        if (best > tableReach && maxRadius > tableReach) // beyond the offset table: look at every point
            for (size_t q = 0; q < pts_.size(); ++q) {
                const double dd = distance(x, pts_[q]);
                if (dd < best) {
                    best = dd;
                    bestIndex = q;
                }
            }
        return {best <= maxRadius ? best : kInf, bestIndex};
    }

  private:
    struct Offset {
        long d[3];
        double minDistance; // in cells: from any point of the centre cell to any point of this one
    };
    static constexpr long kOffsetRadius = 24;
    static const std::vector<Offset>& offsets() {
        static const std::vector<Offset> table = [] {
            std::vector<Offset> t;
            for (long k = -kOffsetRadius; k <= kOffsetRadius; ++k)
                for (long j = -kOffsetRadius; j <= kOffsetRadius; ++j)
                    for (long i = -kOffsetRadius; i <= kOffsetRadius; ++i) {
                        const double a = std::max(0L, std::abs(i) - 1), b = std::max(0L, std::abs(j) - 1),
                                     c = std::max(0L, std::abs(k) - 1);
                        t.push_back({{i, j, k}, std::sqrt(a * a + b * b + c * c)});
                    }
            std::sort(t.begin(), t.end(),
                      [](const Offset& x, const Offset& y) { return x.minDistance < y.minDistance; });
            return t;
        }();
        return table;
    }
    size_t cellIndex(const Vec3& p) const {
        long c[3];
        for (int d = 0; d < 3; ++d)
            c[d] = std::clamp(static_cast<long>(std::floor((p[d] - lo_[d]) / cell_)), 0L, n_[d] - 1);
        return static_cast<size_t>((c[2] * n_[1] + c[1]) * n_[0] + c[0]);
    }
    const std::vector<Vec3>& pts_;
    Vec3 lo_;
    double cell_;
    long n_[3];
    std::vector<size_t> start_, order_;
};

std::vector<Vec3> fibonacciSphere(size_t n) {
    std::vector<Vec3> u(n);
    const double golden = M_PI * (3.0 - std::sqrt(5.0));
    for (size_t i = 0; i < n; ++i) {
        const double z = 1.0 - 2.0 * (i + 0.5) / static_cast<double>(n);
        const double r = std::sqrt(std::max(0.0, 1.0 - z * z));
        u[i] = {r * std::cos(golden * i), r * std::sin(golden * i), z};
    }
    return u;
}

struct Sample {
    Vec3 p;
    double g;
    bool surface;
};

} // namespace

std::string marginVerdict(double mam) {
    if (mam >= kSufficientMarginMm) return "complete with margin";
    if (mam >= 0) return "complete without margin";
    return "incomplete";
}

MarginTruth computeMarginTruth(const EllipsoidGeometry& lesion, const ZoneFunction& zone, const MarginOptions& opt) {
    const double amax = std::max({lesion.semiAxes.x, lesion.semiAxes.y, lesion.semiAxes.z});
    const Box lesionBox = ellipsoidBounds(lesion);

    // Lesion samples: the surface (where the extreme margin lies) and the
    // interior on a 1 mm grid, to learn whether any part is outside the zone.
    const size_t nSurface =
        static_cast<size_t>(std::ceil(4 * M_PI * amax * amax / (opt.surfaceSpacing_mm * opt.surfaceSpacing_mm)));
    std::vector<Sample> samples;
    for (const Vec3& u : fibonacciSphere(nSurface))
        samples.push_back({lesion.surfacePoint(u), 0, true});
    for (double z = lesionBox.lo.z + 0.5; z < lesionBox.hi.z; z += 1.0)
        for (double y = lesionBox.lo.y + 0.5; y < lesionBox.hi.y; y += 1.0)
            for (double x = lesionBox.lo.x + 0.5; x < lesionBox.hi.x; x += 1.0)
                if (ellipsoidImplicit(lesion, {x, y, z}) < 0) samples.push_back({{x, y, z}, 0, false});
    parallelFor(
        0, samples.size(), [&](size_t i) { samples[i].g = zone(samples[i].p); }, 0, 256);
    bool incomplete = std::any_of(samples.begin(), samples.end(), [](const Sample& s) { return s.g >= 0; });

    double estimate = kInf;
    for (const auto& s : samples)
        estimate = std::min(estimate, -s.g);
    // implicit() is close to a distance near the boundary, so the estimate is
    // close to the margin; the band is widened when the boundary lies beyond it.
    double band = std::clamp(std::abs(estimate) * 1.2 + 3.0, 6.0, 60.0);
    MarginTruth t;
    for (;;) {
        const Box box = lesionBox.grown(band);
        bool allIn = false, allOut = false;
        const std::vector<Vec3> boundary = extractBoundary(zone, box, opt.gridSpacing_mm, &allIn, &allOut);
        if (boundary.empty()) {
            if (allOut)
                throw Error("the ablation zone does not reach the lesion (nothing within " + std::to_string(band) +
                            " mm)");
            if (band >= 60) throw Error("the ablation zone extends more than 60 mm beyond the lesion everywhere");
            band = std::min(60.0, band * 2);
            continue;
        }
        if (!incomplete) {
            // The lesion lies inside the zone: the margin is the distance from
            // the lesion to the nearest boundary point, measured exactly from
            // each boundary point to the lesion ellipsoid.
            std::vector<double> d(boundary.size());
            parallelFor(
                0, boundary.size(), [&](size_t i) { d[i] = ellipsoidSignedDistance(lesion, boundary[i]); }, 0, 256);
            const size_t b0 = static_cast<size_t>(std::min_element(d.begin(), d.end()) - d.begin());
            if (d[b0] < 0) { // the boundary dips into the lesion between samples
                // Add lesion points next to where it dips, then measure as incomplete.
                incomplete = true;
                for (size_t i = 0; i < d.size(); ++i) {
                    if (d[i] >= 0) continue;
                    for (double dz = -0.5; dz <= 0.5; dz += 0.1)
                        for (double dy = -0.5; dy <= 0.5; dy += 0.1)
                            for (double dx = -0.5; dx <= 0.5; dx += 0.1) {
                                const Vec3 q = boundary[i] + Vec3{dx, dy, dz};
                                if (ellipsoidImplicit(lesion, q) >= 0) continue;
                                const double gq = zone(q);
                                if (gq >= 0) samples.push_back({q, gq, false});
                            }
                }
            } else {
                if (d[b0] > band - 2 * opt.gridSpacing_mm && band < 60) {
                    band = std::min(60.0, band * 2);
                    continue;
                }
                double best = d[b0];
                Vec3 foot = boundary[b0];
                if (opt.refine) {
                    // Fine boundary (0.05 mm) around the closest boundary points.
                    std::vector<size_t> cands;
                    for (size_t i = 0; i < d.size(); ++i)
                        if (d[i] <= d[b0] + 0.3) cands.push_back(i);
                    std::sort(cands.begin(), cands.end(), [&](size_t a, size_t b) { return d[a] < d[b]; });
                    std::vector<Vec3> centres;
                    for (size_t i : cands) {
                        bool near = false;
                        for (const Vec3& c : centres)
                            near = near || distance(c, boundary[i]) < 0.4;
                        if (!near) centres.push_back(boundary[i]);
                        if (centres.size() >= 8) break;
                    }
                    for (const Vec3& c : centres)
                        for (const Vec3& y : extractBoundary(zone, Box{c, c}.grown(0.6), 0.05, nullptr, nullptr)) {
                            const double dy = ellipsoidSignedDistance(lesion, y);
                            if (dy < best) {
                                best = dy;
                                foot = y;
                            }
                        }
                }
                t.minimalMargin_mm = best;
                t.zonePoint_mm = foot;
                ellipsoidSignedDistance(lesion, foot, &t.lesionPoint_mm);
                break;
            }
        }
        // Part of the lesion lies outside: the margin is minus the largest
        // distance from an outside lesion point to the zone.
        const PointIndex index(boundary, box, 1.0);
        double best = kInf; // most negative -distance
        size_t bestSample = 0, bestFoot = 0;
        std::vector<std::pair<double, size_t>> values;
        for (size_t i = 0; i < samples.size(); ++i) {
            if (samples[i].g < 0) continue;
            const auto [dd, q] = index.nearest(samples[i].p, kInf);
            values.emplace_back(-dd, i);
            if (-dd < best) {
                best = -dd;
                bestSample = i;
                bestFoot = q;
            }
        }
        if (values.empty()) { // only the boundary crossed the lesion between samples: a margin of ~0
            t.minimalMargin_mm = 0;
            t.lesionPoint_mm = t.zonePoint_mm = boundary.front();
            break;
        }
        t.minimalMargin_mm = best;
        t.lesionPoint_mm = samples[bestSample].p;
        t.zonePoint_mm = boundary[bestFoot];
        if (opt.refine) {
            // Re-measure the farthest candidates against a 0.05 mm boundary
            // around their nearest point, moving the lesion point on the lesion
            // surface around them. Distances to boundary points overestimate
            // the true one, so only distances to the fine boundary count.
            const double slack = 1.5 * opt.surfaceSpacing_mm + 0.2;
            std::sort(values.begin(), values.end());
            double refined = -kInf; // largest distance
            const double patch = 0.75 * opt.surfaceSpacing_mm;
            for (size_t c = 0; c < values.size() && c < 10 && values[c].first <= best + slack; ++c) {
                const size_t i = values[c].second;
                const Vec3 x = samples[i].p;
                const Vec3 y0 = boundary[index.nearest(x, kInf).second];
                const std::vector<Vec3> fine =
                    extractBoundary(zone, Box{y0, y0}.grown(patch + 0.3), 0.05, nullptr, nullptr);
                std::vector<Vec3> around{x};
                if (samples[i].surface) {
                    const Vec3 nrm = normalized(x - lesion.centre);
                    const Vec3 t1 = normalized(cross(nrm, std::abs(nrm.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0}));
                    const Vec3 t2 = cross(nrm, t1);
                    const double step = patch / 6.0;
                    for (double du = -patch; du <= patch + 1e-9; du += step)
                        for (double dv = -patch; dv <= patch + 1e-9; dv += step) {
                            Vec3 q;
                            ellipsoidSignedDistance(lesion, x + t1 * du + t2 * dv, &q);
                            around.push_back(q);
                        }
                }
                for (const Vec3& a : around) {
                    if (zone(a) < 0) continue;
                    double dd = kInf;
                    Vec3 f0;
                    for (const Vec3& f : fine) {
                        const double df = distance(a, f);
                        // The fine cloud covers a small cube around y0; a point on its edge is not a foot.
                        if (df < dd && distance(f, y0) < patch + 0.25) {
                            dd = df;
                            f0 = f;
                        }
                    }
                    if (dd != kInf && dd > refined && dd <= index.nearest(a, kInf).first + 1e-9) {
                        refined = dd;
                        t.lesionPoint_mm = a;
                        t.zonePoint_mm = f0;
                    }
                }
            }
            if (std::isfinite(refined)) t.minimalMargin_mm = -refined;
        }
        break;
    }
    t.verdict = marginVerdict(t.minimalMargin_mm);

    if (opt.coverage) {
        const double h = opt.coverageSpacing_mm;
        const Box box = lesionBox.grown(10.0 + h);
        size_t n[3];
        for (int d = 0; d < 3; ++d)
            n[d] = static_cast<size_t>(std::floor((box.hi[d] - box.lo[d]) / h));
        struct Counts {
            size_t lesion = 0, lesionIn = 0, s5 = 0, s5In = 0, s10 = 0, s10In = 0, insufficient = 0;
        };
        std::vector<Counts> perSlice(n[2]);
        parallelFor(0, n[2], [&](size_t k) {
            Counts c;
            for (size_t j = 0; j < n[1]; ++j)
                for (size_t i = 0; i < n[0]; ++i) {
                    const Vec3 p = box.lo + Vec3{(i + 0.5) * h, (j + 0.5) * h, (k + 0.5) * h};
                    if (ellipsoidImplicit(lesion, p) > 13.0) continue; // far outside the 10 mm shell
                    const double dl = ellipsoidSignedDistance(lesion, p);
                    if (dl > 10.0) continue;
                    const bool in = zone(p) < 0;
                    if (dl <= 0) {
                        ++c.lesion;
                        c.lesionIn += in;
                    } else {
                        ++c.s10;
                        c.s10In += in;
                        if (dl <= 5.0) {
                            ++c.s5;
                            c.s5In += in;
                        }
                    }
                    if (dl <= 5.0 && !in) ++c.insufficient;
                }
            perSlice[k] = c;
        });
        Counts c;
        for (const auto& s : perSlice) {
            c.lesion += s.lesion;
            c.lesionIn += s.lesionIn;
            c.s5 += s.s5;
            c.s5In += s.s5In;
            c.s10 += s.s10;
            c.s10In += s.s10In;
            c.insufficient += s.insufficient;
        }
        t.lesionCoverage = c.lesion ? static_cast<double>(c.lesionIn) / c.lesion : 0.0;
        t.shell5Coverage = c.s5 ? static_cast<double>(c.s5In) / c.s5 : 0.0;
        t.shell10Coverage = c.s10 ? static_cast<double>(c.s10In) / c.s10 : 0.0;
        t.insufficientCoverage_ml = c.insufficient * h * h * h / 1000.0;
    }
    return t;
}

} // namespace irplan::phantom
