#pragma once
// DICOM RTSTRUCT import: named ROIs as closed planar contours, rasterised onto
// any volume grid whose slices are parallel to the contour planes.
#include "core/Geometry.h"
#include "io/ImageTypes.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan {

struct RtContour {
    std::string geometricType; // CLOSED_PLANAR, POINT, OPEN_PLANAR
    std::vector<Vec3> points;  // LPS mm
};

struct RtRoi {
    int number = 0;
    std::string name;
    std::string frameOfReferenceUid;
    std::vector<RtContour> contours;
};

struct RtStructSet {
    std::filesystem::path path;
    std::string seriesUid;
    std::string label;
    std::vector<RtRoi> rois;

    // Throws irplan::Error listing the ROI names when `name` is absent.
    const RtRoi& roi(const std::string& name) const;
    std::vector<std::string> roiNames() const;
};

// `path` is an RTSTRUCT file, or a directory holding exactly one RTSTRUCT.
RtStructSet readRtStruct(const std::filesystem::path& path);

struct RasterizeReport {
    size_t contoursUsed = 0;
    size_t contoursSkipped = 0; // not CLOSED_PLANAR
    size_t pointsOutsideGrid = 0;
    std::vector<std::string> warnings;
};

// A 0/1 mask of `roi` on the grid of `grid`. A grid slice takes the contours of
// the nearest contour plane within half the contour spacing; several contours
// on one plane combine by the even-odd rule (holes stay holes). A pixel is
// inside when its centre is. Throws when contours are not parallel to the
// grid's slices or when the frames of reference differ.
MaskImage::Pointer rasterizeRoi(const RtRoi& roi, const itk::ImageBase<3>* grid,
                                const std::string& gridFrameOfReferenceUid = "",
                                RasterizeReport* report = nullptr);

} // namespace irplan
