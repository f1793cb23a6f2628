// Segmentation figures on the clinical-size phantom (512 x 512 x 300 CT,
// 0.78 x 0.78 x 1.0 mm): liver, lesions (CT, CT + PET) and vessels, each with
// its time and peak memory. Goals: vessels <= 15 s and <= 2 GB (issue 12);
// liver and lesions <= 10 s, on 2 cores (issue 4); detection on one phase
// <= 10 s, one click <= 1 s (issue 11).
#include "bench/BenchSupport.h"
#include "core/Memory.h"
#include "phantom/Phantom.h"
#include "segmentation/Lesions.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Liver.h"
#include "segmentation/PetAlignment.h"
#include "segmentation/Vessels.h"

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <fstream>
#include <string>

using namespace irplan;

namespace {

double currentRssMiB() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
    return 0;
}

struct Clinical {
    phantom::PhantomCase p;
    seg::LiverResult liver;
    Clinical() {
        phantom::PhantomOptions o;
        o.clinical = true;
        p = phantom::generatePhantom(o);
        p.mr = Volume();
        liver = seg::segmentLiver(p.ctPortal);
    }
};
const Clinical& clinical() {
    static Clinical c;
    return c;
}

// CPU seconds of the whole process (all threads): on a shared machine the
// wall time depends on the load, this does not.
double processCpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// Peak memory of the step (the process's peak minus what it held before) and
// its CPU seconds over all threads.
struct Memory {
    double before = 0, cpuBefore = 0;
    Memory() {
        clinical();
        bench::resetPeakRss();
        before = currentRssMiB();
        cpuBefore = processCpuSeconds();
    }
    void report(benchmark::State& state) const {
        state.counters["peak_MiB"] = bench::peakRssMiB();
        state.counters["step_peak_MiB"] = bench::peakRssMiB() - before;
        state.counters["cpu_all_threads_s"] = processCpuSeconds() - cpuBefore;
    }
};

void BM_Liver(benchmark::State& state) {
    const auto& c = clinical();
    const Volume& ct = state.range(0) ? c.p.ctArterial : c.p.ctPortal;
    Memory mem;
    for (auto _ : state) {
        auto r = seg::segmentLiver(ct);
        state.counters["volume_ml"] = r.volume_ml;
    }
    mem.report(state);
}
BENCHMARK(BM_Liver)->Arg(0)->Arg(1)->ArgNames({"arterial"})->Unit(benchmark::kSecond)->Iterations(1);

void BM_LesionsCt(benchmark::State& state) {
    const auto& c = clinical();
    Memory mem;
    for (auto _ : state) {
        seg::LesionImages in;
        in.ct = &c.p.ctArterial;
        in.otherPhase = &c.p.ctPortal;
        in.liver = c.liver.mask;
        auto r = seg::segmentLesions(in);
        state.counters["lesions"] = double(r.lesions.size());
    }
    mem.report(state);
}
BENCHMARK(BM_LesionsCt)->Unit(benchmark::kSecond)->Iterations(1);

// Issue 11 goal: detection <= 10 s on a 512 x 512 x 300 CT, one phase (the
// portal-venous one: candidates, outlines, judgement), 2 cores.
void BM_DetectOnePhase(benchmark::State& state) {
    const auto& c = clinical();
    Memory mem;
    for (auto _ : state) {
        seg::LesionImages in;
        in.ct = state.range(0) ? &c.p.ctArterial : &c.p.ctPortal;
        in.liver = c.liver.mask;
        auto r = seg::segmentLesions(in);
        state.counters["findings"] = double(r.lesions.size());
        const Json& d = r.method["detection"];
        if (d.contains("seconds"))
            for (const auto& [k, v] : d["seconds"].items()) state.counters[k + "_s"] = v.get<double>();
    }
    mem.report(state);
}
BENCHMARK(BM_DetectOnePhase)->Arg(0)->Arg(1)->ArgNames({"arterial"})->Unit(benchmark::kSecond)->Iterations(1);

// Issue 11 goal: one click <= 1 s (outline from a point in the lesion).
void BM_OneClick(benchmark::State& state) {
    const auto& c = clinical();
    const auto& lesion = c.p.anatomy.lesions[size_t(state.range(0))];
    Memory mem;
    for (auto _ : state) {
        auto g = seg::growLesion(c.p.ctArterial, lesion.centre, c.liver.mask, {});
        state.counters["voxels"] = double(seg::countOn(g.mask));
    }
    state.counters["lesion_diameter_mm"] = lesion.diameter;
    mem.report(state);
}
BENCHMARK(BM_OneClick)->Arg(0)->Arg(2)->ArgNames({"lesion"})->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_LesionsCtPet(benchmark::State& state) {
    const auto& c = clinical();
    Memory mem;
    for (auto _ : state) {
        // The PET resampled onto the CT grid (as for --same-frame), then lesions.
        seg::PetAlignmentOptions ao;
        ao.assumeSameFrame = true;
        const seg::AlignedPet pet = seg::alignPetToCt(c.p.pet, c.p.ctArterial, ao);
        seg::LesionImages in;
        in.ct = &c.p.ctArterial;
        in.otherPhase = &c.p.ctPortal;
        in.pet = &pet.pet;
        in.liver = c.liver.mask;
        auto r = seg::segmentLesions(in);
        state.counters["lesions"] = double(r.lesions.size());
    }
    mem.report(state);
}
BENCHMARK(BM_LesionsCtPet)->Unit(benchmark::kSecond)->Iterations(1);

void BM_Vessels(benchmark::State& state) {
    const auto& c = clinical();
    Memory mem;
    for (auto _ : state) {
        auto r = seg::segmentVessels(c.p.ctPortal, c.liver.mask);
        state.counters["branches"] = double(r.branches.size());
        for (const auto& [step, sec] : r.stepSeconds) state.counters[step + "_s"] = sec;
    }
    mem.report(state);
}
BENCHMARK(BM_Vessels)->Unit(benchmark::kSecond)->Iterations(1);

} // namespace

int main(int argc, char** argv) {
    irplan::keepFreedImageMemory(); // as the irplan executable does (core/Memory.h)
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
