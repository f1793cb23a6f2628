// Grow from seeds (LabelEdit.h): geodesic region competition between the
// "inside" and "outside" strokes. Each side spreads from its strokes along the
// cheapest 6-connected paths; a step into a voxel costs its length in mm times
// (a small constant - log P(side | the voxel's smoothed intensity)), P from
// kernel densities of the intensities under each side's strokes, so each side
// runs freely through tissue like the tissue it was drawn on and slows where
// the other side's tissue begins (the outside may be drawn over several
// tissues: liver, fat, vessels). The side that reaches a voxel first owns it.
// Exact and deterministic (Dijkstra), no iterations to tune.
#include "segmentation/LabelEdit.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

namespace irplan::seg {

namespace {

// Points along each stroke, about a third of the finest voxel apart.
std::vector<std::vector<Vec3>> strokeSamples(const itk::ImageBase<3>* grid, const std::vector<std::vector<Vec3>>& strokes) {
    const auto& s = grid->GetSpacing();
    const double step = std::min({s[0], s[1], s[2]}) / 3.0;
    std::vector<std::vector<Vec3>> out;
    for (const auto& stroke : strokes) {
        std::vector<Vec3> pts;
        for (size_t i = 0; i < stroke.size(); ++i) {
            pts.push_back(stroke[i]);
            if (i + 1 == stroke.size()) break;
            const double len = distance(stroke[i], stroke[i + 1]);
            const int n = static_cast<int>(std::ceil(len / step));
            for (int k = 1; k < n; ++k) pts.push_back(stroke[i] + (stroke[i + 1] - stroke[i]) * (double(k) / n));
        }
        if (!pts.empty()) out.push_back(std::move(pts));
    }
    return out;
}

struct Node {
    float cost;
    std::uint32_t index; // in the box
    std::uint8_t side;   // 1 inside, 2 outside
    bool operator>(const Node& o) const { return cost > o.cost; }
};

} // namespace

EditRegion seedRegion(const itk::ImageBase<3>* grid, const SeedStrokes& seeds) {
    const auto n = dims(grid);
    const auto& s = grid->GetSpacing();
    double lo[3] = {1e300, 1e300, 1e300}, hi[3] = {-1e300, -1e300, -1e300};
    for (const auto* group : {&seeds.inside, &seeds.outside})
        for (const auto& stroke : *group)
            for (const Vec3& p : stroke) {
                const Vec3 c = pointToIndex(grid, p);
                for (int a = 0; a < 3; ++a) {
                    lo[a] = std::min(lo[a], c[a]);
                    hi[a] = std::max(hi[a], c[a]);
                }
            }
    EditRegion r;
    if (lo[0] > hi[0]) return r;
    for (unsigned a = 0; a < 3; ++a) {
        const double m = seeds.margin_mm / s[a];
        const long l = std::max(0L, static_cast<long>(std::floor(lo[a] - m)));
        const long h = std::min(static_cast<long>(n[a]) - 1, static_cast<long>(std::ceil(hi[a] + m)));
        if (l > h) return EditRegion{};
        r.SetIndex(a, l);
        r.SetSize(a, static_cast<itk::SizeValueType>(h - l + 1));
    }
    return r;
}

EditRegion growFromSeeds(LabelImage* labels, const FloatImage* image, const SeedStrokes& seeds, const LabelTarget& target) {
    if (!image || !sameGrid(image, labels)) throw Error("grow from seeds: the image is not on the label map's grid");
    if (seeds.inside.empty() || seeds.outside.empty())
        throw Error("grow from seeds needs at least one inside and one outside stroke");
    const EditRegion region = seedRegion(labels, seeds);
    if (region.GetNumberOfPixels() == 0) throw Error("grow from seeds: the strokes are outside the image");
    if (region.GetNumberOfPixels() > 0xffffffffu) throw Error("grow from seeds: the strokes span too large a box");
    const auto& sp = labels->GetSpacing();
    auto box = gaussianSmooth(crop(image, region).GetPointer(), 0.75 * std::min({sp[0], sp[1], sp[2]}));
    const auto n = dims(box);
    const float* v = box->GetBufferPointer();
    const size_t total = region.GetNumberOfPixels();

    // The strokes' voxels and the (smoothed) intensities each side was drawn on.
    std::vector<std::vector<float>> samples(3);
    std::vector<std::pair<std::uint32_t, std::uint8_t>> starts;
    for (std::uint8_t side : {std::uint8_t(1), std::uint8_t(2)}) {
        for (const auto& stroke : strokeSamples(box, side == 1 ? seeds.inside : seeds.outside))
            for (const Vec3& p : stroke) {
                const Vec3 c = pointToIndex(box, p);
                const long x = std::lround(c.x), y = std::lround(c.y), z = std::lround(c.z);
                if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
                const size_t i = linearIndex(n, size_t(x), size_t(y), size_t(z));
                starts.push_back({static_cast<std::uint32_t>(i), side});
                samples[side].push_back(v[i]);
            }
        if (samples[side].empty())
            throw Error(std::string("grow from seeds: no ") + (side == 1 ? "inside" : "outside") + " stroke lies in the image");
    }
    // Each side's intensity distribution (a kernel density over the box's range),
    // and the cost of a step for a side: -log of the probability that a voxel of
    // that intensity belongs to it. Intensities neither side was drawn on are neutral.
    float lo = v[0], hi = v[0];
    for (size_t i = 0; i < total; ++i) {
        lo = std::min(lo, v[i]);
        hi = std::max(hi, v[i]);
    }
    constexpr int kBins = 512;
    const double binWidth = std::max(1e-6, double(hi - lo) / (kBins - 1));
    auto binOf = [&](float value) { return std::clamp(int(std::lround((value - lo) / binWidth)), 0, kBins - 1); };
    const RobustStats in = robustStats(samples[1]);
    // Bandwidth: the inside's own spread, at least two bins.
    const double bandwidth = std::max(2.0 * binWidth, 0.5 * std::max(in.sd, 1e-6));
    std::vector<std::vector<double>> density(3, std::vector<double>(kBins, 0.0));
    const int reach = int(std::ceil(3 * bandwidth / binWidth));
    for (int side : {1, 2}) {
        std::vector<double> hist(kBins, 0.0);
        for (float value : samples[size_t(side)]) hist[size_t(binOf(value))] += 1.0 / double(samples[size_t(side)].size());
        for (int b = 0; b < kBins; ++b) {
            if (hist[size_t(b)] == 0) continue;
            for (int k = std::max(0, b - reach); k <= std::min(kBins - 1, b + reach); ++k) {
                const double u = (k - b) * binWidth / bandwidth;
                density[size_t(side)][size_t(k)] += hist[size_t(b)] * std::exp(-0.5 * u * u);
            }
        }
    }
    std::vector<std::vector<float>> stepCost(3, std::vector<float>(kBins, 0.0f));
    for (int b = 0; b < kBins; ++b) {
        const double pin = density[1][size_t(b)], pout = density[2][size_t(b)], tiny = 1e-9;
        const double pIn = (pin + tiny) / (pin + pout + 2 * tiny);
        stepCost[1][size_t(b)] = float(0.05 - std::log(std::max(pIn, 1e-4)));
        stepCost[2][size_t(b)] = float(0.05 - std::log(std::max(1.0 - pIn, 1e-4)));
    }
    auto penalty = [&](std::uint8_t side, float value) { return stepCost[side][size_t(binOf(value))]; };

    std::vector<float> cost(total, std::numeric_limits<float>::infinity());
    std::vector<std::uint8_t> owner(total, 0);
    std::priority_queue<Node, std::vector<Node>, std::greater<Node>> queue;
    for (const auto& [i, side] : starts) {
        if (owner[i] && owner[i] != side) continue; // both sides on one voxel: the first stroke keeps it
        cost[i] = 0;
        owner[i] = side;
        queue.push({0.0f, i, side});
    }
    // Where inside may go when confined: the segment and what it may overwrite.
    std::vector<std::uint8_t> allowed;
    if (seeds.confine) {
        auto sub = crop(labels, region);
        allowed.resize(total);
        const auto* sl = sub->GetBufferPointer();
        for (size_t i = 0; i < total; ++i)
            allowed[i] = target.member(sl[i]) || (sl[i] != 0 && target.writable(sl[i]));
    }
    const long stride[3] = {1, long(n[0]), long(n[0] * n[1])};
    while (!queue.empty()) {
        const Node node = queue.top();
        queue.pop();
        if (node.cost > cost[node.index] || owner[node.index] != node.side) continue;
        const size_t i = node.index;
        const long c[3] = {long(i % n[0]), long((i / n[0]) % n[1]), long(i / (n[0] * n[1]))};
        for (int a = 0; a < 3; ++a)
            for (int dir : {-1, 1}) {
                const long q = c[a] + dir;
                if (q < 0 || q >= long(n[static_cast<size_t>(a)])) continue;
                const size_t j = size_t(long(i) + dir * stride[a]);
                if (node.side == 1 && seeds.confine && !allowed[j]) continue;
                const float nc = node.cost + float(sp[static_cast<unsigned>(a)] * penalty(node.side, v[j]));
                if (nc < cost[j]) {
                    cost[j] = nc;
                    owner[j] = node.side;
                    queue.push({nc, static_cast<std::uint32_t>(j), node.side});
                }
            }
    }

    auto* l = labels->GetBufferPointer();
    const auto start = region.GetIndex();
    const auto full = dims(labels);
    size_t local = 0;
    for (size_t k = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j) {
            const size_t row = size_t(start[0]) + full[0] * (size_t(start[1]) + j + full[1] * (size_t(start[2]) + k));
            for (size_t x = 0; x < n[0]; ++x, ++local) {
                LabelValue& value = l[row + x];
                if (owner[local] == 1 && target.writable(value)) value = target.paint;
                else if (owner[local] == 2 && target.member(value)) value = target.parent;
            }
        }
    return region;
}

} // namespace irplan::seg
