#include "phantom/Lesions.h"

#include "core/Error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

namespace irplan::phantom {
namespace {

struct Spec {
    double diameter;
    double huArterial, huPortal, suv, mr;
    bool abutVessel;
    bool subtle;
    double xMin, xMax; // where in the liver (patient x), mm
    const char* note;
};

// Arterial enhancement ~60-75 HU above the liver (75 HU) and washout below it
// in the portal phase (115 HU), as NET metastases do (DOMAIN.md). PET SUVs of
// 20-40 are typical of SSTR-avid NET metastases on 68Ga-DOTATATE.
const Spec kSpecs[] = {
    {34, 150, 100, 40, 720, false, false, -200, -45, "large right-lobe lesion"},
    {22, 140, 104, 30, 700, true, false, -200, 200, "abuts a vessel of at least 4.5 mm (heat sink)"},
    {15, 135, 103, 25, 690, false, false, -5, 200, "left-lobe lesion"},
    {12, 87, 112, 30, 470, false, true, -200, 200, "subtle on CT (+12 HU arterial), hot on PET"},
    {8, 140, 104, 20, 680, false, false, -200, 200, "small lesion below the 10 mm detection size"},
};

// Vessels thinner than this are pushed aside by a lesion (removed where it
// sits); thicker ones keep at least 1.5 mm from every lesion but the abutting one.
constexpr double kDisplacedBelowMm = 3.0;

double distanceToBranch(const Vec3& p, const VesselBranch& b) {
    double d = 1e300;
    for (size_t i = 0; i + 1 < b.points.size(); ++i)
        d = std::min(d, taperedCapsuleSdf(p, b.points[i], b.points[i + 1], b.radii[i], b.radii[i + 1]));
    return d;
}

double gapToBranch(const ShapePtr& lesion, const VesselBranch& b) {
    double gap = 1e300;
    for (size_t i = 0; i + 1 < b.points.size(); ++i)
        for (double t = 0; t <= 1.0; t += 0.05) {
            const Vec3 p = b.points[i] + (b.points[i + 1] - b.points[i]) * t;
            const double r = b.radii[i] + t * (b.radii[i + 1] - b.radii[i]);
            gap = std::min(gap, lesion->sdf(p) - r);
        }
    return gap;
}

} // namespace

ShapePtr lesionShape(const Lesion& l) { return ellipsoid(l.centre, l.semiAxes, l.axes); }

std::vector<Lesion> placeLesions(const ShapePtr& liver, std::vector<VesselBranch>& branches, std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * u01(rng); };
    const Box box = liver->bounds();
    std::vector<Lesion> lesions;

    for (const Spec& spec : kSpecs) {
        Lesion l;
        l.id = static_cast<int>(lesions.size()) + 1;
        l.tissue = {spec.huArterial, spec.huPortal, spec.suv, spec.mr};
        l.subtleOnCt = spec.subtle;
        l.note = spec.note;
        bool placed = false;
        for (int attempt = 0; attempt < 20000 && !placed; ++attempt) {
            const double R = spec.diameter / 2.0;
            l.semiAxes = {R * uniform(0.94, 1.06), R * uniform(0.94, 1.06), R * uniform(0.94, 1.06)};
            l.axes = Mat3::rotationXYZ(uniform(0, M_PI), uniform(0, M_PI), uniform(0, M_PI));
            const double rMax = std::max({l.semiAxes.x, l.semiAxes.y, l.semiAxes.z});
            int abut = -1;
            if (spec.abutVessel) {
                std::vector<int> candidates; // indices into branches
                for (size_t bi = 0; bi < branches.size(); ++bi) {
                    const auto& b = branches[bi];
                    if ((b.tree == "portal" || b.tree == "hepatic") && b.meanDiameter() >= 4.5 &&
                        b.meanDiameter() <= 10.0 && b.points.size() >= 2 &&
                        liver->sdf(b.points[b.points.size() / 2]) < -12)
                        candidates.push_back(static_cast<int>(bi));
                }
                if (candidates.empty()) throw Error("phantom: no vessel of 4.5-10 mm to place the heat-sink lesion by");
                abut = candidates[static_cast<size_t>(u01(rng) * candidates.size()) % candidates.size()];
                const VesselBranch& b = branches[static_cast<size_t>(abut)];
                const double t = uniform(0.3, 0.7);
                const size_t seg = std::min(b.points.size() - 2, static_cast<size_t>(t * (b.points.size() - 1)));
                const Vec3 p = b.points[seg] + (b.points[seg + 1] - b.points[seg]) * 0.5;
                const Vec3 axis = normalized(b.points[seg + 1] - b.points[seg]);
                Vec3 side = cross(axis, Vec3{uniform(-1, 1), uniform(-1, 1), uniform(-1, 1)});
                if (norm(side) < 1e-3) continue;
                side = normalized(side);
                l.centre = p + side * (b.radii[seg] + rMax + 1.0);
            } else {
                l.centre = {uniform(box.lo.x, box.hi.x), uniform(box.lo.y, box.hi.y), uniform(box.lo.z, box.hi.z)};
            }
            if (l.centre.x < spec.xMin || l.centre.x > spec.xMax) continue;
            if (liver->sdf(l.centre) > -(rMax + 4.0)) continue;
            bool ok = true;
            for (const auto& other : lesions)
                if (distance(other.centre, l.centre) < rMax + other.diameter / 2.0 + 12.0) ok = false;
            if (!ok) continue;
            const ShapePtr shape = lesionShape(l);
            for (size_t bi = 0; bi < branches.size(); ++bi) {
                const auto& b = branches[bi];
                if (static_cast<int>(bi) == abut || b.meanDiameter() < kDisplacedBelowMm) continue;
                if (distanceToBranch(l.centre, b) < rMax + 15.0 && gapToBranch(shape, b) < 1.5) {
                    ok = false;
                    break;
                }
            }
            if (!ok) continue;
            if (abut >= 0) {
                const double gap = gapToBranch(shape, branches[static_cast<size_t>(abut)]);
                if (gap < 0.5 || gap > 2.5) continue;
                l.abutsBranch = branches[static_cast<size_t>(abut)].id;
                l.gapToVessel = gap;
                const auto& b = branches[static_cast<size_t>(abut)];
                char buf[160];
                std::snprintf(buf, sizeof buf, "abuts %s vein branch %d (%.1f mm diameter, %.1f mm gap)",
                              b.tree.c_str(), b.id, b.meanDiameter(), gap);
                l.note = buf;
            }
            l.diameter = 2.0 * (l.semiAxes.x + l.semiAxes.y + l.semiAxes.z) / 3.0;
            placed = true;
        }
        if (!placed) throw Error("phantom: could not place lesion " + std::to_string(l.id) + " (" + spec.note + ")");
        lesions.push_back(l);
    }

    // Small vessels through a lesion are displaced by it: drop them and their subtrees.
    std::set<int> removed;
    for (const auto& b : branches) {
        if (b.meanDiameter() >= kDisplacedBelowMm) continue;
        for (const auto& l : lesions)
            if (distanceToBranch(l.centre, b) < l.diameter / 2.0 + 3.0 && gapToBranch(lesionShape(l), b) < 0.5)
                removed.insert(b.id);
    }
    bool grew = true;
    while (grew) {
        grew = false;
        for (const auto& b : branches)
            if (b.parent >= 0 && removed.count(b.parent) && removed.insert(b.id).second) grew = true;
    }
    branches.erase(std::remove_if(branches.begin(), branches.end(), [&](const VesselBranch& b) { return removed.count(b.id); }),
                   branches.end());
    return lesions;
}

} // namespace irplan::phantom
