#pragma once
// The phantom's anatomy in patient space (LPS mm): organs as signed-distance
// shapes, portal/hepatic/arterial vessel trees as centrelines with radii, and
// hypervascular liver lesions. Everything is a deterministic function of the seed.
#include "core/Geometry.h"
#include "phantom/Shapes.h"

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace irplan::phantom {

// Label values of the phantom's label map (legend also written in truth.json).
enum Label : int {
    kBackground = 0,
    kLiver = 1,
    kPortalVein = 2,
    kHepaticVein = 3,
    kHepaticArtery = 4,
    kAorta = 5,
    kIvc = 6,
    kBone = 7,
    kKidney = 8,
    kSpleen = 9,
    kLung = 10,
    kHeart = 11,
    kGallbladder = 12,
    kBowel = 13,
    kMuscle = 14,
    kFat = 15,
    kSpinalCanal = 16,
    kLesionBase = 100, // lesion k has label 100 + k
};
std::map<int, std::string> legend(int lesionCount);

// What a tissue looks like in each image.
struct Tissue {
    double huArterial = 0;
    double huPortal = 0;
    double suv = 0;  // 68Ga-DOTATATE PET
    double mrT1 = 0; // fat-saturated T1 after contrast, arbitrary units
};
Tissue tissueOfLabel(int label);

struct Structure {
    std::string name;
    ShapePtr shape;
    int label;
    Tissue tissue;
};

struct VesselBranch {
    int id = 0;
    int parent = -1;      // -1 for a root
    std::string tree;     // "portal", "hepatic", "artery", "aorta", "ivc"
    int label = 0;
    int generation = 0;
    std::vector<Vec3> points; // centreline, LPS mm
    std::vector<double> radii; // mm, one per point
    double meanDiameter() const;
    double length() const;
};

struct Lesion {
    int id = 0; // 1..n; label kLesionBase + id
    Vec3 centre;
    Vec3 semiAxes;  // mm
    Mat3 axes;      // columns: the semi-axes' directions
    double diameter = 0; // nominal (2 x mean semi-axis), mm
    Tissue tissue;
    std::string note;    // e.g. "abuts portal vein branch 12 (6.1 mm)"
    bool subtleOnCt = false;
    int abutsBranch = -1;
    double gapToVessel = 0; // mm, surface to vessel wall
    double volumeMl() const;
};

struct Anatomy {
    std::vector<Structure> background; // painted first, in order
    ShapePtr liver;
    std::vector<VesselBranch> branches;
    std::vector<Lesion> lesions;
    ShapePtr body;
};

// Height (z, mm) of the diaphragm above (x, y): the liver dome lies under it,
// the lungs above it.
double diaphragmZ(double x, double y);

Anatomy buildAnatomy(uint64_t seed);

} // namespace irplan::phantom
