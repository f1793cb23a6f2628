#pragma once
// Writes a volume as a DICOM series (one file per slice), with the tags that
// IRPlan's reader and other viewers need: geometry, rescale per slice, and
// for PET the SUV tags (Units, DecayCorrection, RadiopharmaceuticalInformationSequence,
// PatientWeight). Used for the phantom's DICOM output and for exports.
#include "core/Progress.h"
#include "io/ImageTypes.h"

#include <filesystem>
#include <optional>
#include <string>

namespace irplan {

struct PetSeriesTags {
    std::string units = "BQML";
    std::string decayCorrection = "START";
    double totalDoseBq = 0;
    double halfLifeSeconds = 0;
    std::string startDateTime; // YYYYMMDDHHMMSS
    std::string radiopharmaceutical;
    std::string radionuclideCodeMeaning;
};

struct DicomSeriesSpec {
    std::string modality; // CT, PT, MR
    std::string seriesDescription;
    std::string studyInstanceUid, seriesInstanceUid, frameOfReferenceUid;
    std::string uidSeed; // SOPInstanceUIDs derive from it (deterministic output)
    int seriesNumber = 1;
    std::string patientName = "IRPLAN^PHANTOM";
    std::string patientId = "IRPLAN-PHANTOM";
    std::string patientSex = "O";
    double patientWeightKg = 0; // 0 = omit
    double patientSizeM = 0;    // 0 = omit
    std::string studyDate = "20260101", seriesDate = "20260101", seriesTime = "090000";
    std::optional<PetSeriesTags> pet;
};

// A DICOM UID under the 2.25 (UUID-derived) root, stable for the same text.
std::string dicomUidFor(const std::string& text);

// Values are stored as int16 with a per-slice RescaleSlope (PET), as HU +
// 1024 in int16 with RescaleIntercept -1024 (CT), or rounded in uint16 (MR,
// whose legacy IOD has no rescale). Writes into `dir`
// (created; an existing file of the same name is replaced atomically).
void writeDicomSeries(const FloatImage* image, const std::filesystem::path& dir, const DicomSeriesSpec& spec,
                      const Progress& progress = {});

} // namespace irplan
