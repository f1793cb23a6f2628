#pragma once
// Focal liver lesions from CT or MR (any contrast phase), PET/SPECT, and seeds.
//
//  (a) CT/MR: blobs darker or brighter than the parenchyma around them,
//      outlined from their centre, judged and given a confidence
//      (FocalLesions.h). With a second contrast phase on the same grid,
//      lesions are looked for on both and bright blobs that stay bright in
//      the other phase are vessels (NET metastases wash out).
//  (b) PET: hot spots in the liver above liver background + 3 SD whose peak
//      passes PERCIST's 1.5 x liver mean + 2 SD, each delineated at
//      background + 50% of (max - background).
//  (c) One click: a lesion outlined from a seed (mm) on CT, MR or PET/SPECT.
// PET lesions already found on CT are merged into them; the rest are added.
// Findings below `minConfidence` are kept as "to confirm", never planned.
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
    // Findings at or above this confidence are targets (planned); below it
    // they are listed "to confirm".
    double minConfidence = 0.5;
    double petSd = 3.0;         // PET detection: liver mean + this many SD
    double petFraction = 0.5;   // PET delineation: background + this fraction of (max - background)
    Progress progress;
};

struct LesionImages {
    const Volume* ct = nullptr;         // CT or MR, defines the grid when present
    const Volume* otherPhase = nullptr; // a second contrast phase on the grid of `ct`
    const Volume* pet = nullptr;        // on the same grid (alignPetToCt), or the grid itself without CT
    const MaskImage* liver = nullptr;   // on the grid; automatic detection needs it
    const MaskImage* vessels = nullptr; // segmented vessels on the grid (optional: bright blobs on them are vessels)
    // Contrast phases ("arterial", "portal-venous", ...; ContrastPhase.h);
    // empty: estimated here from the images.
    std::string ctPhase, otherPhaseName;
    std::vector<Vec3> seeds_mm;
};

struct LesionResult {
    LabelImage::Pointer labels; // label k = lesion k, on the grid
    // The liver with the CT/MR lesions found at its surface added (a tumour is
    // never carved out of the liver); null without a liver.
    MaskImage::Pointer liver;
    double liverAdded_ml = 0;
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
    std::string appearance; // "hypo", "hyper" (CT/MR), "pet-avid"
    std::vector<std::string> warnings; // e.g. the click lay outside the liver mask
};
GrownLesion growLesion(const Volume& image, const Vec3& seed_mm, const MaskImage* liver, const LesionOptions& options);

// lesions.json: {"method": {...}, "lesions": [...], "warnings": [...]}
Json lesionsJson(const LesionResult& r);

} // namespace irplan::seg
