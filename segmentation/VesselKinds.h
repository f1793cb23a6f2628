#pragma once
// Which vessel a branch is: portal vein, hepatic vein, artery or IVC.
//
// Anatomy (DOMAIN.md, "Couinaud segments"): the hepatic veins drain into the
// IVC, a thick vessel running cranio-caudally along the back of the liver;
// the portal vein enters at the hilum, below and in front of the hepatic-vein
// confluence, and is the thickest vessel that is not the IVC. Both trees
// narrow away from their root (Murray's law), and where a portal and a
// hepatic branch touch on the image the contact is thinner than either.
//
// 1. Roots: the IVC = the tallest run (>= 40 mm) of connected branches
//    running within 40 degrees of the patient's axis, >= 5 mm wide, behind
//    the middle of the vessel tree; the portal trunk = the thickest other branch
//    not joining the IVC, below the top of the IVC and below the upper
//    quarter of the liver (where the hepatic veins converge), above its
//    lowest fifth (the right lobe's tip, where a liver mask that leaked into a
//    neighbour meets that neighbour's vessels). The IVC is
//    often faint in the portal phase (mixing of opacified and plain blood),
//    so the hepatic roots are also the thick branches (>= 0.6 of the thickest)
//    in the upper quarter of the liver behind the portal trunk.
// 2. Every branch connected to a root takes the root its blood would flow
//    to: the potential on the vessel graph with the portal trunk held at 1
//    and the hepatic roots at 0, each branch conducting as d^6 / length
//    (steeper than Poiseuille's d^4), so a thin contact where the two trees
//    touch on the image carries almost nothing; >= 0.5 is portal.
// 3. Pieces connected to neither root take the kind of the classified
//    branch they continue (an end within 10 mm, pointing the same way within
//    45 degrees); otherwise they stay unknown.
// 4. Arterial phase: hepatic veins are not yet enhanced; branches of the
//    portal root brighter than the portal trunk by 40 HU (and 3 noise SD)
//    are arteries.
#include "core/Geometry.h"
#include "segmentation/VesselBranches.h"
#include "segmentation/Vessels.h"

#include <string>
#include <vector>

namespace irplan::seg {

struct KindBranch {
    std::vector<Vec3> points;   // LPS mm
    double diameter_mm = 0;     // typical diameter
    double length_mm = 0;
    double lumen_hu = 0;        // lumen level (blood) of the branch
    int startNode = -1, endNode = -1; // graph nodes (shared ends = connected)
    double insideLiver = 0;     // fraction of the points inside the liver
};

struct KindInput {
    std::vector<KindBranch> branches;
    std::string phase;          // "arterial", "portal-venous", "delayed" or "" (unknown: no arteries)
    double liverTop_z = 0, liverBottom_z = 0; // the liver's extent along the patient's axis (LPS z, mm)
    double noise_hu = 10;       // lumen-level noise, for the artery test
};

struct KindResult {
    std::vector<VesselKind> kinds;  // one per branch
    std::vector<std::string> why;   // one per branch
    std::vector<int> ivcBranches;   // indices of the branches taken for the IVC
    int portalTrunk = -1;           // index of the portal root branch
    std::vector<int> hepaticRoots;  // branches taken as hepatic roots besides the IVC (top of the liver)
    std::string method;             // the landmarks used, in words
    std::vector<std::string> warnings;
};

KindResult classifyVesselKinds(const KindInput& input);

} // namespace irplan::seg
