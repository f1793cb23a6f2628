#include "render/internal/Overlay.h"

#include <vtkCellArray.h>
#include <vtkCellData.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkRenderer.h>
#include <vtkTextActor.h>
#include <vtkTextProperty.h>
#include <vtkUnsignedCharArray.h>

#include <algorithm>
#include <cmath>

namespace irplan::render::detail {

namespace {
unsigned char byte(float v) { return static_cast<unsigned char>(std::clamp(v, 0.0f, 1.0f) * 255.0f + 0.5f); }
} // namespace

LineBatch::LineBatch() {
    polyData_ = vtkSmartPointer<vtkPolyData>::New();
    points_ = vtkSmartPointer<vtkPoints>::New();
    lines_ = vtkSmartPointer<vtkCellArray>::New();
    polys_ = vtkSmartPointer<vtkCellArray>::New();
    colours_ = vtkSmartPointer<vtkUnsignedCharArray>::New();
    colours_->SetNumberOfComponents(3);
    colours_->SetName("colours");
    polyData_->SetPoints(points_);
    polyData_->SetLines(lines_);
    polyData_->SetPolys(polys_);
    polyData_->GetPointData()->SetScalars(colours_);
}

LineBatch::~LineBatch() = default;

void LineBatch::clear() {
    points_->Reset();
    lines_->Reset();
    polys_->Reset();
    colours_->Reset();
}

void LineBatch::add(double x0, double y0, double x1, double y1, const Rgb& c, double z) {
    const double a[3] = {x0, y0, z}, b[3] = {x1, y1, z};
    add3(a, b, c);
}

void LineBatch::add3(const double a[3], const double b[3], const Rgb& c) {
    const vtkIdType i0 = points_->InsertNextPoint(a);
    const vtkIdType i1 = points_->InsertNextPoint(b);
    const unsigned char rgb[3] = {byte(c.r), byte(c.g), byte(c.b)};
    colours_->InsertNextTypedTuple(rgb);
    colours_->InsertNextTypedTuple(rgb);
    const vtkIdType ids[2] = {i0, i1};
    lines_->InsertNextCell(2, ids);
}

void LineBatch::circle(double cx, double cy, double r, const Rgb& c, double z, int segments) {
    for (int s = 0; s < segments; ++s) {
        const double a0 = 2 * M_PI * s / segments, a1 = 2 * M_PI * (s + 1) / segments;
        add(cx + r * std::cos(a0), cy + r * std::sin(a0), cx + r * std::cos(a1), cy + r * std::sin(a1), c, z);
    }
}

void LineBatch::quad(double x0, double y0, double x1, double y1, const Rgb& bottom, const Rgb& top) {
    const unsigned char lo[3] = {byte(bottom.r), byte(bottom.g), byte(bottom.b)};
    const unsigned char hi[3] = {byte(top.r), byte(top.g), byte(top.b)};
    vtkIdType ids[4];
    ids[0] = points_->InsertNextPoint(x0, y0, 0);
    colours_->InsertNextTypedTuple(lo);
    ids[1] = points_->InsertNextPoint(x1, y0, 0);
    colours_->InsertNextTypedTuple(lo);
    ids[2] = points_->InsertNextPoint(x1, y1, 0);
    colours_->InsertNextTypedTuple(hi);
    ids[3] = points_->InsertNextPoint(x0, y1, 0);
    colours_->InsertNextTypedTuple(hi);
    polys_->InsertNextCell(4, ids);
}

void LineBatch::commit() {
    points_->Modified();
    lines_->Modified();
    polys_->Modified();
    colours_->Modified();
    polyData_->Modified();
}

TextPool::~TextPool() {
    for (auto& a : actors_) renderer_->RemoveActor2D(a);
}

void TextPool::begin() {
    for (auto& a : actors_) a->SetVisibility(0);
    used_ = 0;
}

void TextPool::add(const std::string& text, double x, double y, const TextStyle& style) {
    if (used_ == actors_.size()) {
        auto a = vtkSmartPointer<vtkTextActor>::New();
        a->GetTextProperty()->SetFontFamilyToArial();
        a->GetTextProperty()->ShadowOn();
        a->GetTextProperty()->SetShadowOffset(1, -1);
        renderer_->AddActor2D(a);
        actors_.push_back(a);
    }
    vtkTextActor* a = actors_[used_++];
    a->SetInput(text.c_str());
    a->SetDisplayPosition(static_cast<int>(std::lround(x)), static_cast<int>(std::lround(y)));
    vtkTextProperty* p = a->GetTextProperty();
    p->SetFontSize(style.size);
    p->SetColor(style.colour.r, style.colour.g, style.colour.b);
    p->SetBold(style.bold ? 1 : 0);
    if (style.horizontal < 0) p->SetJustificationToLeft();
    else if (style.horizontal > 0) p->SetJustificationToRight();
    else p->SetJustificationToCentered();
    if (style.vertical < 0) p->SetVerticalJustificationToBottom();
    else if (style.vertical > 0) p->SetVerticalJustificationToTop();
    else p->SetVerticalJustificationToCentered();
    a->SetVisibility(1);
}

} // namespace irplan::render::detail
