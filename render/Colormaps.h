#pragma once
// Colour maps for PET fusion and label colours. Pure functions, no VTK, so the
// slice compositor, the colour bar and the 3D shader's table agree exactly.
#include "render/RenderTypes.h"

#include <array>
#include <cstdint>

namespace irplan::render {

struct Rgb {
    float r = 0, g = 0, b = 0;
};

// t in [0, 1] (clamped) to a colour of the map.
Rgb colormap(Colormap map, double t);

// A 256-entry table of the map, as 8-bit RGB.
std::array<std::array<std::uint8_t, 3>, 256> colormapTable(Colormap map);

// Display colour of a label of the phantom legend (1 liver, 2 portal vein, ...,
// 100+k lesion k); other labels get a stable colour from their number.
Rgb labelColour(int label);

} // namespace irplan::render
