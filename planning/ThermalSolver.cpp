#include "planning/ThermalSolver.h"

#include "core/Error.h"
#include "core/Parallel.h"

#include <algorithm>
#include <cmath>

namespace irplan::planning {

double ThermalProblem::stableStep_s() const {
    double s = 0;
    for (double h : spacing_mm) s += 1.0 / (h * h);
    return 1.0 / (2.0 * diffusivity_mm2_s * s);
}

namespace {

class CpuThermalStepper final : public ThermalStepper {
public:
    explicit CpuThermalStepper(unsigned threads) : threads_(threads) {}
    std::string name() const override { return "cpu (" + std::to_string(threads_ ? threads_ : workerCount()) + " threads)"; }

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
            const float* t = t_.data();
            float* o = next_.data();
            parallelFor(1, static_cast<size_t>(nz - 1), [&](size_t k) {
                for (int j = 1; j < ny - 1; ++j) {
                    const size_t row = k * sz + static_cast<size_t>(j) * sy;
                    for (int i = 1; i < nx - 1; ++i) {
                        const size_t c = row + static_cast<size_t>(i);
                        const float tc = t[c];
                        const float lap = cx * (t[c - sx] + t[c + sx] - 2 * tc) + cy * (t[c - sy] + t[c + sy] - 2 * tc) +
                                          cz * (t[c - sz] + t[c + sz] - 2 * tc);
                        float v = tc + lap + qs * q[c];
                        // Dead tissue has no perfusion left: only large vessels cool it.
                        const float e = dose_[c] >= lethal ? dead[c] : alive[c];
                        v = tb + (v - tb) * e;
                        v = std::min(v, tmax);
                        o[c] = v;
                        if (v > 39.0f) {
                            // CEM43: R^(43 - T) minutes per minute.
                            const float x = v >= 43.0f ? (v - 43.0f) : 2.0f * (v - 43.0f);
                            dose_[c] += doseDt * std::exp2(x);
                            if (v > peak_[c]) peak_[c] = v;
                        }
                    }
                }
            }, threads_, 4);
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
