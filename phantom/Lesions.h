#pragma once
// Places the phantom's hypervascular lesions inside the liver: a large one in
// the right lobe, one abutting a vessel of >= 4.5 mm (the heat-sink case), one
// in the left lobe, a small one subtle on CT but hot on PET, and one below the
// 10 mm detection size. Vessel branches under 3 mm that would cross a lesion
// are removed with their subtrees (tumours displace small vessels).
#include "phantom/Anatomy.h"

#include <random>

namespace irplan::phantom {

std::vector<Lesion> placeLesions(const ShapePtr& liver, std::vector<VesselBranch>& branches, std::mt19937_64& rng);

ShapePtr lesionShape(const Lesion& lesion);

} // namespace irplan::phantom
