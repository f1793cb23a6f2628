#include "render/SliceCompositor.h"

#include "core/Parallel.h"
#include "render/Colormaps.h"
#include "render/VolumeSampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace irplan::render {

namespace {

const GridGeometry* referenceGrid(const Scene& s, GridGeometry& storage) {
    if (s.ct) storage = GridGeometry::of(s.ct->image.GetPointer());
    else if (s.pet.volume) storage = GridGeometry::of(s.pet.volume->image.GetPointer());
    else if (s.labels.labels) storage = GridGeometry::of(s.labels.labels.GetPointer());
    else return nullptr;
    return &storage;
}

std::uint8_t toByte(float v) { return static_cast<std::uint8_t>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f); }

// Grid of a plane covering the box [lo, hi] with square pixels.
void planeGrid(const SlicePlane& plane, const Vec3& lo, const Vec3& hi, double pixel, int maxPixels, double& uLeft,
               double& vTop, double& pixelOut, int& w, int& h) {
    double u0 = std::numeric_limits<double>::infinity(), u1 = -u0, v0 = u0, v1 = -u0;
    for (int c = 0; c < 8; ++c) {
        const Vec3 p{(c & 1) ? hi.x : lo.x, (c & 2) ? hi.y : lo.y, (c & 4) ? hi.z : lo.z};
        u0 = std::min(u0, plane.u(p));
        u1 = std::max(u1, plane.u(p));
        v0 = std::min(v0, plane.v(p));
        v1 = std::max(v1, plane.v(p));
    }
    const double longest = std::max(u1 - u0, v1 - v0);
    pixel = std::max(pixel, longest / maxPixels);
    w = std::max(1, static_cast<int>(std::ceil((u1 - u0) / pixel - 1e-6)));
    h = std::max(1, static_cast<int>(std::ceil((v1 - v0) / pixel - 1e-6)));
    // Centre the grid on the box.
    uLeft = 0.5 * (u0 + u1) - 0.5 * w * pixel;
    vTop = 0.5 * (v0 + v1) + 0.5 * h * pixel;
    pixelOut = pixel;
}

struct PetMapping {
    VolumeSampler sampler;
    Affine lpsToIndex; // CT-space LPS -> PET continuous index
    double factor = 1;
};

std::optional<PetMapping> petMapping(const Scene& s) {
    if (!s.pet.volume) return std::nullopt;
    PetMapping m;
    m.sampler = VolumeSampler(s.pet.volume->image.GetPointer());
    m.lpsToIndex = m.sampler.indexFromLps();
    if (s.pet.ctToPet) m.lpsToIndex = m.lpsToIndex * *s.pet.ctToPet;
    m.factor = petQuantity(s.pet.volume->meta).factor;
    return m;
}

} // namespace

bool sceneBounds(const Scene& scene, Vec3& lo, Vec3& hi) {
    GridGeometry g;
    const GridGeometry* ref = referenceGrid(scene, g);
    if (!ref) return false;
    ref->boundsLps(lo, hi);
    return true;
}

double sceneSliceStep(const Scene& scene, const Vec3& direction) {
    GridGeometry g;
    const GridGeometry* ref = referenceGrid(scene, g);
    return ref ? ref->stepAlong(direction) : 1.0;
}

Vec3 snapToSlice(const Scene& scene, const Vec3& p, const Vec3& direction) {
    GridGeometry g;
    const GridGeometry* ref = referenceGrid(scene, g);
    if (!ref) return p;
    const Vec3 n = normalized(direction);
    // Only snap when a voxel axis is parallel to the slice normal.
    for (int a = 0; a < 3; ++a) {
        const Vec3 axis = ref->direction.column(a);
        if (std::abs(std::abs(dot(axis, n)) - 1.0) < 1e-6) {
            const Vec3 ci = ref->continuousIndex(p);
            Vec3 snapped = ci;
            snapped[a] = std::round(ci[a]);
            return ref->point(snapped);
        }
    }
    return p;
}

std::optional<double> petValueAt(const Scene& scene, const Vec3& p) {
    auto m = petMapping(scene);
    if (!m) return std::nullopt;
    const Vec3 ci = m->lpsToIndex.apply(p);
    if (!m->sampler.grid().inside(ci)) return std::nullopt;
    return m->sampler.linearAtIndex(ci) * m->factor;
}

SliceImage composeSlice(const Scene& scene, const DisplaySettings& settings, ViewKind view, const Vec3& centre,
                        int maxPixels) {
    SliceImage out;
    out.view = view;
    out.plane = slicePlane(view, centre);
    GridGeometry refStorage;
    const GridGeometry* ref = referenceGrid(scene, refStorage);
    if (!ref) return out;
    Vec3 lo, hi;
    ref->boundsLps(lo, hi);
    const double pixel = std::min(ref->stepAlong(out.plane.right), ref->stepAlong(out.plane.up));
    int w = 0, h = 0;
    planeGrid(out.plane, lo, hi, pixel, maxPixels, out.uLeft, out.vTop, out.pixel_mm, w, h);
    out.rgba = RgbaImage(w, h);

    VolumeSampler ct(scene.ct ? scene.ct->image.GetPointer() : nullptr);
    const Affine ctIndex = ct.valid() ? ct.indexFromLps() : Affine{};
    const auto pet = settings.petVisible ? petMapping(scene) : std::nullopt;
    const auto petTable = colormapTable(settings.petColormap);
    LabelSampler labels(scene.labels.labels ? scene.labels.labels.GetPointer() : nullptr);
    const bool drawLabels = labels.valid() && settings.labelStyle != LabelStyle::Hidden;

    const double wlLow = settings.window.level - settings.window.width / 2;
    const double wlScale = 1.0 / std::max(1e-6, settings.window.width);
    const double petSpan = std::max(1e-9, settings.petHigh - settings.petLow);
    const float alpha = static_cast<float>(std::clamp(settings.petOpacity, 0.0, 1.0));
    std::vector<std::uint16_t> labelBuf(drawLabels ? static_cast<size_t>(w) * static_cast<size_t>(h) : 0);

    const Vec3 du = out.plane.right * out.pixel_mm;
    parallelFor(0, static_cast<size_t>(h), [&](size_t yy) {
        const int y = static_cast<int>(yy);
        const Vec3 rowStart = out.lps(0.5, y + 0.5);
        Vec3 ciCt = ctIndex.apply(rowStart);
        const Vec3 dCt = ctIndex.applyToVector(du);
        Vec3 ciPet = pet ? pet->lpsToIndex.apply(rowStart) : Vec3{};
        const Vec3 dPet = pet ? pet->lpsToIndex.applyToVector(du) : Vec3{};
        for (int x = 0; x < w; ++x) {
            float r = 0, g = 0, b = 0;
            if (ct.valid() && ct.grid().inside(ciCt)) {
                const float v = static_cast<float>((ct.linearAtIndex(ciCt) - wlLow) * wlScale);
                r = g = b = std::clamp(v, 0.0f, 1.0f);
            }
            bool petTile = true, opaque = false;
            if (settings.checkerboard_mm > 0 && pet) {
                const double u = out.uLeft + (x + 0.5) * out.pixel_mm, v = out.vTop - (y + 0.5) * out.pixel_mm;
                const long tile = static_cast<long>(std::floor(u / settings.checkerboard_mm)) +
                                  static_cast<long>(std::floor(v / settings.checkerboard_mm));
                petTile = (tile & 1) != 0;
                opaque = petTile;
                if (petTile) r = g = b = 0; // the moving image alone in its tiles
            }
            if (pet && petTile && pet->sampler.grid().inside(ciPet)) {
                const double value = pet->sampler.linearAtIndex(ciPet) * pet->factor;
                if (value > settings.petLow || opaque) {
                    const double t = std::clamp((value - settings.petLow) / petSpan, 0.0, 1.0);
                    const auto& c = petTable[static_cast<size_t>(t * 255.0 + 0.5)];
                    // Without a CT the PET is shown opaque.
                    const float a = ct.valid() && !opaque ? alpha : 1.0f;
                    r = (1 - a) * r + a * c[0] / 255.0f;
                    g = (1 - a) * g + a * c[1] / 255.0f;
                    b = (1 - a) * b + a * c[2] / 255.0f;
                }
            }
            std::uint8_t* px = out.rgba.at(x, y);
            px[0] = toByte(r);
            px[1] = toByte(g);
            px[2] = toByte(b);
            px[3] = 255;
            if (drawLabels) {
                std::uint16_t l = labels.at(rowStart + du * x);
                if (l && settings.hiddenLabels.count(l)) l = 0;
                labelBuf[static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)] = l;
            }
            ciCt += dCt;
            ciPet += dPet;
        }
    }, 0, 8);

    if (drawLabels) {
        const float fill = static_cast<float>(std::clamp(settings.labelFillOpacity, 0.0, 1.0));
        auto label = [&](int x, int y) -> std::uint16_t {
            if (x < 0 || y < 0 || x >= w || y >= h) return 0;
            return labelBuf[static_cast<size_t>(y) * static_cast<size_t>(w) + static_cast<size_t>(x)];
        };
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const std::uint16_t l = label(x, y);
                if (!l) continue;
                const bool edge = label(x - 1, y) != l || label(x + 1, y) != l || label(x, y - 1) != l || label(x, y + 1) != l;
                float a = 0;
                if (edge) a = 1.0f;
                else if (settings.labelStyle == LabelStyle::Fill) a = fill;
                if (a <= 0) continue;
                const Rgb c = labelColour(l);
                std::uint8_t* px = out.rgba.at(x, y);
                px[0] = toByte((1 - a) * px[0] / 255.0f + a * c.r);
                px[1] = toByte((1 - a) * px[1] / 255.0f + a * c.g);
                px[2] = toByte((1 - a) * px[2] / 255.0f + a * c.b);
            }
    }
    return out;
}

SliceImage composePetMip(const Scene& scene, const DisplaySettings& settings, int maxPixels) {
    SliceImage out;
    out.view = ViewKind::PetMip;
    const auto pet = petMapping(scene);
    if (!pet) return out;
    // The PET's extent in CT space: its corners through the inverse transform.
    Vec3 plo, phi;
    pet->sampler.grid().boundsLps(plo, phi);
    Vec3 lo{1e30, 1e30, 1e30}, hi{-1e30, -1e30, -1e30};
    const Affine petToCt = scene.pet.ctToPet ? scene.pet.ctToPet->inverse() : Affine{};
    for (int c = 0; c < 8; ++c) {
        const Vec3 q = petToCt.apply({(c & 1) ? phi.x : plo.x, (c & 2) ? phi.y : plo.y, (c & 4) ? phi.z : plo.z});
        for (int a = 0; a < 3; ++a) {
            lo[a] = std::min(lo[a], q[a]);
            hi[a] = std::max(hi[a], q[a]);
        }
    }
    const Vec3 centre = (lo + hi) * 0.5;
    out.plane = slicePlane(ViewKind::PetMip, centre);
    const GridGeometry& g = pet->sampler.grid();
    // Half the PET voxel: the projection is smooth and cheap at that resolution.
    const double pixel = 0.5 * std::min(g.stepAlong(out.plane.right), g.stepAlong(out.plane.up));
    int w = 0, h = 0;
    planeGrid(out.plane, lo, hi, pixel, maxPixels, out.uLeft, out.vTop, out.pixel_mm, w, h);
    out.rgba = RgbaImage(w, h);
    const Vec3 ray = normalized(out.plane.normal()); // anterior -> posterior or reverse: max is symmetric
    const double step = 0.5 * g.stepAlong(ray);
    const double depthLo = dot(lo - centre, ray), depthHi = dot(hi - centre, ray);
    const double d0 = std::min(depthLo, depthHi), d1 = std::max(depthLo, depthHi);
    const int samples = std::max(1, static_cast<int>((d1 - d0) / step));
    const auto table = colormapTable(settings.mipColormap);
    const double span = std::max(1e-9, settings.petHigh - 0.0);
    const Vec3 dRay = pet->lpsToIndex.applyToVector(ray * step);
    parallelFor(0, static_cast<size_t>(h), [&](size_t yy) {
        const int y = static_cast<int>(yy);
        for (int x = 0; x < w; ++x) {
            const Vec3 start = out.lps(x + 0.5, y + 0.5) + ray * d0;
            Vec3 ci = pet->lpsToIndex.apply(start);
            double best = 0;
            for (int s = 0; s <= samples; ++s, ci += dRay)
                if (g.inside(ci)) best = std::max(best, static_cast<double>(pet->sampler.linearAtIndex(ci)));
            // The MIP window starts at 0 so the whole body outline stays visible.
            const double t = std::clamp(best * pet->factor / span, 0.0, 1.0);
            const auto& c = table[static_cast<size_t>(t * 255.0 + 0.5)];
            std::uint8_t* px = out.rgba.at(x, y);
            px[0] = c[0];
            px[1] = c[1];
            px[2] = c[2];
            px[3] = 255;
        }
    }, 0, 4);
    return out;
}

} // namespace irplan::render
