#pragma once
// Standard exports of a label map drawn on a CT (or any image series): DICOM
// SEG (binary segments, one per label, with names, SNOMED CT codes and
// colours) and DICOM RTSTRUCT (closed planar contours per slice), both
// referring to the source series (study, series, frame of reference, and the
// SOP instance of every slice they cover). DICOM SEG can be read back here;
// RTSTRUCT reads back through io/RtStruct.h.
#include "io/ImageTypes.h"
#include "io/LabelLegend.h"
#include "io/ReferencedSeries.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan {

struct DicomExportOptions {
    std::string seriesDescription;               // default: "IRPlan segmentation" / "IRPlan structures"
    int seriesNumber = 0;                        // default: 300 (SEG), 301 (RTSTRUCT)
    std::string algorithmType = "SEMIAUTOMATIC"; // AUTOMATIC, SEMIAUTOMATIC or MANUAL
    std::string algorithmName = "IRPlan";
};

struct DicomExportReport {
    std::filesystem::path file;
    std::string sopInstanceUid, seriesInstanceUid;
    size_t structures = 0;
    size_t frames = 0;   // SEG frames
    size_t contours = 0; // RTSTRUCT contours
    size_t referencedImages = 0;
    std::vector<std::string> warnings;
};

// `labels` must lie on the grid of `series` (matchGridToSeries); every
// structure's label must be present. Writes atomically; throws irplan::Error.
DicomExportReport writeDicomSeg(const LabelImage* labels, const std::vector<StructureStyle>& structures,
                                const ReferencedSeries& series, const std::filesystem::path& file,
                                const DicomExportOptions& options = {});

DicomExportReport writeRtStructFromLabels(const LabelImage* labels, const std::vector<StructureStyle>& structures,
                                          const ReferencedSeries& series, const std::filesystem::path& file,
                                          const DicomExportOptions& options = {});

// What a SEG or RTSTRUCT file refers to.
struct DicomReferences {
    std::string modality; // "SEG" or "RTSTRUCT"
    std::string patientId, studyInstanceUid, seriesInstanceUid, sopInstanceUid, frameOfReferenceUid;
    std::vector<std::string> referencedSeriesUids;
    std::vector<std::string> referencedSopInstanceUids; // unique, in file order
};
DicomReferences readDicomReferences(const std::filesystem::path& file);

struct SegSegment {
    int number = 0; // SegmentNumber
    int label = 0;  // label value in the imported map
    std::string name;
    std::array<unsigned char, 3> rgb{{128, 128, 128}};
    CodedConcept category, type;
    size_t frames = 0;
    size_t voxels = 0;
};

struct SegImport {
    std::filesystem::path file;
    DicomReferences references;
    std::vector<SegSegment> segments;
    LabelImage::Pointer labels;
    size_t overlappingVoxels = 0; // voxels claimed by several segments (the later segment wins)
    std::vector<std::string> warnings;
};

// Reads a binary (or fractional, thresholded at 50%) DICOM SEG into a label
// map. With `grid` the map takes that grid (the SEG's frames must lie on it:
// same orientation and pixel spacing, planes on its slices); without, the
// SEG's own geometry. Label values are those IRPlan wrote (in the segment
// description) or else the segment numbers.
SegImport readDicomSeg(const std::filesystem::path& file, const itk::ImageBase<3>* grid = nullptr);

} // namespace irplan
