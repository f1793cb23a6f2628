#pragma once
// The contrast phase of a CT, estimated from the image itself.
//
// Evidence (measured, each optional): the aorta's lumen (Aorta.h), the liver
// parenchyma (median of the liver mask, or of the liver found on the CT), the
// brightest intrahepatic structures (99th percentile of the lightly smoothed
// liver: portal and hepatic veins once they fill), and the DICOM tags
// ContrastBolusAgent (0018,0010) and SeriesDescription (0008,103E), which only
// weigh in, never decide. Each phase has typical ranges of these values
// (DOMAIN.md "Real contrast CT"); the phase whose ranges fit best wins, and
// the confidence says by how much and how complete the evidence was.
#include "core/Case.h"
#include "core/Progress.h"
#include "io/Volume.h"
#include "segmentation/Aorta.h"

#include <optional>
#include <string>
#include <vector>

namespace irplan::seg {

struct ContrastEvidence {
    AortaFinding aorta;
    std::optional<double> liver_hu;          // parenchyma median
    std::optional<double> liverVessels_hu;   // 99th percentile of the smoothed liver
    double liverSmoothSd_hu = 0;             // robust SD of the smoothed liver (its noise)
    std::string liverFrom;                   // "mask", "found on the CT", or why absent
    std::string contrastAgent;               // ContrastBolusAgent, when the file has it
    std::string seriesDescription;
    std::string descriptionSays;             // phase named by the description, "" when none
};

struct ContrastPhase {
    // "non-contrast", "arterial", "portal-venous", "delayed" or "unknown".
    std::string phase = "unknown";
    std::string arterialTiming;      // "early" or "late" when arterial
    double confidence = 0;           // 0..1
    std::vector<std::pair<std::string, double>> scores; // fit of every phase, 0..1
    ContrastEvidence evidence;
    std::string reason;              // one sentence: the measured values that led to it

    bool isArterial() const { return phase == "arterial"; }
    bool enhanced() const { return phase == "arterial" || phase == "portal-venous" || phase == "delayed"; }
};

// `liver` (optional, on the CT's grid): when absent the liver is looked for on
// the CT (segmentLiver); if that fails the phase rests on the aorta alone.
ContrastPhase estimateContrastPhase(const Volume& ct, const MaskImage* liver = nullptr, const Progress& progress = {});

// {"phase", "arterial_timing", "confidence", "reason", "scores", "evidence": {...}}
Json contrastPhaseJson(const ContrastPhase& p);

// The phase named by a series description ("ART", "portal", "PV", "delayed",
// "non contrast", ...), "" when it names none.
std::string phaseNamedBy(const std::string& seriesDescription);

} // namespace irplan::seg
