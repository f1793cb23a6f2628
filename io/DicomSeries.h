#pragma once
// DICOM directories: scan, group by SeriesInstanceUID, read one series into a
// Volume (slices sorted along the slice normal, RescaleSlope/Intercept applied
// per slice, uneven slice spacing reported or resampled, oblique orientations
// kept, SUV computed for PET/SPECT).
#include "core/Progress.h"
#include "io/Volume.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan {

struct DicomSeriesSummary {
    std::string seriesUid;
    std::string modality;
    std::string description;
    std::string frameOfReferenceUid;
    bool isImage = false; // has image geometry (not RTSTRUCT, SR, ...)
    std::vector<std::filesystem::path> files;
};

struct DicomScan {
    std::filesystem::path directory;
    std::vector<DicomSeriesSummary> series;
    size_t filesSeen = 0;
    size_t nonDicomFiles = 0;

    std::vector<const DicomSeriesSummary*> imageSeries() const;
    // One line per series: "UID  modality  N files  description".
    std::string listing() const;
    // The same on one line ("UID (CT, 51 files, "description"); ..."), for
    // error messages, which the CLI prints as a single line.
    std::string listingOneLine() const;
};

// Looks at every file below `dir` (recursively). Throws when `dir` is unreadable.
DicomScan scanDicomDirectory(const std::filesystem::path& dir, const Progress& progress = {});

// Reads the series `seriesUid` (or the only image series when empty) of `dir`.
// Throws irplan::Error listing the series when the choice is ambiguous.
Volume readDicomDirectory(const std::filesystem::path& dir, const std::string& seriesUid,
                          const Progress& progress = {});

Volume readDicomSeries(const DicomSeriesSummary& series, const Progress& progress = {});

// True when GDCM can parse `file` as DICOM.
bool isDicomFile(const std::filesystem::path& file);
// SeriesInstanceUID of one DICOM file (empty when absent).
std::string seriesUidOfFile(const std::filesystem::path& file);

} // namespace irplan
