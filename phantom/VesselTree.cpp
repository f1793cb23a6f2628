#include "phantom/VesselTree.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace irplan::phantom {
namespace {

// Space-colonisation parameters (mm).
constexpr double kStep = 2.5;       // growth per iteration
constexpr double kInfluence = 30.0; // an attraction point pulls the nearest node within this
constexpr double kKill = 5.0;       // points this close to a node are reached
constexpr int kPointsPerTree = 2600;
constexpr double kLeafRadius = 0.5; // leaf radius before scaling
// Radius law r^g = sum of the children's r^g. Murray's g = 3 needs thousands of
// leaves to reach a 14 mm trunk from 1 mm twigs; g = 2.6 (within the 2.5-3
// range measured in vascular trees) does it with the ~700 leaves grown here.
constexpr double kRadiusExponent = 2.6;
constexpr double kTreeClearance = 6.0; // a node keeps this far from other trees' nodes

struct Node {
    Vec3 p;
    int parent;
    int tree; // index into roots' tree ids
    double radius = 0;
    int children = 0;
};

long long key(const Vec3& p, double cell) {
    const long long i = static_cast<long long>(std::floor(p.x / cell)), j = static_cast<long long>(std::floor(p.y / cell)),
                    k = static_cast<long long>(std::floor(p.z / cell));
    return (i * 73856093LL) ^ (j * 19349663LL) ^ (k * 83492791LL);
}

class Colony {
public:
    explicit Colony(const ShapePtr& liver) : liver_(liver) {}

    int addNode(const Vec3& p, int parent, int tree) {
        nodes_.push_back({p, parent, tree});
        const int id = static_cast<int>(nodes_.size()) - 1;
        grid_[key(p, kInfluence)].push_back(id);
        if (parent >= 0) ++nodes_[static_cast<size_t>(parent)].children;
        return id;
    }

    // Calls f(node index) for every node in the 27 hash cells around p.
    template <class F>
    void forNodesNear(const Vec3& p, F&& f) const {
        for (int dx = -1; dx <= 1; ++dx)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dz = -1; dz <= 1; ++dz) {
                    auto it = grid_.find(key(p + Vec3{dx * kInfluence, dy * kInfluence, dz * kInfluence}, kInfluence));
                    if (it == grid_.end()) continue;
                    for (int n : it->second) f(n);
                }
    }

    // True when a node of another tree lies within `r` of p.
    bool otherTreeWithin(const Vec3& p, int tree, double r) const {
        bool found = false;
        forNodesNear(p, [&](int n) {
            const Node& node = nodes_[static_cast<size_t>(n)];
            found = found || (node.tree != tree && distance(node.p, p) < r);
        });
        return found;
    }

    // Nearest node of `tree` within the influence radius, or -1.
    int nearest(const Vec3& p, int tree) const {
        int best = -1;
        double bestD = kInfluence;
        forNodesNear(p, [&](int n) {
            const Node& node = nodes_[static_cast<size_t>(n)];
            if (node.tree != tree) return;
            const double d = distance(node.p, p);
            if (d < bestD) {
                bestD = d;
                best = n;
            }
        });
        return best;
    }

    // Grows until the attraction points are used up or nothing moves.
    void grow(std::vector<std::vector<Vec3>> points, const std::vector<Vec3>& avoidAxis, double avoidRadius) {
        for (int iter = 0; iter < 400; ++iter) {
            std::map<int, Vec3> pull;
            for (size_t t = 0; t < points.size(); ++t)
                for (const Vec3& a : points[t]) {
                    const int n = nearest(a, static_cast<int>(t));
                    if (n >= 0) pull[n] += normalized(a - nodes_[static_cast<size_t>(n)].p);
                }
            size_t added = 0;
            for (const auto& [n, dir] : pull) {
                if (norm(dir) < 1e-6) continue;
                const Node node = nodes_[static_cast<size_t>(n)];
                const Vec3 q = node.p + normalized(dir) * kStep;
                if (liver_->sdf(q) > -1.5) continue;
                if (nearAxis(q, avoidAxis, avoidRadius)) continue;
                if (node.children >= 2) continue; // bifurcations only
                if (otherTreeWithin(q, node.tree, kTreeClearance)) continue;
                addNode(q, n, node.tree);
                ++added;
            }
            // Remove reached points.
            for (size_t t = 0; t < points.size(); ++t) {
                auto& pts = points[t];
                pts.erase(std::remove_if(pts.begin(), pts.end(),
                                         [&](const Vec3& a) {
                                             const int n = nearest(a, static_cast<int>(t));
                                             return n >= 0 && distance(nodes_[static_cast<size_t>(n)].p, a) < kKill;
                                         }),
                          pts.end());
            }
            if (added == 0) break;
        }
    }

    std::vector<Node>& nodes() { return nodes_; }

private:
    static bool nearAxis(const Vec3& q, const std::vector<Vec3>& axis, double r) {
        for (size_t i = 0; i + 1 < axis.size(); ++i)
            if (distanceToSegment(q, axis[i], axis[i + 1]) < r) return true;
        return false;
    }

    const ShapePtr& liver_;
    std::vector<Node> nodes_;
    std::unordered_map<long long, std::vector<int>> grid_;
};

// Radii from the leaves up: r^g = sum of the children's r^g.
void assignRadii(std::vector<Node>& nodes) {
    std::vector<double> sum(nodes.size(), 0.0);
    for (size_t i = nodes.size(); i-- > 0;) {
        Node& n = nodes[i];
        n.radius = n.children == 0 ? kLeafRadius : std::pow(sum[i], 1.0 / kRadiusExponent);
        if (n.parent >= 0) sum[static_cast<size_t>(n.parent)] += std::pow(n.radius, kRadiusExponent);
    }
}

// The hepatic artery runs beside the portal vein (portal triads): one arterial
// branch beside each portal branch of >= 4 mm, about a third of its
// diameter, 1.2 mm from its wall, fed from the celiac trunk on the aorta.
void addArteries(std::vector<VesselBranch>& branches, int mainPv) {
    std::map<int, int> arteryOf;
    std::set<int> mainTree{mainPv};
    const size_t n = branches.size();
    int nextId = 0;
    for (const auto& b : branches) nextId = std::max(nextId, b.id + 1);
    int celiac = -1;
    for (size_t i = 0; i < n; ++i) {
        const VesselBranch pv = branches[i];
        if (pv.tree != "portal") continue;
        if (pv.id != mainPv && !mainTree.count(pv.parent)) continue;
        mainTree.insert(pv.id);
        if (pv.radii.front() < 2.0) continue;
        VesselBranch art;
        art.tree = "artery";
        art.label = kHepaticArtery;
        art.generation = pv.generation;
        for (size_t k = 0; k < pv.points.size(); ++k) {
            const Vec3 d = normalized(pv.points[std::min(k + 1, pv.points.size() - 1)] - pv.points[k == 0 ? 0 : k - 1]);
            Vec3 side = Vec3{0, -1, 0} - d * dot(Vec3{0, -1, 0}, d);
            if (norm(side) < 0.2) side = cross(d, Vec3{1, 0, 0});
            side = normalized(side);
            const double ra = std::max(0.6, 0.32 * pv.radii[k]);
            art.points.push_back(pv.points[k] + side * (pv.radii[k] + ra + 1.2));
            art.radii.push_back(ra);
        }
        if (pv.id == mainPv) {
            VesselBranch root;
            root.tree = "artery";
            root.label = kHepaticArtery;
            root.id = nextId++;
            root.points = {{15, 8, -32}, {0, -2, -36}, art.points.front()};
            root.radii = {2.8, 2.6, art.radii.front()};
            celiac = root.id;
            branches.push_back(root);
            art.parent = celiac;
        } else {
            auto it = arteryOf.find(pv.parent);
            art.parent = it != arteryOf.end() ? it->second : celiac;
        }
        art.id = nextId++;
        arteryOf[pv.id] = art.id;
        branches.push_back(art);
    }
}

} // namespace

VesselTreeBuilder::VesselTreeBuilder(ShapePtr liver, std::mt19937_64& rng) : liver_(std::move(liver)), rng_(rng) {}

std::vector<Vec3> VesselTreeBuilder::ivcCentreline() {
    return {{-28, 28, -400}, {-28, 28, 40}, {-23, 20, 70}, {-10, 2, 100}, {-2, -8, 115}};
}

size_t pruneCrossings(std::vector<VesselBranch>& branches, double gap, const std::vector<std::string>& pairs) {
    auto compared = [&](const std::string& a, const std::string& b) {
        return std::find(pairs.begin(), pairs.end(), a + "|" + b) != pairs.end() ||
               std::find(pairs.begin(), pairs.end(), b + "|" + a) != pairs.end();
    };
    std::set<int> removed;
    // Compare segments of different trees, thinner branch loses.
    struct Seg {
        Vec3 a, b;
        double ra, rb;
        size_t branch;
    };
    std::vector<Seg> segs;
    for (size_t i = 0; i < branches.size(); ++i)
        for (size_t s = 0; s + 1 < branches[i].points.size(); ++s)
            segs.push_back({branches[i].points[s], branches[i].points[s + 1], branches[i].radii[s], branches[i].radii[s + 1], i});
    std::unordered_map<long long, std::vector<size_t>> grid;
    const double cell = 12.0;
    for (size_t s = 0; s < segs.size(); ++s) grid[key((segs[s].a + segs[s].b) * 0.5, cell)].push_back(s);
    auto tree = [&](size_t b) { return branches[b].tree; };
    for (size_t s = 0; s < segs.size(); ++s) {
        const Seg& x = segs[s];
        const Vec3 mid = (x.a + x.b) * 0.5;
        for (int dx = -1; dx <= 1; ++dx)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dz = -1; dz <= 1; ++dz) {
                    auto it = grid.find(key(mid + Vec3{dx * cell, dy * cell, dz * cell}, cell));
                    if (it == grid.end()) continue;
                    for (size_t o : it->second) {
                        const Seg& y = segs[o];
                        if (y.branch == x.branch || !compared(tree(y.branch), tree(x.branch))) continue;
                        // Closest approach, sampled along x.
                        for (double t = 0; t <= 1.0; t += 0.25) {
                            const Vec3 p = x.a + (x.b - x.a) * t;
                            const double rx = x.ra + t * (x.rb - x.ra);
                            if (taperedCapsuleSdf(p, y.a, y.b, y.ra, y.rb) < rx + gap) {
                                const size_t loser = branches[x.branch].meanDiameter() < branches[y.branch].meanDiameter()
                                                         ? x.branch
                                                         : y.branch;
                                if (branches[loser].tree != "ivc" && branches[loser].parent >= 0) removed.insert(branches[loser].id);
                                break;
                            }
                        }
                    }
                }
    }
    bool grew = true;
    while (grew) {
        grew = false;
        for (const auto& b : branches)
            if (b.parent >= 0 && removed.count(b.parent) && removed.insert(b.id).second) grew = true;
    }
    const size_t before = branches.size();
    branches.erase(std::remove_if(branches.begin(), branches.end(), [&](const VesselBranch& b) { return removed.count(b.id); }),
                   branches.end());
    return before - branches.size();
}

std::vector<VesselBranch> VesselTreeBuilder::build() {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const Box box = liver_->bounds();
    auto sampleLiver = [&](int n) {
        std::vector<Vec3> pts;
        while (static_cast<int>(pts.size()) < n) {
            const Vec3 p{box.lo.x + u(rng_) * (box.hi.x - box.lo.x), box.lo.y + u(rng_) * (box.hi.y - box.lo.y),
                         box.lo.z + u(rng_) * (box.hi.z - box.lo.z)};
            if (liver_->sdf(p) < -3.0) pts.push_back(p);
        }
        return pts;
    };

    std::vector<VesselBranch> out;
    auto addBranch = [&](VesselBranch b) {
        b.id = static_cast<int>(out.size());
        out.push_back(std::move(b));
        return out.back().id;
    };
    const auto ivc = ivcCentreline();
    {
        VesselBranch cava;
        cava.tree = "ivc";
        cava.label = kIvc;
        cava.points = ivc;
        cava.radii.assign(ivc.size(), kIvcRadius);
        addBranch(cava);
    }
    // Extrahepatic portal system: superior mesenteric and splenic veins join
    // behind the pancreas; the main portal vein runs up to the hilum.
    const Vec3 confluence{5, 5, -45};
    const Vec3 hilum{-30 + (u(rng_) - 0.5) * 4, 12, (u(rng_) - 0.5) * 4};
    auto fixedBranch = [&](std::vector<Vec3> pts, double r0, double r1, int parent) {
        VesselBranch b;
        b.tree = "portal";
        b.label = kPortalVein;
        b.parent = parent;
        b.points = std::move(pts);
        for (size_t i = 0; i < b.points.size(); ++i)
            b.radii.push_back(r0 + (r1 - r0) * static_cast<double>(i) / static_cast<double>(b.points.size() - 1));
        return addBranch(b);
    };
    fixedBranch({{5, -8, -150}, {5, -2, -95}, confluence}, 5.0, 5.0, -1);
    fixedBranch({{72, 32, -2}, {45, 20, -28}, confluence}, 4.5, 4.5, -1);
    const int mainPv = fixedBranch({confluence, {-12, 7, -22}, hilum}, 7.0, 6.8, -1);

    // Intrahepatic trees: tree 0 portal (from the hilum), trees 1-3 the right,
    // middle and left hepatic veins (from the IVC).
    Colony colony(liver_);
    struct Root {
        Vec3 start, dir;
        double radius;
        std::string tree;
        int label;
    };
    auto ivcAt = [&](double z) {
        for (size_t i = 0; i + 1 < ivc.size(); ++i)
            if (z >= ivc[i].z && z <= ivc[i + 1].z)
                return ivc[i] + (ivc[i + 1] - ivc[i]) * ((z - ivc[i].z) / (ivc[i + 1].z - ivc[i].z));
        return ivc.back();
    };
    std::vector<Root> roots = {
        {hilum, normalized(hilum - Vec3{-12, 7, -22}), 6.8, "portal", kPortalVein},
        {ivcAt(54), normalized(Vec3{-0.8, -0.15, -0.5}), 5.5, "hepatic", kHepaticVein},
        {ivcAt(60), normalized(Vec3{-0.3, -0.8, -0.45}), 5.0, "hepatic", kHepaticVein},
        {ivcAt(62), normalized(Vec3{0.6, -0.7, -0.25}), 4.5, "hepatic", kHepaticVein},
    };
    std::vector<int> rootNode;
    for (size_t t = 0; t < roots.size(); ++t) {
        // A short fixed stem leaves the hilum / the IVC wall before colonising.
        Vec3 start = roots[t].start;
        if (t > 0) start = start + roots[t].dir * (kIvcRadius + 1.0);
        int n = colony.addNode(start, -1, static_cast<int>(t));
        rootNode.push_back(n);
        for (int s = 1; s <= 3; ++s) n = colony.addNode(start + roots[t].dir * (s * kStep), n, static_cast<int>(t));
    }
    // Attraction points: the portal tree and the hepatic-vein trees (shared by the three veins).
    const std::vector<Vec3> portalPts = sampleLiver(kPointsPerTree), hepaticPts = sampleLiver(kPointsPerTree);
    std::vector<std::vector<Vec3>> points(roots.size());
    points[0] = portalPts;
    // Each hepatic point goes to the vein whose stem is nearest (the veins drain territories).
    for (const Vec3& p : hepaticPts) {
        size_t best = 1;
        for (size_t t = 2; t < roots.size(); ++t)
            if (distance(p, roots[t].start + roots[t].dir * 30.0) < distance(p, roots[best].start + roots[best].dir * 30.0))
                best = t;
        points[best].push_back(p);
    }
    colony.grow(points, ivc, kIvcRadius + 2.0);
    auto& nodes = colony.nodes();
    assignRadii(nodes);

    // Chains between bifurcations become branches; radii scaled per tree root.
    std::vector<int> branchOfNode(nodes.size(), -1);
    std::vector<std::vector<int>> children(nodes.size());
    for (size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].parent >= 0) children[static_cast<size_t>(nodes[i].parent)].push_back(static_cast<int>(i));
    for (size_t t = 0; t < roots.size(); ++t) {
        const double scale = roots[t].radius / nodes[static_cast<size_t>(rootNode[t])].radius;
        struct Start {
            int node;
            int parentBranch;
            int generation;
        };
        std::vector<Start> stack{{rootNode[t], t == 0 ? mainPv : -1, t == 0 ? 1 : 0}};
        while (!stack.empty()) {
            const Start s = stack.back();
            stack.pop_back();
            VesselBranch b;
            b.tree = roots[t].tree;
            b.label = roots[t].label;
            b.parent = s.parentBranch;
            b.generation = s.generation;
            int n = s.node;
            if (nodes[static_cast<size_t>(n)].parent >= 0) {
                const Node& from = nodes[static_cast<size_t>(nodes[static_cast<size_t>(n)].parent)];
                b.points.push_back(from.p);
                b.radii.push_back(std::max(kLeafRadius, nodes[static_cast<size_t>(n)].radius * scale));
            }
            for (;;) {
                b.points.push_back(nodes[static_cast<size_t>(n)].p);
                b.radii.push_back(std::max(kLeafRadius, nodes[static_cast<size_t>(n)].radius * scale));
                const auto& ch = children[static_cast<size_t>(n)];
                if (ch.size() != 1) break;
                n = ch[0];
            }
            if (b.points.size() < 2) { // a root that forks at once: its children start the tree
                for (int ch : children[static_cast<size_t>(n)]) stack.push_back({ch, s.parentBranch, s.generation});
                continue;
            }
            // Light smoothing of the zig-zag of growth steps (ends fixed).
            for (int pass = 0; pass < 2; ++pass)
                for (size_t i = 1; i + 1 < b.points.size(); ++i)
                    b.points[i] = (b.points[i - 1] + b.points[i] * 2.0 + b.points[i + 1]) * 0.25;
            const int id = addBranch(b);
            for (int c : children[static_cast<size_t>(n)]) stack.push_back({c, id, s.generation + 1});
        }
    }
    pruneCrossings(out, 1.0, {"portal|hepatic", "hepatic|ivc", "portal|ivc"});
    addArteries(out, mainPv);
    pruneCrossings(out, 0.5, {"artery|hepatic", "artery|ivc"});
    return out;
}

} // namespace irplan::phantom
