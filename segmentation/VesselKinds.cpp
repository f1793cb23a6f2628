#include "segmentation/VesselKinds.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <queue>

namespace irplan::seg {

namespace {

constexpr double kVerticalCos = 0.766; // 40 degrees from the patient's axis
constexpr double kBig = std::numeric_limits<double>::max() / 4;

std::string fmt(double v, int precision = 1) {
    char b[32];
    std::snprintf(b, sizeof b, "%.*f", precision, v);
    return b;
}

Vec3 direction(const KindBranch& b) {
    if (b.points.size() < 2) return {0, 0, 0};
    return normalized(b.points.back() - b.points.front());
}

Vec3 centre(const KindBranch& b) {
    Vec3 c;
    for (const auto& p : b.points) c += p;
    return b.points.empty() ? c : c / double(b.points.size());
}

// Dense node indices and the branches at each node.
struct Graph {
    std::map<int, int> index;
    std::vector<std::vector<int>> at; // node -> branches
    std::vector<int> u, v;            // branch -> its two nodes
};

Graph makeGraph(const std::vector<KindBranch>& bs) {
    Graph g;
    auto idx = [&](int node) {
        auto [it, fresh] = g.index.emplace(node, int(g.at.size()));
        if (fresh) g.at.emplace_back();
        return it->second;
    };
    for (size_t b = 0; b < bs.size(); ++b) {
        const int a = idx(bs[b].startNode), c = idx(bs[b].endNode);
        g.u.push_back(a);
        g.v.push_back(c);
        g.at[size_t(a)].push_back(int(b));
        if (c != a) g.at[size_t(c)].push_back(int(b));
    }
    return g;
}

// Widest-path bottleneck (max over paths of the thinnest branch) and the
// geodesic cost (sum of length / diameter^2) from the seed branches to every node.
void propagate(const Graph& g, const std::vector<KindBranch>& bs, const std::vector<int>& seeds,
               std::vector<double>& widest, std::vector<double>& cost) {
    widest.assign(g.at.size(), 0.0);
    cost.assign(g.at.size(), kBig);
    std::priority_queue<std::pair<double, int>> wq;
    std::priority_queue<std::pair<double, int>, std::vector<std::pair<double, int>>, std::greater<>> cq;
    for (int s : seeds)
        for (int node : {g.u[size_t(s)], g.v[size_t(s)]}) {
            widest[size_t(node)] = kBig;
            cost[size_t(node)] = 0;
            wq.push({kBig, node});
            cq.push({0.0, node});
        }
    while (!wq.empty()) {
        const auto [w, node] = wq.top();
        wq.pop();
        if (w < widest[size_t(node)]) continue;
        for (int b : g.at[size_t(node)]) {
            const int other = g.u[size_t(b)] == node ? g.v[size_t(b)] : g.u[size_t(b)];
            const double cand = std::min(w, bs[size_t(b)].diameter_mm);
            if (cand > widest[size_t(other)]) {
                widest[size_t(other)] = cand;
                wq.push({cand, other});
            }
        }
    }
    while (!cq.empty()) {
        const auto [c, node] = cq.top();
        cq.pop();
        if (c > cost[size_t(node)]) continue;
        for (int b : g.at[size_t(node)]) {
            const int other = g.u[size_t(b)] == node ? g.v[size_t(b)] : g.u[size_t(b)];
            const double d = std::max(0.5, bs[size_t(b)].diameter_mm);
            const double cand = c + bs[size_t(b)].length_mm / (d * d);
            if (cand < cost[size_t(other)]) {
                cost[size_t(other)] = cand;
                cq.push({cand, other});
            }
        }
    }
}

// The IVC: the thickest long branch running cranio-caudally behind the tree,
// with its thick vertical continuations.
std::vector<int> findIvc(const Graph& g, const std::vector<KindBranch>& bs) {
    double maxD = 0, meanY = 0, wsum = 0;
    for (const auto& b : bs)
        if (b.length_mm >= 10) {
            maxD = std::max(maxD, b.diameter_mm);
            meanY += centre(b).y * b.length_mm * b.diameter_mm * b.diameter_mm;
            wsum += b.length_mm * b.diameter_mm * b.diameter_mm;
        }
    if (wsum <= 0) return {};
    meanY /= wsum; // LPS y grows towards the back
    int best = -1;
    for (size_t b = 0; b < bs.size(); ++b) {
        const auto& br = bs[b];
        if (br.length_mm < 15 || std::abs(direction(br).z) < kVerticalCos || br.diameter_mm < 0.6 * maxD) continue;
        if (centre(br).y < meanY) continue;
        if (best < 0 || br.diameter_mm > bs[size_t(best)].diameter_mm) best = int(b);
    }
    if (best < 0) return {};
    std::vector<int> ivc{best};
    std::vector<char> in(bs.size(), 0);
    in[size_t(best)] = 1;
    const double dIvc = bs[size_t(best)].diameter_mm;
    for (size_t qi = 0; qi < ivc.size(); ++qi) {
        const int b = ivc[qi];
        for (int node : {g.u[size_t(b)], g.v[size_t(b)]})
            for (int o : g.at[size_t(node)]) {
                if (in[size_t(o)]) continue;
                const auto& br = bs[size_t(o)];
                const bool vertical = br.points.size() < 2 || br.length_mm < 5 || std::abs(direction(br).z) >= kVerticalCos;
                if (vertical && br.diameter_mm >= 0.6 * dIvc) {
                    in[size_t(o)] = 1;
                    ivc.push_back(o);
                }
            }
    }
    return ivc;
}

} // namespace

KindResult classifyVesselKinds(const KindInput& in) {
    const auto& bs = in.branches;
    KindResult res;
    res.kinds.assign(bs.size(), VesselKind::Unknown);
    res.why.assign(bs.size(), "");
    if (bs.empty()) return res;
    const Graph g = makeGraph(bs);

    // 1. Roots.
    res.ivcBranches = findIvc(g, bs);
    std::vector<char> isIvc(bs.size(), 0), touchesIvc(bs.size(), 0);
    double ivcTop = -kBig;
    for (int b : res.ivcBranches) {
        isIvc[size_t(b)] = 1;
        for (const auto& p : bs[size_t(b)].points) ivcTop = std::max(ivcTop, p.z);
        for (int node : {g.u[size_t(b)], g.v[size_t(b)]})
            for (int o : g.at[size_t(node)]) touchesIvc[size_t(o)] = 1;
    }
    const double upperQuarter = in.liverTop_z - 0.25 * (in.liverTop_z - in.liverBottom_z);
    for (size_t b = 0; b < bs.size(); ++b) {
        const auto& br = bs[b];
        if (isIvc[b] || touchesIvc[b] || br.length_mm < 5) continue;
        if (!res.ivcBranches.empty() && centre(br).z > ivcTop - 10.0) continue;
        if (in.liverTop_z > in.liverBottom_z && centre(br).z > upperQuarter) continue;
        if (res.portalTrunk < 0 || br.diameter_mm > bs[size_t(res.portalTrunk)].diameter_mm) res.portalTrunk = int(b);
    }
    std::string method;
    if (!res.ivcBranches.empty()) {
        const auto& b = bs[size_t(res.ivcBranches.front())];
        method += "IVC: " + std::to_string(res.ivcBranches.size()) + " vertical branch(es) of " + fmt(b.diameter_mm) +
                  " mm behind the tree, up to z " + fmt(ivcTop) + " mm; ";
    }
    if (res.portalTrunk >= 0) {
        const auto& b = bs[size_t(res.portalTrunk)];
        const Vec3 c = centre(b);
        method += "portal trunk: the thickest other branch (" + fmt(b.diameter_mm) + " mm at " + fmt(c.x) + ", " +
                  fmt(c.y) + ", " + fmt(c.z) + " mm); ";
    } else {
        res.warnings.push_back("no portal trunk found among the vessels: portal veins are not labelled by connectivity");
    }

    // 2. Widest path from each root; hepatic roots where the portal tree would widen.
    std::vector<double> wP, cP, wH, cH;
    std::vector<int> portalSeeds, hepaticSeeds = res.ivcBranches;
    if (res.portalTrunk >= 0) portalSeeds.push_back(res.portalTrunk);
    propagate(g, bs, portalSeeds, wP, cP);
    for (size_t b = 0; b < bs.size(); ++b) {
        const auto& br = bs[b];
        if (isIvc[b] || int(b) == res.portalTrunk || br.length_mm < 10 || br.diameter_mm < 5) continue;
        const double reach = std::max(wP[size_t(g.u[b])], wP[size_t(g.v[b])]);
        if (br.diameter_mm * 2.0 / 3.0 > reach) {
            res.hepaticRoots.push_back(int(b));
            hepaticSeeds.push_back(int(b));
        }
    }
    if (!res.hepaticRoots.empty())
        method += std::to_string(res.hepaticRoots.size()) + " hepatic root(s): thick branches the portal trunk reaches "
                  "only through a thinner vessel; ";
    if (hepaticSeeds.empty())
        res.warnings.push_back("no IVC and no hepatic-vein root found among the vessels: hepatic veins cannot be told "
                               "from portal veins by connectivity; their kind is left unknown unless they continue a "
                               "classified branch");
    propagate(g, bs, hepaticSeeds, wH, cH);
    for (size_t b = 0; b < bs.size(); ++b) {
        if (isIvc[b]) {
            res.kinds[b] = VesselKind::Ivc;
            res.why[b] = "the IVC";
            continue;
        }
        if (std::find(res.hepaticRoots.begin(), res.hepaticRoots.end(), int(b)) != res.hepaticRoots.end()) {
            res.kinds[b] = VesselKind::Hepatic;
            res.why[b] = "hepatic root: reached from the portal trunk only through a thinner vessel";
            continue;
        }
        const size_t u = size_t(g.u[b]), v = size_t(g.v[b]);
        const double p = std::max(wP[u], wP[v]), h = std::max(wH[u], wH[v]);
        if (p <= 0 && h <= 0) continue;
        bool portal = p > h;
        if (p > 0 && h > 0 && std::abs(p - h) <= 0.1 * std::max(p, h))
            portal = std::min(cP[u], cP[v]) <= std::min(cH[u], cH[v]);
        res.kinds[b] = portal ? VesselKind::Portal : VesselKind::Hepatic;
        const double w = std::min(portal ? p : h, 1e6);
        res.why[b] = std::string(portal ? "portal trunk" : "IVC") + " reached through vessels of >= " + fmt(w) + " mm" +
                     (w >= 1e6 ? " (root)" : "");
    }

    // 3. Unconnected pieces: the kind of the classified branch they continue.
    for (size_t b = 0; b < bs.size(); ++b) {
        if (res.kinds[b] != VesselKind::Unknown || bs[b].points.size() < 2) continue;
        const auto& br = bs[b];
        double bestD = 10.0;
        VesselKind pick = VesselKind::Unknown;
        for (int end = 0; end < 2; ++end) {
            const Vec3 e = end == 0 ? br.points.front() : br.points.back();
            const Vec3 inward = normalized(end == 0 ? br.points[std::min<size_t>(3, br.points.size() - 1)] - e
                                                    : br.points[br.points.size() - 1 - std::min<size_t>(3, br.points.size() - 1)] - e);
            for (size_t o = 0; o < bs.size(); ++o) {
                const VesselKind k = res.kinds[o];
                if (k == VesselKind::Unknown || k == VesselKind::Ivc || bs[o].points.size() < 2) continue;
                const auto& pts = bs[o].points;
                for (size_t i = 0; i < pts.size(); ++i) {
                    const double d = distance(pts[i], e);
                    if (d >= bestD) continue;
                    const Vec3 t = normalized(pts[std::min(i + 1, pts.size() - 1)] - pts[i > 0 ? i - 1 : 0]);
                    if (std::abs(dot(t, inward)) < std::cos(M_PI / 4)) continue;
                    bestD = d;
                    pick = k;
                }
            }
        }
        if (pick != VesselKind::Unknown) {
            res.kinds[b] = pick;
            res.why[b] = "continues a " + vesselKindName(pick) + " branch " + fmt(bestD) + " mm away";
        }
    }

    // 4. Arterial phase: arteries are brighter than the portal trunk.
    if (in.phase == "arterial" && res.portalTrunk >= 0) {
        const double ref = bs[size_t(res.portalTrunk)].lumen_hu;
        const double margin = std::max(40.0, 3.0 * in.noise_hu);
        for (size_t b = 0; b < bs.size(); ++b)
            if (res.kinds[b] != VesselKind::Ivc && bs[b].lumen_hu > ref + margin) {
                res.kinds[b] = VesselKind::Artery;
                res.why[b] = "arterial phase: lumen " + fmt(bs[b].lumen_hu, 0) + " HU, portal trunk " + fmt(ref, 0) + " HU";
            }
        method += "arterial phase: branches brighter than the portal trunk by " + fmt(margin, 0) + " HU are arteries; ";
    }
    method += "each branch takes the root reached by the widest path (thinnest vessel on the way thickest), ties by "
              "length / diameter^2; unconnected pieces take the kind of the branch they continue";
    res.method = method;
    return res;
}

} // namespace irplan::seg
