// Viewer frame times with a 512 x 512 x 300 CT and its PET (the phantom with
// --clinical), rendered offscreen (on this machine: Xvfb + Mesa llvmpipe):
//  - slice views: one scroll step = compose the new slice on the CPU + render;
//  - the fused CT+PET ray cast at full quality and in its interactive mode
//    (ImageSampleDistance 2 and twice the ray step, used while the mouse drags);
//  - building the 3D volume (once per load, off the UI thread).
// Run: xvfb-run -a -s "-screen 0 1920x1080x24" ./build/bench/render_bench
#include "bench/BenchSupport.h"
#include "phantom/Phantom.h"
#include "render/FusedVolume.h"
#include "render/SliceCompositor.h"
#include "render/SliceView.h"
#include "render/Surfaces.h"
#include "render/VolumeView.h"

#include <benchmark/benchmark.h>

#include <memory>

using namespace irplan;
using namespace irplan::render;

namespace {

struct Clinical {
    phantom::PhantomCase phantom;
    Scene scene;
    std::shared_ptr<const FusedVolumeData> volume;
    std::shared_ptr<const LabelSurfaces> surfaces;
    std::shared_ptr<const VesselTubes> tubes;
    Vec3 lesion;
};

Clinical& clinical() {
    static std::unique_ptr<Clinical> c;
    if (!c) {
        c = std::make_unique<Clinical>();
        phantom::PhantomOptions o;
        o.clinical = true;
        c->phantom = phantom::generatePhantom(o);
        c->scene.ct = std::make_shared<Volume>(c->phantom.ctArterial);
        c->scene.pet.volume = std::make_shared<Volume>(c->phantom.pet);
        const Affine& r = c->phantom.petMotion.rigidCtToPet;
        c->scene.pet.ctToPet = Affine{r.A, r.A * c->phantom.petMotion.breathingShift + r.t};
        c->scene.labels.labels = c->phantom.labels;
        c->lesion = c->phantom.anatomy.lesions.front().centre;
        c->volume = std::make_shared<FusedVolumeData>(buildFusedVolume(c->scene, 256));
        c->surfaces = buildLabelSurfaces(c->phantom.labels.GetPointer(), {1, 2, 3, 4, 5, 6, 101, 102, 103, 104, 105});
        for (const auto& b : c->phantom.anatomy.branches) {
            VesselBranchShape s;
            s.points_mm = b.points;
            s.radii_mm = b.radii;
            s.diameter_mm = b.meanDiameter();
            c->scene.vessels.push_back(s);
        }
        c->tubes = buildVesselTubes(c->scene.vessels);
    }
    return *c;
}

bool needDisplay(benchmark::State& state) {
    if (displayAvailable()) return true;
    state.SkipWithError("no X display: run under xvfb-run");
    return false;
}

void BM_SliceCompose(benchmark::State& state) {
    const Clinical& c = clinical();
    const ViewKind view = static_cast<ViewKind>(state.range(0));
    DisplaySettings d;
    int step = 0;
    for (auto _ : state) {
        const Vec3 centre = c.lesion + Vec3{0, 0, (step++ % 10) * 1.0};
        const SliceImage img = composeSlice(c.scene, d, view, centre);
        benchmark::DoNotOptimize(img.rgba.pixels.data());
        state.counters["pixels"] = img.rgba.width * img.rgba.height;
    }
}
BENCHMARK(BM_SliceCompose)->Arg(static_cast<int>(ViewKind::Axial))->Arg(static_cast<int>(ViewKind::Coronal))
    ->ArgNames({"view"})->Unit(benchmark::kMillisecond)->MinTime(2.0);

// One scroll step of an axial view: new slice composed and the view rendered.
void BM_SliceScrollFrame(benchmark::State& state) {
    if (!needDisplay(state)) return;
    const Clinical& c = clinical();
    SliceView view(ViewKind::Axial, CanvasOptions{});
    view.setSize(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    DisplaySettings d;
    int step = 0;
    for (auto _ : state) {
        const Vec3 centre = c.lesion + Vec3{0, 0, (step++ % 10) * 1.0};
        view.setImage(composeSlice(c.scene, d, ViewKind::Axial, centre));
        SliceAnnotations a;
        a.crosshair_mm = centre;
        a.title = "bench";
        view.setAnnotations(a);
        view.render();
    }
}
BENCHMARK(BM_SliceScrollFrame)->Args({1920, 1080})->Args({960, 540})->ArgNames({"w", "h"})
    ->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_Fused3dBuild(benchmark::State& state) {
    const Clinical& c = clinical();
    for (auto _ : state) {
        FusedVolumeData v = buildFusedVolume(c.scene, static_cast<int>(state.range(0)));
        benchmark::DoNotOptimize(v.voxels.data());
        state.counters["downsample"] = v.downsample;
    }
}
BENCHMARK(BM_Fused3dBuild)->Arg(256)->ArgNames({"max_dim"})->Unit(benchmark::kMillisecond)->Iterations(3);

// Frames of the 3D view while the camera turns 2 degrees per frame.
// Args: width, height, interactive (0/1), with surfaces + vessel tubes (0/1).
void BM_Fused3dFrame(benchmark::State& state) {
    if (!needDisplay(state)) return;
    const Clinical& c = clinical();
    VolumeView view{CanvasOptions{}};
    view.setSize(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    DisplaySettings d;
    d.surfaces3d = state.range(3) != 0;
    view.setSettings(d);
    view.setVolume(c.volume);
    if (d.surfaces3d) {
        view.setVesselTubes(c.tubes, "phantom");
        view.setSurfaces(c.surfaces);
    }
    view.resetCamera();
    view.setInteractive(state.range(2) != 0);
    view.render(); // shader compilation and texture upload happen once, not per frame
    for (auto _ : state) {
        view.rotate(5, 0);
        view.render();
    }
}
BENCHMARK(BM_Fused3dFrame)
    ->Args({1920, 1080, 0, 0})->Args({1920, 1080, 1, 0})->Args({960, 540, 0, 0})->Args({960, 540, 1, 0})
    ->Args({960, 540, 1, 1})->Args({1920, 1080, 0, 1})
    ->ArgNames({"w", "h", "interactive", "surfaces"})->Unit(benchmark::kMillisecond)->MinTime(3.0);

} // namespace

BENCHMARK_MAIN();
