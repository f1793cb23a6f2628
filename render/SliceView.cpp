#include "render/SliceView.h"

#include "render/internal/Canvas.h"
#include "render/internal/Overlay.h"
#include "render/internal/SliceOverlays.h"

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

namespace irplan::render {


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
    detail::SliceOverlayContext c{kind_, image_, d.annotations, d.lines, d.bar, d.texts, static_cast<double>(width_),
                                  static_cast<double>(height_), centreU_, centreV_, mmPerPixel_};
    d.lines.clear();
    d.bar.clear();
    d.texts.begin();
    detail::drawCrosshair(c);
    detail::drawZones(c);
    detail::drawProbes(c);
    detail::drawMarkers(c);
    detail::drawMeasurements(c);
    detail::drawTexts(c);
    detail::drawColourBar(c);
    d.lines.commit();
    d.bar.commit();
    d.canvas.render();
}

RgbaImage SliceView::capture() { return impl_->canvas.capture(); }

unsigned SliceView::texture() const { return impl_->canvas.texture(); }

} // namespace irplan::render
