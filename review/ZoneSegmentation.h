#pragma once
// The ablation zone on a contrast-enhanced follow-up CT (portal venous phase):
// coagulation necrosis does not enhance (~35-45 HU) and is surrounded by a thin
// hyperaemic rim, while the liver enhances to ~100-120 HU, so a zone is the
// connected non-enhancing region around the treated lesion.
//
// Per seed (a lesion centre mapped into the follow-up CT): the CT is smoothed
// in a box around the seed, voxels within the zone window are candidates, the
// candidate nearest the seed (within `seedSearch_mm`) starts a 6-connected
// flood fill, an opening cuts thin bridges into neighbouring hypodense tissue
// (gallbladder, bowel, fat), and the component of the start voxel is kept.
// Besides the label map, a level field (>= 0 exactly inside the zone, the
// distance of the smoothed HU from the window elsewhere near the boundary) lets
// the zone boundary be found between voxels after resampling.
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/ImageTypes.h"
#include "io/Volume.h"

#include <string>
#include <vector>

namespace irplan::review {

struct ZoneSeed {
    int lesionId = 0;
    Vec3 point_mm; // LPS, in the follow-up CT's space
};

struct ZoneSegmentationOptions {
    // Window of the non-enhancing zone. Upper: halfway between coagulation
    // necrosis (~35-45 HU) and enhanced liver in the portal phase (~115 HU) or
    // washed-out tumour (~100-110 HU); lower: halfway between necrosis and fat
    // (-100 HU). Source: the follow-up phantom's tissue values (phantom/Followup.h
    // kZoneHu, phantom/Anatomy.cpp), which follow the description of a
    // non-enhancing zone with a hyperdense rim; check them on real follow-ups.
    double huLow = -30.0;
    double huHigh = 75.0;
    double smoothingSigma_mm = 1.0; // CT noise sd ~12 HU (phantom/CtSynth.h kCtNoiseHu) against a 35 HU contrast
    double seedSearch_mm = 12.0;    // how far from the mapped lesion centre the zone may start
    double maxRadius_mm = 50.0;     // DOMAIN.md: zones of 3-5 cm (clusters 4-6 cm); bounds a leak
    double openRadius_mm = 2.0;     // bridges thinner than ~2x this are cut
    // Optional: a mask on the CT's grid the zone must lie in (e.g. the liver grown by a few mm).
    const MaskImage* within = nullptr;
    Progress progress;
};

struct ZoneFound {
    int lesionId = 0;
    Vec3 seed_mm;      // as given
    Vec3 start_mm;     // where the flood fill started
    bool found = false;
    int label = 0;     // label in ZoneSegmentation::labels (the lesion id, or the lesion whose zone it joined)
    double volume_ml = 0;
    bool reachesLimit = false; // touches the maxRadius sphere: possibly leaked
    std::string note;  // why not found, or which zone it shares
};

struct ZoneSegmentation {
    LabelImage::Pointer labels; // on the CT grid: label = lesion id of the zone, 0 elsewhere
    FloatImage::Pointer level;  // on the CT grid: >= 0 inside a zone, < 0 outside (HU-like units)
    std::vector<ZoneFound> zones; // one per seed, in seed order
    double seconds = 0;
};

// Level value far from any zone.
constexpr float kZoneLevelOutside = -100.0f;

// Throws irplan::Error for a volume that is not a CT in HU and irplan::Cancelled
// when cancelled. A seed without a zone near it is reported (found = false), not thrown.
ZoneSegmentation segmentAblationZones(const Volume& postCt, const std::vector<ZoneSeed>& seeds,
                                      const ZoneSegmentationOptions& options = {});

} // namespace irplan::review
