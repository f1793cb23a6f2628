#include "segmentation/VesselDiameter.h"

#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace irplan::seg {

CrossSection measureCrossSection(const CrossSectionInput& in) {
    CrossSection out;
    const FloatImage* img = in.image;
    const auto n = dims(img);
    const auto& sp = img->GetSpacing();
    const double hMax = std::max({sp[0], sp[1], sp[2]}), hMin = std::min({sp[0], sp[1], sp[2]});
    const Vec3 t = normalized(in.tangent);
    if (norm(t) == 0 || !(in.blood > in.fallbackBackground)) return out;
    // Two unit vectors spanning the cross-section.
    Vec3 helper = std::abs(t.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0};
    const Vec3 u = normalized(cross(t, helper));
    const Vec3 v = cross(t, u);
    // The disc holds the lumen and its partial-volume rim (one voxel plus the
    // guess's own one-voxel uncertainty); the background ring lies beyond it.
    const double R = std::max(in.radiusGuess_mm, 0.5) + std::max(1.5, 1.5 * hMax);
    const double Rb = R + std::max(2.0, 2.0 * hMax);
    const double step = std::max(0.15, std::min(hMin / 3.0, R / 12.0));
    // Index-space images of the centre and of the three directions.
    const Vec3 c0 = pointToIndex(img, in.centre_mm);
    const Vec3 o = pointToIndex(img, {0, 0, 0});
    const Vec3 ui = pointToIndex(img, u) - o, vi = pointToIndex(img, v) - o, ti = pointToIndex(img, t) - o;
    const float* data = img->GetBufferPointer();
    std::vector<float> ring;
    std::vector<std::pair<float, bool>> disc; // value, counted
    const int planes = in.slab_mm > 0 ? 3 : 1;
    const int steps = static_cast<int>(std::ceil(Rb / step));
    for (int pl = 0; pl < planes; ++pl) {
        const double off = planes == 1 ? 0.0 : (pl - 1) * in.slab_mm;
        for (int ia = -steps; ia <= steps; ++ia)
            for (int ib = -steps; ib <= steps; ++ib) {
                const double a = ia * step, b = ib * step;
                const double r = std::sqrt(a * a + b * b);
                if (r > Rb) continue;
                const Vec3 ci = c0 + ti * off + ui * a + vi * b;
                bool inside = true;
                for (int k = 0; k < 3; ++k)
                    if (ci[k] < -0.5 || ci[k] > double(n[static_cast<size_t>(k)]) - 0.5) inside = false;
                if (!inside) {
                    if (r <= R) disc.emplace_back(0.0f, false);
                    continue;
                }
                const bool other = in.belongsToOther && in.belongsToOther(in.centre_mm + t * off + u * a + v * b);
                const float value = static_cast<float>(sampleLinear(data, n, ci));
                if (r <= R) disc.emplace_back(value, !other);
                else if (!other) ring.push_back(value);
            }
    }
    double bg = in.fallbackBackground;
    if (ring.size() >= 20) {
        auto mid = ring.begin() + static_cast<long>(ring.size() / 2);
        std::nth_element(ring.begin(), mid, ring.end());
        bg = *mid;
    }
    // Blood must stand clearly above the local background for a ratio to mean anything.
    if (!(in.blood - bg > 5.0)) return out;
    double sum = 0;
    for (const auto& [value, counted] : disc)
        if (counted) sum += (value - bg) / (in.blood - bg);
    const double area = sum * step * step / planes;
    out.area_mm2 = area;
    out.background = bg;
    out.diameter_mm = 2.0 * std::sqrt(std::max(0.0, area) / M_PI);
    out.valid = true;
    return out;
}

} // namespace irplan::seg
