#include "segmentation/VesselDiameter.h"

#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace irplan::seg {

namespace {

CrossSection measureWithDisc(const CrossSectionInput& in, double discRadius_mm);

// Median half-maximum radius over 16 rays in the plane perpendicular to t,
// sampled straight from the image (for choosing the plane's orientation).
double quickRadius(const CrossSectionInput& in, const Vec3& t, double maxRadius) {
    const FloatImage* img = in.image;
    const auto n = dims(img);
    const float* data = img->GetBufferPointer();
    Vec3 helper = std::abs(t.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0};
    const Vec3 u = normalized(cross(t, helper));
    const Vec3 v = cross(t, u);
    const Vec3 c0 = pointToIndex(img, in.centre_mm);
    const Vec3 o = pointToIndex(img, {0, 0, 0});
    const Vec3 ui = pointToIndex(img, u) - o, vi = pointToIndex(img, v) - o;
    const double centre = sampleLinear(data, n, c0);
    const double bg = in.fallbackBackground;
    const double cut = bg + 0.5 * (std::min(centre, in.blood) - bg);
    if (!(centre > cut)) return maxRadius;
    const auto& sp = img->GetSpacing();
    const double step = 0.25 * std::min({sp[0], sp[1], sp[2]});
    double radii[16];
    for (int k = 0; k < 16; ++k) {
        const double ang = 2.0 * M_PI * k / 16;
        const Vec3 dir = ui * std::cos(ang) + vi * std::sin(ang);
        double prev = centre, r = maxRadius;
        for (double q = step; q <= maxRadius; q += step) {
            const double value = sampleLinear(data, n, c0 + dir * q);
            if (value < cut) {
                r = q - step + step * (prev - cut) / std::max(1e-6, prev - value);
                break;
            }
            prev = value;
        }
        radii[k] = r;
    }
    std::nth_element(radii, radii + 8, radii + 16);
    return radii[8];
}

// The vessel's axis near `t`: the orientation whose section is narrowest
// (an oblique cut through a tube is wider than the true section).
Vec3 refineAxis(const CrossSectionInput& in, Vec3 t, double maxRadius) {
    double best = quickRadius(in, t, maxRadius);
    for (double angle : {0.21, 0.105}) { // 12 then 6 degrees
        Vec3 helper = std::abs(t.x) < 0.9 ? Vec3{1, 0, 0} : Vec3{0, 1, 0};
        const Vec3 u = normalized(cross(t, helper));
        const Vec3 v = cross(t, u);
        Vec3 pick = t;
        for (const Vec3& w : {u, u * -1.0, v, v * -1.0}) {
            const Vec3 cand = normalized(t * std::cos(angle) + w * std::sin(angle));
            const double r = quickRadius(in, cand, maxRadius);
            if (r < best - 1e-3) {
                best = r;
                pick = cand;
            }
        }
        t = pick;
    }
    return t;
}

} // namespace

CrossSection measureCrossSection(const CrossSectionInput& in) {
    // The disc must hold the whole lumen: where the mask under-estimates a wide
    // vessel, grow the disc to the measured size and measure again.
    const auto& sp = in.image->GetSpacing();
    const double rim = std::max(1.5, 1.5 * std::max({sp[0], sp[1], sp[2]}));
    double R = std::max(in.radiusGuess_mm, 0.5) + rim;
    // The plane across the vessel: the skeleton's direction, refined to the
    // narrowest section nearby.
    CrossSectionInput oriented = in;
    oriented.tangent = refineAxis(in, normalized(in.tangent), 2.0 * R);
    CrossSection out = measureWithDisc(oriented, R);
    // Larger discs at most three times and up to 25 mm (the IVC's ~20-30 mm).
    for (int it = 0; it < 3 && R < 25.0; ++it) {
        // A ring brighter than half-way to the blood lies inside the lumen.
        const bool ringInLumen = out.ringLevel - in.fallbackBackground > 0.5 * (in.blood - in.fallbackBackground);
        if (ringInLumen || (out.valid && out.touchesDisc)) R = std::min(25.0, 1.6 * R);
        else break;
        out = measureWithDisc(oriented, R);
    }
    // A resolved lumen (its centre reaches the blood level and it spans more
    // than two voxels): the half-maximum edge along the rays is exact and,
    // unlike the integral, ignores branches leaving the section.
    if (out.valid && out.peakFraction >= 0.8 && out.rayDiameter_mm >= 2.0 * std::cbrt(sp[0] * sp[1] * sp[2]))
        out.diameter_mm = out.rayDiameter_mm;
    return out;
}

namespace {

CrossSection measureWithDisc(const CrossSectionInput& in, double R) {
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
    // The disc holds the lumen and its partial-volume rim; the background
    // ring lies beyond it.
    const double Rb = R + std::max(2.0, 2.0 * hMax);
    const double step = std::max(0.15, std::min(hMin / 3.0, R / 12.0));
    const int steps = static_cast<int>(std::ceil(Rb / step));
    const int G = 2 * steps + 1;
    // Index-space images of the centre and of the three directions.
    const Vec3 c0 = pointToIndex(img, in.centre_mm);
    const Vec3 o = pointToIndex(img, {0, 0, 0});
    const Vec3 ui = pointToIndex(img, u) - o, vi = pointToIndex(img, v) - o, ti = pointToIndex(img, t) - o;
    const float* data = img->GetBufferPointer();
    // The section, averaged over planes at -slab, 0, +slab along the vessel.
    const int planes = in.slab_mm > 0 ? 3 : 1;
    std::vector<float> val(size_t(G) * size_t(G), 0.0f);
    std::vector<char> ok(size_t(G) * size_t(G), 1);
    std::vector<float> radius(size_t(G) * size_t(G), 0.0f);
    for (int ia = -steps; ia <= steps; ++ia)
        for (int ib = -steps; ib <= steps; ++ib) {
            const size_t g = size_t(ia + steps) + size_t(G) * size_t(ib + steps);
            radius[g] = static_cast<float>(std::sqrt(double(ia * ia + ib * ib)) * step);
            if (radius[g] > Rb) {
                ok[g] = 0;
                continue;
            }
            double acc = 0;
            for (int pl = 0; pl < planes && ok[g]; ++pl) {
                const double off = planes == 1 ? 0.0 : (pl - 1) * in.slab_mm;
                const Vec3 ci = c0 + ti * off + ui * (ia * step) + vi * (ib * step);
                for (int k = 0; k < 3; ++k)
                    if (ci[k] < -0.5 || ci[k] > double(n[static_cast<size_t>(k)]) - 0.5) ok[g] = 0;
                if (ok[g]) acc += sampleLinear(data, n, ci);
            }
            val[g] = static_cast<float>(acc / planes);
        }
    // Background: the ring's median, leaving out other vessels crossing it
    // (samples above half the contrast).
    const double fraction = 0.5;
    double bg = in.fallbackBackground;
    for (int pass = 0; pass < 2; ++pass) {
        const double cut = bg + fraction * (in.blood - bg);
        std::vector<float> ring;
        for (size_t g = 0; g < val.size(); ++g)
            if (ok[g] && radius[g] > R && val[g] < cut) ring.push_back(val[g]);
        if (ring.size() < 20) break;
        auto mid = ring.begin() + static_cast<long>(ring.size() / 2);
        std::nth_element(ring.begin(), mid, ring.end());
        bg = *mid;
    }
    out.ringLevel = bg;
    {
        // The plain ring median tells whether the ring lies inside a lumen.
        std::vector<float> ring;
        for (size_t g = 0; g < val.size(); ++g)
            if (ok[g] && radius[g] > R) ring.push_back(val[g]);
        if (ring.size() >= 20) {
            auto mid = ring.begin() + static_cast<long>(ring.size() / 2);
            std::nth_element(ring.begin(), mid, ring.end());
            out.ringLevel = *mid;
        }
    }
    // Blood must stand clearly above the local background for a ratio to mean anything.
    if (!(in.blood - bg > 5.0)) return out;
    // This vessel's lumen in the section: the region above half its own peak
    // (half of the contrast for thick vessels, less for thin ones whose peak
    // is lowered by partial volume) connected to the peak near the centre,
    // grown by the partial-volume rim. Other vessels in the plane are left out.
    const double hGeo = std::cbrt(sp[0] * sp[1] * sp[2]);
    const double near = std::max(1.5 * hGeo, 0.5 * in.radiusGuess_mm);
    size_t start = 0;
    float peak = -1e30f;
    for (size_t g = 0; g < val.size(); ++g)
        if (ok[g] && radius[g] <= near && val[g] > peak) {
            peak = val[g];
            start = g;
        }
    if (!(peak - bg > std::max(5.0, 0.1 * (in.blood - bg)))) return out; // not visible here
    // On a flat-topped lumen, the bright sample nearest the centre.
    {
        const float high = static_cast<float>(peak - 0.1 * (peak - bg));
        float nearest = 1e30f;
        for (size_t g = 0; g < val.size(); ++g)
            if (ok[g] && radius[g] <= near && val[g] >= high && radius[g] < nearest) {
                nearest = radius[g];
                start = g;
            }
    }
    const float cut = static_cast<float>(bg + 0.5 * (std::min<double>(peak, in.blood) - bg));
    // Lumen radius: median over rays of where the section falls below the cut
    // (a side twig or a touching vessel lengthens only a few rays).
    const int pa = int(start % size_t(G)) - steps, pb = int(start / size_t(G)) - steps;
    auto at = [&](double a, double b, bool* inside) {
        // Bilinear on the section grid (a, b in steps).
        const double x = a + steps, y = b + steps;
        const int x0 = int(std::floor(x)), y0 = int(std::floor(y));
        if (x0 < 0 || y0 < 0 || x0 + 1 >= G || y0 + 1 >= G) {
            *inside = false;
            return 0.0;
        }
        const double fx = x - x0, fy = y - y0;
        const size_t g00 = size_t(x0) + size_t(G) * size_t(y0);
        if (!ok[g00] || !ok[g00 + 1] || !ok[g00 + size_t(G)] || !ok[g00 + size_t(G) + 1]) {
            *inside = false;
            return 0.0;
        }
        *inside = true;
        return (1 - fx) * (1 - fy) * val[g00] + fx * (1 - fy) * val[g00 + 1] + (1 - fx) * fy * val[g00 + size_t(G)] +
               fx * fy * val[g00 + size_t(G) + 1];
    };
    const int rays = 32;
    std::vector<double> rayRadius;
    bool hitEdge = false;
    auto castRays = [&](double oa, double ob) {
        rayRadius.clear();
        hitEdge = false;
        for (int k = 0; k < rays; ++k) {
            const double ang = 2.0 * M_PI * k / rays;
            const double ca = std::cos(ang), sa = std::sin(ang);
            bool inside = false;
            double prev = at(oa, ob, &inside), r = 0;
            if (!inside) prev = peak;
            bool crossed = false;
            for (double q = 0.25; q * step <= R; q += 0.25) {
                const double value = at(oa + ca * q, ob + sa * q, &inside);
                if (!inside) break;
                if (value < cut) {
                    const double f = (prev - cut) / std::max(1e-6, prev - value);
                    r = (q - 0.25 + 0.25 * std::clamp(f, 0.0, 1.0)) * step;
                    crossed = true;
                    break;
                }
                prev = value;
            }
            if (!crossed) {
                hitEdge = true;
                r = R;
            }
            rayRadius.push_back(r);
        }
    };
    double oa = pa, ob = pb;
    castRays(oa, ob);
    std::sort(rayRadius.begin(), rayRadius.end());
    const double lumenRadius = rayRadius[rays / 2];
    out.rayDiameter_mm = 2.0 * lumenRadius;
    out.peakFraction = (std::min<double>(peak, in.blood) - bg) / (in.blood - bg);
    // Integrate over the lumen and its partial-volume rim around the peak.
    const double rim = std::max(0.75, hMax);
    const double reach = lumenRadius + rim;
    std::vector<char> grown(val.size(), 0);
    for (size_t g = 0; g < val.size(); ++g) {
        if (!ok[g]) continue;
        const double a = (double(int(g % size_t(G)) - steps) - oa) * step, b = (double(int(g / size_t(G)) - steps) - ob) * step;
        grown[g] = a * a + b * b <= reach * reach;
    }
    out.touchesDisc = hitEdge && lumenRadius >= R - step;
    double sum = 0;
    for (size_t g = 0; g < val.size(); ++g)
        if (grown[g]) sum += (val[g] - bg) / (in.blood - bg);
    const double area = sum * step * step;
    out.area_mm2 = area;
    out.background = bg;
    out.diameter_mm = 2.0 * std::sqrt(std::max(0.0, area) / M_PI);
    out.valid = true;
    return out;
}

} // namespace

} // namespace irplan::seg
