#pragma once
// The margin review after an ablation: the follow-up CT is registered onto the
// pre-procedure CT (ct-ct-followup: liver-masked, deformable, with the quality
// gate), the ablation zone is segmented on the follow-up CT (seeded by the
// lesion centres mapped into it), brought onto the pre-CT grid, and per lesion
// the minimal ablative margin, coverages, the volume of insufficient coverage,
// a margin map and a verdict are measured with planning's margin code
// (MAM = min over lesion points of the signed distance to the zone boundary).
//
// Every lesion carries the registration's verdict: a margin measured through a
// registration that failed (or warned) is not a margin anyone may trust, and
// the result says so in `warnings` and per lesion.
#include "core/Case.h"
#include "core/Progress.h"
#include "io/ImageTypes.h"
#include "io/Volume.h"
#include "planning/Target.h"
#include "registration/ElastixSettings.h"
#include "registration/QualityGate.h"
#include "review/ZoneSegmentation.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace irplan::review {

// How lesion k is coded in the lesion map.
enum class LesionLabels {
    Auto,    // Phantom when any label is >= 100, else Lesions
    Lesions, // label k = lesion k (irplan segment lesions)
    Phantom, // label 100 + k = lesion k, other labels ignored (phantom labels.nii.gz)
};
LesionLabels lesionLabelsFromName(const std::string& name); // "auto", "lesions", "phantom"
const char* lesionLabelsName(LesionLabels l);

// DOMAIN.md: no local progression with a minimal ablative margin of >= 5 mm.
constexpr double kSufficientMargin_mm = 5.0;
// "complete with margin" (>= 5 mm), "complete without margin" (0 to 5 mm), "incomplete" (< 0).
std::string marginVerdict(double minimalMargin_mm);

struct MarginReviewRequest {
    const Volume* preCt = nullptr;  // fixed
    const Volume* postCt = nullptr; // moving (follow-up, portal venous)
    const LabelImage* lesions = nullptr; // on the pre-CT grid
    LesionLabels lesionLabels = LesionLabels::Auto;
    // The liver on the pre CT (mask or label map, label 1 used when it has several
    // labels); null: segmented automatically on the pre CT.
    const LabelImage* liver = nullptr;
    // Where the registration result is written (a folder).
    std::filesystem::path registrationDir;
    // Reuse an existing result instead of registering (its fixed grid must be the pre CT's).
    std::optional<std::filesystem::path> existingRegistration;
    registration::ElastixSettings elastix;
    double iterationScale = 1.0;    // registration iterations (tests, previews)
    // > 0: register copies of both CTs resampled to at least this spacing (mm)
    // (the zones are still mapped onto the full pre-CT grid); 0: full resolution.
    double registrationGrid_mm = 0.0;
    double liverDilate_mm = 15.0;   // preset advice: the liver grown by 10-20 mm
    double gridSpacing_mm = 1.0;    // margin grid around each lesion (planning's default)
    ZoneSegmentationOptions zone;   // its progress is ignored (the request's is used)
    Progress progress;
    std::string preSource, postSource, lesionsSource, liverSource; // recorded in the JSON
};

struct LesionReview {
    int id = 0;
    int labelValue = 0;
    double volume_ml = 0;
    Vec3 centroidPre_mm, seedPost_mm;
    bool zoneFound = false;
    std::string zoneNote;
    double zoneVolume_ml = 0; // of the zone found for this lesion, on the pre-CT grid
    double minimalMargin_mm = 0; // NaN when there is no zone at all
    Vec3 minimalPoint_mm, minimalZonePoint_mm;
    double coverageLesion_pct = 0, coverage5mm_pct = 0, coverage10mm_pct = 0;
    double insufficient_ml = 0; // lesion plus its 5 mm shell outside the zone
    double untreated_ml = 0;    // lesion outside the zone
    std::string verdict;        // marginVerdict(), or "no ablation zone found"
    std::string registrationVerdict;
    bool reliable = false;      // registration passed and a zone was found
};

struct MarginReview {
    LesionLabels lesionLabels = LesionLabels::Lesions; // as used (Auto resolved)
    std::string registrationDir, registrationPreset, registrationVerdict;
    registration::QaReport qa;
    bool registrationReused = false;
    std::vector<LesionReview> lesions;
    std::vector<ZoneFound> zones;
    std::vector<std::string> warnings;
    LabelImage::Pointer zonePost;  // zones on the follow-up CT grid (label = lesion id)
    LabelImage::Pointer zoneOnPre; // the same on the pre-CT grid (nearest neighbour through the registration)
    FloatImage::Pointer zoneLevelOnPre; // the zone's level field on the pre-CT grid (>= 0 inside; sub-voxel boundary)
    FloatImage::Pointer marginMap; // pre-CT grid: signed distance (mm) to the zone boundary, positive inside,
                                   // around each lesion (lesion + 40 mm); NaN elsewhere
    std::map<std::string, double> timings_s;
    std::string liverSource; // "given" or "segmented"
    Json inputs = Json::object();

    Json toJson() const;
};

// The margins of one lesion against a zone given as a level image (>= 0 inside
// the zone, varying smoothly across its boundary so linear interpolation places
// the boundary between voxels; any grid). The zone is tabulated on the lesion's
// margin grid and measured with planning's margin code.
struct LesionMargins {
    LesionReview review;          // the margin fields and the verdict (registration fields left empty)
    bool zoneEmpty = true;        // no zone boundary within the lesion's margin grid
    bool zoneTouchesBorder = false; // the zone reaches the edge of the margin grid (lesion + 40 mm)
    std::vector<float> marginMap; // on target.grid: signed distance (mm), positive inside the zone
};
LesionMargins measureLesionMargins(const planning::TargetLesion& target, const FloatImage* zoneLevel);

// Throws irplan::Error for bad input (no lesion, grids that do not match, a CT
// that is not in HU, elastix missing or failing) and irplan::Cancelled.
MarginReview reviewMargins(const MarginReviewRequest& request);

// Writes review.json, zone_post.nii.gz, zone_on_pre.nii.gz and margin_map.nii.gz into `dir` (atomically).
void writeMarginReview(const MarginReview& review, const std::filesystem::path& dir);

} // namespace irplan::review
