#include "segmentation/Couinaud.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace irplan::seg {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Distance (mm) from p to the nearest sector or level boundary of the planes.
double boundaryDistance(const CouinaudPlanes& pl, const Vec3& p) {
    const Vec3 c = ivcAxisAt(pl, p.z);
    const double r = std::hypot(p.x - c.x, p.y - c.y);
    const double a = angleAroundIvc(pl, p);
    double d = std::abs(p.z - (angleAroundIvc(pl, p) >= veinAngleAt(pl, 2, r) ? pl.leftPortalZ : pl.bifurcation.z));
    for (double b : {veinAngleAt(pl, 0, r), veinAngleAt(pl, 1, r), veinAngleAt(pl, 2, r)}) {
        const double da = std::abs(a - b) * kPi / 180.0;
        d = std::min(d, da < kPi / 2 ? r * std::sin(da) : r);
    }
    return d;
}

// Portal-branch territories inside the liver: breadth-first from the voxels
// of the labelled portal centrelines (26-neighbourhood, mm steps), each liver
// voxel takes the label of the nearest source.
std::vector<std::uint8_t> portalTerritories(const MaskImage* liver, const std::vector<std::pair<Vec3, int>>& sources) {
    const auto n = dims(liver);
    const size_t total = n[0] * n[1] * n[2];
    const auto* l = liver->GetBufferPointer();
    const auto& sp = liver->GetSpacing();
    std::vector<float> dist(total, 1e30f);
    std::vector<std::uint8_t> label(total, 0);
    using Item = std::pair<float, size_t>;
    std::vector<Item> heap;
    auto push = [&](float d, size_t v) {
        heap.push_back({-d, v});
        std::push_heap(heap.begin(), heap.end());
    };
    for (const auto& [p, seg] : sources) {
        const Vec3 q = pointToIndex(liver, p);
        const long x = std::lround(q.x), y = std::lround(q.y), z = std::lround(q.z);
        if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
        const size_t v = linearIndex(n, size_t(x), size_t(y), size_t(z));
        if (!l[v] || dist[v] == 0) continue;
        dist[v] = 0;
        label[v] = std::uint8_t(seg);
        push(0, v);
    }
    while (!heap.empty()) {
        std::pop_heap(heap.begin(), heap.end());
        const auto [nd, v] = heap.back();
        heap.pop_back();
        if (-nd > dist[v]) continue;
        const long i = long(v % n[0]), j = long((v / n[0]) % n[1]), k = long(v / (n[0] * n[1]));
        for (int dz = -1; dz <= 1; ++dz)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    if (!dx && !dy && !dz) continue;
                    const long x = i + dx, y = j + dy, z = k + dz;
                    if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
                    const size_t u = linearIndex(n, size_t(x), size_t(y), size_t(z));
                    if (!l[u]) continue;
                    const float step = float(std::sqrt(dx * dx * sp[0] * sp[0] + dy * dy * sp[1] * sp[1] + dz * dz * sp[2] * sp[2]));
                    if (dist[v] + step < dist[u]) {
                        dist[u] = dist[v] + step;
                        label[u] = label[v];
                        push(dist[u], u);
                    }
                }
    }
    return label;
}

} // namespace

std::vector<CouinaudBranch> couinaudBranches(const std::vector<VesselBranch>& branches) {
    std::vector<CouinaudBranch> out;
    for (const auto& b : branches) {
        CouinaudBranch c;
        c.points = b.points_mm;
        c.diameter_mm = b.diameter_mm;
        c.parent = b.parent >= 1 ? b.parent - 1 : -1; // ids are 1..n in order
        c.kind = vesselKindName(b.kind);
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<CouinaudBranch> couinaudBranchesFromJson(const Json& j, const std::string& where) {
    const Json* list = nullptr;
    if (j.is_object() && j.contains("branches")) list = &j["branches"];
    else if (j.is_object() && j.contains("vessels")) list = &j["vessels"];
    if (!list || !list->is_array()) throw Error(where + " has no \"branches\" list of vessel branches");
    std::map<long long, int> index;
    for (size_t i = 0; i < list->size(); ++i)
        if ((*list)[i].contains("id") && (*list)[i]["id"].is_number_integer()) index[(*list)[i]["id"].get<long long>()] = int(i);
    std::vector<CouinaudBranch> out;
    bool anyKind = false;
    for (const auto& b : *list) {
        CouinaudBranch c;
        if (!b.contains("points_mm") || !b["points_mm"].is_array())
            throw Error(where + ": a branch lacks \"points_mm\"");
        for (const auto& p : b["points_mm"]) {
            if (!p.is_array() || p.size() != 3) throw Error(where + ": a point is not [x, y, z]");
            c.points.push_back({p[0].get<double>(), p[1].get<double>(), p[2].get<double>()});
        }
        if (b.contains("diameter_mm") && b["diameter_mm"].is_number()) c.diameter_mm = b["diameter_mm"].get<double>();
        else if (b.contains("radii_mm") && b["radii_mm"].is_array() && !b["radii_mm"].empty()) {
            double s = 0;
            for (const auto& r : b["radii_mm"]) s += 2.0 * r.get<double>();
            c.diameter_mm = s / double(b["radii_mm"].size());
        }
        if (b.contains("parent") && b["parent"].is_number_integer()) {
            auto it = index.find(b["parent"].get<long long>());
            c.parent = it == index.end() ? -1 : it->second;
        }
        const std::string key = b.contains("kind") ? "kind" : "tree";
        if (b.contains(key) && b[key].is_string()) {
            c.kind = b[key].get<std::string>();
            anyKind = anyKind || (c.kind != "unknown" && !c.kind.empty());
        }
        out.push_back(std::move(c));
    }
    if (!anyKind)
        throw Error(where + " gives no vessel kinds (portal, hepatic, IVC): segment the vessels again with this version "
                    "of irplan segment vessels");
    return out;
}

CouinaudResult segmentCouinaud(const MaskImage* liver, const std::vector<CouinaudBranch>& branches,
                               const CouinaudOptions& opt) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!liver || countOn(liver) == 0) throw Error("the liver mask is empty: no liver to divide into segments");
    CouinaudResult res;
    // Distance outside the liver, for the bifurcation (it lies at the hilum).
    auto outside = distanceToOn(liver);
    const auto n = dims(liver);
    const float* od = outside->GetBufferPointer();
    auto liverDistance = [&](const Vec3& p) {
        const Vec3 q = pointToIndex(liver, p);
        const long x = std::lround(q.x), y = std::lround(q.y), z = std::lround(q.z);
        if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) return 1e9;
        return double(od[linearIndex(n, size_t(x), size_t(y), size_t(z))]);
    };
    res.planes = couinaudPlanes(branches, liverDistance);
    res.warnings = res.planes.warnings;
    opt.progress.update(0.2, "couinaud: planes");

    // 1. Planes.
    res.labels = newLabels(liver);
    auto* lab = res.labels->GetBufferPointer();
    const auto* l = liver->GetBufferPointer();
    const size_t total = n[0] * n[1] * n[2];
    std::vector<float> near(total, 0.0f); // 1 where a portal territory decides
    for (size_t k = 0, v = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i, ++v) {
                if (!l[v]) continue;
                const Vec3 p = indexToPoint(liver, {double(i), double(j), double(k)});
                const int s = couinaudSegmentAt(res.planes, p);
                lab[v] = LabelImage::PixelType(s);
                near[v] = s != 1 && boundaryDistance(res.planes, p) < opt.refineBand_mm;
            }
    opt.progress.checkCancel();
    opt.progress.update(0.5, "couinaud: portal territories");

    // 2. Portal territories near the boundaries (when asked for).
    if (opt.refineBand_mm > 0) {
        std::vector<std::pair<Vec3, int>> sources;
        for (const auto& b : branches) {
            if (b.kind != "portal") continue;
            std::array<double, 9> votes{};
            for (size_t i = 0; i + 1 < b.points.size(); ++i) {
                const Vec3 p = (b.points[i] + b.points[i + 1]) * 0.5;
                if (liverDistance(p) > 0 || boundaryDistance(res.planes, p) < opt.refineBand_mm) continue;
                votes[size_t(couinaudSegmentAt(res.planes, p))] += distance(b.points[i], b.points[i + 1]);
            }
            const auto best = std::max_element(votes.begin() + 2, votes.end());
            double sum = 0;
            for (double v : votes) sum += v;
            // Only branches clearly inside one segment (>= 10 mm, 80% of it) supply a territory.
            if (*best < 10.0 || *best < 0.8 * sum) continue;
            for (const auto& p : b.points) sources.push_back({p, int(best - votes.begin())});
        }
        if (sources.empty())
            res.warnings.push_back("no portal branch clearly inside one segment: the segments are the planes alone");
        const auto territory = portalTerritories(liver, sources);
        for (size_t v = 0; v < total && !sources.empty(); ++v)
            if (near[v] && territory[v] && territory[v] != lab[v]) {
                lab[v] = territory[v];
                ++res.refinedVoxels;
            }
    }

    const double voxel_ml = voxelVolume_mm3(liver) / 1000.0;
    for (size_t v = 0; v < total; ++v)
        if (lab[v]) {
            res.volume_ml[lab[v]] += voxel_ml;
            res.liver_ml += voxel_ml;
        }
    for (int s = 1; s <= 8; ++s) {
        const double share = res.volume_ml[size_t(s)] / std::max(1e-9, res.liver_ml);
        if (share < 0.01) res.warnings.push_back("segment " + std::to_string(s) + " holds under 1% of the liver: check the landmarks");
        if (s >= 2 && (share < 0.01 || share > 0.5) && res.plausible) {
            res.plausible = false;
            res.implausibleReason = "segment " + std::to_string(s) + " holds " + std::to_string(int(std::lround(100 * share))) +
                                    "% of the liver (expected 1-50%): the landmarks were probably misread";
        }
    }
    if (!res.plausible) res.warnings.push_back("implausible segments: " + res.implausibleReason);
    res.refineBand_mm = opt.refineBand_mm;
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    opt.progress.update(1.0, "couinaud: done");
    return res;
}

Json couinaudJson(const CouinaudResult& r, const std::string& source) {
    auto round2 = [](double v) { return std::round(v * 100.0) / 100.0; };
    auto vec = [&](const Vec3& p) { return Json::array({round2(p.x), round2(p.y), round2(p.z)}); };
    Json j;
    j["source"] = source;
    j["units"] = "mm (LPS), mL";
    j["labels"] = {{"1", "caudate"}, {"2", "left lateral superior"}, {"3", "left lateral inferior"},
                   {"4", "left medial (4a and 4b)"}, {"5", "right anterior inferior"}, {"6", "right posterior inferior"},
                   {"7", "right posterior superior"}, {"8", "right anterior superior"}};
    Json segs = Json::array();
    for (int s = 1; s <= 8; ++s)
        segs.push_back({{"segment", s}, {"volume_ml", round2(r.volume_ml[size_t(s)])},
                        {"percent", r.liver_ml > 0 ? round2(100.0 * r.volume_ml[size_t(s)] / r.liver_ml) : 0.0}});
    j["segments"] = segs;
    j["liver_ml"] = round2(r.liver_ml);
    const auto& p = r.planes;
    Json axis = Json::array();
    for (const auto& a : p.ivcAxis) axis.push_back(vec(a));
    const char* names[3] = {"right", "middle", "left"};
    const double angles[3] = {p.rightAngle_deg, p.middleAngle_deg, p.leftAngle_deg};
    Json veins = Json::object();
    for (int v = 0; v < 3; ++v)
        veins[names[v]] = {{"angle_deg", round2(angles[v])}, {"found", p.veinFound[v]}};
    j["landmarks"] = {{"ivc_axis_mm", axis},
                      {"ivc_source", p.ivcSource},
                      {"hepatic_vein_confluence_mm", vec(p.confluence)},
                      {"hepatic_veins", veins},
                      {"angle_convention", "degrees around the IVC axis in the axial plane: 0 patient right, 90 "
                                           "anterior, 180 left, -90 posterior"},
                      {"portal_bifurcation_mm", vec(p.bifurcation)},
                      {"left_portal_vein_z_mm", round2(p.leftPortalZ)}};
    j["method"] = std::string("classical plane model (Couinaud/Bismuth): vertical surfaces through the IVC axis following "
                  "the right, middle and left hepatic veins; the axial plane through the portal bifurcation (superior 7, 8, 4a / "
                  "inferior 6, 5, 4b); in the left lateral sector the axial plane at the left portal vein (2 / 3); "
                  "caudate between the "
                  "IVC and the bifurcation") +
                  (r.refineBand_mm > 0 ? "; within " + std::to_string(int(r.refineBand_mm)) +
                                             " mm of a boundary the segment of the nearest portal branch (geodesic in the liver)"
                                       : "");
    j["refined_voxels"] = r.refinedVoxels;
    j["plausible"] = r.plausible;
    if (!r.plausible) j["implausible_reason"] = r.implausibleReason;
    j["seconds"] = round2(r.seconds);
    j["warnings"] = r.warnings;
    return j;
}

void assignLesionSegments(std::vector<LesionMeasurement>& lesions, const LabelImage* lesionLabels,
                          const LabelImage* couinaud) {
    if (!lesionLabels || !couinaud || !sameGrid(lesionLabels, couinaud))
        throw Error("the lesion map and the Couinaud segments are not on one grid");
    std::map<int, std::array<size_t, 9>> counts;
    const size_t total = lesionLabels->GetBufferedRegion().GetNumberOfPixels();
    const auto* les = lesionLabels->GetBufferPointer();
    const auto* cs = couinaud->GetBufferPointer();
    for (size_t v = 0; v < total; ++v)
        if (les[v] && cs[v] >= 1 && cs[v] <= 8) ++counts[les[v]][cs[v]];
    for (auto& m : lesions) {
        m.couinaud.reset();
        m.couinaudAll.clear();
        auto it = counts.find(m.id);
        if (it == counts.end()) continue;
        const auto& c = it->second;
        const auto best = std::max_element(c.begin() + 1, c.end());
        if (*best == 0) continue;
        m.couinaud = int(best - c.begin());
        for (int s = 1; s <= 8; ++s)
            if (c[size_t(s)]) m.couinaudAll.push_back(s);
    }
}

} // namespace irplan::seg
