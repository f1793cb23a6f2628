#include "render/internal/SceneActors.h"

#include "render/Colormaps.h"
#include "render/internal/Surfaces.h"

#include <vtkActor.h>
#include <vtkFloatArray.h>
#include <vtkFlyingEdges3D.h>
#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkTransform.h>
#include <vtkTransformPolyDataFilter.h>
#include <vtkAppendPolyData.h>
#include <vtkLineSource.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkSphereSource.h>
#include <vtkTubeFilter.h>

#include <algorithm>

namespace irplan::render::detail {

namespace {
const Rgb kProbe{0.2f, 0.9f, 1.0f};
// Opacity of a label's surface in 3D: the liver is a translucent envelope,
// vessels and lesions solid.
double surfaceOpacity(int label) { return label == 1 ? 0.12 : 1.0; }
bool isVesselLabel(int label) { return label >= 2 && label <= 6; }
} // namespace

LabelSurfaceActors::~LabelSurfaceActors() {
    for (auto& a : actors_) renderer_->RemoveActor(a);
}

void LabelSurfaceActors::set(std::shared_ptr<const LabelSurfaces> surfaces, const std::set<int>& hidden, bool skipVessels) {
    for (auto& a : actors_) renderer_->RemoveActor(a);
    actors_.clear();
    surfaces_ = std::move(surfaces);
    if (!surfaces_) return;
    for (const auto& item : surfaces_->items) {
        if ((skipVessels && isVesselLabel(item.label)) || hidden.count(item.label)) continue;
        auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
        mapper->SetInputData(item.mesh);
        mapper->ScalarVisibilityOff();
        auto actor = vtkSmartPointer<vtkActor>::New();
        actor->SetMapper(mapper);
        const Rgb c = labelColour(item.label);
        actor->GetProperty()->SetColor(c.r, c.g, c.b);
        actor->GetProperty()->SetOpacity(surfaceOpacity(item.label));
        actor->GetProperty()->SetSpecular(0.2);
        actor->SetVisibility(visible_ ? 1 : 0);
        renderer_->AddActor(actor);
        actors_.push_back(actor);
    }
}

void LabelSurfaceActors::setVisible(bool visible) {
    visible_ = visible;
    for (auto& a : actors_) a->SetVisibility(visible ? 1 : 0);
}

VesselTubeActor::VesselTubeActor(vtkRenderer* renderer) : renderer_(renderer) {
    actor_ = vtkSmartPointer<vtkActor>::New();
    actor_->SetVisibility(0);
    renderer_->AddActor(actor_);
}

VesselTubeActor::~VesselTubeActor() { renderer_->RemoveActor(actor_); }

void VesselTubeActor::set(std::shared_ptr<const VesselTubes> tubes) {
    tubes_ = std::move(tubes);
    if (!tubes_ || !tubes_->mesh) {
        actor_->SetVisibility(0);
        return;
    }
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputData(tubes_->mesh);
    mapper->SetScalarModeToUsePointFieldData();
    mapper->SelectColorArray("colours");
    mapper->SetColorModeToDirectScalars();
    mapper->ScalarVisibilityOn();
    actor_->SetMapper(mapper);
    actor_->SetVisibility(1);
}

void VesselTubeActor::setVisible(bool visible) { actor_->SetVisibility(visible && tubes_ ? 1 : 0); }

ProbeActors::ProbeActors(vtkRenderer* renderer) : renderer_(renderer) {
    actor_ = vtkSmartPointer<vtkActor>::New();
    actor_->SetVisibility(0);
    actor_->GetProperty()->SetColor(kProbe.r, kProbe.g, kProbe.b);
    actor_->GetProperty()->SetSpecular(0.4);
    renderer_->AddActor(actor_);
}

ProbeActors::~ProbeActors() { renderer_->RemoveActor(actor_); }

void ProbeActors::set(const std::vector<ProbeShape>& probes) {
    if (probes.empty()) {
        actor_->SetVisibility(0);
        return;
    }
    auto append = vtkSmartPointer<vtkAppendPolyData>::New();
    for (const auto& p : probes) {
        auto line = vtkSmartPointer<vtkLineSource>::New();
        line->SetPoint1(p.entry_mm.x, p.entry_mm.y, p.entry_mm.z);
        line->SetPoint2(p.tip_mm.x, p.tip_mm.y, p.tip_mm.z);
        auto tube = vtkSmartPointer<vtkTubeFilter>::New();
        tube->SetInputConnection(line->GetOutputPort());
        tube->SetRadius(std::max(0.75, p.shaftDiameter_mm / 2));
        tube->SetNumberOfSides(12);
        tube->CappingOn();
        append->AddInputConnection(tube->GetOutputPort());
        auto tip = vtkSmartPointer<vtkSphereSource>::New();
        tip->SetCenter(p.tip_mm.x, p.tip_mm.y, p.tip_mm.z);
        tip->SetRadius(2.0);
        append->AddInputConnection(tip->GetOutputPort());
    }
    append->Update();
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->ShallowCopy(append->GetOutput());
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputData(poly);
    mapper->ScalarVisibilityOff();
    actor_->SetMapper(mapper);
    actor_->SetVisibility(1);
}

ZoneActors::ZoneActors(vtkRenderer* renderer) : renderer_(renderer) {}

ZoneActors::~ZoneActors() {
    for (auto& a : actors_) renderer_->RemoveActor(a);
}

void ZoneActors::set(const std::vector<ZoneOverlay>& zones, const std::vector<MarkerShape>& markers) {
    for (auto& a : actors_) renderer_->RemoveActor(a);
    actors_.clear();
    auto add = [&](vtkPolyData* poly, const Rgb& colour, double opacity) {
        auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
        mapper->SetInputData(poly);
        mapper->ScalarVisibilityOff();
        auto actor = vtkSmartPointer<vtkActor>::New();
        actor->SetMapper(mapper);
        actor->GetProperty()->SetColor(colour.r, colour.g, colour.b);
        actor->GetProperty()->SetOpacity(opacity);
        renderer_->AddActor(actor);
        actors_.push_back(actor);
    };
    for (const auto& zone : zones) {
        if (!zone.field) continue;
        const FloatImage* f = zone.field.GetPointer();
        const auto size = f->GetLargestPossibleRegion().GetSize();
        // The contour in index space, then index -> LPS (direction, spacing, origin).
        auto image = vtkSmartPointer<vtkImageData>::New();
        image->SetDimensions(static_cast<int>(size[0]), static_cast<int>(size[1]), static_cast<int>(size[2]));
        auto values = vtkSmartPointer<vtkFloatArray>::New();
        const vtkIdType n = static_cast<vtkIdType>(size[0] * size[1] * size[2]);
        values->SetNumberOfValues(n);
        const float* src = f->GetBufferPointer();
        for (vtkIdType i = 0; i < n; ++i) values->SetValue(i, src[i]);
        image->GetPointData()->SetScalars(values);
        auto contour = vtkSmartPointer<vtkFlyingEdges3D>::New();
        contour->SetInputData(image);
        contour->SetValue(0, 0.0);
        contour->ComputeNormalsOn();
        const auto& d = f->GetDirection();
        const auto& sp = f->GetSpacing();
        const auto& o = f->GetOrigin();
        double m[16] = {0};
        for (int r = 0; r < 3; ++r) {
            for (int c = 0; c < 3; ++c) m[4 * r + c] = d[r][c] * sp[c];
            m[4 * r + 3] = o[r];
        }
        m[15] = 1;
        auto transform = vtkSmartPointer<vtkTransform>::New();
        transform->SetMatrix(m);
        auto placed = vtkSmartPointer<vtkTransformPolyDataFilter>::New();
        placed->SetInputConnection(contour->GetOutputPort());
        placed->SetTransform(transform);
        placed->Update();
        auto poly = vtkSmartPointer<vtkPolyData>::New();
        poly->ShallowCopy(placed->GetOutput());
        if (poly->GetNumberOfPoints() > 0) add(poly, zone.colour, 0.35);
    }
    if (!markers.empty()) {
        auto append = vtkSmartPointer<vtkAppendPolyData>::New();
        for (const auto& m : markers) {
            auto sphere = vtkSmartPointer<vtkSphereSource>::New();
            sphere->SetCenter(m.p_mm.x, m.p_mm.y, m.p_mm.z);
            sphere->SetRadius(3.0);
            append->AddInputConnection(sphere->GetOutputPort());
        }
        append->Update();
        auto poly = vtkSmartPointer<vtkPolyData>::New();
        poly->ShallowCopy(append->GetOutput());
        add(poly, markers.front().colour, 1.0);
    }
}

} // namespace irplan::render::detail
