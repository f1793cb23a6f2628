#include "render/SliceView.h"

#include "render/internal/Canvas.h"
#include "render/internal/Overlay.h"

#include <vtkActor.h>
#include <vtkActor2D.h>
#include <vtkCamera.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkPointData.h>
#include <vtkPolyDataMapper.h>
#include <vtkPolyDataMapper2D.h>
#include <vtkProperty.h>
#include <vtkProperty2D.h>
#include <vtkRenderer.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

namespace irplan::render {

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

struct SliceView::Impl {
    detail::Canvas canvas;
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkImageData> imageData;
    vtkNew<vtkImageActor> imageActor;
    detail::LineBatch lines;
    vtkNew<vtkPolyDataMapper> linesMapper;
    vtkNew<vtkActor> linesActor;
    detail::LineBatch bar;
    vtkNew<vtkPolyDataMapper2D> barMapper;
    vtkNew<vtkActor2D> barActor;
    detail::TextPool texts;
    SliceAnnotations annotations;

    explicit Impl(const CanvasOptions& options) : canvas(options), texts(renderer) {
        renderer->SetBackground(0, 0, 0);
        renderer->SetBackgroundAlpha(1.0);
        imageActor->InterpolateOn();
        imageActor->SetVisibility(0);
        renderer->AddActor(imageActor);
        linesMapper->SetInputData(lines.polyData());
        linesMapper->SetScalarModeToUsePointData();
        linesActor->SetMapper(linesMapper);
        linesActor->GetProperty()->SetLineWidth(1.5);
        linesActor->GetProperty()->LightingOff();
        renderer->AddActor(linesActor);
        barMapper->SetInputData(bar.polyData());
        barActor->SetMapper(barMapper);
        renderer->AddActor2D(barActor);
        vtkCamera* cam = renderer->GetActiveCamera();
        cam->ParallelProjectionOn();
        canvas.addRenderer(renderer);
    }
};

SliceView::SliceView(ViewKind kind, const CanvasOptions& canvas) : impl_(std::make_unique<Impl>(canvas)), kind_(kind) {}

SliceView::~SliceView() = default;

void SliceView::releaseGraphics() { impl_->canvas.release(); }

void SliceView::setSize(int width, int height) {
    if (width == width_ && height == height_) return;
    width_ = width;
    height_ = height;
    impl_->canvas.setSize(width, height);
    if (!cameraSet_ || fitted_) resetCamera();
}

void SliceView::setImage(const SliceImage& image) {
    const bool first = image_.rgba.empty() && !image.rgba.empty();
    const bool extentChanged = image.rgba.width != image_.rgba.width || image.rgba.height != image_.rgba.height ||
                               image.uLeft != image_.uLeft || image.vTop != image_.vTop;
    image_ = image;
    const int w = image.rgba.width, h = image.rgba.height;
    if (w <= 0 || h <= 0) {
        impl_->imageActor->SetVisibility(0);
        return;
    }
    vtkImageData* data = impl_->imageData;
    int dims[3];
    data->GetDimensions(dims);
    // RGB, not RGBA: an image with alpha is drawn in VTK's translucent pass and
    // leaves alpha < 1 in the framebuffer, which the GUI would blend away.
    if (dims[0] != w || dims[1] != h || data->GetNumberOfScalarComponents() != 3) {
        data->SetDimensions(w, h, 1);
        data->AllocateScalars(VTK_UNSIGNED_CHAR, 3);
    }
    data->SetSpacing(image.pixel_mm, image.pixel_mm, 1);
    // VTK's row 0 is the bottom of the picture (lowest v).
    data->SetOrigin(image.uLeft + 0.5 * image.pixel_mm, image.vTop - (h - 0.5) * image.pixel_mm, 0);
    auto* dst = static_cast<unsigned char*>(data->GetScalarPointer());
    for (int y = 0; y < h; ++y) {
        unsigned char* row = dst + static_cast<size_t>(h - 1 - y) * static_cast<size_t>(w) * 3;
        const std::uint8_t* src = image.rgba.at(0, y);
        for (int x = 0; x < w; ++x) {
            row[3 * x] = src[4 * x];
            row[3 * x + 1] = src[4 * x + 1];
            row[3 * x + 2] = src[4 * x + 2];
        }
    }
    data->Modified();
    impl_->imageActor->SetInputData(data);
    impl_->imageActor->SetVisibility(1);
    if (first || (extentChanged && !cameraSet_)) resetCamera();
}

void SliceView::setAnnotations(const SliceAnnotations& annotations) { impl_->annotations = annotations; }

void SliceView::resetCamera() {
    if (image_.rgba.empty() || width_ <= 0 || height_ <= 0) return;
    centreU_ = image_.uLeft + 0.5 * image_.width_mm();
    centreV_ = image_.vTop - 0.5 * image_.height_mm();
    mmPerPixel_ = 1.02 * std::max(image_.width_mm() / width_, image_.height_mm() / height_);
    cameraSet_ = true;
    fitted_ = true;
}

void SliceView::zoom(double factor, std::optional<std::pair<double, double>> about) {
    if (factor <= 0) return;
    const double newScale = std::clamp(mmPerPixel_ / factor, 0.01, 50.0);
    if (about) {
        // Keep the point under the cursor where it is.
        const double u = centreU_ + (about->first - 0.5 * width_) * mmPerPixel_;
        const double v = centreV_ - (about->second - 0.5 * height_) * mmPerPixel_;
        centreU_ = u - (about->first - 0.5 * width_) * newScale;
        centreV_ = v + (about->second - 0.5 * height_) * newScale;
    }
    mmPerPixel_ = newScale;
    fitted_ = false;
}

void SliceView::pan(double dx, double dy) {
    centreU_ -= dx * mmPerPixel_;
    centreV_ += dy * mmPerPixel_;
    fitted_ = false;
}

Vec3 SliceView::pixelToLps(double x, double y) const {
    const double u = centreU_ + (x - 0.5 * width_) * mmPerPixel_;
    const double v = centreV_ - (y - 0.5 * height_) * mmPerPixel_;
    return image_.plane.point(u, v);
}

void SliceView::lpsToPixel(const Vec3& p, double& x, double& y) const {
    x = 0.5 * width_ + (image_.plane.u(p) - centreU_) / mmPerPixel_;
    y = 0.5 * height_ - (image_.plane.v(p) - centreV_) / mmPerPixel_;
}

void SliceView::applyCamera() {
    vtkCamera* cam = impl_->renderer->GetActiveCamera();
    cam->SetFocalPoint(centreU_, centreV_, 0);
    cam->SetPosition(centreU_, centreV_, 500);
    cam->SetViewUp(0, 1, 0);
    cam->SetParallelScale(0.5 * height_ * mmPerPixel_);
    cam->SetClippingRange(1, 1000);
}

void SliceView::render() {
    if (width_ <= 0 || height_ <= 0) return;
    applyCamera();
    Impl& d = *impl_;
    const SliceAnnotations& a = d.annotations;
    const SlicePlane& plane = image_.plane;
    const double s = mmPerPixel_;
    const double W = width_, H = height_;
    auto uv = [&](const Vec3& p) { return std::pair<double, double>{plane.u(p), plane.v(p)}; };
    auto near = [&](const Vec3& p) { return std::abs(plane.distance(p)) <= a.sliceThickness_mm; };
    const double uMin = centreU_ - 0.5 * W * s, uMax = centreU_ + 0.5 * W * s;
    const double vMin = centreV_ - 0.5 * H * s, vMax = centreV_ + 0.5 * H * s;

    d.lines.clear();
    if (a.crosshair_mm && !image_.rgba.empty()) {
        const auto [cu, cv] = uv(*a.crosshair_mm);
        const double gap = 10 * s; // leave the target itself visible
        Rgb vertical{0.8f, 0.8f, 0.8f}, horizontal{0.8f, 0.8f, 0.8f};
        switch (kind_) {
        case ViewKind::Axial: vertical = viewColour(ViewKind::Sagittal); horizontal = viewColour(ViewKind::Coronal); break;
        case ViewKind::Coronal: vertical = viewColour(ViewKind::Sagittal); horizontal = viewColour(ViewKind::Axial); break;
        case ViewKind::Sagittal: vertical = viewColour(ViewKind::Coronal); horizontal = viewColour(ViewKind::Axial); break;
        default: vertical = horizontal = viewColour(ViewKind::Axial); break;
        }
        d.lines.add(cu, vMin, cu, cv - gap, vertical, 0.1);
        d.lines.add(cu, cv + gap, cu, vMax, vertical, 0.1);
        d.lines.add(uMin, cv, cu - gap, cv, horizontal, 0.1);
        d.lines.add(cu + gap, cv, uMax, cv, horizontal, 0.1);
    }
    d.texts.begin();
    const int small = std::clamp(static_cast<int>(H / 40), 12, 18);
    const int big = std::clamp(static_cast<int>(H / 26), 14, 30);
    auto toDisplay = [&](const Vec3& p, double& x, double& y) {
        lpsToPixel(p, x, y);
        y = H - y;
    };
    for (const auto& probe : a.probes) {
        const Rgb c = probe.selected ? kProbeSelected : kProbe;
        const auto [tu, tv] = uv(probe.tip_mm);
        const auto [eu, ev] = uv(probe.entry_mm);
        if (kind_ == ViewKind::PetMip) {
            d.lines.add(eu, ev, tu, tv, c, 0.2);
            continue;
        }
        d.lines.add(eu, ev, tu, tv, {c.r * 0.6f, c.g * 0.6f, c.b * 0.6f}, 0.2);
        // Where the shaft crosses this slice: a filled marker.
        const double dt = plane.distance(probe.tip_mm), de = plane.distance(probe.entry_mm);
        if ((dt <= 0) != (de <= 0) && std::abs(dt - de) > 1e-9) {
            const double f = dt / (dt - de);
            const Vec3 x = probe.tip_mm + (probe.entry_mm - probe.tip_mm) * f;
            const auto [xu, xv] = uv(x);
            d.lines.circle(xu, xv, 2.5 * s, c, 0.2, 12);
            d.lines.circle(xu, xv, 1.2 * s, c, 0.2, 8);
        }
        const double r = (near(probe.tip_mm) ? 6 : 4) * s;
        d.lines.circle(tu, tv, r, c, 0.2);
        double x, y;
        toDisplay(probe.tip_mm, x, y);
        // Up and to the left of the tip: measurements label to the right.
        d.texts.add(probe.id, x - 8, y + 8, {small, c, true, 1, -1});
    }
    for (const auto& m : a.measurements) {
        if (kind_ == ViewKind::PetMip) continue;
        if (!near(m.a) || (m.ruler && !near(m.b))) continue;
        const auto [au, av] = uv(m.a);
        double x, y;
        if (m.ruler) {
            const auto [bu, bv] = uv(m.b);
            d.lines.add(au, av, bu, bv, kMeasure, 0.3);
            const double len = std::hypot(bu - au, bv - av);
            if (len > 0) {
                const double nu = -(bv - av) / len * 5 * s, nv = (bu - au) / len * 5 * s;
                d.lines.add(au - nu, av - nv, au + nu, av + nv, kMeasure, 0.3);
                d.lines.add(bu - nu, bv - nv, bu + nu, bv + nv, kMeasure, 0.3);
            }
            toDisplay((m.a + m.b) * 0.5, x, y);
        } else {
            d.lines.add(au - 6 * s, av, au + 6 * s, av, kMeasure, 0.3);
            d.lines.add(au, av - 6 * s, au, av + 6 * s, kMeasure, 0.3);
            toDisplay(m.a, x, y);
            y -= small + 10; // below the point, clear of a probe label above it
        }
        d.texts.add(m.text, x + 8, y + 6, {small, kMeasure, true, -1, -1});
    }
    if (a.pendingRuler) {
        const auto [au, av] = uv(a.pendingRuler->first);
        const auto [bu, bv] = uv(a.pendingRuler->second);
        d.lines.add(au, av, bu, bv, kMeasure, 0.3);
        double x, y;
        toDisplay((a.pendingRuler->first + a.pendingRuler->second) * 0.5, x, y);
        std::ostringstream t;
        t.setf(std::ios::fixed);
        t.precision(1);
        t << distance(a.pendingRuler->first, a.pendingRuler->second) << " mm";
        d.texts.add(t.str(), x + 8, y + 6, {small, kMeasure, true, -1, -1});
    }
    d.lines.commit();

    // Orientation letters at the four edges: never hidden, large, high contrast.
    if (!image_.rgba.empty()) {
        ViewAxes axes{plane.right, plane.up, plane.normal()};
        const EdgeLabels e = edgeLabels(axes);
        d.texts.add(e.left, 6, H / 2, {big, kOrientation, true, -1, 0});
        d.texts.add(e.right, W - 6, H / 2, {big, kOrientation, true, 1, 0});
        d.texts.add(e.top, W / 2, H - 4, {big, kOrientation, true, 0, 1});
        d.texts.add(e.bottom, W / 2, 4, {big, kOrientation, true, 0, -1});
    }
    // In a narrow view the title would run into the top orientation letter: put it below.
    const double titleY = W < 40.0 * small ? H - big - 8 : H - 6;
    if (!a.title.empty()) d.texts.add(a.title, 8, titleY, {small, kText, false, -1, 1});
    if (!a.windowText.empty()) d.texts.add(a.windowText, 8, 6, {small, kText, false, -1, -1});
    for (size_t i = 0; i < a.infoLines.size(); ++i) {
        // Above the band of the bottom orientation letter, which must stay readable.
        const double y = big + 10 + (a.infoLines.size() - 1 - i) * (small + 4);
        d.texts.add(a.infoLines[i], W - 8, y, {small, a.infoWarning ? kWarning : kText, false, 1, -1});
    }

    d.bar.clear();
    if (a.colourBar) {
        const ColourBar& b = *a.colourBar;
        const double x1 = W - 12, x0 = x1 - 12;
        const double y1 = H - 2.6 * big - small, y0 = std::max(H * 0.58, y1 - 220);
        if (y1 - y0 > 30) {
            const int steps = 32;
            for (int i = 0; i < steps; ++i) {
                const double t0 = static_cast<double>(i) / steps, t1 = static_cast<double>(i + 1) / steps;
                d.bar.quad(x0, y0 + t0 * (y1 - y0), x1, y0 + t1 * (y1 - y0), colormap(b.map, t0), colormap(b.map, t1));
            }
            const Rgb titleColour = b.warn ? kWarning : kText;
            d.texts.add(b.unit, x1, y1 + 0.6 * small + 6, {small, titleColour, true, 1, -1});
            d.texts.add(formatValue(b.high), x0 - 4, y1, {small, kText, false, 1, 0});
            d.texts.add(formatValue(0.5 * (b.low + b.high)), x0 - 4, 0.5 * (y0 + y1), {small, kText, false, 1, 0});
            d.texts.add(formatValue(b.low), x0 - 4, y0, {small, kText, false, 1, 0});
        }
    }
    d.bar.commit();
    d.canvas.render();
}

RgbaImage SliceView::capture() { return impl_->canvas.capture(); }

unsigned SliceView::texture() const { return impl_->canvas.texture(); }

} // namespace irplan::render
