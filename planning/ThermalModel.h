#pragma once
// The thermal zone model (RFA, MWA): builds a Pennes problem around each
// applicator (tissue, perfusion, the heat source, vessels as convective
// sinks), runs it with a ThermalStepper and turns the CEM43 dose into a zone.
// The heat source is calibrated per device setting and grid spacing so that in
// homogeneous liver without vessels the zone reproduces the device chart.
#include "core/Progress.h"
#include "planning/Applicator.h"
#include "planning/ThermalSolver.h"
#include "planning/Vessels.h"
#include "planning/ZoneField.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace irplan::planning {

struct TissueModel {
    // Liver thermal properties as used in hepatic ablation models (IT'IS
    // Foundation tissue database: k 0.52 W/m/K, rho 1079 kg/m3, c 3540 J/kg/K).
    double conductivity_W_mK = 0.52;
    double density_kg_m3 = 1079;
    double heatCapacity_J_kgK = 3540;
    // Pennes perfusion widely used in hepatic RFA finite-element models
    // (e.g. Tungjitkusolmun et al., IEEE TBME 2002: 6.4e-3 1/s).
    double perfusion_s = 6.4e-3;
    double bloodTemp_C = 37.0;
    // CEM43 dose of cell death: 60 min reproduces DOMAIN.md's 55 degC ~2 s,
    // 50 degC ~20 s and 45 degC ~15 min (R = 0.5, Sapareto & Dewey 1984).
    double lethalDose_min = 60.0;
    // DOMAIN.md: > 100 degC chars tissue and stops energy spreading (RF impedance roll-off).
    double rfaMaxTemp_C = 100.0;
    // Assumption: microwaves keep heating past vaporisation; 150 degC cap for stability.
    double mwaMaxTemp_C = 150.0;
    // Assumption: convection ~ blood velocity / heated length with velocity
    // proportional to diameter; 6 /s at 5 mm holds a vein's wall near 37 degC.
    double sinkRateAt5mm_s = 6.0;
    // DOMAIN.md: heat sink seen next to veins > 3 mm, never next to veins < 3 mm.
    // Thinner vessels belong to the Pennes perfusion term; modelling them as
    // sinks as well would count them twice.
    double vesselMinDiameter_mm = 3.0;
    // Vessels from here up keep flowing when the tissue around them dies;
    // thinner ones (when vesselMinDiameter_mm is lowered) coagulate and stop.
    double largeVessel_mm = 3.0;
    // RF heating falls as 1/(d^2 + a^2)^2 around the active tip (current
    // density ~ 1/d^2 near an electrode); a keeps the near field on the grid.
    double rfaSourceCore_mm = 2.0;
    // Microwave SAR ~ exp(-d / lambda) / (d + a) with lambda = 1 / (2 alpha):
    // liver at 2.45 GHz (Gabriel et al. 1996: eps' 43, sigma 1.69 S/m) gives
    // alpha ~ 48 Np/m, lambda ~ 10 mm.
    double mwaDecay_mm = 10.0;
    double mwaSourceCore_mm = 2.0;

    double diffusivity_mm2_s() const { return conductivity_W_mK / (density_kg_m3 * heatCapacity_J_kgK) * 1e6; }
    double heatCapacity_J_m3K() const { return density_kg_m3 * heatCapacity_J_kgK; }
    double sinkRate_s(double diameter_mm) const;
};

// The calibrated heat source of one device setting (per needle group).
struct SourceParameters {
    double power_W = 20.0;          // deposited power of the whole applicator (model quantity)
    double activeLength_mm = 20.0;  // length of the heated segment along each needle
    double centreFromTip_mm = 10.0; // from the tip back along the shaft to the segment's centre
};

struct ThermalCalibration {
    std::string deviceId, setting;
    double spacing_mm = 1.0;
    SourceParameters source;
    double length_mm = 0, width_mm = 0, centreFromTip_mm = 0; // zone reached
    double chartLength_mm = 0, chartWidth_mm = 0, chartCentre_mm = 0;
    double lengthError_pct = 0, widthError_pct = 0;
    int iterations = 0;
    bool converged = false;
    double seconds = 0;
};

using StepperFactory = std::function<std::unique_ptr<ThermalStepper>()>;

// Thread-safe store of calibrations (the GUI keeps one for the session).
class ThermalCalibrationCache {
  public:
    explicit ThermalCalibrationCache(TissueModel tissue = {}, StepperFactory stepper = {});
    // Calibrates on first use (seconds); later calls return the stored result.
    ThermalCalibration get(const Device& device, const DeviceSetting& setting, double spacing_mm,
                           const Progress& progress = {});
    const TissueModel& tissue() const { return tissue_; }
    std::unique_ptr<ThermalStepper> makeStepper() const;

  private:
    TissueModel tissue_;
    StepperFactory stepper_;
    std::mutex m_;
    std::map<std::string, ThermalCalibration> done_;
};

struct ThermalRequest {
    std::vector<PlacedApplicator> applicators; // RFA or MWA; several = sequential ablations (zones united)
    GridGeometry lattice;                      // planning lattice the zone is returned on
    const VesselModel* vessels = nullptr;      // null: no heat sink
    double spacing_mm = 0;                     // simulation voxel size; 0 = the lattice's (2 for a preview)
    double time_s = 0;                         // 0 = each setting's time
};

struct ThermalResult {
    ZoneField field; // log2(CEM43 / lethal dose) on the planning lattice
    std::vector<ThermalCalibration> calibrations;
    double simulation_s = 0;  // stepping only
    double total_s = 0;       // including calibration and set-up
    long long voxelSteps = 0; // voxels x steps, summed over applicators
    double dt_s = 0;
    double peakTemp_C = 0;
    std::string stepper;
    std::vector<GridGeometry> domains; // simulation grids, one per applicator
};

// Throws irplan::Error for modalities the model does not cover (IRE, laser)
// and irplan::Cancelled when the progress token is cancelled.
ThermalResult simulateThermal(const ThermalRequest& request, ThermalCalibrationCache& cache,
                              const Progress& progress = {});

struct SimulationStats {
    int steps = 0;
    double dt_s = 0;
    double peak_C = 0;
};

// Simulates one applicator with given source parameters on `grid` (its own
// lattice) and returns the zone field there (used by the calibration and tests).
ZoneField simulateApplicator(const PlacedApplicator& applicator, const SourceParameters& source,
                             const GridGeometry& grid, const VesselModel* vessels, double time_s,
                             const TissueModel& tissue, ThermalStepper& stepper, const Progress& progress,
                             SimulationStats* stats = nullptr, ThermalState* finalState = nullptr);

// Grid for simulating `applicator`: its chart ellipsoid enlarged 1.3 x plus
// 12 mm, on the lattice of `frame` with spacing_mm.
GridGeometry thermalDomain(const PlacedApplicator& applicator, const GridGeometry& frame, double spacing_mm);

} // namespace irplan::planning
