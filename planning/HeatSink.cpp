#include "planning/HeatSink.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>

namespace irplan::planning {

std::string sideName(const Vec3& dir) {
    const Vec3 u = normalized(dir);
    std::string s;
    auto add = [&](double c, const char* pos, const char* neg) {
        // Name every axis carrying at least ~22 degrees of the direction.
        if (std::abs(c) < 0.38) return;
        if (!s.empty()) s += ", ";
        s += c > 0 ? pos : neg;
    };
    add(u.z, "superior", "inferior");
    add(u.y, "posterior", "anterior");
    add(u.x, "left", "right");
    return s.empty() ? "central" : s;
}

std::vector<HeatSinkWarning> heatSinkWarnings(const VesselModel& vessels, const TargetLesion& target, const Zone* zone,
                                              double margin_mm, Modality modality, const HeatSinkOptions& options,
                                              const std::vector<float>* precomputedGap) {
    std::vector<HeatSinkWarning> out;
    if (modality == Modality::IRE) return out; // no heat sink with IRE (DOMAIN.md)
    struct Best {
        bool any = false;
        double lesionGap = std::numeric_limits<double>::infinity();
        double zoneGap = std::numeric_limits<double>::infinity();
        const VesselSample* closest = nullptr;
    };
    std::vector<Best> best(vessels.vessels.size());
    const bool haveZone = zone && !zone->empty();
    // Bounding box of the zone boundary: samples far outside it need no query.
    Vec3 zlo{1e300, 1e300, 1e300}, zhi{-1e300, -1e300, -1e300};
    if (haveZone)
        for (const auto& p : zone->boundary.points())
            for (int a = 0; a < 3; ++a)
                zlo[a] = std::min(zlo[a], p[a]), zhi[a] = std::max(zhi[a], p[a]);
    for (size_t n = 0; n < vessels.samples.size(); ++n) {
        const auto& s = vessels.samples[n];
        if (s.diameter_mm < options.minDiameter_mm) continue;
        const double lesionGap = precomputedGap ? static_cast<double>((*precomputedGap)[n])
                                                : target.signedDistance(s.point_mm) - s.wallOffset_mm;
        const bool nearLesion = lesionGap <= margin_mm + options.reach_mm;
        double zoneGap = std::numeric_limits<double>::infinity();
        if (haveZone) {
            bool inBox = true;
            const double r = options.reach_mm + s.wallOffset_mm;
            for (int a = 0; a < 3; ++a)
                if (s.point_mm[a] < zlo[a] - r || s.point_mm[a] > zhi[a] + r) inBox = false;
            if (inBox || nearLesion) zoneGap = -zone->signedDistance(s.point_mm) - s.wallOffset_mm;
        }
        const bool near = nearLesion || zoneGap <= options.reach_mm;
        if (!near) continue;
        Best& b = best[static_cast<size_t>(s.vessel)];
        b.any = true;
        b.zoneGap = std::min(b.zoneGap, zoneGap);
        if (lesionGap < b.lesionGap) {
            b.lesionGap = lesionGap;
            b.closest = &s;
        }
    }
    // Join qualifying branches to their qualifying parents (union-find).
    std::vector<size_t> root(best.size());
    for (size_t v = 0; v < root.size(); ++v)
        root[v] = v;
    std::function<size_t(size_t)> find = [&](size_t v) { return root[v] == v ? v : root[v] = find(root[v]); };
    std::map<std::string, size_t> byId;
    for (size_t v = 0; v < best.size(); ++v)
        if (best[v].any) byId[vessels.vessels[v].id] = v;
    for (size_t v = 0; v < best.size(); ++v) {
        if (!best[v].any || vessels.vessels[v].parentId.empty()) continue;
        auto it = byId.find(vessels.vessels[v].parentId);
        if (it != byId.end()) root[find(v)] = find(it->second);
    }
    std::map<size_t, std::vector<size_t>> groups;
    for (size_t v = 0; v < best.size(); ++v)
        if (best[v].any) groups[find(v)].push_back(v);
    for (const auto& [g, members] : groups) {
        (void)g;
        size_t v = members.front();
        double zoneGap = std::numeric_limits<double>::infinity();
        for (size_t m : members) {
            if (best[m].lesionGap < best[v].lesionGap) v = m;
            zoneGap = std::min(zoneGap, best[m].zoneGap);
        }
        const VesselSample& s = *best[v].closest;
        HeatSinkWarning w;
        w.vesselId = vessels.vessels[v].id;
        for (size_t m : members)
            w.branches.push_back(vessels.vessels[m].id);
        w.kind = vesselKindWords(vessels.vessels[v].kind);
        w.diameter_mm = s.diameter_mm;
        w.distanceToLesion_mm = best[v].lesionGap;
        w.distanceToZone_mm = haveZone ? zoneGap : std::numeric_limits<double>::quiet_NaN();
        w.point_mm = s.point_mm;
        target.surface.nearest(s.point_mm, &w.lesionPoint_mm);
        w.side = sideName(s.point_mm - target.centroid_mm);
        w.sensitivity = heatSinkSensitivity(modality);
        out.push_back(w);
    }
    std::sort(out.begin(), out.end(), [](const HeatSinkWarning& a, const HeatSinkWarning& b) {
        return a.distanceToLesion_mm < b.distanceToLesion_mm;
    });
    return out;
}

} // namespace irplan::planning
