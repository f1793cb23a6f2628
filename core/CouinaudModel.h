#pragma once
// The classical Couinaud (Bismuth) model of the liver's segments from its
// vessels, in patient space (LPS mm). Shared by the segmentation (landmarks
// from the segmented vessels) and the phantom (landmarks from its own vessel
// trees, for the truth), so both apply one definition.
//
// Landmarks (DOMAIN.md "Couinaud segments"):
//  - the IVC axis: a polyline along the patient's axis;
//  - the right, middle and left hepatic veins (the three heaviest peaks, at
//    least 35 degrees apart and within a half-turn, of the calibre-weighted
//    angle histogram of the hepatic veins around the IVC above the portal
//    bifurcation, 10-60 mm from its axis): each a vertical surface
//    through the IVC axis that follows the vein's course, i.e. its angle
//    around the IVC axis in the axial plane as a function of the distance
//    from the axis (the veins curve; a straight plane from where they leave
//    the IVC misplaces the far liver);
//  - the portal bifurcation: where the main portal vein divides into its
//    right and left branches; the axial plane through it separates superior
//    (7, 8, 4a) from inferior (6, 5, 4b) segments; in the left lateral sector
//    the axial plane at the left portal vein's height (the calibre-weighted
//    median height of its portal branches there) separates 2 from 3.
// Sectors: posterior right (6/7) behind the right hepatic vein, anterior
// right (5/8) between the right and middle veins, medial left (4) between the
// middle and left veins, lateral left (2/3) beyond the left vein. Segment 1
// (caudate) lies between the IVC and the portal bifurcation: in the axial
// plane, within the band from the IVC axis to the bifurcation (as wide as
// half their distance on each side), from 10 mm below the bifurcation up to
// the hepatic-vein confluence.
//
// Limits: real sector boundaries are curved surfaces (the segmentation
// refines the planes with portal territories, Couinaud.h); the veins are
// taken as straight from the IVC.
#include "core/Geometry.h"

#include <functional>
#include <string>
#include <vector>

namespace irplan {

// A vessel branch as both sources give it.
struct CouinaudBranch {
    std::vector<Vec3> points;  // centreline, LPS mm
    double diameter_mm = 0;    // typical diameter
    int parent = -1;           // index into the list, -1 for a root
    std::string kind;          // "portal", "hepatic", "ivc", "artery", "unknown"
};

struct CouinaudPlanes {
    std::vector<Vec3> ivcAxis;   // sorted by z
    // Angles (degrees) around the IVC axis in the axial plane: 0 towards the
    // patient's right, 90 anterior, 180 left, -90 posterior.
    double rightAngle_deg = 0, middleAngle_deg = 0, leftAngle_deg = 0;
    bool veinFound[3] = {false, false, false}; // right, middle, left measured (else assumed)
    // Each vein's angle as it runs away from the IVC: per 5 mm of distance
    // from the axis (index = distance / 5), the calibre-weighted mean angle of
    // its centreline there; beyond its reach the last one. Empty: the angles above.
    std::vector<double> veinProfile[3];
    Vec3 confluence;             // where the hepatic veins meet the IVC
    Vec3 bifurcation;            // portal bifurcation
    double leftPortalZ = 0;      // height of the left portal vein in the left lateral sector (2 above, 3 below)
    std::string ivcSource;       // how the IVC axis was found
    std::vector<std::string> warnings;
};

// Angle (degrees) of `p` around the IVC axis (at p's height), as above.
double angleAroundIvc(const CouinaudPlanes& planes, const Vec3& p);
// The boundary angle of vein v (0 right, 1 middle, 2 left) at distance r (mm) from the axis.
double veinAngleAt(const CouinaudPlanes& planes, int v, double r_mm);
// The IVC axis at height z (interpolated, constant beyond its ends).
Vec3 ivcAxisAt(const CouinaudPlanes& planes, double z);

// Landmarks from the vessel branches (kinds needed); `liverDistance` (mm
// outside the liver, 0 inside; optional) keeps the portal bifurcation within
// 10 mm of the liver (not the extrahepatic splenic-mesenteric confluence).
// Throws irplan::Error when there is no hepatic vein or no portal vein to
// place them.
CouinaudPlanes couinaudPlanes(const std::vector<CouinaudBranch>& branches,
                              const std::function<double(const Vec3&)>& liverDistance = {});

// Segment 1..8 of a point by the planes (no portal refinement).
int couinaudSegmentAt(const CouinaudPlanes& planes, const Vec3& p);
// Whether a point lies in the caudate band (segment 1).
bool inCaudate(const CouinaudPlanes& planes, const Vec3& p);

} // namespace irplan
