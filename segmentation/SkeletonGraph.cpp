#include "segmentation/SkeletonGraph.h"

#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>

namespace irplan::seg {

namespace {

struct Neighbours {
    std::array<size_t, 3> n;
    const std::uint8_t* m;
    // 26-neighbours of v that are on.
    int list(size_t v, size_t out[26]) const {
        const long i = long(v % n[0]), j = long((v / n[0]) % n[1]), k = long(v / (n[0] * n[1]));
        int c = 0;
        for (int dz = -1; dz <= 1; ++dz)
            for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx) {
                    if (!dx && !dy && !dz) continue;
                    const long x = i + dx, y = j + dy, z = k + dz;
                    if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
                    const size_t w = linearIndex(n, size_t(x), size_t(y), size_t(z));
                    if (m[w]) out[c++] = w;
                }
        return c;
    }
};

Vec3 voxelPoint(const itk::ImageBase<3>* grid, size_t v) {
    const auto n = dims(grid);
    return indexToPoint(grid, {double(v % n[0]), double((v / n[0]) % n[1]), double(v / (n[0] * n[1]))});
}

Vec3 nodeCentre(const SkeletonGraph& g, int node, const itk::ImageBase<3>* grid) {
    Vec3 c;
    for (size_t v : g.nodes[static_cast<size_t>(node)].voxels) c += voxelPoint(grid, v);
    return c / double(g.nodes[static_cast<size_t>(node)].voxels.size());
}

int liveDegree(const SkeletonGraph& g, int node) {
    int d = 0;
    for (int b : g.nodes[static_cast<size_t>(node)].branches) {
        const auto& br = g.branches[static_cast<size_t>(b)];
        if (br.removed) continue;
        d += (br.a == node) + (br.b == node); // a loop counts twice
    }
    return d;
}

void detach(SkeletonGraph& g, int branch) {
    auto& br = g.branches[static_cast<size_t>(branch)];
    br.removed = true;
    for (int node : {br.a, br.b}) {
        auto& list = g.nodes[static_cast<size_t>(node)].branches;
        list.erase(std::remove(list.begin(), list.end(), branch), list.end());
    }
}

// Merges away nodes that join exactly two distinct branches.
bool mergeDegreeTwo(SkeletonGraph& g, const itk::ImageBase<3>* grid) {
    bool any = false;
    for (size_t ni = 0; ni < g.nodes.size(); ++ni) {
        const int node = static_cast<int>(ni);
        auto& list = g.nodes[ni].branches;
        if (list.size() != 2 || list[0] == list[1]) continue;
        const int b1 = list[0], b2 = list[1];
        GraphBranch x = g.branches[static_cast<size_t>(b1)], y = g.branches[static_cast<size_t>(b2)];
        if (x.a == x.b || y.a == y.b) continue;
        // Orient x to end at the node and y to start there.
        if (x.a == node) {
            std::reverse(x.voxels.begin(), x.voxels.end());
            std::swap(x.a, x.b);
        }
        if (y.b == node) {
            std::reverse(y.voxels.begin(), y.voxels.end());
            std::swap(y.a, y.b);
        }
        GraphBranch merged;
        merged.a = x.a;
        merged.b = y.b;
        merged.voxels = x.voxels;
        // The node's own voxels, ordered along the way from x to y.
        std::vector<size_t> nv = g.nodes[ni].voxels;
        const Vec3 from = x.voxels.empty() ? nodeCentre(g, x.a, grid) : voxelPoint(grid, x.voxels.back());
        std::sort(nv.begin(), nv.end(), [&](size_t p, size_t q) {
            return distance(voxelPoint(grid, p), from) < distance(voxelPoint(grid, q), from);
        });
        merged.voxels.insert(merged.voxels.end(), nv.begin(), nv.end());
        merged.voxels.insert(merged.voxels.end(), y.voxels.begin(), y.voxels.end());
        detach(g, b1);
        detach(g, b2);
        const int id = static_cast<int>(g.branches.size());
        g.branches.push_back(merged);
        g.nodes[static_cast<size_t>(merged.a)].branches.push_back(id);
        if (merged.b != merged.a) g.nodes[static_cast<size_t>(merged.b)].branches.push_back(id);
        g.nodes[ni].voxels.clear();
        any = true;
    }
    return any;
}

} // namespace

SkeletonGraph buildGraph(const MaskImage* skeleton) {
    SkeletonGraph g;
    const auto n = dims(skeleton);
    const auto* m = skeleton->GetBufferPointer();
    Neighbours nb{n, m};
    const size_t total = n[0] * n[1] * n[2];
    std::unordered_map<size_t, int> degree;
    size_t buf[26];
    for (size_t v = 0; v < total; ++v)
        if (m[v]) degree[v] = nb.list(v, buf);
    std::unordered_map<size_t, int> nodeOf;
    for (const auto& [v, d] : degree) {
        if (nodeOf.count(v)) continue;
        if (d == 1) {
            nodeOf[v] = static_cast<int>(g.nodes.size());
            g.nodes.push_back({{v}, {}});
        } else if (d >= 3) {
            const int id = static_cast<int>(g.nodes.size());
            g.nodes.push_back({});
            std::vector<size_t> queue{v};
            nodeOf[v] = id;
            for (size_t qi = 0; qi < queue.size(); ++qi) {
                const int c = nb.list(queue[qi], buf);
                for (int t = 0; t < c; ++t)
                    if (degree[buf[t]] >= 3 && !nodeOf.count(buf[t])) {
                        nodeOf[buf[t]] = id;
                        queue.push_back(buf[t]);
                    }
            }
            g.nodes[static_cast<size_t>(id)].voxels = queue;
        }
    }
    std::unordered_map<size_t, bool> visited;
    std::set<std::pair<int, int>> direct;
    for (size_t ni = 0; ni < g.nodes.size(); ++ni) {
        const int node = static_cast<int>(ni);
        const std::vector<size_t> own = g.nodes[ni].voxels;
        for (size_t v : own) {
            size_t first[26];
            const int c = nb.list(v, first);
            for (int t = 0; t < c; ++t) {
                const size_t w = first[t];
                auto it = nodeOf.find(w);
                if (it != nodeOf.end()) {
                    if (it->second == node) continue;
                    const auto key = std::minmax(node, it->second);
                    if (!direct.insert(key).second) continue;
                    GraphBranch b;
                    b.a = node;
                    b.b = it->second;
                    const int id = static_cast<int>(g.branches.size());
                    g.branches.push_back(b);
                    g.nodes[ni].branches.push_back(id);
                    g.nodes[static_cast<size_t>(it->second)].branches.push_back(id);
                    continue;
                }
                if (visited[w]) continue;
                GraphBranch b;
                b.a = node;
                size_t prev = v, cur = w;
                visited[cur] = true;
                b.voxels.push_back(cur);
                for (;;) {
                    size_t next[26];
                    const int k = nb.list(cur, next);
                    int endNode = -1;
                    size_t step = cur;
                    for (int s = 0; s < k; ++s) {
                        if (next[s] == prev) continue;
                        auto jt = nodeOf.find(next[s]);
                        if (jt != nodeOf.end()) {
                            if (jt->second == node && b.voxels.size() == 1 && next[s] != v) continue;
                            endNode = jt->second;
                            continue;
                        }
                        if (!visited[next[s]]) step = next[s];
                    }
                    if (step != cur) {
                        prev = cur;
                        cur = step;
                        visited[cur] = true;
                        b.voxels.push_back(cur);
                        continue;
                    }
                    if (endNode < 0) endNode = node; // dead end in a loop: close on itself
                    b.b = endNode;
                    break;
                }
                const int id = static_cast<int>(g.branches.size());
                g.branches.push_back(b);
                g.nodes[ni].branches.push_back(id);
                if (b.b != node) g.nodes[static_cast<size_t>(b.b)].branches.push_back(id);
            }
        }
    }
    return g;
}

double branchLength_mm(const SkeletonGraph& g, int branch, const itk::ImageBase<3>* grid) {
    const auto& b = g.branches[static_cast<size_t>(branch)];
    Vec3 prev = nodeCentre(g, b.a, grid);
    double len = 0;
    for (size_t v : b.voxels) {
        const Vec3 p = voxelPoint(grid, v);
        len += distance(prev, p);
        prev = p;
    }
    if (!g.nodes[static_cast<size_t>(b.b)].voxels.empty()) len += distance(prev, nodeCentre(g, b.b, grid));
    return len;
}

void pruneGraph(SkeletonGraph& g, const MaskImage* skeleton, const FloatImage* radius_mm, double minSpur_mm) {
    const float* r = radius_mm->GetBufferPointer();
    for (int round = 0; round < 50; ++round) {
        bool changed = false;
        // Candidates: terminal branches at a junction, shortest first.
        std::vector<std::pair<double, int>> cand;
        for (size_t bi = 0; bi < g.branches.size(); ++bi) {
            const auto& b = g.branches[bi];
            if (b.removed || b.a == b.b) continue;
            const int da = liveDegree(g, b.a), db = liveDegree(g, b.b);
            if ((da == 1 && db >= 3) || (db == 1 && da >= 3))
                cand.emplace_back(branchLength_mm(g, static_cast<int>(bi), skeleton), static_cast<int>(bi));
        }
        std::sort(cand.begin(), cand.end());
        for (const auto& [len, bi] : cand) {
            const auto& b = g.branches[static_cast<size_t>(bi)];
            if (b.removed) continue;
            const int junction = liveDegree(g, b.a) == 1 ? b.b : b.a;
            const int tip = junction == b.a ? b.b : b.a;
            if (liveDegree(g, junction) < 3 || liveDegree(g, tip) != 1) continue;
            double rj = 0;
            for (size_t v : g.nodes[static_cast<size_t>(junction)].voxels) rj = std::max(rj, double(r[v]));
            // A spur must reach clearly beyond the surface of the vessel it leaves.
            if (len < rj + std::max(minSpur_mm, 1.5)) {
                detach(g, bi);
                changed = true;
            }
        }
        changed |= mergeDegreeTwo(g, skeleton);
        if (!changed) break;
    }
}

} // namespace irplan::seg
