// Foundation figures: phantom generation (default and clinical size) and
// loading a 512 x 512 x 300 CT from NIfTI and from DICOM.
#include "bench/BenchSupport.h"
#include "io/DicomWriter.h"
#include "io/VolumeIO.h"
#include "phantom/Phantom.h"

#include <benchmark/benchmark.h>

using namespace irplan;

namespace {

void reportMemory(benchmark::State& state) { state.counters["peak_MiB"] = bench::peakRssMiB(); }

void BM_PhantomGenerate(benchmark::State& state) {
    const bool clinical = state.range(0) != 0;
    bench::resetPeakRss();
    for (auto _ : state) {
        phantom::PhantomOptions o;
        o.clinical = clinical;
        auto p = phantom::generatePhantom(o);
        benchmark::DoNotOptimize(p.labels.GetPointer());
        state.counters["voxels_M"] = static_cast<double>(p.ctGrid.voxels()) / 1e6;
    }
    reportMemory(state);
}
BENCHMARK(BM_PhantomGenerate)->Arg(0)->Arg(1)->ArgNames({"clinical"})->Unit(benchmark::kSecond)->Iterations(1);

void BM_PhantomWrite(benchmark::State& state) {
    phantom::PhantomOptions o;
    const auto p = phantom::generatePhantom(o);
    const auto dir = bench::dataDir("phantom_default");
    for (auto _ : state) phantom::writePhantom(p, dir, false);
}
BENCHMARK(BM_PhantomWrite)->Unit(benchmark::kSecond)->Iterations(1);

// The clinical-size CT written once as NIfTI and as DICOM, then read back.
struct ClinicalCt {
    std::filesystem::path nifti, dicom;
    ClinicalCt() {
        const auto dir = bench::dataDir("clinical_ct");
        nifti = dir / "ct.nii.gz";
        dicom = dir / "dicom";
        if (std::filesystem::exists(nifti) && std::filesystem::exists(dicom / "slice0300.dcm")) return;
        phantom::PhantomOptions o;
        o.clinical = true;
        const auto p = phantom::generatePhantom(o);
        WriteOptions w;
        w.pixelType = PixelType::Int16;
        writeVolume(p.ctPortal, nifti, w);
        DicomSeriesSpec spec;
        spec.modality = "CT";
        spec.studyInstanceUid = dicomUidFor("bench/study");
        spec.seriesInstanceUid = dicomUidFor("bench/series");
        spec.frameOfReferenceUid = dicomUidFor("bench/frame");
        spec.uidSeed = "bench";
        writeDicomSeries(p.ctPortal.image, dicom, spec);
    }
};
const ClinicalCt& clinicalCt() {
    static ClinicalCt ct;
    return ct;
}

void BM_LoadCt512(benchmark::State& state) {
    const auto& ct = clinicalCt();
    const bool dicom = state.range(0) != 0;
    bench::resetPeakRss();
    for (auto _ : state) {
        Volume v = readVolume(dicom ? ct.dicom : ct.nifti);
        benchmark::DoNotOptimize(v.image.GetPointer());
    }
    reportMemory(state);
}
BENCHMARK(BM_LoadCt512)->Arg(0)->Arg(1)->ArgNames({"dicom"})->Unit(benchmark::kSecond)->Iterations(3);

} // namespace

BENCHMARK_MAIN();
