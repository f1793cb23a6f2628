#include "planning/PathCheck.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace irplan::planning {

double SafetyLimits::limit(RiskClass c) const {
    switch (c) {
    case RiskClass::LargeVessel:
        return largeVessel_mm;
    case RiskClass::Bone:
        return bone_mm;
    case RiskClass::Air:
        return air_mm;
    case RiskClass::Heart:
        return heart_mm;
    case RiskClass::Organ:
        return organ_mm;
    }
    return 0;
}

const PathCheck* PathReport::find(const std::string& name) const {
    for (const auto& c : checks)
        if (c.name == name) return &c;
    return nullptr;
}

bool findSkinEntry(const RiskMaps& maps, const Vec3& tip, const Vec3& towards, double maxLength_mm, Vec3& skin) {
    const Vec3 u = normalized(towards - tip);
    const double step = 0.5;
    double exitAt = -1;
    bool wasInside = maps.insideBody(tip);
    for (double t = step; t <= maxLength_mm; t += step) {
        const bool in = maps.insideBody(tip + u * t);
        if (wasInside && !in)
            exitAt = t - 0.5 * step; // a candidate exit
        else if (in)
            exitAt = -1; // back inside: that was a gap
        if (!in && exitAt >= 0 && t - exitAt >= 5.0) {
            skin = tip + u * exitAt;
            return true;
        }
        wasInside = in;
    }
    if (exitAt >= 0) {
        skin = tip + u * exitAt;
        return true;
    }
    return false;
}

namespace {

std::string fmt(const char* f, double v) {
    char b[96];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

struct NeedleScan {
    std::array<double, kRiskClasses> minDistance;
    std::array<Vec3, kRiskClasses> where;
    double liverBefore_mm = 0;
    bool entersTarget = false;
};

// Samples the needle from the skin to the tip every 0.5 mm.
NeedleScan scanNeedle(const RiskMaps& maps, const TargetLesion* target, const Vec3& tip, const Vec3& skin,
                      double radius_mm) {
    NeedleScan s;
    s.minDistance.fill(1e4);
    const double len = distance(tip, skin);
    const Vec3 u = len > 0 ? (tip - skin) / len : Vec3{};
    const double step = 0.5;
    const int n = static_cast<int>(std::ceil(len / step));
    for (int q = 0; q <= n; ++q) {
        const double t = std::min(len, q * step);
        const Vec3 p = skin + u * t;
        for (int c = 0; c < kRiskClasses; ++c) {
            if (!maps.present(static_cast<RiskClass>(c))) continue;
            const double d = maps.distance(static_cast<RiskClass>(c), p) - radius_mm;
            if (d < s.minDistance[static_cast<size_t>(c)]) {
                s.minDistance[static_cast<size_t>(c)] = d;
                s.where[static_cast<size_t>(c)] = p;
            }
        }
        if (target && !s.entersTarget) {
            const auto idx = target->grid.nearest(p);
            if (target->grid.inside(idx[0], idx[1], idx[2]) &&
                target->mask[target->grid.offset(idx[0], idx[1], idx[2])]) {
                s.entersTarget = true;
            } else if (maps.tissue(p) == kLiverTissue && q > 0) {
                s.liverBefore_mm += std::min(step, t - (q - 1) * step);
            }
        }
    }
    return s;
}

} // namespace

PathReport checkPath(const RiskMaps& maps, const TargetLesion* target, const PlacedApplicator& a,
                     const SafetyLimits& limits) {
    PathReport r;
    r.probeId = a.probe.id;
    r.tip_mm = a.probe.tip_mm;
    r.entry_mm = a.probe.entry_mm;
    r.angleToAxial_deg = angleToAxialPlane_deg(a.probe.tip_mm, a.probe.entry_mm);
    const double applicatorLength = a.device->length_mm;
    const double radius = 0.5 * a.device->diameter_mm;

    // The skin crossing of the central axis, and whether the entry point given is outside the body.
    Vec3 skin = a.probe.entry_mm;
    const bool foundSkin = findSkinEntry(maps, a.probe.tip_mm, a.probe.entry_mm, 600.0, skin);
    r.skinEntry_mm = skin;
    r.insertedLength_mm = distance(a.probe.tip_mm, skin);
    const double entryDepth = distance(a.probe.tip_mm, a.probe.entry_mm);
    {
        PathCheck c{"entry_on_skin", r.insertedLength_mm - entryDepth, 2.0, "mm", "<=", false, ""};
        // The entry must lie on or outside the skin: how far inside the body it is.
        c.value = std::max(0.0, r.insertedLength_mm - entryDepth);
        c.pass = foundSkin && c.value <= c.limit;
        c.detail =
            !foundSkin
                ? "the line from the tip never leaves the body"
                : (c.pass ? "entry point on or outside the skin"
                          : fmt("entry point lies %.1f mm inside the body; the needle starts at the skin", c.value));
        r.checks.push_back(c);
    }
    {
        PathCheck c{"angle_to_axial_plane", r.angleToAxial_deg, limits.maxAngleToAxial_deg, "deg", "<=", false, ""};
        c.pass = c.value <= c.limit;
        c.detail = c.pass ? "in or near the axial plane" : "steep craniocaudal angulation";
        r.checks.push_back(c);
    }
    // Every needle of the applicator (cluster, IRE array or separately placed
    // electrodes), each from its own skin crossing.
    std::array<double, kRiskClasses> minD;
    std::array<Vec3, kRiskClasses> where;
    minD.fill(1e4);
    NeedleScan central;
    for (size_t n = 0; n < a.needles.size(); ++n) {
        const Vec3 off = a.needles[n].tip_mm - a.probe.tip_mm;
        Vec3 needleSkin = skin + off;
        if (findSkinEntry(maps, a.needles[n].tip_mm, a.needles[n].entry_mm, 600.0, needleSkin))
            r.insertedLength_mm = std::max(r.insertedLength_mm, distance(a.needles[n].tip_mm, needleSkin));
        const NeedleScan s = scanNeedle(maps, target, a.needles[n].tip_mm, needleSkin, radius);
        for (size_t c = 0; c < minD.size(); ++c)
            if (s.minDistance[c] < minD[c]) minD[c] = s.minDistance[c], where[c] = s.where[c];
        if (n == 0 || norm(off) < 1e-6) central = s;
    }
    {
        PathCheck c{"applicator_length", r.insertedLength_mm, applicatorLength, "mm", "<=", false, ""};
        c.pass = c.value <= c.limit;
        c.detail = c.pass ? "skin to tip within the applicator's working length"
                          : "skin to tip longer than the applicator: the tip cannot be reached";
        r.checks.insert(r.checks.begin() + 1, c);
    }
    for (int c = 0; c < kRiskClasses; ++c) {
        const RiskClass rc = static_cast<RiskClass>(c);
        PathCheck k{riskClassName(rc), minD[static_cast<size_t>(c)], limits.limit(rc), "mm", ">=", false, ""};
        k.pass = k.value >= k.limit;
        if (!maps.present(rc)) {
            k.value = 1e4;
            k.pass = true;
            k.detail = std::string("no ") + riskClassLabelText(rc) + " in the label map near the path";
        } else if (k.value < 0) {
            k.detail = std::string("the path crosses ") + riskClassLabelText(rc) + " at " +
                       toString(where[static_cast<size_t>(c)], 1);
        } else {
            k.detail = std::string("closest approach to ") + riskClassLabelText(rc) + " at " +
                       toString(where[static_cast<size_t>(c)], 1);
        }
        r.checks.push_back(k);
    }
    if (target) {
        PathCheck c{"normal_liver_before_tumour",
                    central.liverBefore_mm,
                    limits.minLiverBeforeTumour_mm,
                    "mm",
                    ">=",
                    false,
                    ""};
        c.pass = c.value >= c.limit;
        c.detail = central.entersTarget ? "liver parenchyma crossed before the needle enters the lesion"
                                        : "the needle does not enter the lesion; liver crossed up to the tip";
        r.checks.push_back(c);
    }
    r.pass = std::all_of(r.checks.begin(), r.checks.end(), [](const PathCheck& c) { return c.pass; });
    return r;
}

} // namespace irplan::planning
