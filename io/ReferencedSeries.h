#pragma once
// The image series an export refers to: the identifiers a DICOM SEG or
// RTSTRUCT must carry (patient, study, series, frame of reference, and the
// SOP instance of every slice), read from the series' DICOM directory.
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan {

struct ReferencedSlice {
    std::filesystem::path file;
    std::string sopClassUid, sopInstanceUid;
    Vec3 position_mm; // ImagePositionPatient: centre of the first pixel
};

struct ReferencedSeries {
    std::filesystem::path directory;
    std::string patientName, patientId, patientBirthDate, patientSex;
    std::string studyInstanceUid, studyDate, studyTime, studyId, accessionNumber, referringPhysicianName,
        studyDescription;
    std::string seriesInstanceUid, seriesDescription, modality, frameOfReferenceUid;
    Vec3 rowDirection, columnDirection; // ImageOrientationPatient
    double columnSpacing_mm = 0;        // between columns (along a row), PixelSpacing[1]
    double rowSpacing_mm = 0;           // between rows, PixelSpacing[0]
    unsigned rows = 0, columns = 0;
    std::vector<ReferencedSlice> slices; // sorted along the slice normal

    const ReferencedSlice& first() const { return slices.front(); }
};

// Reads the headers of the series `seriesUid` of `dir` (or its only image
// series). Throws irplan::Error listing the series when the choice is
// ambiguous, and when the series is multi-frame or lacks SOP or geometry tags.
ReferencedSeries readReferencedSeries(const std::filesystem::path& dir, const std::string& seriesUid = "");

// Slice k of `grid` -> the series' image on that plane. Throws, saying what
// differs, unless the grid is the series' own (same orientation, pixel
// spacing, size and slice positions, within a tenth of a voxel), which is what
// a label map drawn on this CT has.
std::vector<const ReferencedSlice*> matchGridToSeries(const ReferencedSeries& series, const itk::ImageBase<3>* grid,
                                                      const std::string& what);

} // namespace irplan
