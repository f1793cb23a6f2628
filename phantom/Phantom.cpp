#include "phantom/Phantom.h"

#include "phantom/CouinaudTruth.h"

#include "core/Error.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "phantom/CtSynth.h"
#include "phantom/EmissionSynth.h"
#include "phantom/PhantomDicom.h"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace irplan::phantom {
namespace fs = std::filesystem;

namespace {

Json vec(const Vec3& v) { return Json::array({v.x, v.y, v.z}); }

Json gridJson(const Grid& g) {
    Json j;
    j["size"] = {g.size[0], g.size[1], g.size[2]};
    j["spacing_mm"] = vec(g.spacing);
    j["origin_mm"] = vec(g.origin);
    Json d = Json::array();
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) d.push_back(g.direction(r, c));
    j["direction"] = d;
    return j;
}

Json matrixJson(const Affine& a) {
    Json m = Json::array();
    for (double v : a.toRowMajor4x4()) m.push_back(v);
    return m;
}

Volume makeVolume(FloatImage::Pointer img, const std::string& modality, Units units, const std::string& description) {
    Volume v;
    v.image = std::move(img);
    v.meta.modality = modality;
    v.meta.units = units;
    v.meta.format = "phantom";
    v.meta.seriesDescription = description;
    if (units == Units::SUVbw) {
        v.meta.suv.available = true;
        v.meta.suv.alreadySuv = true;
        v.meta.suv.factor = 1.0;
    }
    return v;
}

// Bifurcations of vessels of at least 4 mm: landmarks for registration tests.
std::vector<std::pair<std::string, Vec3>> vesselLandmarks(const Anatomy& a) {
    std::vector<std::pair<std::string, Vec3>> out;
    for (const auto& b : a.branches) {
        if (b.tree == "ivc" || b.meanDiameter() < 4.0) continue;
        int children = 0;
        for (const auto& c : a.branches) children += c.parent == b.id;
        if (children < 2) continue;
        const std::string kind = b.tree == "artery" ? "hepatic artery" : b.tree + " vein";
        char name[160];
        std::snprintf(name, sizeof name, "%s bifurcation at the end of branch %d (%.1f mm)", kind.c_str(), b.id,
                      b.meanDiameter());
        out.emplace_back(name, b.points.back());
    }
    return out;
}

} // namespace

Grid defaultCtGrid(bool clinical, const std::optional<Vec3>& spacing) {
    if (clinical) {
        // 512 x 512 x 300 at 0.78 x 0.78 x 1.0 mm: a typical diagnostic abdomen.
        Grid g = Grid::centred({0, 0, -25}, {400, 400, 300}, {0.78125, 0.78125, 1.0});
        if (spacing) g = Grid::centred({0, 0, -25}, {400, 400, 300}, *spacing);
        return g;
    }
    // About 0.8 x 0.8 x 1.5 mm over the upper abdomen (liver, kidneys, spleen, lung bases).
    return Grid::centred({0, 0, -5}, {352, 256, 201}, spacing.value_or(Vec3{0.8, 0.8, 1.5}));
}

PhantomCase generatePhantom(const PhantomOptions& opt) {
    const auto t0 = std::chrono::steady_clock::now();
    if (opt.spacing && (!(opt.spacing->x > 0.2) || !(opt.spacing->y > 0.2) || !(opt.spacing->z > 0.2) ||
                        opt.spacing->x > 5 || opt.spacing->y > 5 || opt.spacing->z > 5))
        throw Error("phantom voxel size must be between 0.2 and 5 mm on each axis");
    PhantomCase p;
    p.options = opt;
    const Progress& progress = opt.progress;
    progress.update(0.0, "building the anatomy");
    p.anatomy = buildAnatomy(opt.seed);
    progress.update(0.05, "anatomy built");

    p.ctGrid = defaultCtGrid(opt.clinical, opt.spacing);
    CtImages ct = synthesizeCt(p.anatomy, p.ctGrid, opt.seed, progress.sub(0.05, 0.6));
    p.ctArterial = makeVolume(ct.arterial, "CT", Units::HU, "IRPlan phantom CT late arterial phase");
    p.ctPortal = makeVolume(ct.portal, "CT", Units::HU, "IRPlan phantom CT portal venous phase");
    p.labels = ct.labels;

    // PET: 4 mm voxels over the CT's length, wider in-plane (a PET ring sees the whole body).
    const Vec3 ctCentre = p.ctGrid.point((p.ctGrid.size[0] - 1) / 2.0, (p.ctGrid.size[1] - 1) / 2.0,
                                         (p.ctGrid.size[2] - 1) / 2.0);
    const double ctLength = p.ctGrid.size[2] * p.ctGrid.spacing.z;
    p.petGrid = Grid::centred(ctCentre + Vec3{0, 0, 2.0}, {512, 512, ctLength - 16.0}, {4.0, 4.0, 4.0});
    p.petMotion = makePetMotion(opt.seed, p.anatomy.liver, {-30, 0, 10});
    p.pet = makeVolume(synthesizePet(p.anatomy, ct, p.ctGrid, p.petGrid, p.petMotion, opt.seed, progress.sub(0.6, 0.85)),
                       "PT", Units::SUVbw, "IRPlan phantom 68Ga-DOTATATE PET (SUVbw)");

    if (opt.mr) {
        p.ctToMr = makeMrMotion(opt.seed, {-30, 0, 10});
        // An oblique 1.5 x 1.5 x 3 mm T1 around the liver, as the MR scanner placed it.
        const Mat3 tilt = Mat3::rotationXYZ(0.06, -0.04, 0.08);
        p.mrGrid = Grid::centred(p.ctToMr.apply({-20, 0, 5}), {384, 300, 180}, {1.5, 1.5, 3.0}, tilt);
        p.mr = makeVolume(synthesizeMr(p.anatomy, ct, p.ctGrid, p.mrGrid, p.ctToMr, opt.seed, progress.sub(0.85, 1.0)),
                          "MR", Units::Signal, "IRPlan phantom T1 fat-saturated late arterial");
    }
    p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.update(1.0, "phantom generated");
    return p;
}

Json truthJson(const PhantomCase& p) {
    const Anatomy& a = p.anatomy;
    Json j;
    j["irplan_phantom_version"] = 1;
    j["seed"] = p.options.seed;
    j["clinical"] = p.options.clinical;
    j["coordinates"] = "LPS millimetres (DICOM/ITK patient space)";
    Json legendJson = Json::object();
    for (const auto& [label, name] : legend(static_cast<int>(a.lesions.size()))) legendJson[std::to_string(label)] = name;
    j["legend"] = legendJson;
    j["ct_grid"] = gridJson(p.ctGrid);
    j["pet_grid"] = gridJson(p.petGrid);
    if (p.options.mr) j["mr_grid"] = gridJson(p.mrGrid);
    j["ct_noise_hu"] = kCtNoiseHu;
    j["pet_fwhm_mm"] = kPetFwhmMm;

    Json tissues = Json::object();
    for (const auto& [label, name] : legend(0)) {
        const Tissue t = tissueOfLabel(label);
        tissues[name] = {{"label", label}, {"hu_arterial", t.huArterial}, {"hu_portal", t.huPortal}, {"suv", t.suv}};
    }
    j["tissues"] = tissues;

    // Label volumes from the label map itself.
    std::map<int, size_t> counts;
    const auto* lab = p.labels->GetBufferPointer();
    for (size_t i = 0; i < p.ctGrid.voxels(); ++i) ++counts[lab[i]];
    const double voxelMl = p.ctGrid.spacing.x * p.ctGrid.spacing.y * p.ctGrid.spacing.z / 1000.0;
    j["liver_volume_ml"] = counts[kLiver] * voxelMl;

    // Couinaud segments from the phantom's own vessel trees (core/CouinaudModel.h).
    std::map<int, LesionSegments> segments;
    Json couinaud;
    try {
        const CouinaudPlanes planes = couinaudPlanesOf(a);
        for (const auto& s : lesionSegmentsOf(p, planes)) segments[s.id] = s;
        Json axis = Json::array();
        for (const auto& q : planes.ivcAxis) axis.push_back(vec(q));
        couinaud = {{"method", "plane model of the phantom's own IVC, hepatic-vein and portal trees; a lesion's segment "
                               "holds most of its voxels"},
                    {"ivc_axis_mm", axis},
                    {"hepatic_vein_angles_deg", {planes.rightAngle_deg, planes.middleAngle_deg, planes.leftAngle_deg}},
                    {"portal_bifurcation_mm", vec(planes.bifurcation)},
                    {"left_portal_vein_z_mm", planes.leftPortalZ},
                    {"warnings", planes.warnings}};
    } catch (const Error& e) {
        couinaud = {{"error", e.what()}};
    }
    j["couinaud"] = couinaud;

    Json lesions = Json::array();
    for (const auto& l : a.lesions) {
        Json e;
        if (segments.count(l.id)) {
            e["couinaud_segment"] = segments[l.id].segment;
            e["couinaud_segments"] = segments[l.id].touched;
        }
        e["id"] = l.id;
        e["label"] = kLesionBase + l.id;
        e["centre_mm"] = vec(l.centre);
        e["centre_pet_mm"] = vec(p.ctToPet(l.centre));
        if (p.options.mr) e["centre_mr_mm"] = vec(p.ctToMr.apply(l.centre));
        e["diameter_mm"] = l.diameter;
        e["semi_axes_mm"] = vec(l.semiAxes);
        Json axes = Json::array();
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) axes.push_back(l.axes(r, c));
        e["axes"] = axes;
        e["volume_ml"] = l.volumeMl();
        e["voxel_volume_ml"] = counts[kLesionBase + l.id] * voxelMl;
        e["hu_arterial"] = l.tissue.huArterial;
        e["hu_portal"] = l.tissue.huPortal;
        e["suv"] = l.tissue.suv;
        e["subtle_on_ct"] = l.subtleOnCt;
        e["note"] = l.note;
        if (l.abutsBranch >= 0) {
            e["abuts_vessel_branch"] = l.abutsBranch;
            e["gap_to_vessel_mm"] = l.gapToVessel;
        }
        lesions.push_back(e);
    }
    j["lesions"] = lesions;

    Json vessels = Json::array();
    for (const auto& b : a.branches) {
        Json v;
        v["id"] = b.id;
        v["tree"] = b.tree;
        v["label"] = b.label;
        v["parent"] = b.parent;
        v["generation"] = b.generation;
        v["diameter_mm"] = b.meanDiameter();
        v["length_mm"] = b.length();
        v["ge_3mm"] = b.meanDiameter() >= 3.0;
        Json pts = Json::array();
        for (const auto& q : b.points) pts.push_back(vec(q));
        v["points_mm"] = pts;
        v["radii_mm"] = b.radii;
        vessels.push_back(v);
    }
    j["vessels"] = vessels;

    Json pet;
    pet["convention"] = "maps a CT point x (fixed) to the same anatomy in the PET (moving), elastix's fixed-to-moving "
                        "convention: y = R (x + w(x) s) + t, w = 1 inside the liver fading to 0 at falloff_mm outside";
    pet["rigid_matrix_ct_to_pet_lps"] = matrixJson(p.petMotion.rigidCtToPet);
    pet["rotation_deg"] = p.petMotion.rigidCtToPet.rotationAngleDeg();
    pet["breathing_shift_mm"] = vec(p.petMotion.breathingShift);
    pet["breathing_falloff_mm"] = p.petMotion.weight.falloff();
    j["pet_registration"] = pet;
    if (p.options.mr) {
        Json mr;
        mr["convention"] = "maps a CT point (fixed) to the MR (moving): y = A x";
        mr["rigid_matrix_ct_to_mr_lps"] = matrixJson(p.ctToMr);
        mr["rotation_deg"] = p.ctToMr.rotationAngleDeg();
        j["mr_registration"] = mr;
    }

    Json landmarks = Json::array();
    auto addLandmark = [&](const std::string& name, const Vec3& x) {
        Json l{{"name", name}, {"ct_mm", vec(x)}, {"pet_mm", vec(p.ctToPet(x))}};
        if (p.options.mr) l["mr_mm"] = vec(p.ctToMr.apply(x));
        landmarks.push_back(l);
    };
    for (const auto& l : a.lesions) addLandmark("lesion " + std::to_string(l.id) + " centre", l.centre);
    for (const auto& [name, x] : vesselLandmarks(a)) addLandmark(name, x);
    j["landmarks"] = landmarks;
    j["generation_seconds"] = p.seconds;
    return j;
}

PhantomFiles writePhantom(const PhantomCase& p, const fs::path& dir, bool dicom, const Progress& progress) {
    files::ensureDirectory(dir);
    PhantomFiles f;
    f.ctArterial = dir / "ct_arterial.nii.gz";
    f.ctPortal = dir / "ct_portal.nii.gz";
    f.pet = dir / "pet.nii.gz";
    f.labels = dir / "labels.nii.gz";
    f.truth = dir / "truth.json";
    f.caseFile = dir / "case.json";
    WriteOptions ctOptions;
    ctOptions.pixelType = PixelType::Int16;
    progress.update(0.0, "writing CT");
    writeVolume(p.ctArterial, f.ctArterial, ctOptions);
    writeVolume(p.ctPortal, f.ctPortal, ctOptions);
    progress.update(0.4, "writing PET and labels");
    writeVolume(p.pet, f.pet);
    writeLabelMap(p.labels, f.labels);
    if (p.options.mr) {
        f.mr = dir / "mr.nii.gz";
        writeVolume(p.mr, f.mr);
    }
    files::writeTextAtomic(f.truth, truthJson(p).dump(1) + "\n");

    Case c;
    c.name = "IRPlan phantom (seed " + std::to_string(p.options.seed) + ")";
    c.baseDir = fs::absolute(dir);
    setVolume(c, {"ct", "ct", "ct_arterial.nii.gz", "arterial", "HU", "", "", Json::object()});
    setVolume(c, {"ct_portal", "ct", "ct_portal.nii.gz", "portal", "HU", "", "", Json::object()});
    setVolume(c, {"pet", "pet", "pet.nii.gz", "", "SUVbw", "", "", Json::object()});
    if (p.options.mr) setVolume(c, {"mr", "mr", "mr.nii.gz", "", "signal", "", "", Json::object()});
    CaseSegmentation s;
    s.id = "truth_labels";
    s.kind = "labels";
    s.path = "labels.nii.gz";
    s.volumeId = "ct";
    s.legend = legend(static_cast<int>(p.anatomy.lesions.size()));
    s.extra["truth"] = "truth.json";
    setSegmentation(c, s);
    if (dicom) {
        progress.update(0.6, "writing DICOM");
        f.dicomDir = dir / "dicom";
        writePhantomDicom(p, f.dicomDir, progress.sub(0.6, 1.0));
    }
    saveCase(c, f.caseFile);
    progress.update(1.0, "phantom written");
    return f;
}

} // namespace irplan::phantom
