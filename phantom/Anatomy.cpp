#include "phantom/Anatomy.h"

#include "phantom/Lesions.h"
#include "phantom/VesselTree.h"

#include <algorithm>
#include <cmath>

namespace irplan::phantom {

std::map<int, std::string> legend(int lesionCount) {
    std::map<int, std::string> m = {
        {kLiver, "liver"},           {kPortalVein, "portal vein"}, {kHepaticVein, "hepatic vein"},
        {kHepaticArtery, "artery"},  {kAorta, "aorta"},            {kIvc, "inferior vena cava"},
        {kBone, "bone"},             {kKidney, "kidney"},          {kSpleen, "spleen"},
        {kLung, "lung"},             {kHeart, "heart"},            {kGallbladder, "gallbladder"},
        {kBowel, "stomach and bowel"}, {kMuscle, "muscle"},        {kFat, "fat"},
        {kSpinalCanal, "spinal canal"}};
    for (int k = 1; k <= lesionCount; ++k) m[kLesionBase + k] = "lesion " + std::to_string(k);
    return m;
}

// Typical values. CT: late-arterial (~35 s) and portal-venous (~70 s) phases of
// a contrast CT; the liver enhances from ~75 to ~115 HU while NET metastases
// peak in the arterial phase and wash out (DOMAIN.md). PET: SUVs seen on
// 68Ga-DOTATATE (liver ~7, spleen ~20-25, kidneys ~15, blood pool ~1.5).
Tissue tissueOfLabel(int label) {
    switch (label) {
    case kLiver: return {75, 115, 7.0, 400};
    case kPortalVein: return {140, 190, 1.5, 500};
    case kHepaticVein: return {60, 175, 1.5, 250};
    case kHepaticArtery: return {320, 160, 1.5, 900};
    case kAorta: return {330, 165, 1.8, 900};
    case kIvc: return {110, 150, 1.6, 400};
    case kBone: return {230, 235, 1.2, 200};
    case kKidney: return {190, 165, 15.0, 700};
    case kSpleen: return {125, 125, 22.0, 450};
    case kLung: return {-850, -850, 0.4, 10};
    case kHeart: return {320, 170, 2.0, 600};
    case kGallbladder: return {10, 10, 0.3, 50};
    case kBowel: return {35, 45, 2.0, 300};
    case kMuscle: return {50, 58, 0.8, 250};
    case kFat: return {-100, -100, 0.3, 80};
    case kSpinalCanal: return {15, 15, 0.4, 100};
    default: return {-1000, -1000, 0.0, 5};
    }
}

double VesselBranch::meanDiameter() const {
    double s = 0;
    for (double r : radii) s += 2 * r;
    return radii.empty() ? 0 : s / static_cast<double>(radii.size());
}

double VesselBranch::length() const {
    double l = 0;
    for (size_t i = 1; i < points.size(); ++i) l += distance(points[i], points[i - 1]);
    return l;
}

double Lesion::volumeMl() const { return 4.0 / 3.0 * M_PI * semiAxes.x * semiAxes.y * semiAxes.z / 1000.0; }

double diaphragmZ(double x, double y) {
    // Two domes, the right one higher, falling towards the costophrenic recesses.
    const double right = 82.0 - 58.0 * ((x + 72) * (x + 72) / (95.0 * 95.0) + (y - 5) * (y - 5) / (115.0 * 115.0));
    const double left = 72.0 - 58.0 * ((x - 70) * (x - 70) / (95.0 * 95.0) + (y - 5) * (y - 5) / (115.0 * 115.0));
    return std::max({right, left, 18.0});
}

namespace {

Structure make(const std::string& name, ShapePtr s, int label) { return {name, std::move(s), label, tissueOfLabel(label)}; }
Structure make(const std::string& name, ShapePtr s, int label, double huA, double huP) {
    Tissue t = tissueOfLabel(label);
    t.huArterial = huA;
    t.huPortal = huP;
    return {name, std::move(s), label, t};
}

Mat3 rotZ(double deg) { return Mat3::rotationXYZ(0, 0, deg * M_PI / 180.0); }

} // namespace

Anatomy buildAnatomy(uint64_t seed) {
    Anatomy a;
    std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 12345);
    std::uniform_real_distribution<double> jitter(-1.0, 1.0);
    auto j = [&](double amount) { return amount * jitter(rng); };

    // Body wall: skin ellipse, subcutaneous fat, muscle, then the cavity.
    const double zLo = -400, zHi = 400;
    a.body = ellipticCylinder({0, 0, 0}, zLo, zHi, 165 + j(5), 118 + j(4), 165 + j(5), 118 + j(4));
    const ShapePtr muscleWall = offset(a.body, -16);
    const ShapePtr cavity = offset(a.body, -27);
    a.background.push_back(make("subcutaneous fat", a.body, kFat));
    a.background.push_back(make("abdominal wall muscle", muscleWall, kMuscle));
    a.background.push_back(make("visceral fat", cavity, kFat, -95, -95));
    for (double sx : {-1.0, 1.0})
        a.background.push_back(
            make("paraspinal muscle", ellipticCylinder({sx * 38, 80, 0}, zLo, zHi, 28, 21, 28, 21), kMuscle));

    // Diaphragm (a 5 mm muscle sheet) and lungs above it.
    const ShapePtr thorax = offset(a.body, -30);
    Box chest = thorax->bounds();
    chest.lo.z = 10;
    a.background.push_back(make("diaphragm",
                                custom([thorax](const Vec3& p) {
                                    const double zd = diaphragmZ(p.x, p.y);
                                    return std::max(std::abs(p.z - zd - 1.5) - 3.0, thorax->sdf(p));
                                }, chest),
                                kMuscle));
    const ShapePtr mediastinum = ellipticCylinder({5, 10, 0}, zLo, zHi, 32, 60, 32, 60);
    a.background.push_back(make("lungs",
                                custom([thorax, mediastinum](const Vec3& p) {
                                    const double above = diaphragmZ(p.x, p.y) + 4.5 - p.z;
                                    return std::max({thorax->sdf(p), above, -mediastinum->sdf(p)});
                                }, chest),
                                kLung));

    // Heart on the left dome.
    const Mat3 heartAxes = Mat3::rotationXYZ(0.3, 0.0, -0.5);
    const ShapePtr heart = ellipsoid({20 + j(3), -25, 128 + j(3)}, {66, 55, 52}, heartAxes);
    a.background.push_back(make("myocardium", heart, kHeart, 110, 120));
    a.background.push_back(make("cardiac blood pool", offset(heart, -11), kHeart, 320, 170));

    // Spine: vertebral bodies (cortex, then cancellous bone), arch, canal.
    a.background.push_back(make("vertebral arch", ellipticCylinder({0, 80, 0}, zLo, zHi, 22, 14, 22, 14), kBone, 650, 650));
    a.background.push_back(make("spinous process", ellipticCylinder({0, 100, 0}, zLo, zHi, 6, 14, 6, 14), kBone, 600, 600));
    const ShapePtr vertebra = ellipticCylinder({0, 50, 0}, zLo, zHi, 21, 17, 21, 17);
    a.background.push_back(make("vertebral cortex", vertebra, kBone, 700, 700));
    a.background.push_back(make("cancellous bone", offset(vertebra, -2.5), kBone, 230, 235));
    a.background.push_back(make("spinal canal", ellipticCylinder({0, 79, 0}, zLo, zHi, 9, 8, 9, 8), kSpinalCanal));

    // Ribs: tubes following the body wall, descending anteriorly; lower ones shorter.
    for (int r = 0; r < 9; ++r) {
        const double zr = 125 - r * 26.0;
        const double thetaEnd = (zr > 20 ? 0.78 : (zr > -40 ? 0.62 : 0.45)) * M_PI;
        for (double side : {-1.0, 1.0}) {
            std::vector<Vec3> pts;
            std::vector<double> radii;
            for (int i = 0; i <= 24; ++i) {
                const double t = 0.1 * M_PI + (thetaEnd - 0.1 * M_PI) * i / 24.0;
                const double rx = 165 - 21, ry = 118 - 21;
                pts.push_back({side * rx * std::sin(t), ry * std::cos(t), zr - 32.0 * (t / M_PI)});
                radii.push_back(5.0);
            }
            const ShapePtr rib = tube(pts, radii);
            a.background.push_back(make("rib cortex", rib, kBone, 650, 650));
            a.background.push_back(make("rib marrow", offset(rib, -1.6), kBone, 260, 265));
        }
    }

    // Great vessels.
    const ShapePtr aorta = tube({{15, 20, zLo}, {15, 20, zHi}}, {12.5, 12.5});
    a.background.push_back(make("aorta", aorta, kAorta));

    // Organs around the liver.
    const Mat3 kidneyTilt = Mat3::rotationXYZ(0.15, 0.25, 0.0);
    const ShapePtr kidneyR = ellipsoid({-74, 54, -58 + j(3)}, {27, 23, 54}, kidneyTilt);
    const ShapePtr kidneyL = ellipsoid({74, 54, -45 + j(3)}, {27, 23, 54}, Mat3::rotationXYZ(0.15, -0.25, 0.0));
    for (const auto& k : {kidneyR, kidneyL}) {
        a.background.push_back(make("renal cortex", k, kKidney, 190, 165));
        a.background.push_back(make("renal medulla", offset(k, -7), kKidney, 90, 160));
    }
    const ShapePtr spleen = ellipsoid({95 + j(3), 38, 6 + j(4)}, {33, 56, 60}, rotZ(35));
    a.background.push_back(make("spleen", spleen, kSpleen));
    const ShapePtr stomach = ellipsoid({58, -32, 22}, {40, 32, 52}, rotZ(-20));
    a.background.push_back(make("stomach", stomach, kBowel));
    a.background.push_back(make("transverse colon", tube({{-115, -35, -78}, {0, -60, -88}, {115, -35, -72}}, {20, 22, 20}), kBowel, 20, 25));
    for (int i = 0; i < 4; ++i)
        a.background.push_back(make("small bowel", sphere({-40.0 + 30 * i, -30.0 + 10 * (i % 2), -120 + j(5)}, 18), kBowel));
    const ShapePtr gallbladder = ellipsoid({-48, -40, -42}, {14, 16, 30}, Mat3::rotationXYZ(0.5, 0.2, 0));

    // The liver: three smooth-blended lobes with a gently bumpy surface, under
    // the diaphragm, inside the wall, carved around its neighbours.
    const ShapePtr lobes = smoothUnion({ellipsoid({-70 + j(3), 8, 8 + j(3)}, {74, 86, 72}, Mat3::rotationXYZ(0, 0.1, 0.15)),
                                        ellipsoid({18 + j(3), -36, 34}, {66, 40, 30}, rotZ(-15)),
                                        ellipsoid({-25, 6, 22}, {45, 52, 48})},
                                       22.0);
    ShapePtr liver = perturbed(lobes, 2.5, 90.0, static_cast<unsigned>(seed));
    Box liverBox = liver->bounds();
    liver = intersection(liver, custom([](const Vec3& p) { return p.z - (diaphragmZ(p.x, p.y) - 1.0); }, liverBox));
    liver = intersection(liver, offset(a.body, -28));
    for (const auto& s : {offset(kidneyR, 3), offset(gallbladder, 2), offset(stomach, 4), offset(heart, 2), offset(aorta, 3)})
        liver = subtraction(liver, s);
    a.liver = liver;
    a.background.push_back(make("gallbladder", gallbladder, kGallbladder));

    // Vessel trees (portal, hepatic veins, hepatic artery), IVC.
    VesselTreeBuilder trees(a.liver, rng);
    a.branches = trees.build();
    a.lesions = placeLesions(a.liver, a.branches, rng);
    return a;
}

} // namespace irplan::phantom
