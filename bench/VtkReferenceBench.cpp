// The "raw tool" side of the 3D ratio: VTK 9.1's stock GPU ray cast of the
// 512 x 512 x 300 CT alone (int16, one component, VTK's own shader and default
// sample distance), as in MEASURED.md, timed side by side with IRPlan's fused view.
#include "phantom/Phantom.h"
#include "render/ViewCanvas.h"

#include <benchmark/benchmark.h>
#include <vtkCamera.h>
#include <vtkColorTransferFunction.h>
#include <vtkGPUVolumeRayCastMapper.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPiecewiseFunction.h>
#include <vtkRenderWindow.h>
#include <vtkRenderer.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

using namespace irplan;

namespace {

vtkImageData* clinicalCtShort() {
    static vtkNew<vtkImageData> image;
    static bool made = false;
    if (!made) {
        phantom::PhantomOptions o;
        o.clinical = true;
        const phantom::PhantomCase p = phantom::generatePhantom(o);
        const auto size = p.ctArterial.image->GetLargestPossibleRegion().GetSize();
        const auto sp = p.ctArterial.image->GetSpacing();
        image->SetDimensions(static_cast<int>(size[0]), static_cast<int>(size[1]), static_cast<int>(size[2]));
        image->SetSpacing(sp[0], sp[1], sp[2]);
        image->AllocateScalars(VTK_SHORT, 1);
        auto* dst = static_cast<short*>(image->GetScalarPointer());
        const float* src = p.ctArterial.image->GetBufferPointer();
        for (size_t i = 0; i < size[0] * size[1] * size[2]; ++i) dst[i] = static_cast<short>(src[i]);
        made = true;
    }
    return image;
}

void BM_StockVtkCtRayCast(benchmark::State& state) {
    if (!render::displayAvailable()) {
        state.SkipWithError("no X display: run under xvfb-run");
        return;
    }
    vtkNew<vtkGPUVolumeRayCastMapper> mapper;
    mapper->SetInputData(clinicalCtShort());
    vtkNew<vtkColorTransferFunction> colour;
    colour->AddRGBPoint(140, 0.6, 0.1, 0.1);
    colour->AddRGBPoint(600, 1, 0.95, 0.9);
    vtkNew<vtkPiecewiseFunction> opacity;
    opacity->AddPoint(140, 0);
    opacity->AddPoint(300, 0.35);
    opacity->AddPoint(600, 0.6);
    vtkNew<vtkVolumeProperty> property;
    property->SetColor(colour);
    property->SetScalarOpacity(opacity);
    property->SetInterpolationTypeToLinear();
    vtkNew<vtkVolume> volume;
    volume->SetMapper(mapper);
    volume->SetProperty(property);
    vtkNew<vtkRenderer> renderer;
    renderer->AddVolume(volume);
    vtkNew<vtkRenderWindow> window;
    window->SetOffScreenRendering(1);
    window->SetSize(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    window->AddRenderer(renderer);
    renderer->ResetCamera();
    renderer->GetActiveCamera()->Elevation(-90); // from the front, like the fused view
    renderer->GetActiveCamera()->OrthogonalizeViewUp();
    renderer->ResetCamera();
    window->Render();
    window->WaitForCompletion();
    for (auto _ : state) {
        renderer->GetActiveCamera()->Azimuth(2);
        window->Render();
        window->WaitForCompletion();
    }
}
BENCHMARK(BM_StockVtkCtRayCast)->Args({960, 540})->Args({480, 270})->ArgNames({"w", "h"})
    ->Unit(benchmark::kMillisecond)->MinTime(3.0);

} // namespace
