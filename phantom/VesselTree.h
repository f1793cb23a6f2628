#pragma once
// Grows the liver's vessel trees by space colonisation: attraction points fill
// the liver, every tree node grows towards the points nearest to it, and the
// trees branch where their points pull apart, so the vessels reach every part
// of the organ. Radii follow a Murray-type law (r^2.6 = sum of the children's r^2.6),
// scaled so the portal vein enters the hilum at ~13-14 mm and the hepatic veins
// leave at 9-11 mm; the terminal branches are ~1 mm. Where a portal and a
// hepatic branch would touch, the thinner one is pruned, so trees never cross.
#include "phantom/Anatomy.h"

#include <random>

namespace irplan::phantom {

class VesselTreeBuilder {
public:
    VesselTreeBuilder(ShapePtr liver, std::mt19937_64& rng);
    std::vector<VesselBranch> build();

    static std::vector<Vec3> ivcCentreline();
    static constexpr double kIvcRadius = 11.0;

private:
    ShapePtr liver_;
    std::mt19937_64& rng_;
};

// Removes branches that cross or touch a branch of another tree (keeping the
// thicker), with their subtrees. Only pairs of trees named in `pairs` (e.g.
// "portal|hepatic") are compared; roots (parent -1) are never removed.
// Returns how many branches were removed.
size_t pruneCrossings(std::vector<VesselBranch>& branches, double gap_mm, const std::vector<std::string>& pairs);

} // namespace irplan::phantom
