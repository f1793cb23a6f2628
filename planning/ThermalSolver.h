#pragma once
// Pennes bioheat time stepping on a voxel grid. The problem is plain arrays so
// that the stepping can move to a GPU: a ThermalStepper loads a problem,
// advances it by explicit steps and hands back temperature and thermal dose.
// Everything else (geometry, sources, calibration, zone extraction) lives in
// ThermalModel and does not care which stepper runs.
//
//   rho c dT/dt = k lap T + Q(x) - rho_b c_b w (T - T_blood) - sink(x) (T - T_blood)
//
// stored per unit heat capacity: diffusivity alpha = k / (rho c), heating
// q = Q / (rho c) in K/s at unit power scale, and relaxation rates (1/s)
// towards blood temperature: one that stops when the voxel's tissue is dead
// (capillary perfusion, small vessels that coagulate) and one that does not
// (large vessels). Conduction and heating are explicit (dt below the
// diffusion limit); the relaxation is integrated exactly per step (stable for
// the strong sinks of large vessels). Tissue above maxTemp_C is held there
// (vaporisation takes the extra energy). Cell death follows CEM43
// (Sapareto-Dewey, R = 0.5 above 43 degC, 0.25 below).
#include <array>
#include <memory>
#include <string>
#include <vector>

namespace irplan::planning {

struct ThermalProblem {
    std::array<int, 3> size{0, 0, 0}; // x fastest
    std::array<double, 3> spacing_mm{1, 1, 1};
    double diffusivity_mm2_s = 0.136;   // liver k / (rho c), see ThermalModel
    std::vector<float> heating_K_s;     // q per voxel at power scale 1
    std::vector<float> sinkRate_s;      // large-vessel convection: keeps flowing when the tissue around dies
    std::vector<float> perfusionRate_s; // perfusion and small vessels: stop once the voxel is dead (coagulated)
    double bloodTemp_C = 37.0;
    double maxTemp_C = 100.0;
    double lethalDose_min = 60.0; // CEM43 minutes marking cell death
    size_t voxels() const {
        return static_cast<size_t>(size[0]) * static_cast<size_t>(size[1]) * static_cast<size_t>(size[2]);
    }
    // Largest stable explicit step for the diffusion term (s).
    double stableStep_s() const;
};

struct ThermalState {
    std::vector<float> temperature_C;
    std::vector<float> dose_cem43_min;
    std::vector<float> peak_C;
    double time_s = 0;
};

class ThermalStepper {
  public:
    virtual ~ThermalStepper() = default;
    virtual std::string name() const = 0;
    // Copies the coefficients and resets the state to blood temperature.
    virtual void load(const ThermalProblem& problem) = 0;
    // `steps` explicit steps of dt_s with the heating scaled by powerScale.
    virtual void advance(int steps, double dt_s, double powerScale) = 0;
    virtual void download(ThermalState& state) const = 0;
};

// The CPU stepper: slabs of z in parallel on `threads` threads (0 = all cores).
std::unique_ptr<ThermalStepper> makeCpuThermalStepper(unsigned threads = 0);

} // namespace irplan::planning
