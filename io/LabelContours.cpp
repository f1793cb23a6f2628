#include "io/LabelContours.h"

#include <array>
#include <cstddef>

namespace irplan {
namespace {
// Directions in index space (i to the right, j down): +i, +j, -i, -j.
constexpr int kDi[4] = {1, 0, -1, 0};
constexpr int kDj[4] = {0, 1, 0, -1};
} // namespace

std::vector<PixelLoop> traceMaskBoundary(const std::uint8_t* mask, int nx, int ny) {
    // Corner (ci, cj) sits at continuous index (ci - 0.5, cj - 0.5). Each
    // boundary edge is directed with the inside pixel on its right, so every
    // corner has as many incoming as outgoing edges (2 at a saddle where two
    // pixels touch diagonally).
    const int cx = nx + 1;
    auto corner = [cx](int ci, int cj) {
        return static_cast<std::size_t>(cj) * static_cast<std::size_t>(cx) + static_cast<std::size_t>(ci);
    };
    auto inside = [&](int i, int j) {
        return i >= 0 && j >= 0 && i < nx && j < ny && mask[static_cast<std::size_t>(j) * nx + i];
    };
    // Outgoing edges per corner: bit d set when an edge leaves in direction d.
    std::vector<std::uint8_t> out(static_cast<std::size_t>(cx) * static_cast<std::size_t>(ny + 1), 0);
    std::size_t edges = 0;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            if (!inside(i, j)) continue;
            if (!inside(i, j - 1)) {
                out[corner(i, j)] |= 1 << 0;
                ++edges;
            } // top, +i
            if (!inside(i + 1, j)) {
                out[corner(i + 1, j)] |= 1 << 1;
                ++edges;
            } // right, +j
            if (!inside(i, j + 1)) {
                out[corner(i + 1, j + 1)] |= 1 << 2;
                ++edges;
            } // bottom, -i
            if (!inside(i - 1, j)) {
                out[corner(i, j + 1)] |= 1 << 3;
                ++edges;
            } // left, -j
        }
    std::vector<PixelLoop> loops;
    if (edges == 0) return loops;
    std::vector<std::uint8_t> used(out.size(), 0);
    for (int cj = 0; cj <= ny; ++cj)
        for (int ci = 0; ci <= nx; ++ci) {
            const std::size_t v0 = corner(ci, cj);
            for (int d0 = 0; d0 < 4; ++d0) {
                if (!(out[v0] & (1 << d0)) || (used[v0] & (1 << d0))) continue;
                // Follow the loop. At a saddle turn right (towards the pixel
                // being walked around), which keeps corner-touching pixels apart.
                std::vector<std::array<int, 3>> path; // corner and outgoing direction
                int i = ci, j = cj, d = d0;
                for (;;) {
                    used[corner(i, j)] |= static_cast<std::uint8_t>(1 << d);
                    path.push_back({i, j, d});
                    i += kDi[d];
                    j += kDj[d];
                    const std::uint8_t o = out[corner(i, j)];
                    const int right = (d + 1) % 4, straight = d, left = (d + 3) % 4;
                    int next = -1;
                    for (int c : {right, straight, left})
                        if (o & (1 << c)) {
                            next = c;
                            break;
                        }
                    if (next < 0 || (used[corner(i, j)] & (1 << next))) break; // back at the start
                    d = next;
                }
                // Keep the corners where the direction changes.
                PixelLoop loop;
                const std::size_t n = path.size();
                for (std::size_t k = 0; k < n; ++k) {
                    const int prevDir = path[(k + n - 1) % n][2];
                    if (path[k][2] != prevDir) loop.emplace_back(path[k][0] - 0.5, path[k][1] - 0.5);
                }
                loops.push_back(std::move(loop));
            }
        }
    return loops;
}

} // namespace irplan
