#pragma once
// Focal liver lesions on CT or MR in any contrast phase, darker or brighter
// than the parenchyma around them or both (heterogeneous), each with its
// appearance, the evidence for it and a confidence.
//
//  1. Candidates: scale-space blobs against the local parenchyma
//     (LesionCandidates.h), strongest first.
//  2. Each candidate is outlined from its centre (LesionOutline.h); one that
//     lies inside a lesion already outlined (a calcification, a vessel or a
//     darker core inside a tumour) is part of it, not a new lesion.
//  3. What is not a lesion is set aside with the reason: no closed outline,
//     smaller than the minimum diameter, fat (a fissure), a calcification
//     (> 300 HU), elongated beyond 2.5:1 (a vessel cut along, a fissure), a bright blob on
//     the segmented vessels or, with a second phase, still bright there (a
//     vessel; lesions wash out), most of its outline on the liver's edge with
//     little contrast (partial volume with fat, ribs, diaphragm).
//  4. Confidence in [0, 1] from the contrast in noise units, the size, the
//     shape (sphericity) and how much of it sits on the liver's edge; bright
//     blobs in the portal-venous or delayed phase count less (vessel mimics).
//     Water-dense dark lesions (< 25 HU) are kept as "cyst-like", never as targets.
#include "core/Case.h"
#include "core/Progress.h"
#include "io/ImageTypes.h"
#include "segmentation/LesionOutline.h"

#include <string>
#include <vector>

namespace irplan::seg {

struct FocalFinding {
    LesionOutline outline;
    std::string appearance;       // "hypo", "hyper", "heterogeneous", "cyst-like"
    double confidence = 0;
    double contrast = 0;          // lesion - parenchyma (HU on CT)
    double contrastNoiseUnits = 0; // |contrast| / parenchyma noise (SD of the raw image)
    double detectionResponse = 0; // scale-space response, noise units of its scale
    double scale_mm = 0;
    double elongation = 1;
    double vesselFraction = 0;    // share of its voxels on the segmented vessels
    double outsideLiver = 0;      // share of its voxels outside the liver mask (in a notch of its surface)
    std::string note;             // what lowered its confidence, in words
};

struct FocalRejection {
    Vec3 centre_mm;
    std::string why;
};

struct FocalDetection {
    std::vector<FocalFinding> findings; // most confident first
    std::vector<FocalRejection> rejected;
    size_t candidates = 0;
    double parenchyma = 0, noise = 0;   // liver level and raw noise SD
    Json method = Json::object();
};

struct FocalOptions {
    double minDiameter_mm = 5.0;
    std::string phase = "unknown";     // contrast phase of `image` (ContrastPhase.h)
    bool isCt = true;
    double candidateThreshold = 4.0;   // noise units (LesionCandidates.h)
    size_t maxCandidates = 60;         // strongest first; the rest are noise
    // Only lesions darker than the liver (a later phase looked at beside an
    // arterial one: what is bright there and was not in the arterial phase is
    // a vessel that filled late).
    bool darkOnly = false;
    Progress progress;
};

// `liver` is the parenchyma statistics' source and bounds the outlines;
// `region` (optional, default the liver) is where candidates may lie;
// `vessels` (optional) the segmented vessels; `otherPhase` (optional, same
// grid) a second contrast phase for the washout test of bright blobs.
FocalDetection detectFocalLesions(const FloatImage* image, const MaskImage* liver, const MaskImage* region,
                                  const MaskImage* vessels, const FloatImage* otherPhase, const FocalOptions& options);

} // namespace irplan::seg
