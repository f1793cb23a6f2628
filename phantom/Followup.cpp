#include "phantom/Followup.h"

#include "core/Error.h"
#include "core/Parallel.h"
#include "phantom/FollowupCt.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

namespace irplan::phantom {

Vec3 FollowupMotion::postToPre(const Vec3& y) const {
    Vec3 x = y;
    for (int it = 0; it < 60; ++it) {
        const Vec3 next = y - displacement(x);
        const double change = distance(next, x);
        x = next;
        if (change < 1e-6) break;
    }
    return x;
}

namespace {

constexpr double kDeg = M_PI / 180.0;
// The plan aims at a 5-10 mm margin (DOMAIN.md): the short semi-axis is the
// lesion's largest semi-axis plus 7.5 mm.
constexpr double kPlannedMarginMm = 7.5;
// Margins of the truth stay this far from the verdict thresholds (0 and 5 mm).
constexpr double kThresholdClearanceMm = 1.2;

double uniform(std::mt19937_64& rng, double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
}

Vec3 randomUnit(std::mt19937_64& rng) {
    for (;;) {
        const Vec3 v{uniform(rng, -1, 1), uniform(rng, -1, 1), uniform(rng, -1, 1)};
        const double n = norm(v);
        if (n > 0.1 && n <= 1.0) return v / n;
    }
}

EllipsoidGeometry lesionGeometry(const Lesion& l) {
    return {l.centre, l.semiAxes, l.axes};
}

// Lesion surface to vessel wall, from centreline samples every 0.5 mm.
double gapToBranch(const EllipsoidGeometry& lesion, const VesselBranch& b) {
    double gap = 1e300;
    for (size_t i = 0; i + 1 < b.points.size(); ++i) {
        const double len = distance(b.points[i], b.points[i + 1]);
        const int n = std::max(1, static_cast<int>(std::ceil(len / 0.5)));
        for (int s = 0; s <= n; ++s) {
            const double t = static_cast<double>(s) / n;
            const Vec3 p = b.points[i] + (b.points[i + 1] - b.points[i]) * t;
            const double r = b.radii[i] + t * (b.radii[i + 1] - b.radii[i]);
            // Cheap reject before the exact distance.
            if (ellipsoidImplicit(lesion, p) - r > gap + 5.0) continue;
            gap = std::min(gap, ellipsoidSignedDistance(lesion, p) - r);
        }
    }
    return gap;
}

double capsuleClearance(const EllipsoidGeometry& lesion, const ShapePtr& liver) {
    double c = 1e300;
    const double golden = M_PI * (3.0 - std::sqrt(5.0));
    for (int i = 0; i < 600; ++i) {
        const double z = 1.0 - 2.0 * (i + 0.5) / 600.0, r = std::sqrt(1 - z * z);
        c = std::min(c, -liver->sdf(lesion.surfacePoint({r * std::cos(golden * i), r * std::sin(golden * i), z})));
    }
    return c;
}

struct Plan {
    std::string verdict;
    double target = 0;
    int knobBranch = -1; // branch id whose spared layer makes the ablation incomplete
};

// Solves knob in [lo, hi] for margin(knob) = target; margin increasing in the
// knob when `increasing`. Illinois false position on exact margins.
double solveKnob(const std::function<double(double)>& margin, double lo, double hi, double target, bool increasing,
                 const std::string& what) {
    auto f = [&](double k) { return (margin(k) - target) * (increasing ? 1.0 : -1.0); };
    double flo = f(lo), fhi = f(hi);
    if (flo > 0 && fhi > 0) return lo;
    if (flo < 0 && fhi < 0)
        throw Error("phantom follow-up: " + what + " cannot reach a margin of " + std::to_string(target) + " mm");
    int side = 0;
    double k = lo;
    for (int it = 0; it < 14; ++it) {
        k = (lo * fhi - hi * flo) / (fhi - flo);
        const double fk = f(k);
        if (std::abs(fk) < 0.15) return k;
        if ((fk < 0) == (flo < 0)) {
            lo = k;
            flo = fk;
            if (side == -1) fhi *= 0.5;
            side = -1;
        } else {
            hi = k;
            fhi = fk;
            if (side == 1) flo *= 0.5;
            side = 1;
        }
    }
    return k;
}

} // namespace

double zonesImplicit(const FollowupCase& f, const Vec3& p) {
    double g = 1e300;
    for (size_t k = 0; k < f.zones.size(); ++k) {
        const Box b = k < f.zoneBounds.size() ? f.zoneBounds[k] : f.zones[k].zone.bounds().grown(1.0);
        if (p.x < b.lo.x || p.y < b.lo.y || p.z < b.lo.z || p.x > b.hi.x || p.y > b.hi.y || p.z > b.hi.z) continue;
        g = std::min(g, f.zones[k].zone.implicit(p));
    }
    return g == 1e300 ? 1e3 : g;
}

FollowupCase generateFollowup(const PhantomCase& p, const Progress& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    FollowupCase f = planFollowup(p.anatomy, p.options.seed, progress.sub(0.0, 0.8));
    synthesizeFollowupCt(p, f, progress.sub(0.8, 1.0));
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.update(1.0, "follow-up generated");
    return f;
}

FollowupCase planFollowup(const Anatomy& a, uint64_t seed, const Progress& progress) {
    std::mt19937_64 rng(seed * 0xD1B54A32D192ED03ull + 2024);
    FollowupCase f;

    // 1. What each lesion's ablation will show: from the room around it.
    const size_t n = a.lesions.size();
    std::vector<double> clearance(n, 1e300);
    std::vector<int> nearestBranch(n, -1), nearestAny(n, -1);
    std::vector<double> nearestGap(n, 1e300);
    std::vector<std::vector<std::pair<int, double>>> gaps(n); // (branch index, gap) for branches >= 3 mm
    for (size_t i = 0; i < n; ++i) {
        const EllipsoidGeometry L = lesionGeometry(a.lesions[i]);
        for (size_t b = 0; b < a.branches.size(); ++b) {
            const VesselBranch& br = a.branches[b];
            if (br.meanDiameter() < 3.0) continue; // DOMAIN.md: no heat sink from vessels < 3 mm
            if (distance(br.points.front(), L.centre) > br.length() + 120.0) continue;
            const double gap = gapToBranch(L, br);
            if (gap > 40.0) continue;
            gaps[i].emplace_back(static_cast<int>(b), gap);
            // What bounds an MWA zone's margin: patent vessels and their cuff.
            const HeatSink mwa = heatSinkFor(br, AblationModality::MWA);
            const double c = mwa.patent ? gap - mwa.sparedLayer_mm : 1e300;
            if (gap < nearestGap[i]) {
                nearestGap[i] = gap;
                nearestAny[i] = static_cast<int>(b);
            }
            if (c < clearance[i]) {
                clearance[i] = c;
                nearestBranch[i] = static_cast<int>(b);
            }
        }
        clearance[i] = std::min(clearance[i], capsuleClearance(L, a.liver));
    }
    std::vector<Plan> plans(n);
    std::vector<size_t> others;
    for (size_t i = 0; i < n; ++i) {
        if (a.lesions[i].abutsBranch >= 0) {
            plans[i].verdict = "incomplete";
            for (size_t b = 0; b < a.branches.size(); ++b)
                if (a.branches[b].id == a.lesions[i].abutsBranch) plans[i].knobBranch = static_cast<int>(b);
        } else {
            others.push_back(i);
        }
    }
    std::stable_sort(others.begin(), others.end(), [&](size_t x, size_t y) { return clearance[x] > clearance[y]; });
    if (others.empty() || clearance[others[0]] < 8.0)
        throw Error("phantom follow-up (seed " + std::to_string(seed) +
                    "): no lesion has room for a complete ablation with margin");
    for (size_t r = 0; r < others.size(); ++r) {
        const size_t i = others[r];
        const double c = clearance[i];
        if (r == 0 || (r > 1 && c >= 8.0))
            plans[i].verdict = "complete with margin";
        else if (c >= 2.3)
            plans[i].verdict = "complete without margin";
        else {
            plans[i].verdict = "incomplete";
            plans[i].knobBranch = nearestBranch[i] >= 0 ? nearestBranch[i] : nearestAny[i];
        }
    }
    for (size_t i = 0; i < n; ++i) {
        const double c = clearance[i];
        if (plans[i].verdict == "complete with margin")
            plans[i].target = uniform(rng, 6.5, std::min(8.5, c - 1.0));
        else if (plans[i].verdict == "complete without margin")
            plans[i].target = uniform(rng, 1.5, std::min(3.5, c - 0.8));
        else
            plans[i].target = uniform(rng, -3.5, -1.5);
        if (plans[i].verdict == "incomplete" && plans[i].knobBranch < 0)
            throw Error("phantom follow-up: lesion " + std::to_string(a.lesions[i].id) +
                        " has no vessel to leave it incomplete");
    }
    bool haveWithout = false;
    for (const auto& pl : plans)
        haveWithout = haveWithout || pl.verdict == "complete without margin";
    if (!haveWithout)
        throw Error("phantom follow-up (seed " + std::to_string(seed) +
                    "): no lesion has room for a complete ablation without margin");

    // 2. Each zone: the plan, the deviations of the delivery, the heat sinks,
    //    then the one knob that realises the intended verdict.
    MarginOptions fast;
    fast.refine = false;
    fast.coverage = false;
    fast.gridSpacing_mm = 0.6;
    fast.surfaceSpacing_mm = 0.8;
    for (size_t i = 0; i < n; ++i) {
        progress.checkCancel();
        progress.update(0.75 * static_cast<double>(i) / n,
                        "follow-up: ablation zone of lesion " + std::to_string(a.lesions[i].id));
        const Lesion& l = a.lesions[i];
        const EllipsoidGeometry L = lesionGeometry(l);
        const double rMax = std::max({l.semiAxes.x, l.semiAxes.y, l.semiAxes.z});
        ZoneTruth zt;
        zt.intendedVerdict = plans[i].verdict;
        AblationZone& z = zt.zone;
        z.lesionId = l.id;
        z.modality = plans[i].verdict == "incomplete" ? AblationModality::RFA : AblationModality::MWA;
        if (z.modality == AblationModality::MWA)
            z.device = l.diameter > 25 ? "MWA, 3 antennas" : "MWA, single antenna";
        else
            z.device = l.diameter > 20 ? "RFA, cluster of 3 electrodes" : "RFA, single electrode";
        // Elongated along the applicator: MWA zones are charted ~4.7 x 3.5 cm (DOMAIN.md), RFA rounder.
        const double elongation = z.modality == AblationModality::MWA ? 1.3 : 1.15;
        const Vec3 u = randomUnit(rng);
        const Vec3 v = normalized(cross(u, randomUnit(rng)));
        const Vec3 w = cross(u, v);
        Mat3 axes;
        for (int r = 0; r < 3; ++r) {
            axes(r, 0) = u[r];
            axes(r, 1) = v[r];
            axes(r, 2) = w[r];
        }
        const double shortSemi = rMax + kPlannedMarginMm;
        z.planned = {l.centre, {shortSemi * elongation, shortSemi, shortSemi}, axes};
        // Delivery: needle placement 1-3.5 mm off, axis 2-8 degrees off, each semi-axis +-8%.
        zt.centreOffset_mm = uniform(rng, 1.0, 3.5);
        zt.axisTilt_deg = uniform(rng, 2.0, 8.0);
        const Mat3 tilt = Mat3::rotationAxisAngle(randomUnit(rng), zt.axisTilt_deg * kDeg);
        const Vec3 jitter{uniform(rng, 0.92, 1.08), uniform(rng, 0.92, 1.08), uniform(rng, 0.92, 1.08)};
        const Vec3 centre = l.centre + randomUnit(rng) * zt.centreOffset_mm;
        const Mat3 achievedAxes = tilt * axes;
        auto achievedAt = [&](double scale) {
            return EllipsoidGeometry{centre,
                                     {z.planned.semiAxes.x * jitter.x * scale, z.planned.semiAxes.y * jitter.y * scale,
                                      z.planned.semiAxes.z * jitter.z * scale},
                                     achievedAxes};
        };
        const double maxScale = 1.4;
        // Heat sinks: every vessel >= 3 mm whose wall comes within reach of the largest zone considered.
        const EllipsoidGeometry largest = achievedAt(maxScale);
        for (const auto& [b, gap] : gaps[i]) {
            const VesselBranch& br = a.branches[static_cast<size_t>(b)];
            double d = 1e300;
            for (size_t q = 0; q < br.points.size(); ++q)
                d = std::min(d, ellipsoidImplicit(largest, br.points[q]) - br.radii[q]);
            if (d > kHeatSinkReachMm + 2.0 && b != plans[i].knobBranch) continue;
            HeatSink s = heatSinkFor(br, z.modality);
            s.gapToLesion_mm = gap;
            if (b == plans[i].knobBranch) z.knobSink = static_cast<int>(z.sinks.size());
            z.sinks.push_back(s);
        }
        z.achieved = achievedAt(maxScale);
        z.buildField(a, ellipsoidBounds(largest).grown(kRimWidthMm + 1.0));

        const std::string what = "lesion " + std::to_string(l.id);
        auto marginWith = [&](double scale) {
            z.achieved = achievedAt(scale);
            return computeMarginTruth(
                       L, [&z](const Vec3& q) { return z.implicit(q); }, fast)
                .minimalMargin_mm;
        };
        if (z.knobSink < 0) {
            const double scale = solveKnob(marginWith, 0.55, maxScale, plans[i].target, true, what);
            z.achieved = achievedAt(scale);
        } else {
            z.achieved = achievedAt(uniform(rng, 0.97, 1.05));
            HeatSink& knob = z.sinks[static_cast<size_t>(z.knobSink)];
            auto marginWithLayer = [&](double layer) {
                knob.sparedLayer_mm = layer;
                return computeMarginTruth(
                           L, [&z](const Vec3& q) { return z.implicit(q); }, fast)
                    .minimalMargin_mm;
            };
            knob.sparedLayer_mm = solveKnob(marginWithLayer, 0.0, 9.0, plans[i].target, false, what);
        }
        f.zones.push_back(std::move(zt));
    }

    for (auto& zt : f.zones) {
        f.zoneBounds.push_back(zt.zone.bounds().grown(1.0));
        // Report the vessels whose wall comes within reach of the delivered ellipsoid.
        std::vector<HeatSink> kept;
        for (size_t s = 0; s < zt.zone.sinks.size(); ++s) {
            HeatSink h = zt.zone.sinks[s];
            double d = 1e300;
            for (const auto& br : a.branches)
                if (br.id == h.branchId)
                    for (size_t q = 0; q < br.points.size(); ++q)
                        d = std::min(d, ellipsoidImplicit(zt.zone.achieved, br.points[q]) - br.radii[q]);
            h.distanceToZone_mm = d;
            if (d <= kHeatSinkReachMm || static_cast<int>(s) == zt.zone.knobSink) kept.push_back(h);
        }
        zt.reportedSinks = kept;
    }

    // 3. The truth, against the union of all zones (what a follow-up CT shows).
    for (size_t i = 0; i < n; ++i) {
        progress.update(0.75 + 0.25 * static_cast<double>(i) / n,
                        "follow-up: margins of lesion " + std::to_string(a.lesions[i].id));
        ZoneTruth& zt = f.zones[i];
        zt.margin =
            computeMarginTruth(lesionGeometry(a.lesions[i]), [&f](const Vec3& q) { return zonesImplicit(f, q); });
        const double m = zt.margin.minimalMargin_mm;
        if (zt.margin.verdict != zt.intendedVerdict || std::abs(m) < kThresholdClearanceMm ||
            std::abs(m - kSufficientMarginMm) < kThresholdClearanceMm)
            throw Error("phantom follow-up (seed " + std::to_string(seed) + "): lesion " +
                        std::to_string(a.lesions[i].id) + " came out " + zt.margin.verdict + " with " +
                        std::to_string(m) + " mm instead of " + zt.intendedVerdict);
        zt.plannedVolume_ml = zt.zone.planned.volume_ml();
        // Zone volume on a 0.5 mm grid.
        const Box b = zt.zone.bounds();
        const double h = 0.5;
        size_t count = 0, overlap = 0;
        for (double zc = b.lo.z + h / 2; zc < b.hi.z; zc += h)
            for (double yc = b.lo.y + h / 2; yc < b.hi.y; yc += h)
                for (double xc = b.lo.x + h / 2; xc < b.hi.x; xc += h) {
                    if (zt.zone.implicit({xc, yc, zc}) >= 0) continue;
                    ++count;
                    for (size_t j = 0; j < n; ++j)
                        if (j != i && f.zones[j].zone.implicit({xc, yc, zc}) < 0) ++overlap;
                }
        zt.volumePre_ml = count * h * h * h / 1000.0;
        f.zonesOverlap = f.zonesOverlap || overlap > 0;
    }

    // 4. A different breath-hold: 5-12 mm inside the liver, mostly cranio-caudal.
    f.motion.centre = (a.liver->bounds().lo + a.liver->bounds().hi) * 0.5;
    const double sign = uniform(rng, 0, 1) < 0.5 ? -1.0 : 1.0;
    f.motion.shift = Vec3{uniform(rng, -2.5, 2.5), uniform(rng, -4.0, 4.0), sign * uniform(rng, 6.0, 9.0)};
    Mat3 def;
    def(0, 0) = uniform(rng, -0.02, 0.02);
    def(1, 1) = uniform(rng, -0.02, 0.02);
    def(2, 2) = uniform(rng, -0.03, 0.03);
    def(0, 2) = uniform(rng, -0.01, 0.01);
    def(1, 2) = uniform(rng, -0.01, 0.01);
    def(2, 0) = uniform(rng, -0.01, 0.01);
    f.motion.deformation = def;
    // The liver slides inside the abdomen: the shift fades over 30 mm outside it.
    f.motion.weight = BreathingWeight(a.liver, 30.0);

    progress.update(1.0, "follow-up planned");
    return f;
}

} // namespace irplan::phantom
