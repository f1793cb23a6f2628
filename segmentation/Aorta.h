#pragma once
// The abdominal aorta on a CT, found from anatomy alone (any contrast phase):
// a round, homogeneous lumen 16-30 mm across that runs the length of the
// scan in front of the spine, set off from the fat around it.
//
// On an axis-aligned 2 mm grid: the spine is the bony column near the
// midline (bone in most slices); in each slice every point in front of it
// (up to 60 mm anterior, 30 mm right to 50 mm left) scores how disc-like the
// image is there (a homogeneous centre that differs from most of the ring
// around it); the aorta is the best-scoring path through the slices that
// moves at most half a millimetre sideways per millimetre of height.
// Its lumen HU is the median of the disc centres on that path.
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/ImageTypes.h"

#include <string>
#include <vector>

namespace irplan::seg {

struct AortaFinding {
    bool found = false;
    double lumen_hu = 0;       // median over the slices where it is clearly seen
    double lumenSd_hu = 0;     // spread of those slice medians
    double diameter_mm = 0;    // median disc diameter
    double score = 0;          // mean disc score along the path (0..1)
    int slicesSeen = 0;        // slices where the disc is clear (score >= 0.5)
    int slices = 0;            // slices searched
    std::vector<Vec3> centres_mm; // LPS, one per clearly seen slice
    std::string why;           // when not found
};

AortaFinding findAorta(const FloatImage* ct, const Progress& progress = {});

} // namespace irplan::seg
