#include "render/internal/SliceOverlays.h"

#include "render/VolumeSampler.h"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <sstream>

namespace irplan::render::detail {

namespace {
// Slicer's habit: red = axial, green = coronal, yellow = sagittal.
Rgb viewColour(ViewKind v) {
    switch (v) {
    case ViewKind::Axial: return {1.0f, 0.35f, 0.35f};
    case ViewKind::Coronal: return {0.35f, 1.0f, 0.35f};
    case ViewKind::Sagittal: return {1.0f, 0.95f, 0.35f};
    default: return {0.8f, 0.8f, 0.8f};
    }
}
const Rgb kOrientation{1.0f, 0.85f, 0.2f};
const Rgb kText{0.92f, 0.92f, 0.92f};
const Rgb kWarning{1.0f, 0.55f, 0.1f};
const Rgb kProbe{0.2f, 0.9f, 1.0f};
const Rgb kProbeSelected{1.0f, 1.0f, 1.0f};
const Rgb kMeasure{1.0f, 1.0f, 0.4f};

std::string formatValue(double v) {
    std::ostringstream s;
    s.precision(v != 0 && std::abs(v) < 10 ? 2 : 3);
    s << v;
    return s.str();
}
} // namespace

int SliceOverlayContext::smallFont() const { return std::clamp(static_cast<int>(height / 40), 12, 18); }
int SliceOverlayContext::bigFont() const { return std::clamp(static_cast<int>(height / 26), 14, 30); }

void drawCrosshair(const SliceOverlayContext& c) {
    const auto& a = c.annotations;
    if (!a.crosshair_mm || c.image.rgba.empty()) return;
    const double cu = c.u(*a.crosshair_mm), cv = c.v(*a.crosshair_mm);
    const double s = c.mmPerPixel;
    const double uMin = c.centreU - 0.5 * c.width * s, uMax = c.centreU + 0.5 * c.width * s;
    const double vMin = c.centreV - 0.5 * c.height * s, vMax = c.centreV + 0.5 * c.height * s;
    const double gap = 10 * s; // leave the target itself visible
    // Each line has the colour of the view whose plane it is.
    Rgb vertical, horizontal;
    switch (c.kind) {
    case ViewKind::Axial: vertical = viewColour(ViewKind::Sagittal); horizontal = viewColour(ViewKind::Coronal); break;
    case ViewKind::Coronal: vertical = viewColour(ViewKind::Sagittal); horizontal = viewColour(ViewKind::Axial); break;
    case ViewKind::Sagittal: vertical = viewColour(ViewKind::Coronal); horizontal = viewColour(ViewKind::Axial); break;
    default: vertical = horizontal = viewColour(ViewKind::Axial); break;
    }
    c.lines.add(cu, vMin, cu, cv - gap, vertical, 0.1);
    c.lines.add(cu, cv + gap, cu, vMax, vertical, 0.1);
    c.lines.add(uMin, cv, cu - gap, cv, horizontal, 0.1);
    c.lines.add(cu + gap, cv, uMax, cv, horizontal, 0.1);
}

void drawProbes(const SliceOverlayContext& c) {
    const double s = c.mmPerPixel;
    const int small = c.smallFont();
    for (const auto& probe : c.annotations.probes) {
        const Rgb col = probe.selected ? kProbeSelected : kProbe;
        const double tu = c.u(probe.tip_mm), tv = c.v(probe.tip_mm);
        const double eu = c.u(probe.entry_mm), ev = c.v(probe.entry_mm);
        if (c.kind == ViewKind::PetMip) {
            c.lines.add(eu, ev, tu, tv, col, 0.2);
            continue;
        }
        // The shaft projected on the slice, dimmed; where it crosses the slice, a filled marker.
        c.lines.add(eu, ev, tu, tv, {col.r * 0.6f, col.g * 0.6f, col.b * 0.6f}, 0.2);
        const double dt = c.image.plane.distance(probe.tip_mm), de = c.image.plane.distance(probe.entry_mm);
        if ((dt <= 0) != (de <= 0) && std::abs(dt - de) > 1e-9) {
            const Vec3 x = probe.tip_mm + (probe.entry_mm - probe.tip_mm) * (dt / (dt - de));
            c.lines.circle(c.u(x), c.v(x), 2.5 * s, col, 0.2, 12);
            c.lines.circle(c.u(x), c.v(x), 1.2 * s, col, 0.2, 8);
        }
        c.lines.circle(tu, tv, (c.nearPlane(probe.tip_mm) ? 6 : 4) * s, col, 0.2);
        double x, y;
        c.display(probe.tip_mm, x, y);
        // Up and to the left of the tip: measurements label to the right.
        c.texts.add(probe.id, x - 8, y + 8, {small, col, true, 1, -1});
    }
}

void drawMeasurements(const SliceOverlayContext& c) {
    if (c.kind == ViewKind::PetMip) return;
    const double s = c.mmPerPixel;
    const int small = c.smallFont();
    for (const auto& m : c.annotations.measurements) {
        if (!c.nearPlane(m.a) || (m.ruler && !c.nearPlane(m.b))) continue;
        const double au = c.u(m.a), av = c.v(m.a);
        double x, y;
        if (m.ruler) {
            const double bu = c.u(m.b), bv = c.v(m.b);
            c.lines.add(au, av, bu, bv, kMeasure, 0.3);
            const double len = std::hypot(bu - au, bv - av);
            if (len > 0) { // end ticks
                const double nu = -(bv - av) / len * 5 * s, nv = (bu - au) / len * 5 * s;
                c.lines.add(au - nu, av - nv, au + nu, av + nv, kMeasure, 0.3);
                c.lines.add(bu - nu, bv - nv, bu + nu, bv + nv, kMeasure, 0.3);
            }
            c.display((m.a + m.b) * 0.5, x, y);
        } else {
            c.lines.add(au - 6 * s, av, au + 6 * s, av, kMeasure, 0.3);
            c.lines.add(au, av - 6 * s, au, av + 6 * s, kMeasure, 0.3);
            c.display(m.a, x, y);
            y -= small + 10; // below the point, clear of a probe label above it
        }
        c.texts.add(m.text, x + 8, y + 6, {small, kMeasure, true, -1, -1});
    }
    if (const auto& r = c.annotations.pendingRuler) {
        c.lines.add(c.u(r->first), c.v(r->first), c.u(r->second), c.v(r->second), kMeasure, 0.3);
        double x, y;
        c.display((r->first + r->second) * 0.5, x, y);
        std::ostringstream t;
        t << std::fixed << std::setprecision(1) << distance(r->first, r->second) << " mm";
        c.texts.add(t.str(), x + 8, y + 6, {small, kMeasure, true, -1, -1});
    }
}

void drawTexts(const SliceOverlayContext& c) {
    const auto& a = c.annotations;
    const double W = c.width, H = c.height;
    const int small = c.smallFont(), big = c.bigFont();
    // Orientation letters at the four edges: never hidden, large, high contrast.
    if (!c.image.rgba.empty()) {
        const SlicePlane& plane = c.image.plane;
        const EdgeLabels e = edgeLabels(ViewAxes{plane.right, plane.up, plane.normal()});
        c.texts.add(e.left, 6, H / 2, {big, kOrientation, true, -1, 0});
        c.texts.add(e.right, W - 6, H / 2, {big, kOrientation, true, 1, 0});
        c.texts.add(e.top, W / 2, H - 4, {big, kOrientation, true, 0, 1});
        c.texts.add(e.bottom, W / 2, 4, {big, kOrientation, true, 0, -1});
    }
    // In a narrow view the title would run into the top orientation letter: put it below.
    const double titleY = W < 40.0 * small ? H - big - 8 : H - 6;
    if (!a.title.empty()) c.texts.add(a.title, 8, titleY, {small, kText, false, -1, 1});
    if (!a.windowText.empty()) c.texts.add(a.windowText, 8, 6, {small, kText, false, -1, -1});
    for (size_t i = 0; i < a.infoLines.size(); ++i) {
        // Above the band of the bottom orientation letter, which must stay readable.
        const double y = big + 10 + (a.infoLines.size() - 1 - i) * (small + 4);
        c.texts.add(a.infoLines[i], W - 8, y, {small, a.infoWarning ? kWarning : kText, false, 1, -1});
    }
}

void drawColourBar(const SliceOverlayContext& c) {
    if (!c.annotations.colourBar) return;
    const ColourBar& b = *c.annotations.colourBar;
    const double W = c.width, H = c.height;
    const int small = c.smallFont(), big = c.bigFont();
    const double x1 = W - 12, x0 = x1 - 12;
    const double y1 = H - 2.6 * big - small, y0 = std::max(H * 0.58, y1 - 220);
    if (y1 - y0 <= 30) return;
    const int steps = 32;
    for (int i = 0; i < steps; ++i) {
        const double t0 = static_cast<double>(i) / steps, t1 = static_cast<double>(i + 1) / steps;
        c.bar.quad(x0, y0 + t0 * (y1 - y0), x1, y0 + t1 * (y1 - y0), colormap(b.map, t0), colormap(b.map, t1));
    }
    // The unit is the title: SUVbw, or Bq/mL (no SUV) in the warning colour.
    c.texts.add(b.unit, x1, y1 + 0.6 * small + 6, {small, b.warn ? kWarning : kText, true, 1, -1});
    c.texts.add(formatValue(b.high), x0 - 4, y1, {small, kText, false, 1, 0});
    c.texts.add(formatValue(0.5 * (b.low + b.high)), x0 - 4, 0.5 * (y0 + y1), {small, kText, false, 1, 0});
    c.texts.add(formatValue(b.low), x0 - 4, y0, {small, kText, false, 1, 0});
}

void drawZones(const SliceOverlayContext& c) {
    if (c.kind == ViewKind::PetMip || c.kind == ViewKind::ThreeD) return;
    const SlicePlane& plane = c.image.plane;
    for (const auto& zone : c.annotations.zones) {
        if (!zone.field) continue;
        const VolumeSampler field(zone.field.GetPointer());
        Vec3 lo, hi;
        field.grid().boundsLps(lo, hi);
        double uMin = 1e30, uMax = -1e30, vMin = 1e30, vMax = -1e30, dMin = 1e30, dMax = -1e30;
        for (int corner = 0; corner < 8; ++corner) {
            const Vec3 p{corner & 1 ? hi.x : lo.x, corner & 2 ? hi.y : lo.y, corner & 4 ? hi.z : lo.z};
            uMin = std::min(uMin, plane.u(p)), uMax = std::max(uMax, plane.u(p));
            vMin = std::min(vMin, plane.v(p)), vMax = std::max(vMax, plane.v(p));
            dMin = std::min(dMin, plane.distance(p)), dMax = std::max(dMax, plane.distance(p));
        }
        if (dMin > 0 || dMax < 0) continue; // the plane misses the zone's grid
        // Half the field's voxel: the outline follows the field's own resolution.
        const Vec3& sp = field.grid().spacing;
        const double step = std::max(0.2, 0.5 * std::min({sp.x, sp.y, sp.z}));
        const int nu = std::min(1200, static_cast<int>(std::ceil((uMax - uMin) / step)) + 1);
        const int nv = std::min(1200, static_cast<int>(std::ceil((vMax - vMin) / step)) + 1);
        if (nu < 2 || nv < 2) continue;
        std::vector<float> val(static_cast<size_t>(nu) * static_cast<size_t>(nv));
        for (int j = 0; j < nv; ++j)
            for (int i = 0; i < nu; ++i) {
                const auto f = field.linear(plane.point(uMin + i * step, vMin + j * step));
                val[static_cast<size_t>(j) * nu + i] = f && std::isfinite(*f) ? *f : -1e3f;
            }
        auto at = [&](int i, int j) { return val[static_cast<size_t>(j) * nu + i]; };
        double topU = 0, topV = -1e30;
        // Marching squares on the iso-line 0.
        for (int j = 0; j + 1 < nv; ++j)
            for (int i = 0; i + 1 < nu; ++i) {
                const float f[4] = {at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)};
                const double cu[4] = {uMin + i * step, uMin + (i + 1) * step, uMin + (i + 1) * step, uMin + i * step};
                const double cv[4] = {vMin + j * step, vMin + j * step, vMin + (j + 1) * step, vMin + (j + 1) * step};
                double eu[4], ev[4];
                int crossings[4], n = 0;
                for (int e = 0; e < 4; ++e) {
                    const int a = e, b = (e + 1) % 4;
                    if ((f[a] >= 0) == (f[b] >= 0)) continue;
                    const double t = f[a] / (f[a] - f[b]);
                    eu[e] = cu[a] + t * (cu[b] - cu[a]);
                    ev[e] = cv[a] + t * (cv[b] - cv[a]);
                    crossings[n++] = e;
                }
                if (n == 2) {
                    c.lines.add(eu[crossings[0]], ev[crossings[0]], eu[crossings[1]], ev[crossings[1]], zone.colour, 0.15);
                } else if (n == 4) {
                    // Saddle: the cell centre decides which corners connect.
                    const bool centreIn = 0.25 * (f[0] + f[1] + f[2] + f[3]) >= 0;
                    const bool corner0In = f[0] >= 0;
                    if (centreIn == corner0In) {
                        c.lines.add(eu[0], ev[0], eu[1], ev[1], zone.colour, 0.15);
                        c.lines.add(eu[2], ev[2], eu[3], ev[3], zone.colour, 0.15);
                    } else {
                        c.lines.add(eu[0], ev[0], eu[3], ev[3], zone.colour, 0.15);
                        c.lines.add(eu[1], ev[1], eu[2], ev[2], zone.colour, 0.15);
                    }
                } else {
                    continue;
                }
                if (ev[crossings[0]] > topV) topU = eu[crossings[0]], topV = ev[crossings[0]];
            }
        if (topV > -1e29 && !zone.label.empty()) {
            const double x = 0.5 * c.width + (topU - c.centreU) / c.mmPerPixel;
            const double y = 0.5 * c.height + (topV - c.centreV) / c.mmPerPixel;
            // Lighter than the outline, so the outline's colour marks the boundary alone.
            const Rgb light{0.5f + 0.5f * zone.colour.r, 0.5f + 0.5f * zone.colour.g, 0.5f + 0.5f * zone.colour.b};
            c.texts.add(zone.label, x, y + 6, {c.smallFont(), light, true, 0, -1});
        }
    }
}

void drawMarkers(const SliceOverlayContext& c) {
    if (c.kind == ViewKind::PetMip || c.kind == ViewKind::ThreeD) return;
    const double s = c.mmPerPixel;
    for (const auto& m : c.annotations.markers) {
        // Shown on the slices within a few millimetres of the point (the panel jumps there).
        if (std::abs(c.image.plane.distance(m.p_mm)) > std::max(3.0, c.annotations.sliceThickness_mm)) continue;
        const double u = c.u(m.p_mm), v = c.v(m.p_mm), r = 7 * s;
        c.lines.add(u - r, v, u, v + r, m.colour, 0.25);
        c.lines.add(u, v + r, u + r, v, m.colour, 0.25);
        c.lines.add(u + r, v, u, v - r, m.colour, 0.25);
        c.lines.add(u, v - r, u - r, v, m.colour, 0.25);
        c.lines.add(u - 0.4 * r, v - 0.4 * r, u + 0.4 * r, v + 0.4 * r, m.colour, 0.25);
        c.lines.add(u - 0.4 * r, v + 0.4 * r, u + 0.4 * r, v - 0.4 * r, m.colour, 0.25);
        double x, y;
        c.display(m.p_mm, x, y);
        c.texts.add(m.text, x + 10, y - 10, {c.smallFont(), m.colour, true, -1, 1});
    }
}

} // namespace irplan::render::detail
