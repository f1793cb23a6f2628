#pragma once
// The lesion table a radiologist reads: per lesion its centre, volume, longest
// axial diameter (RECIST 1.1 style), mean HU, and where a PET exists SUVmax,
// SUVpeak (1 mL sphere, PERCIST), MTV and TLG.
//
// PET values are SUVbw only when the PET carries SUV (io SuvInfo); otherwise
// the same quantities are reported in the PET's own units (Bq/mL or counts)
// under names that say so, and the SUV fields stay empty.
#include "core/Case.h"
#include "core/Geometry.h"
#include "io/Volume.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace irplan::seg {

struct LesionMeasurement {
    int id = 0;
    std::string source; // "ct", "pet", "seed"
    // How it was found (automatic CT/MR detection, FocalLesions.h; empty otherwise).
    std::string appearance;             // "hypo", "hyper", "heterogeneous", "cyst-like", "pet-avid"
    std::string phase;                  // contrast phase of the image it was seen on
    std::optional<double> confidence;   // 0..1
    std::string status;                 // "target" (planned), "to confirm" (below the confidence to plan), "not a target"
    Json evidence = Json::object();     // contrast (HU, noise units), size, sphericity, ...
    Vec3 centre_mm;
    double volume_ml = 0;
    double longestAxialDiameter_mm = 0;
    double equivalentDiameter_mm = 0; // of the sphere of the same volume
    std::optional<double> meanHu;     // with a CT
    std::optional<double> meanSignal; // with an MR (no HU)
    // PET, in `petUnits` ("SUVbw", "BQML", "CNTS", ...).
    std::string petUnits;
    std::optional<double> petMax, petPeak, petMean;
    std::optional<double> mtv_ml;      // metabolic tumour volume (the PET delineation of this lesion)
    std::optional<double> totalUptake; // MTV x mean uptake: TLG in SUV units (g), total activity in Bq/mL units
    std::optional<double> petThreshold; // the level that delineated the MTV
    std::optional<int> couinaud;        // liver segment holding most of the lesion (Couinaud.h), when estimated
    std::vector<int> couinaudAll;       // every segment the lesion touches, sorted
    std::string note;
};

struct LesionMeasureInputs {
    const Volume* ct = nullptr;  // CT (HU) or MR on the label map's grid
    const Volume* pet = nullptr; // PET on the label map's grid (SUV converted already when available)
    double petFraction = 0.5;    // MTV: background + this fraction of (max - background)
    double petBackground = 0;    // liver (or local) background for the MTV threshold
};

// Measures every label 1..n of `labels`. `sources[k-1]` names lesion k's source.
std::vector<LesionMeasurement> measureLesions(const LabelImage* labels, const std::vector<std::string>& sources,
                                              const LesionMeasureInputs& inputs);

// Longest distance within any axial slice (edge to edge, mm) of a 0/1 mask.
double longestAxialDiameter(const MaskImage* mask);

// Mean of `image` in the 1 mL sphere (radius 6.2 mm) placed where it is
// highest with its centre inside `mask`.
double peakInSphere(const FloatImage* image, const MaskImage* mask, double volume_ml = 1.0);

Json lesionJson(const LesionMeasurement& m);
// The inverse of lesionJson (a row of lesions.json); throws irplan::Error
// naming `where` when a field has the wrong type.
LesionMeasurement lesionFromJson(const Json& j, const std::string& where);
// Every row of a lesions.json file.
std::vector<LesionMeasurement> readLesionTable(const std::filesystem::path& file);

} // namespace irplan::seg
