#pragma once
// A volume in memory: voxels (float, LPS geometry) plus what is known about
// them. Units are explicit so a Bq/mL value can never be shown as SUV.
#include "io/ImageTypes.h"
#include "io/Suv.h"

#include <string>
#include <vector>

namespace irplan {

enum class Units {
    Unknown,   // nothing in the file says what the numbers are
    HU,        // CT Hounsfield units
    BQML,      // activity concentration, Bq/mL (SUV via SuvInfo::factor when available)
    SUVbw,     // body-weight SUV stored directly
    Counts,    // PET/SPECT counts, not quantitative
    Signal,    // MR signal, arbitrary units
};

const char* unitsName(Units u);         // "HU", "BQML", "SUVbw", ...
Units unitsFromName(const std::string& name); // throws irplan::Error for an unknown name

struct VolumeMeta {
    std::string modality;   // DICOM modality: CT, PT, MR, NM; empty when unknown
    Units units = Units::Unknown;
    std::string sourcePath; // what it was read from
    std::string format;     // "dicom", "nifti", "nrrd", "metaimage", "phantom"
    std::string patientId;
    std::string studyInstanceUid;
    std::string seriesInstanceUid;
    std::string seriesDescription;
    std::string frameOfReferenceUid;
    std::string contrastAgent; // ContrastBolusAgent (0018,0010); empty when absent
    SuvInfo suv;            // meaningful for PET/SPECT
    std::vector<std::string> warnings;
};

struct Volume {
    FloatImage::Pointer image;
    VolumeMeta meta;

    // True when voxel values times suvFactor() are body-weight SUV.
    bool hasSuv() const { return meta.suv.available; }
    double suvFactor() const { return meta.suv.available ? meta.suv.factor : 0.0; }
};

// A copy whose voxels are body-weight SUV; throws irplan::Error with the
// reason when SUV is unavailable.
Volume toSuv(const Volume& v);

} // namespace irplan
