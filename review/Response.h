#pragma once
// Tumour response between a baseline and a follow-up lesion table, by the
// criteria of the seed case-report form (DOMAIN.md "Quantities people read"):
//
//  - RECIST 1.1 (Eisenhauer, Eur J Cancer 2009): sum of longest diameters of up
//    to 5 target lesions, at most 2 per organ; CR / PR <= -30% / PD >= +20% of
//    the nadir and >= +5 mm / SD; a new lesion is PD.
//  - Choi (J Clin Oncol 2007): PR when the size falls >= 10% or the mean CT
//    density falls >= 15%; PD when the size grows >= 10% without the density PR,
//    or a new lesion.
//  - PERCIST 1.0 (Wahl, J Nucl Med 2009): SULpeak of the hottest lesion; PMR
//    <= -30% and <= -0.8 SUL units, PMD >= +30% and >= +0.8 units (or a new
//    lesion), CMR, otherwise SMD.
//
// Every category comes with the numbers it was computed from and notes on what
// a reader has to confirm (a table cannot see unequivocal non-target
// progression, or whether residual uptake is below the liver's).
#include "review/LesionMatching.h"
#include "review/LesionTable.h"

#include <optional>
#include <string>
#include <vector>

namespace irplan::review {

// Lean body mass for SUL = SUV x LBM / weight (PERCIST uses SUL). Either the
// ratio itself, or the patient's weight, height and sex (Janmahasatian LBM,
// io/Suv.h leanBodyMassKg). Nothing given: PERCIST is not evaluable.
struct SulSource {
    std::optional<double> sulPerSuv; // LBM / body weight, e.g. 0.75
    std::optional<double> weightKg;
    std::optional<double> heightM;
    std::string sex; // "M" or "F"

    bool given() const { return sulPerSuv || weightKg || heightM || !sex.empty(); }
};

struct SulFactor {
    bool available = false;
    double sulPerSuv = 0;
    std::string how;    // "given ratio 0.750" or "LBM 55.2 kg (Janmahasatian) / weight 75.0 kg"
    std::string reason; // why unavailable
};
// Throws irplan::Error for impossible values (weight <= 0, height not in metres, sex not M/F).
SulFactor resolveSul(const SulSource& source, const std::string& when);

struct ResponseOptions {
    MatchOptions matching;
    // RECIST PD is measured from the smallest sum on study; with two tables that
    // is the baseline sum unless an earlier nadir is given.
    std::optional<double> recistNadirSum_mm;
    SulSource baselineSul;
    SulSource followupSul;              // empty: the baseline's body data are used
    std::optional<double> liverSulMean; // PERCIST reference (3 cm sphere in the right lobe)
    std::optional<double> liverSulSd;
};

enum class Recist { CR, PR, SD, PD, NonCRNonPD, NE };
enum class Choi { CR, PR, SD, PD, NE };
enum class Percist { CMR, PMR, SMD, PMD, NE };
const char* name(Recist c);
const char* name(Choi c);
const char* name(Percist c);
// Long clinical wording ("partial response").
std::string describe(Recist c);
std::string describe(Choi c);
std::string describe(Percist c);

struct TargetMeasurement {
    size_t baseline = 0;            // index into the baseline table
    std::optional<size_t> followup; // empty: not found at follow-up (counted as 0 mm)
    double baseline_mm = 0;
    std::optional<double> followup_mm;            // empty: found but not measured (not evaluable)
    std::optional<double> baselineHu, followupHu; // Choi only
};

struct RecistResult {
    Recist overall = Recist::NE;
    Recist target = Recist::NE; // NE also when there is no target lesion
    std::string nonTarget;      // "CR", "non-CR/non-PD", "none"
    std::vector<TargetMeasurement> targets;
    std::vector<size_t> nonTargets; // baseline indices
    std::vector<size_t> newLesions; // follow-up indices
    double baselineSum_mm = 0, followupSum_mm = 0, nadirSum_mm = 0;
    double changeFromBaseline_pct = 0, changeFromNadir_pct = 0, changeFromNadir_mm = 0;
    std::vector<std::string> notes;
};

struct ChoiResult {
    Choi overall = Choi::NE;
    std::vector<TargetMeasurement> targets;
    std::vector<size_t> newLesions;
    double baselineSum_mm = 0, followupSum_mm = 0, sizeChange_pct = 0;
    std::optional<double> baselineDensityHu, followupDensityHu, densityChange_pct;
    std::vector<std::string> notes;
};

struct PercistResult {
    Percist overall = Percist::NE;
    std::string reason; // why NE
    SulFactor baselineSul, followupSul;
    std::optional<size_t> baselineLesion, followupLesion; // hottest lesion of each table
    std::optional<double> baselineSulPeak, followupSulPeak, change_pct, change_sul;
    std::optional<double> baselineTlg, followupTlg, tlgChange_pct;
    std::optional<double> measurabilityThresholdSul; // 1.5 x liver mean + 2 SD
    std::vector<size_t> newLesions;
    std::vector<std::string> notes;
};

struct ResponseAssessment {
    LesionTable baseline, followup;
    LesionMatching matching;
    RecistResult recist;
    ChoiResult choi;
    PercistResult percist;
};

RecistResult assessRecist(const LesionTable& baseline, const LesionTable& followup, const LesionMatching& m,
                          const ResponseOptions& options);
ChoiResult assessChoi(const LesionTable& baseline, const LesionTable& followup, const LesionMatching& m);
PercistResult assessPercist(const LesionTable& baseline, const LesionTable& followup, const LesionMatching& m,
                            const ResponseOptions& options);

ResponseAssessment assessResponse(const LesionTable& baseline, const LesionTable& followup,
                                  const ResponseOptions& options);

Json toJson(const ResponseAssessment& a);
// A few lines for a terminal or a report.
std::string summaryText(const ResponseAssessment& a);

// Target selection shared by RECIST (5 lesions, 2 per organ) and Choi (10, 5 per
// organ, the RECIST 1.0 rules Choi used): measurable baseline lesions (longest
// diameter >= 10 mm, RECIST 1.1 for CT with slices <= 5 mm), largest first.
std::vector<size_t> selectTargets(const LesionTable& baseline, size_t maxTotal, size_t maxPerOrgan);

} // namespace irplan::review
