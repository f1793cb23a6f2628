#include "render/internal/FusedVolumeActor.h"

#include "render/Colormaps.h"
#include "render/internal/Shaders.h"

#include <vtkColorTransferFunction.h>
#include <vtkGPUVolumeRayCastMapper.h>
#include <vtkImageData.h>
#include <vtkMatrix4x4.h>
#include <vtkPiecewiseFunction.h>
#include <vtkPointData.h>
#include <vtkShaderProperty.h>
#include <vtkUniforms.h>
#include <vtkUnsignedShortArray.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace irplan::render::detail {

namespace {

struct CtPoint {
    float hu;
    float r, g, b, a; // opacity per millimetre
};

// The CT presets of the 3D view. Arterial-phase contrast: enhancing vessels
// ~200-400 HU, liver ~60-100 HU, bone > 300 HU (DOMAIN.md; phantom tissue table).
std::vector<CtPoint> ctPreset(Volume3dPreset p) {
    switch (p) {
    case Volume3dPreset::Vessels:
        return {{140, 0.6f, 0.1f, 0.1f, 0.0f},
                {180, 0.85f, 0.2f, 0.15f, 0.05f},
                {300, 1.0f, 0.45f, 0.35f, 0.35f},
                {600, 1.0f, 0.95f, 0.9f, 0.6f}};
    case Volume3dPreset::Bone:
        return {{180, 0.8f, 0.7f, 0.5f, 0.0f}, {350, 0.95f, 0.9f, 0.75f, 0.25f}, {900, 1.0f, 1.0f, 0.95f, 0.8f}};
    case Volume3dPreset::SoftTissue:
        return {{-300, 0.5f, 0.3f, 0.2f, 0.0f},
                {-50, 0.75f, 0.5f, 0.4f, 0.0f},
                {40, 0.85f, 0.55f, 0.45f, 0.012f},
                {150, 0.95f, 0.7f, 0.6f, 0.05f},
                {400, 1.0f, 0.95f, 0.9f, 0.4f}};
    }
    return {};
}

} // namespace

FusedVolumeActor::FusedVolumeActor() {
    image_ = vtkSmartPointer<vtkImageData>::New();
    mapper_ = vtkSmartPointer<vtkGPUVolumeRayCastMapper>::New();
    mapper_->SetAutoAdjustSampleDistances(0);
    mapper_->SetLockSampleDistanceToInputSpacing(0);
    mapper_->SetUseJittering(0); // deterministic frames for the render tests
    volume_ = vtkSmartPointer<vtkVolume>::New();
    auto property = vtkSmartPointer<vtkVolumeProperty>::New();
    property->IndependentComponentsOn();
    property->SetInterpolationTypeToLinear();
    property->ShadeOff();
    // The mapper wants a transfer function per component; the shader does its own.
    for (int c = 0; c < 3; ++c) {
        auto colour = vtkSmartPointer<vtkColorTransferFunction>::New();
        colour->AddRGBPoint(0, 0, 0, 0);
        colour->AddRGBPoint(65535, 1, 1, 1);
        auto opacity = vtkSmartPointer<vtkPiecewiseFunction>::New();
        opacity->AddPoint(0, 0);
        opacity->AddPoint(65535, 1);
        property->SetColor(c, colour);
        property->SetScalarOpacity(c, opacity);
        property->DisableGradientOpacityOn(c);
    }
    volume_->SetProperty(property);
    volume_->SetMapper(mapper_);
    const char* glsl = fusedRaycastGlsl();
    vtkShaderProperty* shader = volume_->GetShaderProperty();
    shader->AddFragmentShaderReplacement("//VTK::Shading::Dec", true,
                                         "//VTK::Shading::Dec\n" + glslSection(glsl, "Dec"), false);
    shader->AddFragmentShaderReplacement("//VTK::Shading::Impl", true, glslSection(glsl, "Impl"), false);
    volume_->SetVisibility(0);
}

void FusedVolumeActor::setData(std::shared_ptr<const FusedVolumeData> data) {
    data_ = std::move(data);
    if (!data_ || data_->voxels.empty()) {
        volume_->SetVisibility(0);
        return;
    }
    const GridGeometry& g = data_->grid;
    image_ = vtkSmartPointer<vtkImageData>::New();
    image_->SetDimensions(g.size[0], g.size[1], g.size[2]);
    image_->SetSpacing(g.spacing.x, g.spacing.y, g.spacing.z);
    image_->SetOrigin(0, 0, 0);
    auto array = vtkSmartPointer<vtkUnsignedShortArray>::New();
    array->SetNumberOfComponents(FusedVolumeData::kComponents);
    // The data stays owned by FusedVolumeData (kept alive by data_).
    array->SetArray(const_cast<std::uint16_t*>(data_->voxels.data()), static_cast<vtkIdType>(data_->voxels.size()), 1);
    array->SetName("ct_pet_light");
    image_->GetPointData()->SetScalars(array);
    mapper_->SetInputData(image_);
    // Grid index space (times spacing) -> LPS.
    auto m = vtkSmartPointer<vtkMatrix4x4>::New();
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 3; ++c) m->SetElement(r, c, g.direction(r, c));
        m->SetElement(r, 3, g.origin[r]);
    }
    volume_->SetUserMatrix(m);
    volume_->SetVisibility(1);
}

void FusedVolumeActor::apply(const DisplaySettings& s, bool interactive, int width, int height, double restSampleDistance) {
    if (!data_) return;
    const double minSpacing = std::min({data_->grid.spacing.x, data_->grid.spacing.y, data_->grid.spacing.z});
    // 0.8 voxel per step at rest, 2 while dragging.
    const double step = (interactive ? 2.0 : 0.8) * minSpacing;
    mapper_->SetSampleDistance(static_cast<float>(step));
    // While dragging, at most ~320 x 180 rays whatever the window size (llvmpipe
    // casts ~60k rays in the 150 ms an interactive frame may take); all pixels at rest.
    const double rays = static_cast<double>(width) * height;
    const double reduce = std::max(2.0, std::sqrt(rays / (320.0 * 180.0)));
    mapper_->SetImageSampleDistance(static_cast<float>(interactive ? std::min(reduce, 8.0) : restSampleDistance));
    vtkUniforms* u = volume_->GetShaderProperty()->GetFragmentCustomUniforms();
    u->SetUniformf("u_ctOffset", static_cast<float>(data_->ctOffset));
    u->SetUniformf("u_petScale", static_cast<float>(data_->petScale));
    u->SetUniformf("u_shading", s.shading3d ? 1.0f : 0.0f);
    // Opacities are given per millimetre; one ray step of `step` mm lets 1 - (1 - a)^step through
    // (done here, not per sample: pow() in the shader doubled llvmpipe's frame time).
    auto perStep = [step](double a) { return static_cast<float>(1.0 - std::pow(1.0 - std::clamp(a, 0.0, 0.999), step)); };
    const std::vector<CtPoint> preset = data_->hasCt ? ctPreset(s.preset3d) : std::vector<CtPoint>{{0, 0, 0, 0, 0}};
    float hu[8] = {0};
    float rgba[8][4] = {{0}};
    const int n = static_cast<int>(std::min<size_t>(8, preset.size()));
    for (int i = 0; i < n; ++i) {
        hu[i] = preset[static_cast<size_t>(i)].hu;
        rgba[i][0] = preset[static_cast<size_t>(i)].r;
        rgba[i][1] = preset[static_cast<size_t>(i)].g;
        rgba[i][2] = preset[static_cast<size_t>(i)].b;
        rgba[i][3] = perStep(preset[static_cast<size_t>(i)].a);
    }
    u->SetUniformi("u_ctCount", n);
    u->SetUniform1fv("u_ctHu", 8, hu);
    u->SetUniform4fv("u_ctRgba", 8, rgba);
    const bool pet = data_->hasPet && s.pet3d && s.petVisible;
    u->SetUniformf("u_petOn", pet ? 1.0f : 0.0f);
    // In 3D only uptake in the upper half of the PET window is drawn, so diffuse
    // normal-liver uptake (SUV ~7 in SSTR PET) does not fog the lesions.
    const double cut = s.petLow + 0.5 * (s.petHigh - s.petLow);
    u->SetUniformf("u_petLow", static_cast<float>(s.petLow));
    u->SetUniformf("u_petCut", static_cast<float>(cut));
    u->SetUniformf("u_petHigh", static_cast<float>(s.petHigh));
    u->SetUniformf("u_petOpacity", perStep(std::clamp(s.petOpacity, 0.05, 1.0)));
    float table[16][3];
    for (int i = 0; i < 16; ++i) {
        const Rgb c = colormap(s.petColormap, i / 15.0);
        table[i][0] = c.r;
        table[i][1] = c.g;
        table[i][2] = c.b;
    }
    u->SetUniform3fv("u_petTable", 16, table);
}

} // namespace irplan::render::detail
