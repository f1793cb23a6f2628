#pragma once
// The phantom's Couinaud segments, from its own vessel trees (truth): the
// plane model of core/CouinaudModel.h with the landmarks taken from the
// anatomy's IVC, hepatic-vein and portal trees, and each lesion's segment as
// the one holding most of its voxels in the label map.
#include "core/CouinaudModel.h"
#include "phantom/Phantom.h"

#include <vector>

namespace irplan::phantom {

CouinaudPlanes couinaudPlanesOf(const Anatomy& anatomy);

struct LesionSegments {
    int id = 0;
    int segment = 0;            // holding most of the lesion's voxels
    std::vector<int> touched;   // every segment it touches, sorted
};
std::vector<LesionSegments> lesionSegmentsOf(const PhantomCase& phantom, const CouinaudPlanes& planes);

} // namespace irplan::phantom
