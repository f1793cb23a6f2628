#include "segmentation/Aorta.h"

#include "core/Parallel.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>

namespace irplan::seg {

namespace {

constexpr double kGrid_mm = 2.0;   // in-plane working spacing
constexpr double kSlice_mm = 4.0;  // slice spacing of the search (the aorta runs straight)
// Adult abdominal aorta 16-30 mm across (radius of the search discs).
constexpr double kRadii_mm[] = {8.0, 10.0, 12.0, 14.0};
// A ring sector "differs" from the lumen by more than this: fat (-100 HU)
// against unenhanced blood (40 HU) is 140 HU, so every phase qualifies.
constexpr float kRingContrast_hu = 40.0f;
// Vertebral bodies: cancellous bone 100-300 HU (less in osteoporosis), cortex more.
// Tried from high to low.
constexpr float kBone_hu[] = {250.0f, 180.0f, 120.0f};
constexpr double kSpineSlab_mm = 60.0; // the spine is followed in slabs this thick

struct Slice2D {
    size_t nx = 0, ny = 0;
    const float* v = nullptr;
    float at(double x, double y) const { // bilinear, clamped
        x = std::clamp(x, 0.0, double(nx - 1));
        y = std::clamp(y, 0.0, double(ny - 1));
        const size_t x0 = size_t(x), y0 = size_t(y);
        const size_t x1 = std::min(nx - 1, x0 + 1), y1 = std::min(ny - 1, y0 + 1);
        const double fx = x - double(x0), fy = y - double(y0);
        return static_cast<float>((1 - fy) * ((1 - fx) * v[y0 * nx + x0] + fx * v[y0 * nx + x1]) +
                                  fy * ((1 - fx) * v[y1 * nx + x0] + fx * v[y1 * nx + x1]));
    }
};

struct Cell {
    float score = -9.0f;
    float mean = 0.0f;
    float radius = 0.0f;
};

// The disc score at (x, y) of one slice (pixels of kGrid_mm).
Cell discScore(const Slice2D& s, long x, long y) {
    Cell best;
    for (double r_mm : kRadii_mm) {
        const double rIn = 0.7 * r_mm / kGrid_mm;
        const long R = long(std::ceil(rIn));
        double sum = 0, sum2 = 0;
        size_t n = 0;
        for (long dy = -R; dy <= R; ++dy)
            for (long dx = -R; dx <= R; ++dx) {
                if (double(dx * dx + dy * dy) > rIn * rIn) continue;
                const long xx = x + dx, yy = y + dy;
                if (xx < 0 || yy < 0 || xx >= long(s.nx) || yy >= long(s.ny)) continue;
                const double v = s.v[size_t(yy) * s.nx + size_t(xx)];
                sum += v;
                sum2 += v * v;
                ++n;
            }
        if (n < 5) continue;
        const double m = sum / double(n);
        const double sd = std::sqrt(std::max(0.0, sum2 / double(n) - m * m));
        if (m < -20 || m > 700) continue; // air, fat or bone
        int dark = 0, bright = 0;
        for (int q = 0; q < 12; ++q) {
            const double a = (q + 0.5) * M_PI / 6.0;
            double ring = 0;
            for (double rr : {r_mm + 1.5, r_mm + 3.25, r_mm + 5.0})
                ring += s.at(double(x) + std::cos(a) * rr / kGrid_mm, double(y) + std::sin(a) * rr / kGrid_mm);
            ring /= 3.0;
            if (m - ring > kRingContrast_hu) ++dark;
            if (ring - m > kRingContrast_hu) ++bright;
        }
        const float score = static_cast<float>((dark - 0.5 * bright) / 12.0 - std::max(sd - 20.0, 0.0) / 40.0);
        if (score > best.score) best = {score, static_cast<float>(m), static_cast<float>(r_mm)};
    }
    return best;
}

} // namespace

AortaFinding findAorta(const FloatImage* ct, const Progress& progress) {
    AortaFinding out;
    auto A = resampleAxial(ct, kGrid_mm, kSlice_mm);
    auto S = gaussianSmooth(A, 0.7 * kGrid_mm);
    const auto n = dims(S);
    const size_t plane = n[0] * n[1];
    const float* s = S->GetBufferPointer();
    out.slices = int(n[2]);
    progress.update(0.1, "aorta: spine");

    // Body (soft tissue and bone) and its midline.
    std::vector<float> bodyX;
    std::vector<char> bodySlice(n[2], 0);
    for (size_t k = 0; k < n[2]; ++k) {
        size_t inBody = 0;
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i)
                if (s[k * plane + j * n[0] + i] > -400) {
                    ++inBody;
                    if ((i + j) % 3 == 0) bodyX.push_back(float(i));
                }
        bodySlice[k] = inBody * kGrid_mm * kGrid_mm > 100.0 * 100.0; // > 1 dm^2 of body
    }
    if (std::count(bodySlice.begin(), bodySlice.end(), 1) < 3 || bodyX.empty()) {
        out.why = "too few slices through a body";
        return out;
    }
    const double midX = percentile(bodyX, 50);
    // The spine in slabs (it curves over a long scan): the bony column near
    // the midline, bone in more than half of the slab's slices.
    struct SpineAt {
        bool found = false;
        long front = 0;  // most anterior row of the column
        double x = 0;    // its median column
    };
    const size_t slab = std::max<size_t>(3, size_t(std::lround(kSpineSlab_mm / kSlice_mm)));
    const size_t nSlabs = (n[2] + slab - 1) / slab;
    std::vector<SpineAt> spine(nSlabs);
    auto column = MaskImage::New();
    {
        Region r;
        r.SetSize({{n[0], n[1], 1}});
        column->SetRegions(r);
        column->SetSpacing(A->GetSpacing());
        column->Allocate();
    }
    for (size_t b = 0; b < nSlabs; ++b) {
        // The highest bone threshold that still shows a vertebra: a low one
        // would merge the enhanced aorta and crura with the spine.
        for (float threshold : kBone_hu) {
            std::vector<int> boneCount(plane, 0);
            int slices = 0;
            for (size_t k = b * slab; k < std::min(n[2], (b + 1) * slab); ++k) {
                if (!bodySlice[k]) continue;
                ++slices;
                for (size_t p = 0; p < plane; ++p) {
                    const float v = s[k * plane + p];
                    boneCount[p] += v > threshold && v < 3000;
                }
            }
            if (slices < 2) break;
            for (size_t p = 0; p < plane; ++p) column->GetBufferPointer()[p] = 2 * boneCount[p] > slices;
            std::vector<size_t> sizes;
            auto cc = components(column, true, &sizes);
            size_t best = 0;
            std::vector<std::vector<float>> xs(sizes.size());
            for (size_t p = 0; p < plane; ++p)
                if (cc->GetBufferPointer()[p]) xs[cc->GetBufferPointer()[p]].push_back(float(p % n[0]));
            for (size_t l = 1; l < sizes.size(); ++l) {
                if (std::abs(percentile(xs[l], 50) - midX) * kGrid_mm > 30.0) continue;
                if (!best || sizes[l] > sizes[best]) best = l;
            }
            if (!best || double(sizes[best]) * kGrid_mm * kGrid_mm < 150.0) continue; // < 1.5 cm^2: not a vertebra
            SpineAt& sp = spine[b];
            sp.found = true;
            sp.front = long(n[1]);
            for (size_t p = 0; p < plane; ++p)
                if (cc->GetBufferPointer()[p] == best) sp.front = std::min(sp.front, long(p / n[0]));
            sp.x = percentile(xs[best], 50);
            break;
        }
    }
    if (std::none_of(spine.begin(), spine.end(), [](const SpineAt& a) { return a.found; })) {
        out.why = "no spine found (is this an abdominal CT?)";
        return out;
    }
    // Slabs without a clear spine borrow the nearest one's.
    for (size_t b = 0; b < nSlabs; ++b) {
        if (spine[b].found) continue;
        for (size_t d = 1; d < nSlabs; ++d) {
            if (b >= d && spine[b - d].found) { spine[b] = spine[b - d]; break; }
            if (b + d < nSlabs && spine[b + d].found) { spine[b] = spine[b + d]; break; }
        }
    }
    // The search box: in front of the spine (-y is anterior), from 30 mm
    // right to 50 mm left (+x) of it, over every slab.
    long x0 = long(n[0]), x1 = 0, y0 = long(n[1]), y1 = 0;
    for (const SpineAt& sp : spine) {
        x0 = std::min(x0, std::max(0L, long(std::floor(sp.x - 30.0 / kGrid_mm))));
        x1 = std::max(x1, std::min(long(n[0]) - 1, long(std::ceil(sp.x + 50.0 / kGrid_mm))));
        y0 = std::min(y0, std::max(0L, sp.front - long(60.0 / kGrid_mm)));
        y1 = std::max(y1, std::min(long(n[1]) - 1, sp.front + long(15.0 / kGrid_mm)));
    }
    const size_t bw = size_t(x1 - x0 + 1), bh = size_t(y1 - y0 + 1);
    progress.update(0.2, "aorta: discs");

    std::vector<Cell> cells(n[2] * bw * bh);
    parallelFor(0, n[2], [&](size_t k) {
        const Slice2D sl{n[0], n[1], s + k * plane};
        for (size_t j = 0; j < bh; ++j)
            for (size_t i = 0; i < bw; ++i) {
                const long x = x0 + long(i), y = y0 + long(j);
                const SpineAt& sp = spine[k / slab];
                if (x < long(std::floor(sp.x - 30.0 / kGrid_mm)) || x > long(std::ceil(sp.x + 50.0 / kGrid_mm)) ||
                    y < sp.front - long(60.0 / kGrid_mm) || y > sp.front + long(15.0 / kGrid_mm))
                    continue;
                if (sl.v[size_t(y) * n[0] + size_t(x)] < -400) continue;
                cells[(k * bh + j) * bw + i] = discScore(sl, x, y);
            }
    });
    progress.update(0.8, "aorta: path");

    // Best path through the slices (dynamic programming, bounded sideways step).
    const long w = std::max(1L, long(std::lround(0.5 * kSlice_mm / kGrid_mm)));
    auto bestPath = [&](double& mean) {
        std::vector<float> V(bw * bh), prev(bw * bh);
        std::vector<std::vector<float>> history;
        for (size_t k = 0; k < n[2]; ++k) {
            for (size_t c = 0; c < bw * bh; ++c) {
                const float sc = cells[k * bw * bh + c].score;
                float carry = 0;
                if (k > 0) {
                    const long ci = long(c % bw), cj = long(c / bw);
                    carry = -1e30f;
                    for (long dj = -w; dj <= w; ++dj)
                        for (long di = -w; di <= w; ++di) {
                            const long ii = ci + di, jj = cj + dj;
                            if (ii < 0 || jj < 0 || ii >= long(bw) || jj >= long(bh)) continue;
                            carry = std::max(carry, prev[size_t(jj) * bw + size_t(ii)]);
                        }
                }
                V[c] = sc + carry;
            }
            history.push_back(V);
            std::swap(V, prev);
        }
        size_t at = size_t(std::max_element(prev.begin(), prev.end()) - prev.begin());
        mean = prev[at] / double(n[2]);
        std::vector<size_t> path(n[2]);
        path[n[2] - 1] = at;
        for (size_t k = n[2] - 1; k-- > 0;) {
            const long ci = long(at % bw), cj = long(at / bw);
            float best = -1e30f;
            size_t arg = at;
            for (long dj = -w; dj <= w; ++dj)
                for (long di = -w; di <= w; ++di) {
                    const long ii = ci + di, jj = cj + dj;
                    if (ii < 0 || jj < 0 || ii >= long(bw) || jj >= long(bh)) continue;
                    const size_t c = size_t(jj) * bw + size_t(ii);
                    if (history[k][c] > best) {
                        best = history[k][c];
                        arg = c;
                    }
                }
            at = arg;
            path[k] = at;
        }
        return path;
    };
    double mean = 0;
    const std::vector<size_t> path = bestPath(mean);
    out.score = mean;
    std::vector<float> lumens, diameters;
    for (size_t k = 0; k < n[2]; ++k) {
        const Cell& c = cells[k * bw * bh + path[k]];
        if (c.score < 0.5f) continue;
        lumens.push_back(c.mean);
        diameters.push_back(2.0f * c.radius);
        const double i = double(x0) + double(path[k] % bw), j = double(y0) + double(path[k] / bw);
        out.centres_mm.push_back(indexToPoint(A, {i, j, double(k)}));
    }
    out.slicesSeen = int(lumens.size());
    const int needed = std::max(3, int(std::ceil(0.3 * double(n[2]))));
    if (out.slicesSeen < needed || out.score < 0.35) {
        out.why = "no round lumen in front of the spine in enough slices (" + std::to_string(out.slicesSeen) + " of " +
                  std::to_string(n[2]) + ")";
        return out;
    }
    const RobustStats st = robustStats(lumens);
    out.found = true;
    out.lumen_hu = st.median;
    out.lumenSd_hu = st.sd;
    out.diameter_mm = percentile(diameters, 50);
    progress.update(1.0, "aorta: found");
    return out;
}

} // namespace irplan::seg
