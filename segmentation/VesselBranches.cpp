#include "segmentation/VesselBranches.h"

#include "segmentation/ImageOps.h"

#include <algorithm>
#include <set>

namespace irplan::seg {

namespace {

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    auto mid = v.begin() + static_cast<long>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    return *mid;
}

} // namespace

size_t BranchSet::degree(int node) const {
    auto it = nodeBranches.find(node);
    return it == nodeBranches.end() ? 0 : it->second.size();
}

Vec3 graphNodeCentre(const SkeletonGraph& graph, int node, const itk::ImageBase<3>* grid) {
    const auto n = dims(grid);
    Vec3 p;
    const auto& voxels = graph.nodes[static_cast<size_t>(node)].voxels;
    for (size_t v : voxels) p += indexToPoint(grid, {double(v % n[0]), double((v / n[0]) % n[1]), double(v / (n[0] * n[1]))});
    return p / double(voxels.size());
}

BranchSet buildBranches(const SkeletonGraph& graph, const FloatImage* edt, const MaskImage* ownerRegion,
                        double minLength_mm) {
    BranchSet set;
    const auto n = dims(edt);
    const size_t total = n[0] * n[1] * n[2];
    const auto& sp = edt->GetSpacing();
    const double hMin = std::min({sp[0], sp[1], sp[2]});
    const float* e = edt->GetBufferPointer();
    auto voxelPoint = [&](size_t v) {
        return indexToPoint(edt, {double(v % n[0]), double((v / n[0]) % n[1]), double(v / (n[0] * n[1]))});
    };
    auto radiusAt = [&](size_t v) { return std::max(0.5 * hMin, double(e[v]) - 0.5 * hMin); };
    auto gb = [&](int b) -> const GraphBranch& { return graph.branches[static_cast<size_t>(b)]; };
    std::vector<int> live;
    for (size_t b = 0; b < graph.branches.size(); ++b)
        if (!graph.branches[b].removed) live.push_back(static_cast<int>(b));
    auto& nodeBranches = set.nodeBranches;
    for (int b : live) {
        nodeBranches[gb(b).a].push_back(b);
        if (gb(b).b != gb(b).a) nodeBranches[gb(b).b].push_back(b);
    }
    auto nodeRadius = [&](int node) {
        double r = 0;
        for (size_t v : graph.nodes[static_cast<size_t>(node)].voxels) r = std::max(r, radiusAt(v));
        return r;
    };
    auto medianRadius = [&](int b) {
        std::vector<double> r;
        for (size_t v : gb(b).voxels) r.push_back(radiusAt(v));
        for (int node : {gb(b).a, gb(b).b})
            if (graph.nodes[static_cast<size_t>(node)].voxels.size() == 1 && r.empty()) r.push_back(nodeRadius(node));
        return median(r);
    };
    auto& works = set.branches;
    std::set<int> assigned;
    int treeIndex = 0;
    for (int seedBranch : live) {
        if (assigned.count(seedBranch)) continue;
        // The connected group of this branch.
        std::vector<int> comp;
        std::vector<int> stack{seedBranch};
        std::set<int> inComp{seedBranch};
        while (!stack.empty()) {
            const int b = stack.back();
            stack.pop_back();
            comp.push_back(b);
            for (int node : {gb(b).a, gb(b).b})
                for (int o : nodeBranches[node])
                    if (inComp.insert(o).second) stack.push_back(o);
        }
        for (int b : comp) assigned.insert(b);
        double compLength = 0;
        for (int b : comp) compLength += branchLength_mm(graph, b, edt);
        if (compLength < minLength_mm) continue;
        // Root: the thickest branch; then breadth first, children oriented away from their parent.
        int root = comp.front();
        double best = -1;
        for (int b : comp) {
            const double r = medianRadius(b);
            if (r > best) {
                best = r;
                root = b;
            }
        }
        struct Item {
            int branch, parent, via; // graph branch, parent index, node shared with the parent
        };
        std::vector<Item> queue{{root, -1, gb(root).a}};
        std::set<int> done{root};
        std::set<int> expandedNodes;
        for (size_t qi = 0; qi < queue.size(); ++qi) {
            const auto [g, parent, via] = queue[qi];
            const GraphBranch& br = gb(g);
            BranchWork w;
            w.graphBranch = g;
            w.parent = parent;
            w.tree = treeIndex;
            const bool forward = br.a == via; // start at the node shared with the parent
            w.startNode = forward ? br.a : br.b;
            w.endNode = forward ? br.b : br.a;
            w.voxels = br.voxels;
            if (!forward) std::reverse(w.voxels.begin(), w.voxels.end());
            const int self = static_cast<int>(works.size());
            works.push_back(w);
            for (int node : {works.back().startNode, works.back().endNode}) {
                if (!expandedNodes.insert(node).second) continue;
                for (int o : nodeBranches[node])
                    if (done.insert(o).second) queue.push_back({o, self, node});
            }
        }
        ++treeIndex;
    }

    // Centreline points (node centres at both ends), lightly smoothed; radii;
    // points inside a junction's lumen.
    for (auto& w : works) {
        std::vector<Vec3> raw;
        std::vector<double> r;
        raw.push_back(graphNodeCentre(graph, w.startNode, edt));
        r.push_back(nodeRadius(w.startNode));
        for (size_t v : w.voxels) {
            raw.push_back(voxelPoint(v));
            r.push_back(radiusAt(v));
        }
        if (w.endNode != w.startNode || w.voxels.empty()) {
            raw.push_back(graphNodeCentre(graph, w.endNode, edt));
            r.push_back(nodeRadius(w.endNode));
        }
        w.points = raw;
        for (size_t i = 1; i + 1 < raw.size(); ++i) {
            Vec3 acc;
            int cnt = 0;
            for (long d = -2; d <= 2; ++d) {
                const long j = long(i) + d;
                if (j < 0 || j >= long(raw.size())) continue;
                acc += raw[size_t(j)];
                ++cnt;
            }
            w.points[i] = acc / double(cnt);
        }
        w.r0 = r;
        // Points within the lumen at a junction belong to the vessel they
        // branch from: their cross-section is that vessel's.
        w.inJunction.assign(w.points.size(), 0);
        const bool jStart = set.degree(w.startNode) >= 3, jEnd = set.degree(w.endNode) >= 3;
        const Vec3 cs = raw.front(), ce = graphNodeCentre(graph, w.endNode, edt);
        const double rs = nodeRadius(w.startNode), re = nodeRadius(w.endNode);
        for (size_t i = 0; i < w.points.size(); ++i)
            w.inJunction[i] = (jStart && distance(raw[i], cs) < rs) || (jEnd && distance(raw[i], ce) < re);
    }

    // Which branch owns each voxel of the owner region: nearest skeleton
    // voxel by breadth-first propagation.
    set.owner.assign(total, -1);
    set.ownerPoint.assign(total, -1);
    auto& owner = set.owner;
    auto& ownerPoint = set.ownerPoint;
    std::vector<size_t> queue;
    for (size_t wi = 0; wi < works.size(); ++wi) {
        const auto& w = works[wi];
        for (size_t k = 0; k < w.voxels.size(); ++k) {
            const size_t v = w.voxels[k];
            if (owner[v] >= 0 || w.inJunction[k + 1]) continue;
            owner[v] = int(wi);
            ownerPoint[v] = int(k + 1);
            queue.push_back(v);
        }
        for (int node : {w.startNode, w.endNode})
            for (size_t v : graph.nodes[static_cast<size_t>(node)].voxels)
                if (owner[v] < 0) {
                    owner[v] = int(wi);
                    ownerPoint[v] = node == w.startNode ? 0 : int(w.points.size()) - 1;
                    queue.push_back(v);
                }
    }
    const auto* om = ownerRegion->GetBufferPointer();
    for (size_t qi = 0; qi < queue.size(); ++qi) {
        const size_t v = queue[qi];
        const long i = long(v % n[0]), j = long((v / n[0]) % n[1]), k = long(v / (n[0] * n[1]));
        for (int dz = -1; dz <= 1; ++dz)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    const long x = i + dx, y = j + dy, z = k + dz;
                    if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
                    const size_t u = linearIndex(n, size_t(x), size_t(y), size_t(z));
                    if (!om[u] || owner[u] >= 0) continue;
                    owner[u] = owner[v];
                    ownerPoint[u] = ownerPoint[v];
                    queue.push_back(u);
                }
    }
    return set;
}

} // namespace irplan::seg
