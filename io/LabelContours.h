#pragma once
// Closed planar contours of a binary slice for RTSTRUCT export. Each contour
// runs along pixel edges (corners at half-pixel positions), so filling the
// contours by the even-odd rule with pixel-centre inclusion (io/RtStruct.h,
// and what planning systems do) gives back exactly the same pixels: the round
// trip is lossless. Holes come out as their own contours; pixels touching only
// at a corner get separate contours.
#include <cstdint>
#include <utility>
#include <vector>

namespace irplan {

// One closed loop: corner positions in continuous pixel index (i, j), without
// repeating the first point; collinear corners are removed.
using PixelLoop = std::vector<std::pair<double, double>>;

// `mask` holds nx * ny bytes, row-major (index j * nx + i), nonzero = inside.
std::vector<PixelLoop> traceMaskBoundary(const std::uint8_t* mask, int nx, int ny);

} // namespace irplan
