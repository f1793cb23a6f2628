#include "app/gui/session/ViewSet.h"

#include "core/Error.h"
#include "render/ImageFiles.h"
#include "render/VolumeSampler.h"

#include <cmath>
#include <iomanip>
#include <sstream>

namespace irplan::viewer {

using render::ViewKind;

namespace {
std::string fixed(double v, int p) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(p) << v;
    return s.str();
}

// "S 31.0 mm  slice 67/101" for the crosshair along a view's normal.
std::string slicePosition(const Viewer& viewer, ViewKind view) {
    const Vec3& p = viewer.state().crosshair_mm;
    std::string text;
    switch (view) {
    case ViewKind::Axial: text = (p.z < 0 ? "I " : "S ") + fixed(std::abs(p.z), 1) + " mm"; break;
    case ViewKind::Coronal: text = (p.y < 0 ? "A " : "P ") + fixed(std::abs(p.y), 1) + " mm"; break;
    case ViewKind::Sagittal: text = (p.x < 0 ? "R " : "L ") + fixed(std::abs(p.x), 1) + " mm"; break;
    default: return text;
    }
    const render::Scene& s = viewer.scene();
    const FloatImage* ref = s.ct ? s.ct->image.GetPointer() : (s.pet.volume ? s.pet.volume->image.GetPointer() : nullptr);
    if (!ref) return text;
    const render::GridGeometry g = render::GridGeometry::of(ref);
    const Vec3 n = render::nextSliceDirection(view);
    for (int a = 0; a < 3; ++a)
        if (std::abs(std::abs(dot(g.direction.column(a), n)) - 1.0) < 1e-6) {
            const long index = std::lround(g.continuousIndex(p)[a]);
            text += "  slice " + std::to_string(index + 1) + "/" + std::to_string(g.size[static_cast<size_t>(a)]);
        }
    return text;
}
} // namespace

Rgb viewFrameColour(ViewKind v) {
    switch (v) {
    case ViewKind::Axial: return {0.85f, 0.3f, 0.3f};
    case ViewKind::Coronal: return {0.3f, 0.8f, 0.3f};
    case ViewKind::Sagittal: return {0.85f, 0.8f, 0.3f};
    case ViewKind::PetMip: return {0.8f, 0.8f, 0.8f};
    default: return {0.45f, 0.45f, 0.5f};
    }
}

ViewSet::ViewSet(const render::CanvasOptions& canvas) {
    for (ViewKind v : {ViewKind::Axial, ViewKind::Coronal, ViewKind::Sagittal, ViewKind::PetMip})
        slices_[v] = std::make_unique<render::SliceView>(v, canvas);
    volume_ = std::make_unique<render::VolumeView>(canvas);
    markAllDirty();
}

ViewSet::~ViewSet() = default;

void ViewSet::releaseGraphics() {
    for (auto& [v, s] : slices_) s->releaseGraphics();
    volume_->releaseGraphics();
}

void ViewSet::markAllDirty() {
    for (ViewKind v : {ViewKind::Axial, ViewKind::Coronal, ViewKind::Sagittal, ViewKind::PetMip, ViewKind::ThreeD})
        dirty_[v] = true;
}

render::SliceView& ViewSet::slice(ViewKind v) {
    auto it = slices_.find(v);
    if (it == slices_.end()) throw Error(std::string("no slice view '") + render::viewName(v) + "'");
    return *it->second;
}

unsigned ViewSet::texture(ViewKind v) const {
    if (v == ViewKind::ThreeD) return volume_->texture();
    return slices_.at(v)->texture();
}

RgbaImage ViewSet::capture(ViewKind v) { return v == ViewKind::ThreeD ? volume_->capture() : slices_.at(v)->capture(); }

render::SliceAnnotations ViewSet::annotations(const Viewer& viewer, ViewKind view) const {
    render::SliceAnnotations a;
    const render::Scene& scene = viewer.scene();
    const render::DisplaySettings& d = viewer.state().display;
    if (!scene.hasImage()) return a;
    if (view == ViewKind::PetMip) {
        a.title = "PET MIP, anterior view";
    } else {
        std::string name = render::viewName(view);
        name[0] = static_cast<char>(std::toupper(name[0]));
        a.title = name + "  " + slicePosition(viewer, view);
        if (scene.ct) {
            a.windowText = "W " + fixed(d.window.width, 0) + "  L " + fixed(d.window.level, 0);
            if (!d.window.preset.empty()) a.windowText += "  (" + d.window.preset + ")";
        }
    }
    if (scene.pet.volume && (d.petVisible || view == ViewKind::PetMip)) {
        const render::PetQuantity q = render::petQuantity(scene.pet.volume->meta);
        render::ColourBar bar;
        bar.unit = q.isSuv ? q.unit : q.unit + " (no SUV)";
        bar.warn = !q.isSuv;
        if (view == ViewKind::PetMip) {
            bar.map = d.mipColormap;
            bar.low = 0;
            bar.high = d.petHigh;
        } else {
            bar.map = d.petColormap;
            bar.low = d.petLow;
            bar.high = d.petHigh;
            a.infoLines.push_back("PET " + std::string(render::colormapName(d.petColormap)) + " " +
                                  fixed(100 * d.petOpacity, 0) + "%");
        }
        a.colourBar = bar;
        const bool registered = scene.pet.ctToPet.has_value();
        a.infoLines.push_back(registered ? "PET aligned: " + scene.pet.alignment : "PET NOT REGISTERED (scanner coordinates)");
        if (!q.isSuv) a.infoLines.push_back("values in " + q.unit + ": SUV unavailable");
        a.infoWarning = !registered || !q.isSuv;
    }
    a.crosshair_mm = viewer.state().crosshair_mm;
    a.probes = scene.probes;
    a.measurements = scene.measurements;
    a.zones = scene.zones;
    a.markers = scene.markers;
    a.sliceThickness_mm = view == ViewKind::PetMip ? 1e9 : 0.5 * viewer.sliceStep(view) + 0.01;
    return a;
}

void ViewSet::sync(const Viewer& viewer) {
    const Versions& v = viewer.versions();
    const bool images = first_ || v.images != seen_.images;
    const bool display = first_ || v.display != seen_.display;
    const bool items = first_ || v.items != seen_.items;
    const bool crosshair = first_ || v.crosshair != seen_.crosshair;
    const bool volume3d = first_ || v.volume3d != seen_.volume3d;
    first_ = false;
    seen_ = v;
    if (!(images || display || items || crosshair || volume3d)) return;
    const render::Scene& scene = viewer.scene();
    const render::DisplaySettings& settings = viewer.state().display;
    const Vec3& centre = viewer.state().crosshair_mm;
    for (auto& [kind, view] : slices_) {
        bool recompose = images || display;
        if (kind == ViewKind::PetMip) {
            if (recompose) view->setImage(scene.pet.volume ? render::composePetMip(scene, settings) : render::SliceImage{});
            if (images) view->resetCamera();
        } else {
            const double offset = dot(centre, render::sliceAxes(kind).towardsViewer);
            auto it = composedOffset_.find(kind);
            if (it == composedOffset_.end() || std::abs(it->second - offset) > 1e-9) recompose = true;
            if (recompose) {
                view->setImage(scene.hasImage() ? render::composeSlice(scene, settings, kind, centre) : render::SliceImage{});
                composedOffset_[kind] = offset;
                if (images) view->resetCamera();
            }
        }
        view->setAnnotations(annotations(viewer, kind));
        dirty_[kind] = true;
    }
    if (volume3d) {
        volume_->setVesselTubes(viewer.vesselTubes(), scene.vesselSource);
        volume_->setSurfaces(viewer.surfaces(), settings.hiddenLabels);
        volume_->setVolume(viewer.volume3d());
        if (viewer.volume3d()) volume_->resetCamera();
    }
    if (volume3d || display) {
        volume_->setSettings(settings);
        volume_->setTitle(viewer.volume3d() ? "3D" : (scene.hasImage() ? "3D (building...)" : ""));
    }
    if (volume3d || items) {
        volume_->setProbes(scene.probes);
        volume_->setZones(scene.zones, scene.markers);
    }
    if (volume3d || crosshair) volume_->setCrosshair(scene.hasImage() ? std::optional<Vec3>(centre) : std::nullopt);
    dirty_[ViewKind::ThreeD] = true;
}

bool ViewSet::render(ViewKind view, int width, int height) {
    if (width <= 0 || height <= 0) return false;
    if (view == ViewKind::ThreeD) {
        if (volume_->width() != width || volume_->height() != height) {
            volume_->setSize(width, height);
            dirty_[view] = true;
        }
        if (!dirty_[view]) return false;
        volume_->render();
    } else {
        render::SliceView& s = slice(view);
        if (s.width() != width || s.height() != height) {
            s.setSize(width, height);
            dirty_[view] = true;
        }
        if (!dirty_[view]) return false;
        s.render();
    }
    dirty_[view] = false;
    return true;
}

RgbaImage ViewSet::renderLayout(const Viewer& viewer, int width, int height) {
    sync(viewer);
    RgbaImage canvas(width, height);
    for (size_t i = 0; i < canvas.pixels.size(); i += 4) {
        canvas.pixels[i] = canvas.pixels[i + 1] = canvas.pixels[i + 2] = 30;
        canvas.pixels[i + 3] = 255;
    }
    for (const ViewRect& r : layoutRects(viewer.state().layout, viewer.state().mainView, width, height, 4)) {
        // A 2-pixel frame in the view's colour around each view.
        const int inset = 2;
        const int w = r.width - 2 * inset, h = r.height - 2 * inset;
        if (w <= 0 || h <= 0) continue;
        const Rgb c = viewFrameColour(r.view);
        for (int y = r.y; y < r.y + r.height; ++y)
            for (int x = r.x; x < r.x + r.width; ++x) {
                std::uint8_t* px = canvas.at(x, y);
                px[0] = static_cast<std::uint8_t>(c.r * 255);
                px[1] = static_cast<std::uint8_t>(c.g * 255);
                px[2] = static_cast<std::uint8_t>(c.b * 255);
            }
        dirty_[r.view] = true;
        render(r.view, w, h);
        render::blit(canvas, capture(r.view), r.x + inset, r.y + inset);
    }
    return canvas;
}

void ViewSet::resetViews() {
    for (auto& [v, s] : slices_) s->resetCamera();
    volume_->resetCamera();
    markAllDirty();
}

void ViewSet::zoom(ViewKind view, double factor) {
    if (!(factor > 0)) throw Error("zoom factor must be positive");
    if (view == ViewKind::ThreeD) volume_->zoom(factor);
    else slice(view).zoom(factor);
    dirty_[view] = true;
}

} // namespace irplan::viewer
