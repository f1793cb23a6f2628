#include "planning/AutoPlanner.h"

#include "core/Error.h"
#include "core/Parallel.h"
#include "planning/ChartZone.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace irplan::planning {

namespace {

constexpr double kPi = 3.14159265358979323846;

struct Direction {
    Vec3 u; // from the target towards the skin
    PathReport report;
    double score = 1e9;
};

// Minimal margin over the lesion surface for chart ellipsoids: the search
// objective. Analytic; for overlapping ellipsoids the distance inside is the
// deepest ellipsoid's (a lower bound: the search errs on the safe side).
double searchMargin(const std::vector<Vec3>& surface, const std::vector<Ellipsoid>& e) {
    double m = 1e9;
    for (const Vec3& p : surface) {
        double best = -1e9;
        for (const auto& x : e)
            best = std::max(best, x.signedDistance(p));
        m = std::min(m, best);
        if (m < -50) break;
    }
    return m;
}

// The exact figures of a final layout (grid zone, coverage of the margin region).
double layoutMargin(const TargetLesion& t, const std::vector<Ellipsoid>& e, const MarginRegion& region,
                    double& coverage) {
    const Zone z = Zone::fromEllipsoids(e, t.grid);
    double m = 1e9;
    for (const Vec3& p : t.surfacePoints)
        m = std::min(m, z.signedDistance(p));
    size_t in = 0;
    const GridGeometry& g = t.grid;
    const size_t nx = static_cast<size_t>(g.size[0]), ny = static_cast<size_t>(g.size[1]);
    auto count = [&](size_t o) {
        if (z.field.insideVoxel(static_cast<int>(o % nx), static_cast<int>((o / nx) % ny),
                                static_cast<int>(o / (nx * ny))))
            ++in;
    };
    for (size_t o : t.voxels)
        count(o);
    for (size_t o : region.shellVoxels)
        count(o);
    coverage = 100.0 * static_cast<double>(in) / static_cast<double>(t.voxels.size() + region.shellVoxels.size());
    return m;
}

double clearance(const PathReport& r) {
    double slack = 1e9;
    for (const auto& c : r.checks)
        if (c.comparison == ">=" && c.unit == "mm" && c.name != "normal_liver_before_tumour" && c.value < 1e3)
            slack = std::min(slack, c.value - c.limit);
    return slack;
}

std::string failing(const PathReport& r) {
    for (const auto& c : r.checks)
        if (!c.pass) return c.name;
    return "";
}

// A probe whose zone centre sits at `centre` along direction u, entering at the skin.
bool probeFor(const RiskMaps& maps, const Vec3& centre, const Vec3& u, const DeviceSetting& s, Probe& p) {
    p.tip_mm = centre - u * s.zone.centreFromTip_mm;
    Vec3 skin;
    if (!findSkinEntry(maps, p.tip_mm, p.tip_mm + u * 100.0, 500.0, skin)) return false;
    if (distance(skin, p.tip_mm) < 5.0) return false;
    p.entry_mm = skin;
    return true;
}

struct Layout {
    std::string strategy;
    std::vector<Vec3> centres; // zone centres
    const Device* device;
    const DeviceSetting* setting;
};

} // namespace

ProposalResult proposePlans(const PlanningContext& ctx, const PlanRequest& req, const ProposalOptions& o,
                            const Progress& progress) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!req.catalogue) throw Error("internal: proposals need the device catalogue");
    const Device& device = req.catalogue->require(req.deviceId);
    const TargetLesion& t = ctx.target();
    const RiskMaps& maps = ctx.risk();
    const MarginRegion& region = ctx.marginRegion(req.margin_mm);
    ProposalResult out;

    // Settings to try, smallest charted zone first.
    std::vector<const DeviceSetting*> settings;
    if (!req.setting.empty())
        settings.push_back(&device.requireSetting(req.setting));
    else
        for (const auto& s : device.settings)
            settings.push_back(&s);
    std::sort(settings.begin(), settings.end(), [](const DeviceSetting* a, const DeviceSetting* b) {
        return a->zone.length_mm * a->zone.width_mm * a->zone.width_mm <
               b->zone.length_mm * b->zone.width_mm * b->zone.width_mm;
    });
    // Screening setting: the smallest whose width holds the lesion plus margins, else the largest.
    const DeviceSetting* screen = settings.back();
    for (const DeviceSetting* s : settings)
        if (s->zone.width_mm >= t.diameter_mm + 2 * req.margin_mm) {
            screen = s;
            break;
        }

    // 1. Directions in the allowed band of angles to the axial plane.
    progress.update(0.0, "proposals: sampling paths");
    const double zmax = std::sin(req.limits.maxAngleToAxial_deg * kPi / 180.0);
    const int n = std::max(16, o.directions);
    std::vector<Direction> dirs(static_cast<size_t>(n));
    const double golden = kPi * (3.0 - std::sqrt(5.0));
    parallelFor(
        0, dirs.size(),
        [&](size_t i) {
            const double z = zmax * (1.0 - 2.0 * (static_cast<double>(i) + 0.5) / n);
            const double r = std::sqrt(1 - z * z), phi = golden * static_cast<double>(i);
            Direction& d = dirs[i];
            d.u = {r * std::cos(phi), r * std::sin(phi), z};
            Probe p;
            p.id = "screen";
            if (!probeFor(maps, t.centroid_mm, d.u, *screen, p)) {
                d.report.checks.push_back({"entry_on_skin", 0, 0, "mm", "<=", false, "no skin crossing"});
                return;
            }
            d.report = checkPath(maps, &t, placeApplicator(p, device, *screen), req.limits);
            if (!d.report.pass) return;
            const PathCheck* len = d.report.find("applicator_length");
            d.score = 0.4 * len->value / len->limit + 0.3 * d.report.angleToAxial_deg / req.limits.maxAngleToAxial_deg +
                      0.3 * (1.0 - std::min(1.0, std::max(0.0, clearance(d.report)) / 10.0));
        },
        0, 16);
    out.directionsSampled = n;
    std::vector<const Direction*> safe;
    for (const auto& d : dirs) {
        if (d.report.pass)
            safe.push_back(&d);
        else
            ++out.rejectedBy[failing(d.report)];
    }
    out.safeDirections = static_cast<int>(safe.size());
    progress.checkCancel();
    std::sort(safe.begin(), safe.end(), [](const Direction* a, const Direction* b) { return a->score < b->score; });
    std::vector<const Direction*> picked;
    const double minCos = std::cos(o.minSeparation_deg * kPi / 180.0);
    for (const Direction* d : safe) {
        if (static_cast<int>(picked.size()) >= o.candidates) break;
        bool far =
            std::all_of(picked.begin(), picked.end(), [&](const Direction* p) { return dot(p->u, d->u) < minCos; });
        if (far) picked.push_back(d);
    }

    // 2. Placement along each candidate path. The search looks at up to ~800
    // surface points (every n-th face); the final figures use all of them.
    std::vector<Vec3> searchSurface;
    const size_t stride = std::max<size_t>(1, t.surfacePoints.size() / 800);
    for (size_t i = 0; i < t.surfacePoints.size(); i += stride)
        searchSurface.push_back(t.surfacePoints[i]);
    std::vector<const Device*> clusters;
    if (o.tryClusters && !device.isCluster() && device.modality != Modality::IRE)
        clusters = req.catalogue->clustersLike(device);
    for (size_t c = 0; c < picked.size(); ++c) {
        progress.checkCancel();
        progress.update(0.2 + 0.8 * c / std::max<size_t>(1, picked.size()), "proposals: placing applicators");
        const Vec3 u = picked[c]->u;
        const Vec3 e1 = acrossAxis(-u), e2 = normalized(cross(-u, e1));
        auto ellipsoidsOf = [&](const Layout& l) {
            std::vector<Ellipsoid> es;
            for (const Vec3& ctr : l.centres)
                es.push_back({ctr, u, 0.5 * l.setting->zone.length_mm, 0.5 * l.setting->zone.width_mm});
            return es;
        };
        // Pattern search on the common shift of the zone centres.
        auto optimise = [&](Layout& l) {
            double best = searchMargin(searchSurface, ellipsoidsOf(l));
            for (double step : {4.0, 2.0, 1.0}) {
                bool improved = true;
                for (int guard = 0; improved && guard < 6; ++guard) {
                    improved = false;
                    for (const Vec3& dir : {u, -u, e1, -e1, e2, -e2}) {
                        Layout trial = l;
                        for (auto& ctr : trial.centres)
                            ctr += dir * step;
                        const double m = searchMargin(searchSurface, ellipsoidsOf(trial));
                        if (m > best + 1e-6) best = m, l = trial, improved = true;
                    }
                }
            }
            return best;
        };
        struct Option {
            Layout layout;
            double margin = 0;
            int tier = 0; // 0 single, 1 cluster, 2 overlapping: fewer needles first
            bool safe = false;
            std::vector<Probe> probes;
            std::vector<PathReport> reports;
        };
        std::vector<Option> options;
        const double spare = o.spare_mm >= 0 ? o.spare_mm : req.robustness.placementError_mm;
        auto evaluate = [&](Layout l, int tier) -> Option& {
            Option op;
            op.margin = optimise(l);
            op.tier = tier;
            op.safe = true;
            for (size_t q = 0; q < l.centres.size(); ++q) {
                Probe pr;
                pr.id = "p" + std::to_string(q + 1);
                if (!probeFor(maps, l.centres[q], u, *l.setting, pr)) {
                    op.safe = false;
                    continue;
                }
                op.reports.push_back(checkPath(maps, &t, placeApplicator(pr, *l.device, *l.setting), req.limits));
                op.safe = op.safe && op.reports.back().pass;
                if (l.device != &device) pr.deviceId = l.device->id;
                pr.setting = l.setting->name;
                op.probes.push_back(pr);
            }
            op.layout = l;
            options.push_back(op);
            return options.back();
        };
        auto good = [&](const Option& op) { return op.safe && op.margin >= req.margin_mm; };
        // Singles, smallest zone first, until one has the spare and a safe path.
        bool done = false;
        for (const DeviceSetting* s : settings) {
            const Option& op = evaluate({"single", {t.centroid_mm}, &device, s}, 0);
            if (good(op) && op.margin >= req.margin_mm + spare) break;
        }
        done = std::any_of(options.begin(), options.end(), good);
        for (const Device* cl : clusters) {
            if (done) break;
            std::vector<const DeviceSetting*> cs;
            for (const auto& s : cl->settings)
                cs.push_back(&s);
            std::sort(cs.begin(), cs.end(), [](const DeviceSetting* a, const DeviceSetting* b) {
                return a->zone.length_mm * a->zone.width_mm * a->zone.width_mm <
                       b->zone.length_mm * b->zone.width_mm * b->zone.width_mm;
            });
            for (const DeviceSetting* s : cs)
                if (good(evaluate({"cluster", {t.centroid_mm}, cl, s}, 1))) {
                    done = true;
                    break;
                }
        }
        if (!done && device.modality != Modality::IRE) {
            // Overlapping ablations: parallel needles across the path or repositioned along it.
            const DeviceSetting* largest = settings.back();
            const double w = largest->zone.width_mm;
            for (int k = 2; k <= o.maxProbes && !done; ++k)
                for (double frac : {0.25, 0.35, 0.45}) {
                    const double sp = frac * w;
                    std::vector<std::vector<Vec3>> patterns;
                    if (k == 2) {
                        patterns.push_back({t.centroid_mm + e1 * sp, t.centroid_mm - e1 * sp});
                        patterns.push_back({t.centroid_mm + e2 * sp, t.centroid_mm - e2 * sp});
                        patterns.push_back({t.centroid_mm + u * sp, t.centroid_mm - u * sp});
                    } else {
                        std::vector<Vec3> tri;
                        for (int q = 0; q < 3; ++q) {
                            const double a = 2 * kPi * q / 3;
                            tri.push_back(t.centroid_mm + (e1 * std::cos(a) + e2 * std::sin(a)) * sp);
                        }
                        patterns.push_back(tri);
                    }
                    for (auto& pat : patterns)
                        if (good(evaluate({std::to_string(k) + " overlapping", pat, &device, largest}, 2))) {
                            done = true;
                            break;
                        }
                    if (done) break;
                }
        }
        // Safe and sufficient, fewest needles, with the spare; else the safe one
        // with the largest margin; else the largest margin.
        const Option* pick = nullptr;
        for (int tier = 0; tier < 3 && !pick; ++tier) {
            for (const auto& op : options)
                if (op.tier == tier && good(op) && op.margin >= req.margin_mm + spare) {
                    pick = &op;
                    break;
                }
            if (!pick)
                for (const auto& op : options)
                    if (op.tier == tier && good(op)) {
                        pick = &op;
                        break;
                    }
        }
        if (!pick)
            for (const auto& op : options)
                if (op.safe && (!pick || op.margin > pick->margin)) pick = &op;
        if (!pick)
            pick = &*std::max_element(options.begin(), options.end(),
                                      [](const Option& a, const Option& b) { return a.margin < b.margin; });
        const Layout& l = pick->layout;
        Proposal p;
        p.deviceId = l.device->id;
        p.setting = l.setting->name;
        p.strategy = l.strategy;
        p.safe = pick->safe && pick->probes.size() == l.centres.size();
        p.probes = pick->probes;
        for (size_t q = 0; q < pick->reports.size(); ++q) {
            const PathReport& rep = pick->reports[q];
            p.insertedLength_mm = std::max(p.insertedLength_mm, rep.insertedLength_mm);
            p.angle_deg = rep.angleToAxial_deg;
            p.clearance_mm = q == 0 ? clearance(rep) : std::min(p.clearance_mm, clearance(rep));
        }
        p.minimalMargin_mm = layoutMargin(t, ellipsoidsOf(l), region, p.coverageMargin_pct);
        p.marginReached = p.minimalMargin_mm >= req.margin_mm;
        p.marginSpare = p.minimalMargin_mm >= req.margin_mm + spare;
        p.pathScore = picked[c]->score;
        char why[360];
        std::snprintf(why, sizeof why,
                      "path %.0f mm skin to tip, %.0f deg to the axial plane, %.1f mm above the tightest safety limit; "
                      "%s with %s %s: chart minimal margin %.1f mm (requested %.1f, %.1f with the spare for placement)",
                      p.insertedLength_mm, p.angle_deg, p.clearance_mm, p.strategy.c_str(), p.deviceId.c_str(),
                      p.setting.c_str(), p.minimalMargin_mm, req.margin_mm, req.margin_mm + spare);
        p.rationale = why;
        out.proposals.push_back(p);
    }
    // Safe and sufficient first; then fewer probes; then the path score.
    std::stable_sort(out.proposals.begin(), out.proposals.end(), [](const Proposal& a, const Proposal& b) {
        if (a.safe != b.safe) return a.safe;
        if (a.marginReached != b.marginReached) return a.marginReached;
        if (a.probes.size() != b.probes.size()) return a.probes.size() < b.probes.size();
        if (!a.marginReached && std::abs(a.minimalMargin_mm - b.minimalMargin_mm) > 0.5)
            return a.minimalMargin_mm > b.minimalMargin_mm;
        return a.pathScore < b.pathScore;
    });
    for (size_t i = 0; i < out.proposals.size(); ++i)
        out.proposals[i].rank = static_cast<int>(i + 1);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.update(1.0, "proposals ready");
    return out;
}

} // namespace irplan::planning
