#include "render/VolumeView.h"

#include "render/Colormaps.h"
#include "render/internal/Canvas.h"
#include "render/internal/FusedVolumeActor.h"
#include "render/internal/Overlay.h"
#include "render/internal/SceneActors.h"
#include "render/internal/Surfaces.h"

#include <vtkActor.h>
#include <vtkAnnotatedCubeActor.h>
#include <vtkCamera.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkVolume.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <cmath>
#include <sstream>

namespace irplan::render {

namespace {
const Rgb kText{0.92f, 0.92f, 0.92f};
} // namespace

struct VolumeView::Impl {
    detail::Canvas canvas;
    vtkNew<vtkRenderer> renderer;
    vtkNew<vtkRenderer> cubeRenderer;
    vtkNew<vtkAnnotatedCubeActor> cube;
    detail::FusedVolumeActor fused;
    detail::LabelSurfaceActors surfaces;
    detail::VesselTubeActor vessels;
    detail::ProbeActors probes;
    detail::ZoneActors zones;
    std::string vesselSource;
    detail::LineBatch crosshair;
    vtkNew<vtkPolyDataMapper> crosshairMapper;
    vtkNew<vtkActor> crosshairActor;
    detail::TextPool texts;
    DisplaySettings settings;
    std::string title;
    bool cameraSet = false;

    explicit Impl(const CanvasOptions& options)
        : canvas(options), surfaces(renderer), vessels(renderer), probes(renderer), zones(renderer), texts(renderer) {
        renderer->SetBackground(0.02, 0.02, 0.04);
        renderer->SetBackgroundAlpha(1.0);
        renderer->AddVolume(fused.volume());
        crosshairMapper->SetInputData(crosshair.polyData());
        crosshairActor->SetMapper(crosshairMapper);
        crosshairActor->GetProperty()->SetLineWidth(2);
        crosshairActor->GetProperty()->LightingOff();
        renderer->AddActor(crosshairActor);
        // The orientation cube: patient letters on its faces (LPS: +x = L, +y = P, +z = S).
        cube->SetXPlusFaceText("L");
        cube->SetXMinusFaceText("R");
        cube->SetYPlusFaceText("P");
        cube->SetYMinusFaceText("A");
        cube->SetZPlusFaceText("S");
        cube->SetZMinusFaceText("I");
        cube->SetFaceTextScale(0.55);
        cube->GetCubeProperty()->SetColor(0.25, 0.3, 0.4);
        cube->GetTextEdgesProperty()->SetColor(1, 0.85, 0.2);
        cube->GetTextEdgesProperty()->SetLineWidth(2);
        for (vtkProperty* p : {cube->GetXPlusFaceProperty(), cube->GetXMinusFaceProperty(), cube->GetYPlusFaceProperty(),
                               cube->GetYMinusFaceProperty(), cube->GetZPlusFaceProperty(), cube->GetZMinusFaceProperty()})
            p->SetColor(1, 0.85, 0.2);
        cubeRenderer->AddActor(cube);
        cubeRenderer->SetViewport(0.82, 0.0, 1.0, 0.18);
        cubeRenderer->SetLayer(1);
        cubeRenderer->InteractiveOff();
        canvas.window()->SetNumberOfLayers(2);
        canvas.addRenderer(renderer);
        canvas.addRenderer(cubeRenderer);
    }

    // What the camera frames: the image volume when there is one (vessel trees
    // may run beyond the scan), else everything visible.
    void bounds(double b[6]) {
        if (fused.hasData() && fused.volume()->GetVisibility()) fused.volume()->GetBounds(b);
        else renderer->ComputeVisiblePropBounds(b);
    }
};

VolumeView::VolumeView(const CanvasOptions& canvas) : impl_(std::make_unique<Impl>(canvas)) {}
VolumeView::~VolumeView() = default;

void VolumeView::releaseGraphics() { impl_->canvas.release(); }

void VolumeView::setSize(int width, int height) {
    width_ = width;
    height_ = height;
    impl_->canvas.setSize(width, height);
}

void VolumeView::setVolume(std::shared_ptr<const FusedVolumeData> volume) {
    impl_->fused.setData(std::move(volume));
    if (!impl_->cameraSet) resetCamera();
}

void VolumeView::setSurfaces(std::shared_ptr<const LabelSurfaces> surfaces, const std::set<int>& hidden) {
    Impl& d = *impl_;
    d.surfaces.set(std::move(surfaces), hidden, d.vessels.tubes() != nullptr);
    d.surfaces.setVisible(d.settings.surfaces3d);
    if (!d.cameraSet) resetCamera();
}

void VolumeView::setVesselTubes(std::shared_ptr<const VesselTubes> tubes, const std::string& source) {
    Impl& d = *impl_;
    d.vessels.set(std::move(tubes));
    d.vessels.setVisible(d.settings.surfaces3d);
    d.vesselSource = source;
    // Vessel labels come from the tubes when there are centrelines.
    d.surfaces.set(d.surfaces.surfaces(), d.settings.hiddenLabels, d.vessels.tubes() != nullptr);
}

void VolumeView::setProbes(const std::vector<ProbeShape>& probes) { impl_->probes.set(probes); }

void VolumeView::setZones(const std::vector<ZoneOverlay>& zones, const std::vector<MarkerShape>& markers) {
    impl_->zones.set(zones, markers);
}

void VolumeView::setCrosshair(std::optional<Vec3> p) {
    Impl& d = *impl_;
    d.crosshair.clear();
    if (p) {
        const double r = 12;
        const Rgb cols[3] = {{1.0f, 0.95f, 0.35f}, {0.35f, 1.0f, 0.35f}, {1.0f, 0.35f, 0.35f}}; // x sag, y cor, z ax
        for (int a = 0; a < 3; ++a) {
            double lo[3] = {p->x, p->y, p->z}, hi[3] = {p->x, p->y, p->z};
            lo[a] -= r;
            hi[a] += r;
            d.crosshair.add3(lo, hi, cols[a]);
        }
    }
    d.crosshair.commit();
}

void VolumeView::setSettings(const DisplaySettings& settings) {
    Impl& d = *impl_;
    const bool surfacesChanged = settings.hiddenLabels != d.settings.hiddenLabels;
    d.settings = settings;
    if (surfacesChanged) d.surfaces.set(d.surfaces.surfaces(), settings.hiddenLabels, d.vessels.tubes() != nullptr);
    d.surfaces.setVisible(settings.surfaces3d);
    d.vessels.setVisible(settings.surfaces3d);
}

void VolumeView::setTitle(const std::string& title) { impl_->title = title; }

void VolumeView::setInteractive(bool interactive) { interactive_ = interactive; }

void VolumeView::resetCamera() {
    Impl& d = *impl_;
    double b[6];
    d.bounds(b);
    if (b[0] > b[1]) return;
    const double c[3] = {0.5 * (b[0] + b[1]), 0.5 * (b[2] + b[3]), 0.5 * (b[4] + b[5])};
    const double diag = std::sqrt((b[1] - b[0]) * (b[1] - b[0]) + (b[3] - b[2]) * (b[3] - b[2]) + (b[5] - b[4]) * (b[5] - b[4]));
    vtkCamera* cam = d.renderer->GetActiveCamera();
    cam->SetFocalPoint(c);
    // From the front (anterior, -y), superior up: patient's right on the screen's left.
    cam->SetPosition(c[0], c[1] - 1.15 * diag, c[2]);
    cam->SetViewUp(0, 0, 1);
    cam->SetViewAngle(30);
    d.renderer->ResetCameraClippingRange();
    d.cameraSet = true;
}

void VolumeView::rotate(double dx, double dy) {
    vtkCamera* cam = impl_->renderer->GetActiveCamera();
    cam->Azimuth(-0.4 * dx);
    cam->Elevation(0.4 * dy);
    cam->OrthogonalizeViewUp();
}

void VolumeView::setViewAngles(double azimuth, double elevation) {
    resetCamera();
    vtkCamera* cam = impl_->renderer->GetActiveCamera();
    cam->Azimuth(azimuth);
    cam->Elevation(elevation);
    cam->OrthogonalizeViewUp();
}

void VolumeView::zoom(double factor) {
    if (factor > 0) impl_->renderer->GetActiveCamera()->Dolly(factor);
}

void VolumeView::pan(double dx, double dy) {
    vtkCamera* cam = impl_->renderer->GetActiveCamera();
    double fp[3], pos[3], up[3], dir[3];
    cam->GetFocalPoint(fp);
    cam->GetPosition(pos);
    cam->GetViewUp(up);
    cam->GetDirectionOfProjection(dir);
    const Vec3 u{up[0], up[1], up[2]}, f{dir[0], dir[1], dir[2]};
    const Vec3 right = cross(f, u);
    const double dist = cam->GetDistance();
    const double mmPerPixel = 2 * dist * std::tan(cam->GetViewAngle() * M_PI / 360.0) / std::max(1, height_);
    const Vec3 shift = right * (-dx * mmPerPixel) + u * (dy * mmPerPixel);
    cam->SetFocalPoint(fp[0] + shift.x, fp[1] + shift.y, fp[2] + shift.z);
    cam->SetPosition(pos[0] + shift.x, pos[1] + shift.y, pos[2] + shift.z);
}

void VolumeView::render() {
    if (width_ <= 0 || height_ <= 0) return;
    Impl& d = *impl_;
    const auto t0 = std::chrono::steady_clock::now();
    d.fused.apply(d.settings, interactive_, width_, height_, restSampleDistance_);
    d.renderer->ResetCameraClippingRange();
    // Keep the orientation cube turned like the scene, in a square corner of the view.
    const double side = std::clamp(0.16 * std::min(width_, height_), 48.0, 140.0);
    d.cubeRenderer->SetViewport(1.0 - (side + 6) / width_, 6.0 / height_, 1.0 - 6.0 / width_, (side + 6) / height_);
    vtkCamera* cam = d.renderer->GetActiveCamera();
    vtkCamera* cubeCam = d.cubeRenderer->GetActiveCamera();
    double dir[3], up[3];
    cam->GetDirectionOfProjection(dir);
    cam->GetViewUp(up);
    cubeCam->SetFocalPoint(0, 0, 0);
    cubeCam->SetPosition(-dir[0] * 5, -dir[1] * 5, -dir[2] * 5);
    cubeCam->SetViewUp(up);
    cubeCam->SetViewAngle(30);
    d.cubeRenderer->ResetCameraClippingRange();

    d.texts.begin();
    const double H = height_;
    const int small = std::clamp(static_cast<int>(H / 42), 11, 18);
    if (!d.title.empty()) d.texts.add(d.title, 8, H - 6, {small, kText, false, -1, 1});
    int line = 0;
    auto bottomLine = [&](const std::string& text, const Rgb& colour) {
        d.texts.add(text, 8, 6 + line * (small + 4), {small, colour, false, -1, -1});
        ++line;
    };
    if (d.vessels.tubes() && d.settings.surfaces3d) {
        std::ostringstream t;
        if (d.vessels.tubes()->kindsKnown) {
            t << "vessels >= 3 mm (heat sink): " << d.vessels.tubes()->branchesAtLeast3mm << " of "
              << d.vessels.tubes()->branches << " branches; " << vesselKindLegend();
            bottomLine(t.str(), kText);
        } else {
            t << "vessels >= 3 mm (heat sink) orange-red: " << d.vessels.tubes()->branchesAtLeast3mm << " of "
              << d.vessels.tubes()->branches << " branches";
            bottomLine(t.str(), vesselColour(4.0));
        }
        if (!d.vesselSource.empty()) bottomLine("vessel centrelines: " + d.vesselSource, kText);
    }
    if (d.fused.hasData() && d.fused.data()->hasPet && d.settings.pet3d && d.settings.petVisible) {
        std::ostringstream t;
        t.precision(3);
        t << "PET >= " << d.settings.petLow + 0.5 * (d.settings.petHigh - d.settings.petLow) << " "
          << d.fused.data()->petUnit;
        bottomLine(t.str(), kText);
    }
    if (d.fused.hasData()) {
        std::ostringstream t;
        t << "3D " << volumePresetName(d.settings.preset3d);
        if (d.fused.data()->downsample > 1) t << ", volume at 1/" << d.fused.data()->downsample << " resolution";
        if (interactive_) t << ", interactive";
        else if (restSampleDistance_ > 1.01) t << ", 1 ray per " << std::fixed << std::setprecision(1) << restSampleDistance_ << " pixels (time budget)";
        bottomLine(t.str(), kText);
    }
    d.canvas.render();
    lastFrameMs_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!interactive_ && restBudgetMs_ > 0 && d.fused.hasData()) {
        // Frame time grows with the number of rays: aim the next frame at the budget.
        const double fullMs = lastFrameMs_ * restSampleDistance_ * restSampleDistance_;
        restSampleDistance_ = std::clamp(std::sqrt(fullMs / restBudgetMs_), 1.0, 4.0);
    }
}

RgbaImage VolumeView::capture() { return impl_->canvas.capture(); }

unsigned VolumeView::texture() const { return impl_->canvas.texture(); }

} // namespace irplan::render
