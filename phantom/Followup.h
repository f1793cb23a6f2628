#pragma once
// The follow-up of the phantom after percutaneous ablation (irplan phantom
// --followup): a portal-venous CT of the same patient some weeks later, in a
// different breath-hold, showing each ablation zone as a non-enhancing region
// with a thin hyperdense rim, and the ground truth a margin review is checked
// against (zones in both CT spaces, the pre->post mapping, the true minimal
// ablative margin and coverages per lesion, and the verdict).
//
// Every lesion is ablated. Verdicts are chosen per seed so the truth always
// holds the three of them: the lesion abutting a >= 4.5 mm vessel is left
// incomplete by the heat sink, the lesion with the most room around it gets a
// complete ablation with margin, and the others get what their distance to
// the nearest >= 3 mm vessel allows. Margins are kept at least 1.5 mm from the
// 0 and 5 mm thresholds so that a measurement within the 1.5 mm
// tolerance gives the same verdict.
#include "phantom/AblationZone.h"
#include "phantom/MarginTruth.h"
#include "phantom/Motion.h"
#include "phantom/Phantom.h"

#include <filesystem>

namespace irplan::phantom {

// A different breath-hold: inside the liver the anatomy moves by
// shift + deformation (x - centre), fading to nothing `falloff` mm outside it.
// A pre-CT point x (fixed) is seen in the post CT (moving) at
//     y = x + w(x) (shift + deformation (x - centre)),
// the fixed-to-moving convention of elastix.
struct FollowupMotion {
    Vec3 shift;       // mm
    Mat3 deformation; // small linear part (mm per mm), about `centre`
    Vec3 centre;      // liver centre, mm
    BreathingWeight weight;

    Vec3 displacement(const Vec3& x) const { return (shift + deformation * (x - centre)) * weight(x); }
    Vec3 preToPost(const Vec3& x) const { return x + displacement(x); }
    // Inverse by fixed-point iteration (the field is smooth and small).
    Vec3 postToPre(const Vec3& y) const;
};

struct ZoneTruth {
    AblationZone zone;
    std::string intendedVerdict;
    MarginTruth margin;
    double volumePre_ml = 0; // zone volume in the pre-CT space
    double plannedVolume_ml = 0;
    double centreOffset_mm = 0, axisTilt_deg = 0;
    std::vector<HeatSink> reportedSinks; // vessels >= 3 mm within 10 mm of the delivered ellipsoid
};

struct FollowupCase {
    std::vector<ZoneTruth> zones; // one per lesion, in lesion order
    FollowupMotion motion;
    Grid postGrid;
    Volume ctPost;                  // portal venous, HU
    LabelImage::Pointer labelsPost; // anatomy in post space, zone k as 200 + k
    LabelImage::Pointer zonesPost;  // label k = zone of lesion k
    LabelImage::Pointer zonesPre;   // the same on the pre-CT grid
    bool zonesOverlap = false;
    double seconds = 0;
    std::vector<Box> zoneBounds; // of each final zone, for quick point tests
};

// Label of the zone of lesion k in labels_followup.nii.gz.
constexpr int kZoneLabelBase = 200;
// The zone's appearance on the portal-venous CT: coagulation necrosis does not
// enhance (~35-45 HU), a thin hyperaemic rim around it does.
constexpr double kZoneHu = 40.0, kRimHu = 160.0, kRimWidthMm = 2.0;

FollowupCase generateFollowup(const PhantomCase& phantom, const Progress& progress = {});

// The zones, their truth and the motion without the images (what the seed
// decides; generateFollowup adds the CT).
FollowupCase planFollowup(const Anatomy& anatomy, uint64_t seed, const Progress& progress = {});

// The union of all zones (negative inside), pre-CT space.
double zonesImplicit(const FollowupCase& f, const Vec3& p);

Json followupTruthJson(const PhantomCase& phantom, const FollowupCase& followup);

struct FollowupFiles {
    std::filesystem::path ct, labels, zonesPost, zonesPre, displacement, truth, dicomDir;
};
// Writes ct_followup.nii.gz, labels_followup.nii.gz, ablation_zones.nii.gz,
// ablation_zones_pre.nii.gz, followup_displacement_mm.nii.gz, truth_followup.json
// (and with `dicom`, dicom/ct_followup as a new study); adds them to case.json
// and points truth.json at the follow-up truth.
FollowupFiles writeFollowup(const PhantomCase& phantom, const FollowupCase& followup, const std::filesystem::path& dir,
                            bool dicom, const Progress& progress = {});

} // namespace irplan::phantom
