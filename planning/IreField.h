#pragma once
// The IRE field model: for every electrode pair that is pulsed, the electric
// potential from the Laplace equation div(sigma grad phi) = 0 (electrodes held
// at +-V/2, far boundary at 0), and the zone where the field magnitude reaches
// the lethal threshold for any pair. Non-thermal: no heat sink.
#include "core/Progress.h"
#include "planning/Applicator.h"
#include "planning/Vessels.h"
#include "planning/ZoneField.h"

#include <vector>

namespace irplan::planning {

struct IreOptions {
    // DOMAIN.md: lethal field roughly 500-700 V/cm; 600 V/cm default (a setting).
    double threshold_V_cm = 600.0;
    // DOMAIN.md: liver conductivity ~0.12 S/m.
    double liverConductivity_S_m = 0.12;
    // Blood at low frequency ~0.7 S/m (Gabriel et al. 1996); vessels carry more current.
    double bloodConductivity_S_m = 0.7;
    double spacing_mm = 0;    // 0: the planning lattice's
    double padding_mm = 20.0; // domain around the electrodes' exposed parts
    // Pairs pulsed: electrodes closer than this factor times the nearest spacing
    // (adjacent and diagonal pairs of the usual arrays).
    double pairReach = 1.6;
    // Assumption: generators deliver up to 3000 V per pair.
    double maxVoltage_V = 3000.0;
    double tolerance = 1e-4; // relative residual of the conjugate gradients
    int maxIterations = 3000;
};

struct IrePair {
    int a = 0, b = 0;
    double distance_mm = 0;
    double voltage_V = 0;
    int iterations = 0;
    double maxField_V_cm = 0; // outside the electrodes
};

struct IreResult {
    ZoneField field; // E - threshold (V/cm) on the planning lattice, max over pairs
    std::vector<IrePair> pairs;
    GridGeometry domain;
    double seconds = 0;
};

// `applicator.needles` are the electrodes (an IRE setting: exposure_mm and the
// voltage for its nominal spacing; each pair gets that voltage scaled by its
// distance, i.e. the same V/cm, capped at maxVoltage_V).
IreResult simulateIre(const PlacedApplicator& applicator, const GridGeometry& lattice, const VesselModel* vessels,
                      const IreOptions& options = {}, const Progress& progress = {});

} // namespace irplan::planning
