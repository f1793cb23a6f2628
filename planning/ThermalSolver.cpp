#include "planning/ThermalSolver.h"

#include "core/Error.h"
#include "core/Parallel.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace irplan::planning {

double ThermalProblem::stableStep_s() const {
    double s = 0;
    for (double h : spacing_mm)
        s += 1.0 / (h * h);
    return 1.0 / (2.0 * diffusivity_mm2_s * s);
}

namespace {

// 2^x for the thermal dose, |relative error| < 2e-4 (5th-order series of
// 2^f on [0, 1) times 2^floor(x) built in the exponent bits): the dose sum is
// the stepper's costliest part with the library exp2.
inline float fastExp2(float x) {
    x = std::min(100.0f, std::max(-100.0f, x));
    const float fi = std::floor(x), f = x - fi;
    const float p =
        1.0f + f * (0.69314718f + f * (0.24022651f + f * (0.05550411f + f * (0.00961813f + f * 0.00133336f))));
    const std::uint32_t bits = static_cast<std::uint32_t>(static_cast<std::int32_t>(fi) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

class CpuThermalStepper final : public ThermalStepper {
  public:
    explicit CpuThermalStepper(unsigned threads) : threads_(threads) {}
    std::string name() const override {
        return "cpu (" + std::to_string(threads_ ? threads_ : workerCount()) + " threads)";
    }

    void load(const ThermalProblem& p) override {
        if (p.heating_K_s.size() != p.voxels() || p.sinkRate_s.size() != p.voxels() ||
            p.perfusionRate_s.size() != p.voxels())
            throw Error("internal: thermal problem arrays do not match the grid");
        if (p.size[0] < 3 || p.size[1] < 3 || p.size[2] < 3) throw Error("internal: thermal grid too small");
        p_ = p;
        const size_t n = p.voxels();
        t_.assign(n, static_cast<float>(p.bloodTemp_C));
        next_ = t_;
        dose_.assign(n, 0.0f);
        peak_ = t_;
        time_ = 0;
        relaxDt_ = -1;
    }

    void advance(int steps, double dt, double powerScale) override {
        if (dt > p_.stableStep_s() * 1.0001) throw Error("internal: thermal step above the stability limit");
        if (dt != relaxDt_) prepareRelaxation(dt);
        const int nx = p_.size[0], ny = p_.size[1], nz = p_.size[2];
        const size_t sx = 1, sy = static_cast<size_t>(nx), sz = static_cast<size_t>(nx) * static_cast<size_t>(ny);
        const float cx = static_cast<float>(p_.diffusivity_mm2_s * dt / (p_.spacing_mm[0] * p_.spacing_mm[0]));
        const float cy = static_cast<float>(p_.diffusivity_mm2_s * dt / (p_.spacing_mm[1] * p_.spacing_mm[1]));
        const float cz = static_cast<float>(p_.diffusivity_mm2_s * dt / (p_.spacing_mm[2] * p_.spacing_mm[2]));
        const float qs = static_cast<float>(dt * powerScale);
        const float tb = static_cast<float>(p_.bloodTemp_C), tmax = static_cast<float>(p_.maxTemp_C);
        const float lethal = static_cast<float>(p_.lethalDose_min);
        const float doseDt = static_cast<float>(dt / 60.0);
        const float* q = p_.heating_K_s.data();
        const float* alive = relaxAlive_.data();
        const float* dead = relaxDead_.data();
        for (int s = 0; s < steps; ++s) {
            const float* tNow = t_.data();
            float* tNext = next_.data();
            float* doseAll = dose_.data();
            float* peakAll = peak_.data();
            parallelFor(
                1, static_cast<size_t>(nz - 1),
                [=](size_t k) {
                    // Local restrict pointers: the compiler must know the output
                    // row does not alias the inputs to vectorise it.
                    const float* __restrict t = tNow;
                    float* __restrict o = tNext;
                    float* __restrict dose = doseAll;
                    float* __restrict peak = peakAll;
                    const float* __restrict qv = q;
                    const float* __restrict av = alive;
                    const float* __restrict dv = dead;
                    for (int j = 1; j < ny - 1; ++j) {
                        const size_t row = k * sz + static_cast<size_t>(j) * sy;
                        // Conduction, heating and relaxation, branch-free so the row
                        // vectorises. Dead tissue has no perfusion left: only large
                        // vessels cool it.
                        for (size_t c = row + 1; c < row + static_cast<size_t>(nx - 1); ++c) {
                            const float tc = t[c];
                            const float lap = cx * (t[c - sx] + t[c + sx] - 2 * tc) +
                                              cy * (t[c - sy] + t[c + sy] - 2 * tc) +
                                              cz * (t[c - sz] + t[c + sz] - 2 * tc);
                            const float ea = av[c], ed = dv[c], dd = dose[c];
                            const float e = dd >= lethal ? ed : ea;
                            const float v = tb + (tc + lap + qs * qv[c] - tb) * e;
                            o[c] = std::min(v, tmax);
                        }
                        // Thermal dose where it accrues (CEM43: R^(43 - T) minutes per minute).
                        for (size_t c = row + 1; c < row + static_cast<size_t>(nx - 1); ++c) {
                            const float v = o[c];
                            if (v <= 39.0f) continue;
                            const float x = v >= 43.0f ? (v - 43.0f) : 2.0f * (v - 43.0f);
                            dose[c] += doseDt * fastExp2(x);
                            if (v > peak[c]) peak[c] = v;
                        }
                    }
                },
                threads_, 4);
            std::swap(t_, next_);
        }
        time_ += steps * dt;
    }

    void download(ThermalState& s) const override {
        s.temperature_C = t_;
        s.dose_cem43_min = dose_;
        s.peak_C = peak_;
        s.time_s = time_;
    }

  private:
    void prepareRelaxation(double dt) {
        relaxAlive_.resize(p_.voxels());
        relaxDead_.resize(p_.voxels());
        for (size_t n = 0; n < relaxAlive_.size(); ++n) {
            relaxAlive_[n] = static_cast<float>(std::exp(-(p_.sinkRate_s[n] + p_.perfusionRate_s[n]) * dt));
            relaxDead_[n] = static_cast<float>(std::exp(-p_.sinkRate_s[n] * dt));
        }
        relaxDt_ = dt;
    }

    unsigned threads_;
    ThermalProblem p_;
    std::vector<float> t_, next_, dose_, peak_, relaxAlive_, relaxDead_;
    double time_ = 0, relaxDt_ = -1;
};

} // namespace

std::unique_ptr<ThermalStepper> makeCpuThermalStepper(unsigned threads) {
    return std::make_unique<CpuThermalStepper>(threads);
}

} // namespace irplan::planning
