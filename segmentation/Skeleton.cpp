#include "segmentation/Skeleton.h"

#include "segmentation/ImageOps.h"

#include <array>
#include <algorithm>
#include <vector>

namespace irplan::seg {

namespace {

struct Adjacency {
    std::vector<int> n26[27]; // 26-neighbours of each cube position inside the cube
    std::vector<int> n6[27];  // 6-neighbours inside the cube
    bool in18[27];            // position belongs to N18 of the centre (face or edge neighbour)
    bool face[27];            // 6-neighbour of the centre
    Adjacency() {
        for (int p = 0; p < 27; ++p) {
            const int x = p % 3, y = (p / 3) % 3, z = p / 9;
            const int d = std::abs(x - 1) + std::abs(y - 1) + std::abs(z - 1);
            in18[p] = d >= 1 && d <= 2;
            face[p] = d == 1;
            for (int q = 0; q < 27; ++q) {
                if (q == p) continue;
                const int u = q % 3, v = (q / 3) % 3, w = q / 9;
                const int dx = std::abs(u - x), dy = std::abs(v - y), dz = std::abs(w - z);
                if (dx > 1 || dy > 1 || dz > 1) continue;
                n26[p].push_back(q);
                if (dx + dy + dz == 1) n6[p].push_back(q);
            }
        }
    }
};

const Adjacency& adjacency() {
    static const Adjacency a;
    return a;
}

} // namespace

bool isSimplePoint(const bool nb[27]) {
    const Adjacency& a = adjacency();
    // T26: 26-connected foreground components among the 26 neighbours.
    int seen[27] = {0};
    int components = 0;
    int stack[27];
    for (int p = 0; p < 27; ++p) {
        if (p == 13 || !nb[p] || seen[p]) continue;
        if (++components > 1) return false;
        int top = 0;
        stack[top++] = p;
        seen[p] = 1;
        while (top) {
            const int q = stack[--top];
            for (int r : a.n26[q])
                if (r != 13 && nb[r] && !seen[r]) {
                    seen[r] = 1;
                    stack[top++] = r;
                }
        }
    }
    if (components != 1) return false;
    // T6: 6-connected background components in N18 that touch a face neighbour.
    int seen6[27] = {0};
    components = 0;
    for (int p = 0; p < 27; ++p) {
        if (!a.face[p] || nb[p] || seen6[p]) continue;
        if (++components > 1) return false;
        int top = 0;
        stack[top++] = p;
        seen6[p] = 1;
        while (top) {
            const int q = stack[--top];
            for (int r : a.n6[q])
                if (a.in18[r] && !nb[r] && !seen6[r]) {
                    seen6[r] = 1;
                    stack[top++] = r;
                }
        }
    }
    return components == 1;
}

MaskImage::Pointer skeletonize(const MaskImage* mask, const Progress& progress) {
    const auto n = dims(mask);
    auto out = newMask(mask);
    auto* m = out->GetBufferPointer();
    const auto* src = mask->GetBufferPointer();
    const size_t total = n[0] * n[1] * n[2];
    for (size_t i = 0; i < total; ++i) m[i] = src[i] ? 1 : 0;
    // Peel in order of distance to the background (mm, so anisotropic voxels
    // peel at the same physical rate in every direction): the last voxels
    // left are on the medial axis.
    auto dist = distanceToOff(out);
    const float* d = dist->GetBufferPointer();
    const long nx = long(n[0]), ny = long(n[1]), nz = long(n[2]);
    auto value = [&](long x, long y, long z) -> bool {
        if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz) return false;
        return m[size_t(x + nx * (y + ny * z))] != 0;
    };
    auto neighbourhood = [&](size_t v, bool nb[27]) {
        const long i = long(v % n[0]), j = long((v / n[0]) % n[1]), k = long(v / (n[0] * n[1]));
        int count = 0;
        for (int p = 0; p < 27; ++p) {
            nb[p] = value(i + p % 3 - 1, j + (p / 3) % 3 - 1, k + p / 9 - 1);
            if (p != 13) count += nb[p];
        }
        return count;
    };
    // Distance levels of half the smallest voxel size; within a level, the
    // six directions peel in turn and only one-sided borders (the opposite
    // neighbour is object), so a plateau one or two voxels thick is thinned to
    // its middle instead of being eaten from one end.
    const auto& sp = mask->GetSpacing();
    const double quantum = 0.02 * std::min({sp[0], sp[1], sp[2]});
    std::vector<std::pair<int, size_t>> order;
    for (size_t v = 0; v < total; ++v)
        if (m[v]) order.emplace_back(static_cast<int>(d[v] / quantum), v);
    std::sort(order.begin(), order.end());
    const int dirs[6][3] = {{0, 0, 1}, {0, 0, -1}, {0, 1, 0}, {0, -1, 0}, {1, 0, 0}, {-1, 0, 0}};
    std::vector<size_t> active, candidates;
    bool nb[27];
    size_t next = 0;
    while (next < order.size()) {
        progress.update(0.95 * double(next) / double(order.size()), "vessels: centrelines");
        const int level = order[next].first;
        while (next < order.size() && order[next].first == level) active.push_back(order[next++].second);
        bool changed = true;
        while (changed) {
            changed = false;
            for (const auto& dd : dirs) {
                candidates.clear();
                for (size_t v : active) {
                    if (!m[v]) continue;
                    const long i = long(v % n[0]), j = long((v / n[0]) % n[1]), k = long(v / (n[0] * n[1]));
                    if (value(i + dd[0], j + dd[1], k + dd[2]) || !value(i - dd[0], j - dd[1], k - dd[2])) continue;
                    if (neighbourhood(v, nb) <= 1) continue; // curve end point: keep
                    if (isSimplePoint(nb)) candidates.push_back(v);
                }
                // Sequential re-check: removing one may make the next one non-simple.
                for (size_t v : candidates) {
                    if (neighbourhood(v, nb) <= 1 || !isSimplePoint(nb)) continue;
                    m[v] = 0;
                    changed = true;
                }
            }
            size_t keep = 0;
            for (size_t v : active)
                if (m[v]) active[keep++] = v;
            active.resize(keep);
        }
    }
    // The one-sided rule leaves corners of 26-connected staircases (three
    // mutually adjacent voxels); any simple voxel that is not an end point is
    // redundant once the object is one voxel thin.
    for (bool again = true; again;) {
        again = false;
        for (size_t v = 0; v < total; ++v) {
            if (!m[v]) continue;
            if (neighbourhood(v, nb) <= 1 || !isSimplePoint(nb)) continue;
            m[v] = 0;
            again = true;
        }
    }
    progress.update(1.0, "vessels: centrelines");
    return out;
}

} // namespace irplan::seg
