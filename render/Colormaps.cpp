#include "render/Colormaps.h"

#include <algorithm>
#include <cmath>

namespace irplan::render {

namespace {
float clamp01(double v) { return static_cast<float>(std::clamp(v, 0.0, 1.0)); }

// Piecewise-linear map through evenly spaced control colours.
template <size_t N>
Rgb ramp(const Rgb (&stops)[N], double t) {
    const double x = std::clamp(t, 0.0, 1.0) * (N - 1);
    const size_t i = std::min(static_cast<size_t>(x), N - 2);
    const float f = static_cast<float>(x - static_cast<double>(i));
    const Rgb& a = stops[i];
    const Rgb& b = stops[i + 1];
    return {a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f};
}
} // namespace

Rgb colormap(Colormap map, double t) {
    t = std::clamp(t, 0.0, 1.0);
    switch (map) {
    case Colormap::Hot: {
        // "Hot iron" as in nuclear medicine: black -> dark red -> orange -> yellow -> white.
        static const Rgb stops[] = {{0, 0, 0}, {0.5f, 0, 0}, {0.9f, 0.25f, 0}, {1, 0.6f, 0}, {1, 0.9f, 0.3f}, {1, 1, 1}};
        return ramp(stops, t);
    }
    case Colormap::Rainbow: {
        static const Rgb stops[] = {{0, 0, 0.5f}, {0, 0, 1}, {0, 1, 1}, {0, 1, 0}, {1, 1, 0}, {1, 0.5f, 0}, {1, 0, 0}};
        return ramp(stops, t);
    }
    case Colormap::Gray: return {clamp01(t), clamp01(t), clamp01(t)};
    case Colormap::InvertedGray: return {clamp01(1 - t), clamp01(1 - t), clamp01(1 - t)};
    }
    return {};
}

std::array<std::array<std::uint8_t, 3>, 256> colormapTable(Colormap map) {
    std::array<std::array<std::uint8_t, 3>, 256> table{};
    for (int i = 0; i < 256; ++i) {
        const Rgb c = colormap(map, i / 255.0);
        table[static_cast<size_t>(i)] = {static_cast<std::uint8_t>(std::lround(c.r * 255)),
                                         static_cast<std::uint8_t>(std::lround(c.g * 255)),
                                         static_cast<std::uint8_t>(std::lround(c.b * 255))};
    }
    return table;
}

Rgb labelColour(int label) {
    switch (label) {
    case 1: return {0.80f, 0.45f, 0.30f};  // liver
    case 2: return {0.25f, 0.45f, 1.00f};  // portal vein
    case 3: return {0.35f, 0.85f, 1.00f};  // hepatic vein
    case 4: return {1.00f, 0.20f, 0.20f};  // hepatic artery
    case 5: return {0.85f, 0.10f, 0.10f};  // aorta
    case 6: return {0.20f, 0.30f, 0.80f};  // IVC
    case 7: return {0.95f, 0.95f, 0.85f};  // bone
    case 8: return {0.75f, 0.55f, 0.20f};  // kidney
    case 9: return {0.65f, 0.30f, 0.60f};  // spleen
    case 10: return {0.55f, 0.75f, 0.95f}; // lung
    case 11: return {0.85f, 0.35f, 0.45f}; // heart
    case 12: return {0.40f, 0.75f, 0.30f}; // gallbladder
    case 13: return {0.85f, 0.75f, 0.55f}; // stomach/bowel
    case 14: return {0.70f, 0.30f, 0.25f}; // muscle
    case 15: return {0.95f, 0.90f, 0.55f}; // fat
    case 16: return {0.60f, 0.90f, 0.60f}; // spinal canal
    default: break;
    }
    if (label >= 100) {
        // Lesions: saturated greens/yellows/magentas that stand out on CT and on hot PET.
        static const Rgb lesions[] = {{0.1f, 1.0f, 0.2f}, {1.0f, 1.0f, 0.1f}, {1.0f, 0.2f, 1.0f},
                                      {0.1f, 1.0f, 1.0f}, {1.0f, 0.6f, 0.1f}, {0.6f, 0.4f, 1.0f}};
        return lesions[static_cast<size_t>(label - 100) % 6];
    }
    // Any other label: a hue from the golden angle, so neighbours differ.
    const double h = std::fmod(label * 0.618033988749895, 1.0) * 6.0;
    const int sector = static_cast<int>(h);
    const float f = static_cast<float>(h - sector);
    switch (sector) {
    case 0: return {1, f, 0};
    case 1: return {1 - f, 1, 0};
    case 2: return {0, 1, f};
    case 3: return {0, 1 - f, 1};
    case 4: return {f, 0, 1};
    default: return {1, 0, 1 - f};
    }
}

} // namespace irplan::render
