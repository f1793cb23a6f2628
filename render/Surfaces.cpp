#include "render/Surfaces.h"

#include "render/Colormaps.h"
#include "render/VolumeSampler.h"
#include "render/internal/Surfaces.h"

#include <vtkCellArray.h>
#include <vtkDiscreteFlyingEdges3D.h>
#include <vtkDoubleArray.h>
#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyDataNormals.h>
#include <vtkTransform.h>
#include <vtkTransformPolyDataFilter.h>
#include <vtkTubeFilter.h>
#include <vtkUnsignedCharArray.h>
#include <vtkUnsignedShortArray.h>
#include <vtkWindowedSincPolyDataFilter.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace irplan::render {

Rgb vesselColour(double d) {
    if (d < kHeatSinkDiameter_mm) return {0.45f, 0.55f, 0.75f};
    // 3 mm orange .. >= 10 mm deep red: the thicker, the stronger the sink.
    const float t = static_cast<float>(std::clamp((d - 3.0) / 7.0, 0.0, 1.0));
    return {1.0f, 0.65f * (1 - t) + 0.1f * t, 0.1f * (1 - t)};
}

Rgb vesselKindColour(const std::string& kind, bool ge) {
    Rgb c{0.95f, 0.85f, 0.2f}; // unknown kind: yellow
    if (kind == "portal") c = {1.0f, 0.5f, 0.1f};
    else if (kind == "hepatic") c = {0.2f, 0.5f, 1.0f};
    else if (kind == "ivc") c = {0.6f, 0.3f, 0.9f};
    else if (kind == "artery" || kind == "aorta") c = {0.9f, 0.12f, 0.15f};
    if (ge) return c;
    // Under 3 mm: pale (half-way to white).
    return {0.5f * (c.r + 1.0f), 0.5f * (c.g + 1.0f), 0.5f * (c.b + 1.0f)};
}

std::string vesselKindLegend() {
    return "portal orange, hepatic blue, IVC purple, artery red, unknown yellow; pale: < 3 mm";
}

std::shared_ptr<const LabelSurfaces> buildLabelSurfaces(const LabelImage* labelMap, const std::vector<int>& wanted,
                                                        int maxDimension, const Progress& progress) {
    auto out = std::make_shared<LabelSurfaces>();
    if (!labelMap) return out;
    const GridGeometry g = GridGeometry::of(labelMap);
    int f = 1;
    while (std::max({g.size[0], g.size[1], g.size[2]}) > f * maxDimension) ++f;
    const int nx = (g.size[0] + f - 1) / f, ny = (g.size[1] + f - 1) / f, nz = (g.size[2] + f - 1) / f;
    // Coarse copy (nearest voxel, one-voxel empty border so surfaces close at the edges).
    auto image = vtkSmartPointer<vtkImageData>::New();
    image->SetDimensions(nx + 2, ny + 2, nz + 2);
    image->SetSpacing(g.spacing.x * f, g.spacing.y * f, g.spacing.z * f);
    image->SetOrigin(-g.spacing.x * f, -g.spacing.y * f, -g.spacing.z * f);
    image->AllocateScalars(VTK_UNSIGNED_SHORT, 1);
    auto* dst = static_cast<std::uint16_t*>(image->GetScalarPointer());
    std::fill(dst, dst + static_cast<size_t>(nx + 2) * (ny + 2) * (nz + 2), 0);
    const std::uint16_t* src = labelMap->GetBufferPointer();
    std::set<int> present;
    const std::set<int> want(wanted.begin(), wanted.end());
    for (int k = 0; k < nz; ++k)
        for (int j = 0; j < ny; ++j)
            for (int i = 0; i < nx; ++i) {
                const size_t si = static_cast<size_t>(std::min(i * f + f / 2, g.size[0] - 1)) +
                                  static_cast<size_t>(g.size[0]) *
                                      (static_cast<size_t>(std::min(j * f + f / 2, g.size[1] - 1)) +
                                       static_cast<size_t>(g.size[1]) * static_cast<size_t>(std::min(k * f + f / 2, g.size[2] - 1)));
                const std::uint16_t l = src[si];
                if (!l || !want.count(l)) continue;
                present.insert(l);
                dst[static_cast<size_t>(i + 1) + static_cast<size_t>(nx + 2) * (static_cast<size_t>(j + 1) + static_cast<size_t>(ny + 2) * static_cast<size_t>(k + 1))] = l;
            }
    // Index space (times spacing) -> LPS: origin + D * x.
    auto toLps = vtkSmartPointer<vtkTransform>::New();
    double m[16] = {0};
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) m[r * 4 + c] = g.direction(r, c);
        m[r * 4 + 3] = g.origin[r];
    }
    m[15] = 1;
    toLps->SetMatrix(m);
    int done = 0;
    for (int label : present) {
        progress.checkCancel();
        auto dfe = vtkSmartPointer<vtkDiscreteFlyingEdges3D>::New();
        dfe->SetInputData(image);
        dfe->SetValue(0, label);
        dfe->ComputeNormalsOff();
        dfe->ComputeGradientsOff();
        dfe->ComputeScalarsOff();
        auto smooth = vtkSmartPointer<vtkWindowedSincPolyDataFilter>::New();
        smooth->SetInputConnection(dfe->GetOutputPort());
        smooth->SetNumberOfIterations(15);
        smooth->SetPassBand(0.05);
        smooth->NonManifoldSmoothingOn();
        smooth->NormalizeCoordinatesOn();
        auto place = vtkSmartPointer<vtkTransformPolyDataFilter>::New();
        place->SetInputConnection(smooth->GetOutputPort());
        place->SetTransform(toLps);
        auto normals = vtkSmartPointer<vtkPolyDataNormals>::New();
        normals->SetInputConnection(place->GetOutputPort());
        normals->SplittingOff();
        normals->ConsistencyOn();
        normals->Update();
        LabelSurfaces::Item item;
        item.label = label;
        item.mesh = vtkSmartPointer<vtkPolyData>::New();
        item.mesh->ShallowCopy(normals->GetOutput());
        if (item.mesh->GetNumberOfPolys() > 0) out->items.push_back(item);
        progress.update(static_cast<double>(++done) / present.size(), "building surfaces");
    }
    return out;
}

std::vector<int> surfaceLabels(const LabelSurfaces& s) {
    std::vector<int> labels;
    for (const auto& i : s.items) labels.push_back(i.label);
    return labels;
}

size_t surfaceTriangles(const LabelSurfaces& s) {
    size_t n = 0;
    for (const auto& i : s.items) n += static_cast<size_t>(i.mesh->GetNumberOfPolys());
    return n;
}

std::shared_ptr<const VesselTubes> buildVesselTubes(const std::vector<VesselBranchShape>& branches) {
    auto out = std::make_shared<VesselTubes>();
    auto points = vtkSmartPointer<vtkPoints>::New();
    auto lines = vtkSmartPointer<vtkCellArray>::New();
    auto radii = vtkSmartPointer<vtkDoubleArray>::New();
    radii->SetName("radius");
    auto colours = vtkSmartPointer<vtkUnsignedCharArray>::New();
    colours->SetName("colours");
    colours->SetNumberOfComponents(3);
    for (const auto& b : branches) {
        if (b.points_mm.size() < 2 || b.radii_mm.size() != b.points_mm.size()) continue;
        ++out->branches;
        const bool ge = b.ge3mm >= 0 ? b.ge3mm == 1 : b.diameter_mm >= kHeatSinkDiameter_mm;
        if (ge) ++out->branchesAtLeast3mm;
        const bool known = !b.kind.empty() && b.kind != "unknown";
        out->kindsKnown = out->kindsKnown || known;
        const Rgb c = !b.kind.empty() ? vesselKindColour(b.kind, ge) : vesselColour(b.diameter_mm);
        const unsigned char rgb[3] = {static_cast<unsigned char>(c.r * 255), static_cast<unsigned char>(c.g * 255),
                                      static_cast<unsigned char>(c.b * 255)};
        lines->InsertNextCell(static_cast<vtkIdType>(b.points_mm.size()));
        for (size_t i = 0; i < b.points_mm.size(); ++i) {
            const Vec3& p = b.points_mm[i];
            lines->InsertCellPoint(points->InsertNextPoint(p.x, p.y, p.z));
            radii->InsertNextValue(std::max(0.3, b.radii_mm[i]));
            colours->InsertNextTypedTuple(rgb);
        }
    }
    auto poly = vtkSmartPointer<vtkPolyData>::New();
    poly->SetPoints(points);
    poly->SetLines(lines);
    poly->GetPointData()->AddArray(colours);
    poly->GetPointData()->SetScalars(radii);
    auto tubes = vtkSmartPointer<vtkTubeFilter>::New();
    tubes->SetInputData(poly);
    tubes->SetVaryRadiusToVaryRadiusByAbsoluteScalar();
    tubes->SetNumberOfSides(8);
    tubes->CappingOn();
    tubes->Update();
    out->mesh = vtkSmartPointer<vtkPolyData>::New();
    out->mesh->ShallowCopy(tubes->GetOutput());
    return out;
}

} // namespace irplan::render
