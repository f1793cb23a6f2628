#pragma once
// Standardised uptake value from PET DICOM tags, as a pure function of the tag
// values so every missing-tag case can be tested without files.
//
// SUVbw = C [Bq/mL] * body weight [g] / injected dose decayed to the scan start [Bq]
// (DOMAIN.md "Quantities people read"; QIBA/UPICT vendor-neutral SUV pseudo-code).
// When a needed tag is missing the result says which one and SUV stays
// unavailable: IRPlan never labels Bq/mL as SUV.
#include <optional>
#include <string>

namespace irplan {

struct PetTags {
    std::optional<std::string> units;            // (0054,1001): BQML, GML, CNTS, ...
    std::optional<std::string> suvType;          // (0054,1006): BW, LBM, BSA, IBW
    std::optional<std::string> decayCorrection;  // (0054,1102): START, ADMIN, NONE
    std::optional<double> totalDoseBq;           // (0018,1074) RadionuclideTotalDose
    std::optional<std::string> startDateTime;    // (0018,1078) RadiopharmaceuticalStartDateTime
    std::optional<std::string> startTime;        // (0018,1072) RadiopharmaceuticalStartTime
    std::optional<double> halfLifeSeconds;       // (0018,1075) RadionuclideHalfLife
    std::optional<std::string> radionuclide;     // (0008,0104) of the nuclide code, or (0018,0031)
    std::optional<double> weightKg;              // (0010,1030) PatientWeight
    std::optional<double> heightM;               // (0010,1020) PatientSize
    std::optional<std::string> sex;              // (0010,0040) PatientSex
    std::optional<std::string> seriesDate;       // (0008,0021)
    std::optional<std::string> seriesTime;       // (0008,0031)
    std::optional<std::string> acquisitionDate;  // (0008,0022), earliest slice
    std::optional<std::string> acquisitionTime;  // (0008,0032), earliest slice
};

struct SuvInfo {
    bool available = false;  // SUVbw = voxel value * factor
    bool alreadySuv = false; // the stored values are SUV already (Units GML)
    std::string reason;      // why SUV is unavailable (empty when available)
    double factor = 0;       // (g/mL)/(Bq/mL), or 1 when alreadySuv

    // How the factor was obtained (valid when available && !alreadySuv).
    std::string decayCorrection;
    double decaySeconds = 0;
    double injectedDoseBq = 0;
    double decayedDoseBq = 0;
    double halfLifeSeconds = 0;
    double weightKg = 0;
    std::string injectionDateTime; // ISO-like "YYYY-MM-DD HH:MM:SS"
    std::string scanDateTime;
    std::string radionuclide;

    // SUL (lean body mass, Janmahasatian 2005) when height and sex are known.
    bool sulAvailable = false;
    std::string sulReason;
    double sulFactor = 0;
    double leanBodyMassKg = 0;
    double heightM = 0;
    std::string sex;

    std::string warning; // e.g. a scan time taken from AcquisitionTime
};

SuvInfo computeSuv(const PetTags& tags);

// Lean body mass [kg], Janmahasatian et al., Clin Pharmacokinet 2005 (the LBM
// formula recommended for SUL by PERCIST follow-up work). Sex "M" or "F".
double leanBodyMassKg(double weightKg, double heightM, const std::string& sex);

// Parses DICOM DA + TM (or a DT) into seconds since 1970-01-01 (UTC-naive);
// nullopt when malformed. Time-only inputs use day 0.
std::optional<double> dicomDateTimeSeconds(const std::string& date, const std::string& time);
std::optional<double> dicomDateTimeSeconds(const std::string& dt);
std::string formatSeconds(double secondsSinceEpoch);

} // namespace irplan
