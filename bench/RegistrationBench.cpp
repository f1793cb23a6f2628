// Registration on the clinical-size phantom (512 x 512 x 300 CT at 0.78 x 0.78 x
// 1 mm, 4 mm PET, 1.5 x 1.5 x 3 mm MR), 2 threads:
//  - `irplan register` end to end (reading, initialisation, elastix, resampling,
//    quality gate, writing), wall seconds and peak memory (irplan and its elastix child);
//  - elastix called directly with the same image files and parameter files
//    (same start pose, same mask), and elastix + transformix (which also gives
//    the resampled image IRPlan writes);
//  - the overhead ratios irplan / elastix and irplan / (elastix + transformix).
// Each figure is one run: run the program when the machine is quiet.
#include "bench/BenchSupport.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "phantom/Phantom.h"
#include "registration/Masks.h"

#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

using namespace irplan;
namespace fs = std::filesystem;

namespace {

struct ClinicalData {
    fs::path dir, ctPortal, ctArterial, pet, mr, liverMask;
    ClinicalData() {
        dir = bench::dataDir("registration_clinical");
        ctPortal = dir / "ct_portal.nii.gz";
        ctArterial = dir / "ct_arterial.nii.gz";
        pet = dir / "pet.nii.gz";
        mr = dir / "mr.nii.gz";
        liverMask = dir / "liver_10mm.nii.gz";
        if (fs::exists(liverMask)) return;
        std::cerr << "generating the clinical-size phantom (once) in " << dir << "\n";
        phantom::PhantomOptions o;
        o.clinical = true;
        o.mr = true;
        const auto p = phantom::generatePhantom(o);
        phantom::writePhantom(p, dir, false);
        writeMask(registration::maskFromLabels(p.labels, {1}, 10.0), liverMask);
    }
};
const ClinicalData& data() {
    static ClinicalData d;
    return d;
}

struct PresetCase {
    std::string preset;
    fs::path fixed, moving;
    bool mask;
};

PresetCase caseOf(int i) {
    const auto& d = data();
    switch (i) {
    case 0:
        return {"pet-ct-rigid", d.ctPortal, d.pet, false};
    case 1:
        return {"pet-ct-affine", d.ctPortal, d.pet, false};
    case 2:
        return {"pet-ct-deformable", d.ctPortal, d.pet, true};
    case 3:
        return {"pet-mr", d.mr, d.pet, false};
    case 4:
        return {"mr-ct", d.ctPortal, d.mr, false};
    default:
        return {"ct-ct-followup", d.ctPortal, d.ctArterial, true};
    }
}

void BM_Register(benchmark::State& state) {
    const PresetCase c = caseOf(int(state.range(0)));
    const fs::path work = bench::dataDir("registration_run_" + c.preset);
    fs::remove_all(work);
    fs::create_directories(work);
    for (auto _ : state) {
        // IRPlan end to end.
        std::vector<std::string> irplan{
            IRPLAN_EXE,        "register", "--fixed", c.fixed.string(), "--moving",
            c.moving.string(), "--preset", c.preset,  "--out",          (work / "irplan").string(),
            "--threads",       "2",        "--json"};
        if (c.mask) irplan.insert(irplan.end(), {"--fixed-mask", data().liverMask.string()});
        const bench::Measured mi = bench::runMeasured(irplan, work / "irplan.log");
        if (mi.exitCode != 0) {
            state.SkipWithError(("irplan register failed, see " + (work / "irplan.log").string()).c_str());
            return;
        }
        const Json result = Json::parse(files::readText(work / "irplan" / "result.json"));
        // elastix alone with the same images, parameter files, mask and start pose.
        std::vector<std::string> elastix{"elastix", "-f", c.fixed.string(), "-m", c.moving.string()};
        if (c.mask) elastix.insert(elastix.end(), {"-fMask", data().liverMask.string()});
        for (size_t i = 0; i < result["transform_files"].size() - 1; ++i)
            elastix.insert(elastix.end(),
                           {"-p", (work / "irplan" / ("ElastixParameters." + std::to_string(i) + ".txt")).string()});
        fs::create_directories(work / "elastix");
        elastix.insert(elastix.end(), {"-t0", (work / "irplan" / "InitialTransform.txt").string(), "-out",
                                       (work / "elastix").string(), "-threads", "2"});
        // The initial transform names no other file; run where IRPlan's folder is.
        const bench::Measured me = bench::runMeasured(elastix, work / "elastix.log", work / "irplan");
        const std::string last = "TransformParameters." + std::to_string(result["transform_files"].size() - 2) + ".txt";
        fs::create_directories(work / "transformix");
        const bench::Measured mt =
            bench::runMeasured({"transformix", "-in", c.moving.string(), "-tp", (work / "elastix" / last).string(),
                                "-out", (work / "transformix").string(), "-threads", "2"},
                               work / "transformix.log", work / "irplan");
        state.SetIterationTime(mi.seconds);
        state.counters["irplan_s"] = mi.seconds;
        state.counters["elastix_s"] = me.seconds;
        state.counters["transformix_s"] = mt.seconds;
        state.counters["ratio_elastix"] = mi.seconds / me.seconds;
        state.counters["ratio_elastix_transformix"] = mi.seconds / (me.seconds + mt.seconds);
        state.counters["irplan_peak_MiB"] = mi.peak_MiB;
        state.counters["elastix_peak_MiB"] = me.peak_MiB;
        state.counters["irplan_elastix_s"] = result["elastix_seconds"].get<double>();
        state.counters["init_s"] = result["init_seconds"].get<double>();
        state.counters["qa_s"] = result["qa_seconds"].get<double>();
        state.counters["resample_s"] = result["resample_seconds"].get<double>();
        state.counters["pass"] = result["qa"]["verdict"] == "pass" ? 1 : 0;
        std::cerr << c.preset << ": verdict " << result["qa"]["verdict"] << ", elastix exit " << me.exitCode
                  << ", transformix exit " << mt.exitCode << "\n";
    }
}
BENCHMARK(BM_Register)
    ->DenseRange(0, 5)
    ->ArgNames({"preset"})
    ->UseManualTime()
    ->Unit(benchmark::kSecond)
    ->Iterations(1);

} // namespace

BENCHMARK_MAIN();
