#pragma once
// The phantom as DICOM: CT phases, the PET in Bq/mL with complete SUV tags (so
// the DICOM SUV path is exercised end to end), and the MR in its own frame.
#include "phantom/Phantom.h"

namespace irplan::phantom {

// The PET's acquisition as written to DICOM: 150 MBq of 68Ga-DOTATATE
// injected at 10:00, scan at 11:00 (a typical 60 min uptake), 75 kg patient.
struct PhantomPetAcquisition {
    double weightKg = 75.0;
    double heightM = 1.75;
    double doseBq = 150e6;
    double halfLifeSeconds = 4062.6; // 68Ga, 67.71 min
    double uptakeSeconds = 3600.0;
    double suvFactor() const; // SUV per Bq/mL
};

void writePhantomDicom(const PhantomCase& phantom, const std::filesystem::path& dir, const Progress& progress);

} // namespace irplan::phantom
