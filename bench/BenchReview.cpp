// The margin review on the clinical-size follow-up phantom (512 x 512 x 300 CT
// at 0.78 x 0.78 x 1 mm, pre and follow-up), 2 threads: `irplan review` end to
// end (reading, liver-masked ct-ct-followup registration with its quality gate,
// lesion centres through transformix, zone segmentation, zones onto the pre
// CT, margins, writing), wall seconds, peak memory (irplan and its elastix /
// transformix children), the steps' seconds from review.json, the load average
// at the time, and the margins against the truth. One run: run it when the
// machine is quiet (the goal is <= 60 s on 2 cores).
#include "bench/BenchSupport.h"
#include "core/Case.h"
#include "core/Files.h"
#include "phantom/Followup.h"
#include "phantom/Phantom.h"

#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

using namespace irplan;
namespace fs = std::filesystem;

namespace {

double loadAverage1() {
    std::ifstream f("/proc/loadavg");
    double l = -1;
    f >> l;
    return l;
}

fs::path clinicalFollowup() {
    const fs::path dir = bench::dataDir("review_clinical");
    if (fs::exists(dir / "truth_followup.json")) return dir;
    std::cerr << "generating the clinical-size follow-up phantom (once) in " << dir << "\n";
    phantom::PhantomOptions o;
    o.clinical = true;
    const auto p = phantom::generatePhantom(o);
    const auto f = phantom::generateFollowup(p);
    phantom::writePhantom(p, dir, false);
    phantom::writeFollowup(p, f, dir, false);
    return dir;
}

void BM_MarginReview(benchmark::State& state) {
    const fs::path dir = clinicalFollowup();
    const fs::path out = bench::dataDir("review_clinical_run");
    fs::remove_all(out);
    for (auto _ : state) {
        const double load = loadAverage1();
        const bench::Measured m = bench::runMeasured(
            {IRPLAN_EXE, "review", "--pre", (dir / "ct_portal.nii.gz").string(), "--post",
             (dir / "ct_followup.nii.gz").string(), "--lesions", (dir / "labels.nii.gz").string(), "--liver",
             (dir / "labels.nii.gz").string(), "--out", out.string(), "--threads", "2", "--json"},
            dir / "review.log");
        if (m.exitCode != 0) {
            state.SkipWithError(("irplan review failed, see " + (dir / "review.log").string()).c_str());
            return;
        }
        const Json r = Json::parse(files::readText(out / "review.json"));
        const Json t = Json::parse(files::readText(dir / "truth_followup.json"));
        state.SetIterationTime(m.seconds);
        state.counters["review_s"] = m.seconds;
        state.counters["peak_MiB"] = m.peak_MiB;
        state.counters["load_1min"] = load;
        for (const auto& [k, v] : r["timings_s"].items())
            state.counters[k + "_s"] = v.get<double>();
        state.counters["pass"] = r["registration"]["verdict"] == "pass" ? 1 : 0;
        double worst = 0;
        for (const Json& z : t["zones"])
            for (const Json& l : r["lesions"])
                if (l["id"] == z["lesion_id"] && !l["minimal_margin_mm"].is_null()) {
                    const double e = l["minimal_margin_mm"].get<double>() - z["minimal_margin_mm"].get<double>();
                    std::cerr << "lesion " << l["id"] << ": MAM " << l["minimal_margin_mm"] << " mm, truth "
                              << z["minimal_margin_mm"] << " mm, " << l["verdict"] << " (truth " << z["verdict"]
                              << ")\n";
                    worst = std::max(worst, std::abs(e));
                }
        state.counters["worst_margin_error_mm"] = worst;
    }
}
BENCHMARK(BM_MarginReview)->UseManualTime()->Unit(benchmark::kSecond)->Iterations(1);

} // namespace

BENCHMARK_MAIN();
