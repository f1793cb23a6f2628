#pragma once
// Hypervascular liver lesions from contrast CT (or MR), PET/SPECT, and seeds.
//
//  (a) CT/MR: voxels of the liver that enhance in the late arterial phase
//      above the surrounding parenchyma (a local mean, so slow enhancement
//      gradients do not matter) and, when a portal phase exists, are not
//      brighter than the liver there (NET metastases wash out, vessels stay
//      bright); tubes are cut off by an opening and an elongation test; each
//      lesion is delineated at half its own enhancement.
//  (b) PET: hot spots in the liver above liver background + 3 SD whose peak
//      passes PERCIST's 1.5 x liver mean + 2 SD, each delineated at
//      background + 50% of (max - background).
//  (c) One click: a lesion grown from a seed (mm) on CT, MR or PET/SPECT.
// PET lesions already found on CT are merged into them; the rest are added.
#include "core/Case.h"
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/Volume.h"
#include "segmentation/LesionTable.h"

#include <string>
#include <vector>

namespace irplan::seg {

struct LesionOptions {
    // DOMAIN.md: lesions < 5 mm are often missed by imaging.
    double minDiameter_mm = 5.0;
    // Late arterial hyperenhancement above the local parenchyma (HU); NET
    // metastases enhance ~60-75 HU above the liver (phantom/Lesions.cpp).
    double enhancement_hu = 25.0;
    double petSd = 3.0;         // PET detection: liver mean + this many SD
    double petFraction = 0.5;   // PET delineation: background + this fraction of (max - background)
    Progress progress;
};

struct LesionImages {
    const Volume* arterial = nullptr; // CT or MR, defines the grid when present
    const Volume* portal = nullptr;   // same grid as `arterial`
    const Volume* pet = nullptr;      // on the same grid (alignPetToCt), or the grid itself without CT
    const MaskImage* liver = nullptr; // on the grid; automatic detection needs it
    std::vector<Vec3> seeds_mm;
};

struct LesionResult {
    LabelImage::Pointer labels; // label k = lesion k, on the grid
    std::vector<LesionMeasurement> lesions;
    Json method = Json::object();
    std::vector<std::string> warnings;
    double seconds = 0;
};

// Throws irplan::Error on unusable input (no image, grids differ, nothing to
// look in: no liver and no seed) and irplan::Cancelled when cancelled.
LesionResult segmentLesions(const LesionImages& images, const LesionOptions& options = {});

// One-click growing from a seed on one image (CT, MR or PET/SPECT), on that
// image's grid. `liver` (optional, same grid) keeps CT growth inside the liver.
struct GrownLesion {
    MaskImage::Pointer mask;
    double level = 0;      // the iso-level that delineates it
    double background = 0; // local background used
    double peak = 0;       // lesion level at the seed
    std::string rule;      // how the level was chosen
};
GrownLesion growLesion(const Volume& image, const Vec3& seed_mm, const MaskImage* liver, const LesionOptions& options);

// lesions.json: {"method": {...}, "lesions": [...], "warnings": [...]}
Json lesionsJson(const LesionResult& r);

} // namespace irplan::seg
