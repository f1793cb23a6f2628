#include "render/MeshExport.h"

#include "core/Error.h"
#include "core/Files.h"
#include "render/VolumeSampler.h"

#include <vtkCellArray.h>
#include <vtkDiscreteFlyingEdges3D.h>
#include <vtkFieldData.h>
#include <vtkImageData.h>
#include <vtkLineSource.h>
#include <vtkMassProperties.h>
#include <vtkPLYWriter.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>
#include <vtkPolyDataNormals.h>
#include <vtkSTLWriter.h>
#include <vtkSmartPointer.h>
#include <vtkStringArray.h>
#include <vtkTransform.h>
#include <vtkTransformPolyDataFilter.h>
#include <vtkTriangleFilter.h>
#include <vtkTubeFilter.h>
#include <vtkWindowedSincPolyDataFilter.h>
#include <vtkXMLPolyDataWriter.h>

#include <algorithm>
#include <array>
#include <sstream>

namespace irplan::render {

namespace fs = std::filesystem;

std::vector<MeshFormat> meshFormatsFromList(const std::string& list) {
    std::vector<MeshFormat> out;
    std::stringstream s(list);
    std::string f;
    while (std::getline(s, f, ',')) {
        std::transform(f.begin(), f.end(), f.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (f == "stl") out.push_back(MeshFormat::Stl);
        else if (f == "ply") out.push_back(MeshFormat::Ply);
        else if (f == "vtp") out.push_back(MeshFormat::Vtp);
        else if (!f.empty()) throw Error("unknown mesh format '" + f + "' (stl, ply, vtp)");
    }
    if (out.empty()) throw Error("give at least one mesh format (stl, ply, vtp)");
    return out;
}

const char* meshFormatExtension(MeshFormat f) {
    switch (f) {
    case MeshFormat::Stl: return "stl";
    case MeshFormat::Ply: return "ply";
    case MeshFormat::Vtp: return "vtp";
    }
    return "";
}

namespace {

// Volume centroid of a closed triangle mesh (divergence theorem: signed
// tetrahedra from the origin; the orientation cancels in the ratio).
Vec3 volumeCentroid(vtkPolyData* mesh) {
    double vSum = 0, c[3] = {0, 0, 0};
    vtkCellArray* polys = mesh->GetPolys();
    vtkIdType n = 0;
    const vtkIdType* ids = nullptr;
    for (polys->InitTraversal(); polys->GetNextCell(n, ids);) {
        if (n != 3) continue;
        double a[3], b[3], d[3];
        mesh->GetPoint(ids[0], a);
        mesh->GetPoint(ids[1], b);
        mesh->GetPoint(ids[2], d);
        const double v = (a[0] * (b[1] * d[2] - b[2] * d[1]) - a[1] * (b[0] * d[2] - b[2] * d[0]) +
                          a[2] * (b[0] * d[1] - b[1] * d[0])) / 6.0;
        vSum += v;
        for (int i = 0; i < 3; ++i) c[i] += v * (a[i] + b[i] + d[i]) / 4.0;
    }
    if (vSum == 0) return {};
    return {c[0] / vSum, c[1] / vSum, c[2] / vSum};
}

void writeMesh(vtkPolyData* mesh, MeshInfo& info, const fs::path& dir, const std::vector<MeshFormat>& formats) {
    auto field = vtkSmartPointer<vtkStringArray>::New();
    field->SetName("SPACE");
    field->InsertNextValue("LPS");
    mesh->GetFieldData()->AddArray(field);
    for (MeshFormat f : formats) {
        const fs::path dest = dir / (info.name + "." + meshFormatExtension(f));
        files::AtomicFile out(dest);
        int ok = 0;
        if (f == MeshFormat::Stl) {
            auto w = vtkSmartPointer<vtkSTLWriter>::New();
            w->SetInputData(mesh);
            w->SetFileName(out.tempPath().string().c_str());
            w->SetFileTypeToBinary();
            w->SetHeader("SPACE=LPS IRPlan mesh, millimetres");
            ok = w->Write();
        } else if (f == MeshFormat::Ply) {
            auto w = vtkSmartPointer<vtkPLYWriter>::New();
            w->SetInputData(mesh);
            w->SetFileName(out.tempPath().string().c_str());
            w->SetFileTypeToBinary();
            w->AddComment("SPACE=LPS");
            w->AddComment("IRPlan mesh, millimetres");
            ok = w->Write();
        } else {
            auto w = vtkSmartPointer<vtkXMLPolyDataWriter>::New();
            w->SetInputData(mesh);
            w->SetFileName(out.tempPath().string().c_str());
            w->SetDataModeToBinary();
            ok = w->Write();
        }
        if (!ok || !fs::exists(out.tempPath())) throw Error("could not write the mesh " + dest.string());
        out.commit();
        info.files.push_back(dest);
    }
}

void measure(vtkPolyData* mesh, MeshInfo& info) {
    info.triangles = static_cast<size_t>(mesh->GetNumberOfPolys());
    auto mp = vtkSmartPointer<vtkMassProperties>::New();
    mp->SetInputData(mesh);
    mp->Update();
    info.volume_ml = mp->GetVolume() / 1000.0;
    info.area_mm2 = mp->GetSurfaceArea();
    info.centroid_mm = volumeCentroid(mesh);
}

} // namespace

std::vector<MeshInfo> exportLabelMeshes(const LabelImage* labels, const std::map<int, std::string>& names,
                                        const fs::path& dir, const MeshOptions& o) {
    if (!labels) throw Error("no label map to export");
    files::ensureDirectory(dir);
    const GridGeometry g = GridGeometry::of(labels);
    const std::uint16_t* src = labels->GetBufferPointer();
    const size_t nx = g.size[0], ny = g.size[1], nz = g.size[2];
    // Bounding box of each wanted label.
    std::map<int, std::array<size_t, 6>> box;
    for (size_t k = 0; k < nz; ++k)
        for (size_t j = 0; j < ny; ++j)
            for (size_t i = 0; i < nx; ++i) {
                const int l = src[i + nx * (j + ny * k)];
                if (!l || !names.count(l)) continue;
                auto it = box.find(l);
                if (it == box.end()) box[l] = {i, i, j, j, k, k};
                else {
                    auto& b = it->second;
                    b[0] = std::min(b[0], i), b[1] = std::max(b[1], i), b[2] = std::min(b[2], j);
                    b[3] = std::max(b[3], j), b[4] = std::min(b[4], k), b[5] = std::max(b[5], k);
                }
            }
    // Index (times spacing) -> LPS: origin + D * x.
    auto toLps = vtkSmartPointer<vtkTransform>::New();
    double m[16] = {0};
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) m[r * 4 + c] = g.direction(r, c);
        m[r * 4 + 3] = g.origin[r];
    }
    m[15] = 1;
    toLps->SetMatrix(m);
    std::vector<MeshInfo> out;
    size_t done = 0;
    for (const auto& [label, b] : box) {
        o.progress.checkCancel();
        // The label's box with a one-voxel empty border, as 0/1, so the surface closes.
        const int bx = static_cast<int>(b[1] - b[0] + 3), by = static_cast<int>(b[3] - b[2] + 3),
                  bz = static_cast<int>(b[5] - b[4] + 3);
        auto image = vtkSmartPointer<vtkImageData>::New();
        image->SetDimensions(bx, by, bz);
        image->SetSpacing(g.spacing.x, g.spacing.y, g.spacing.z);
        image->SetOrigin((static_cast<double>(b[0]) - 1) * g.spacing.x, (static_cast<double>(b[2]) - 1) * g.spacing.y,
                         (static_cast<double>(b[4]) - 1) * g.spacing.z);
        image->AllocateScalars(VTK_UNSIGNED_CHAR, 1);
        auto* dst = static_cast<unsigned char*>(image->GetScalarPointer());
        std::fill(dst, dst + static_cast<size_t>(bx) * by * bz, 0);
        for (size_t k = b[4]; k <= b[5]; ++k)
            for (size_t j = b[2]; j <= b[3]; ++j)
                for (size_t i = b[0]; i <= b[1]; ++i)
                    if (src[i + nx * (j + ny * k)] == label)
                        dst[(i - b[0] + 1) + bx * ((j - b[2] + 1) + static_cast<size_t>(by) * (k - b[4] + 1))] = 1;
        auto dfe = vtkSmartPointer<vtkDiscreteFlyingEdges3D>::New();
        dfe->SetInputData(image);
        dfe->SetValue(0, 1);
        dfe->ComputeNormalsOff();
        dfe->ComputeGradientsOff();
        dfe->ComputeScalarsOff();
        auto smooth = vtkSmartPointer<vtkWindowedSincPolyDataFilter>::New();
        smooth->SetInputConnection(dfe->GetOutputPort());
        smooth->SetNumberOfIterations(o.smoothingIterations);
        smooth->SetPassBand(o.passBand);
        smooth->NonManifoldSmoothingOn();
        smooth->NormalizeCoordinatesOn();
        smooth->BoundarySmoothingOff();
        auto place = vtkSmartPointer<vtkTransformPolyDataFilter>::New();
        place->SetInputConnection(smooth->GetOutputPort());
        place->SetTransform(toLps);
        auto normals = vtkSmartPointer<vtkPolyDataNormals>::New();
        normals->SetInputConnection(place->GetOutputPort());
        normals->SplittingOff();
        normals->ConsistencyOn();
        normals->AutoOrientNormalsOn(); // outward, for tools that read them
        normals->Update();
        auto mesh = vtkSmartPointer<vtkPolyData>::New();
        mesh->DeepCopy(normals->GetOutput());
        if (mesh->GetNumberOfPolys() == 0) continue;
        MeshInfo info;
        info.name = names.at(label);
        info.label = label;
        measure(mesh, info);
        writeMesh(mesh, info, dir, o.formats);
        out.push_back(info);
        o.progress.update(static_cast<double>(++done) / box.size(), "surface meshes");
    }
    return out;
}

MeshInfo exportNeedleMesh(const std::string& name, const Vec3& tip, const Vec3& entry, double diameter_mm,
                          const fs::path& dir, const MeshOptions& o) {
    if (!(diameter_mm > 0)) throw Error("applicator '" + name + "' has no diameter");
    if (norm(entry - tip) < 1e-6) throw Error("applicator '" + name + "': tip and entry coincide");
    files::ensureDirectory(dir);
    auto line = vtkSmartPointer<vtkLineSource>::New();
    line->SetPoint1(tip.x, tip.y, tip.z);
    line->SetPoint2(entry.x, entry.y, entry.z);
    auto tube = vtkSmartPointer<vtkTubeFilter>::New();
    tube->SetInputConnection(line->GetOutputPort());
    tube->SetRadius(diameter_mm / 2);
    tube->SetNumberOfSides(24);
    tube->CappingOn();
    auto tri = vtkSmartPointer<vtkTriangleFilter>::New();
    tri->SetInputConnection(tube->GetOutputPort());
    tri->Update();
    auto mesh = vtkSmartPointer<vtkPolyData>::New();
    mesh->DeepCopy(tri->GetOutput());
    MeshInfo info;
    info.name = name;
    measure(mesh, info);
    writeMesh(mesh, info, dir, o.formats);
    return info;
}

} // namespace irplan::render
