#pragma once
// Automatic liver segmentation on contrast CT (arterial or portal venous),
// unenhanced CT or T1 MR, with an optional seed point.
//
// The liver is found as the thickest region of homogeneous soft tissue on the
// patient's right below the diaphragm (or grown from the seed), grown within
// a robust intensity window on a ~2.5 mm working grid, cut from touching organs
// by a morphological opening, then closed and hole-filled so intrahepatic
// vessels and lesions belong to it, and finally brought back onto the input
// grid with a smooth surface. On CT, tumours at the surface (open to the
// outside, so no closing or hole filling reaches them) are found and added.
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/Volume.h"

#include <optional>
#include <string>
#include <vector>

namespace irplan::seg {

enum class ImageKind { CT, MR, PET };
const char* imageKindName(ImageKind k);
// What kind of image this is, from its units/modality (and, for files that do
// not say, from air at about -1000 HU). Throws when it cannot tell.
ImageKind imageKindOf(const Volume& v, std::vector<std::string>* warnings = nullptr);
// "CT", "MR", "PET" (also "PT", "NM", "SPECT"); throws for anything else.
ImageKind imageKindFromName(const std::string& name);

struct LiverOptions {
    std::optional<Vec3> seed_mm;   // a point inside the liver (LPS mm); found automatically when absent
    std::optional<ImageKind> kind;  // overrides what the file's units/modality say
    double workingSpacing_mm = 2.5; // the coarse grid the liver is found on
    double openRadius_mm = 6.0;     // cuts bridges to touching organs thinner than twice this
    double closeRadius_mm = 9.0;    // fills vessels and lesions open to the surface up to ~2x this
    double toleranceSd = 3.0;       // intensity window: median +- this many robust SDs (smoothed image)
    double localToleranceSd = 3.0;  // then: within this many SDs of the region's local mean (slow drifts)
    bool includeLesions = true;     // CT: tumours at the surface join the liver (FocalLesions.h)
    Progress progress;
};

struct LiverResult {
    MaskImage::Pointer mask; // on the input grid, 0/1
    Vec3 seed_mm;
    bool seedGiven = false;
    double volume_ml = 0;
    double median = 0;          // liver intensity on the working grid (HU for CT)
    double sd = 0;              // robust SD on the smoothed working grid
    double windowLow = 0, windowHigh = 0;
    std::string imageKind;      // "CT" or "MR"
    double seconds = 0;
    int lesionsIncluded = 0;             // lesions at the surface added to the mask
    double lesionVolumeIncluded_ml = 0;  // and the volume they added
    std::vector<std::string> warnings;
};

// Throws irplan::Error when no liver is found (with what was seen) and
// irplan::Cancelled when cancelled.
LiverResult segmentLiver(const Volume& image, const LiverOptions& options = {});

} // namespace irplan::seg
