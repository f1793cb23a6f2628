// irplan segment liver   --ct CT --out DIR [--seed x,y,z]
// irplan segment lesions [--ct CT] [--portal CT2] [--pet PET] [--liver MASK] [--seed x,y,z]... --out DIR
// irplan segment vessels --ct CT --liver MASK --out DIR
// irplan segment couinaud --ct CT --liver MASK --vessels DIR --out DIR
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "core/Files.h"
#include "core/JsonFile.h"
#include "io/VolumeIO.h"
#include "segmentation/Couinaud.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Lesions.h"
#include "segmentation/Liver.h"
#include "segmentation/PetAlignment.h"
#include "segmentation/Vessels.h"
#include "segmentation/SegmentationJson.h"

#include <iostream>

namespace irplan::cli {

namespace {

struct LiverCliOptions {
    std::string ct, out, seed, modality;
    bool quiet = false;
};

void runLiver(const LiverCliOptions& o) {
    const std::filesystem::path out(o.out);
    const Volume ct = readVolume(o.ct);
    seg::LiverOptions lo;
    if (!o.seed.empty()) lo.seed_mm = parseVec3(o.seed);
    if (!o.modality.empty()) lo.kind = seg::imageKindFromName(o.modality);
    lo.progress = stderrProgress(o.quiet);
    const seg::LiverResult r = seg::segmentLiver(ct, lo);
    files::ensureDirectory(out);
    writeMask(r.mask, out / "liver.nii.gz");
    const Json j = seg::liverJson(r, o.ct);
    files::writeTextAtomic(out / "liver.json", j.dump(2) + "\n");
    printJson(j);
}

struct VesselCliOptions {
    std::string ct, liver, out, phase;
    double threshold_mm = 3.0;
    bool quiet = false;
};

void runVessels(const VesselCliOptions& o) {
    const std::filesystem::path out(o.out);
    const Volume ct = readVolume(o.ct);
    LabelImage::Pointer liverLabels = readLabelMap(o.liver);
    MaskImage::Pointer liver = seg::maskFromLabels(liverLabels, o.liver);
    seg::VesselOptions vo;
    vo.threshold_mm = o.threshold_mm;
    vo.phase = o.phase;
    vo.progress = stderrProgress(o.quiet);
    const seg::VesselResult r = seg::segmentVessels(ct, liver, vo);
    files::ensureDirectory(out);
    // One value per kind (the phantom legend's: 2 portal, 3 hepatic, 4 artery, 6 IVC; 1 unknown).
    writeLabelMap(r.kindLabels, out / "vessels.nii.gz");
    Volume diameter;
    diameter.image = r.diameter_mm;
    diameter.meta.units = Units::Unknown;
    diameter.meta.seriesDescription = "vessel diameter (mm)";
    writeVolume(diameter, out / "vessel_diameter_mm.nii.gz");
    writeLabelMap(r.branchLabels, out / "vessel_branches.nii.gz");
    const Json j = seg::vesselsJson(r, o.ct);
    files::writeTextAtomic(out / "vessels.json", j.dump(1) + "\n");
    Json summary;
    summary["out"] = out.string();
    summary["branches"] = r.branches.size();
    size_t ge = 0;
    double length = 0, lengthGe = 0;
    Json byKind = Json::object();
    for (const auto& b : r.branches) {
        ge += b.ge3mm;
        length += b.length_mm;
        if (b.ge3mm) lengthGe += b.length_mm;
        const std::string k = seg::vesselKindName(b.kind);
        byKind[k] = byKind.value(k, 0.0) + b.length_mm;
    }
    summary["centreline_length_mm_by_kind"] = byKind;
    summary["branches_ge_threshold"] = ge;
    summary["centreline_length_mm"] = length;
    summary["centreline_length_ge_threshold_mm"] = lengthGe;
    summary["threshold_mm"] = r.threshold_mm;
    summary["seconds"] = r.seconds;
    summary["warnings"] = r.warnings;
    printJson(summary);
}

struct CouinaudCliOptions {
    std::string ct, liver, vessels, out;
    bool quiet = false;
};

void runCouinaud(const CouinaudCliOptions& o) {
    const std::filesystem::path out(o.out);
    const Volume ct = readVolume(o.ct);
    MaskImage::Pointer liver = seg::maskFromLabels(readLabelMap(o.liver), o.liver);
    if (!seg::sameGrid(ct.image, liver))
        throw Error("the liver mask is not on the CT's grid (size, spacing, origin or direction differ)");
    std::filesystem::path vesselFile(o.vessels);
    std::error_code ec;
    if (std::filesystem::is_directory(vesselFile, ec)) vesselFile /= "vessels.json";
    if (!std::filesystem::is_regular_file(vesselFile, ec))
        throw Error("vessel file not found: " + vesselFile.string() + " (expected irplan segment vessels' vessels.json)");
    const auto branches = seg::couinaudBranchesFromJson(parseJsonFile(vesselFile), vesselFile.string());
    seg::CouinaudOptions co;
    co.progress = stderrProgress(o.quiet);
    const seg::CouinaudResult r = seg::segmentCouinaud(liver, branches, co);
    files::ensureDirectory(out);
    writeLabelMap(r.labels, out / "couinaud.nii.gz");
    const Json j = seg::couinaudJson(r, vesselFile.string());
    files::writeTextAtomic(out / "couinaud.json", j.dump(2) + "\n");
    printJson(j);
}

struct LesionCliOptions {
    std::string ct, portal, pet, liver, vessels, out, registration, modality, phase, portalPhase;
    std::vector<std::string> seeds;
    int liverLabel = 0;
    double minDiameter_mm = 5.0;
    double minConfidence = 0.5;
    bool sameFrame = false, quiet = false;
};

void runLesions(const LesionCliOptions& o) {
    if (o.ct.empty() && o.pet.empty()) throw Error("give at least one image: --ct, or --pet (PET or SPECT)");
    if (!o.portal.empty() && o.ct.empty()) throw Error("--portal (a second contrast phase) needs the first as --ct");
    const std::filesystem::path out(o.out);
    std::vector<Vec3> seeds;
    for (const auto& s : o.seeds) seeds.push_back(parseVec3(s));
    const Progress progress = stderrProgress(o.quiet);
    Volume ct, portal, pet;
    if (!o.ct.empty()) ct = readVolume(o.ct);
    if (!o.modality.empty() && !o.ct.empty()) {
        const seg::ImageKind k = seg::imageKindFromName(o.modality);
        ct.meta.modality = k == seg::ImageKind::CT ? "CT" : "MR";
        if (ct.meta.units == Units::Unknown) ct.meta.units = k == seg::ImageKind::CT ? Units::HU : Units::Signal;
    }
    if (!o.portal.empty()) portal = readVolume(o.portal);
    Json alignment;
    if (!o.pet.empty()) {
        pet = readVolume(o.pet);
        // Given as --pet: an emission image whatever the file says (a plain NIfTI says nothing).
        if (pet.meta.modality.empty()) pet.meta.modality = "PT";
        if (!o.ct.empty()) {
            seg::PetAlignmentOptions ao;
            ao.registrationDir = o.registration;
            ao.assumeSameFrame = o.sameFrame;
            seg::AlignedPet aligned = seg::alignPetToCt(pet, ct, ao);
            pet = aligned.pet;
            alignment["method"] = aligned.method;
            alignment["warnings"] = aligned.warnings;
            if (aligned.ctToPet) {
                Json m = Json::array();
                for (double v : aligned.ctToPet->toRowMajor4x4()) m.push_back(v);
                alignment["matrix_ct_to_pet_lps"] = m;
            }
        }
    }
    const Volume& gridVolume = o.ct.empty() ? pet : ct;
    MaskImage::Pointer liver;
    std::string liverFrom;
    if (!o.liver.empty()) {
        liver = seg::maskFromLabels(readLabelMap(o.liver), o.liver, o.liverLabel);
        if (!seg::sameGrid(liver, gridVolume.image))
            throw Error("the liver mask " + o.liver + " is not on the grid of " +
                        (o.ct.empty() ? o.pet : o.ct) + " (size, spacing, origin or direction differ)");
        liverFrom = o.liver;
    } else if (!o.ct.empty()) {
        seg::LiverOptions lo;
        lo.progress = progress.sub(0.0, 0.3);
        if (!o.modality.empty()) lo.kind = seg::imageKindFromName(o.modality);
        // As `irplan run`: on the second phase when there is one (a later phase
        // shows the liver brightest and most uniform); its tumours join it
        // when the lesions are found.
        lo.includeLesions = false;
        const bool onPortal = !o.portal.empty();
        const seg::LiverResult lr = seg::segmentLiver(onPortal ? portal : ct, lo);
        liver = lr.mask;
        liverFrom = "segmented automatically on " + (onPortal ? o.portal : o.ct) + " (" + std::to_string(int(lr.volume_ml)) +
                    " mL with the lesions found at its surface), written to liver.nii.gz";
    }
    MaskImage::Pointer vessels;
    if (!o.vessels.empty()) {
        const std::filesystem::path vp = std::filesystem::is_directory(o.vessels)
                                             ? std::filesystem::path(o.vessels) / "vessels.nii.gz"
                                             : std::filesystem::path(o.vessels);
        vessels = seg::maskFromLabels(readLabelMap(vp), vp.string(), 0);
        if (!seg::sameGrid(vessels, gridVolume.image)) throw Error("the vessel mask " + vp.string() + " is not on the CT's grid");
    }
    seg::LesionImages images;
    images.ct = o.ct.empty() ? nullptr : &ct;
    images.otherPhase = o.portal.empty() ? nullptr : &portal;
    images.pet = o.pet.empty() ? nullptr : &pet;
    images.liver = liver;
    images.vessels = vessels;
    images.ctPhase = o.phase;
    images.otherPhaseName = o.portalPhase;
    images.seeds_mm = seeds;
    seg::LesionOptions opt;
    opt.minDiameter_mm = o.minDiameter_mm;
    opt.minConfidence = o.minConfidence;
    opt.progress = o.liver.empty() && !o.ct.empty() ? progress.sub(0.3, 1.0) : progress;
    seg::LesionResult r = seg::segmentLesions(images, opt);
    if (!liverFrom.empty()) r.method["liver"] = liverFrom;
    if (!alignment.is_null()) r.method["pet_alignment"] = alignment;
    files::ensureDirectory(out);
    writeLabelMap(r.labels, out / "lesions.nii.gz");
    if (o.liver.empty() && r.liver) writeMask(r.liver, out / "liver.nii.gz");
    Json j = seg::lesionsJson(r);
    Json sources = Json::object();
    sources["ct"] = o.ct;
    sources["portal"] = o.portal;
    sources["pet"] = o.pet;
    sources["liver"] = o.liver;
    j["inputs"] = sources;
    files::writeTextAtomic(out / "lesions.json", j.dump(2) + "\n");
    printJson(j);
}

void addSegmentCommand(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("segment", "Segment the liver, its lesions (CT, MR, PET/SPECT) or its vessels");
    cmd->require_subcommand(1);

    auto lo = std::make_shared<LiverCliOptions>();
    CLI::App* liver = cmd->add_subcommand("liver", "Liver mask from a CT (arterial, portal or unenhanced) or a T1 MR -> DIR/liver.nii.gz");
    liver->add_option("--ct", lo->ct, "CT (or MR) volume: DICOM directory, NIfTI, NRRD or MetaImage")->required();
    liver->add_option("--out", lo->out, "Output directory")->required();
    liver->add_option("--seed", lo->seed, "A point inside the liver, x,y,z in LPS mm (found automatically when absent)");
    liver->add_option("--modality", lo->modality, "CT or MR, for files that do not say (plain NIfTI)");
    liver->add_flag("--quiet", lo->quiet, "No progress lines on stderr");
    liver->callback([lo] { runLiver(*lo); });

    auto eo = std::make_shared<LesionCliOptions>();
    CLI::App* lesions = cmd->add_subcommand("lesions", "Liver lesions from CT in any contrast phase (a second phase with --portal), "
                                                       "MR, PET/SPECT and seeds -> DIR/lesions.nii.gz, lesions.json");
    lesions->add_option("--ct", eo->ct, "Contrast CT in any phase (or MR with --modality MR); defines the output grid");
    lesions->add_option("--portal", eo->portal, "A second contrast phase on the same grid (usually portal venous: washout "
                                                "tells arterial lesions from vessels)");
    lesions->add_option("--phase", eo->phase, "Contrast phase of --ct (non-contrast, arterial, portal-venous, delayed); "
                                              "measured from the image when absent");
    lesions->add_option("--portal-phase", eo->portalPhase, "Contrast phase of --portal; measured when absent");
    lesions->add_option("--vessels", eo->vessels, "Segmented vessels on the CT's grid (irplan segment vessels: its folder or "
                                                  "vessels.nii.gz); bright blobs on them are not lesions");
    lesions->add_option("--min-confidence", eo->minConfidence, "Findings at or above this confidence (0-1) are targets; "
                                                                "below it they are listed to confirm (default 0.5)");
    lesions->add_option("--pet", eo->pet, "PET or SPECT (SUV when its tags allow, else its own units)");
    lesions->add_option("--liver", eo->liver, "Liver mask on the CT's grid (or the PET's without CT); found automatically on --ct when absent");
    lesions->add_option("--liver-label", eo->liverLabel, "Use only this label of --liver (e.g. 5 for TotalSegmentator's liver)");
    lesions->add_option("--seed", eo->seeds, "A point in a lesion to grow one lesion from, x,y,z in LPS mm (repeatable)");
    lesions->add_option("--registration", eo->registration, "irplan register output mapping the CT (fixed) to the PET (moving)");
    lesions->add_flag("--same-frame", eo->sameFrame, "The PET shares the CT's frame of reference (one hybrid PET/CT)");
    lesions->add_option("--min-diameter", eo->minDiameter_mm, "Smallest lesion reported automatically, mm (default 5)");
    lesions->add_option("--modality", eo->modality, "CT or MR for --ct files that do not say");
    lesions->add_option("--out", eo->out, "Output directory")->required();
    lesions->add_flag("--quiet", eo->quiet, "No progress lines on stderr");
    lesions->callback([eo] { runLesions(*eo); });

    auto vo = std::make_shared<VesselCliOptions>();
    CLI::App* vessels = cmd->add_subcommand("vessels", "Hepatic vessels with centrelines, diameters and kinds -> "
                                                       "DIR/vessels.nii.gz, vessel_diameter_mm.nii.gz, vessels.json");
    vessels->add_option("--ct", vo->ct, "Contrast CT, portal venous phase")->required();
    vessels->add_option("--liver", vo->liver, "Liver mask on the CT's grid (irplan segment liver)")->required();
    vessels->add_option("--out", vo->out, "Output directory")->required();
    vessels->add_option("--threshold", vo->threshold_mm, "Diameter (mm) from which a vessel is flagged as a heat sink (default 3)");
    vessels->add_option("--phase", vo->phase, "Contrast phase when known: arterial (arteries are labelled), portal-venous, delayed")
        ->check(CLI::IsMember({"arterial", "portal-venous", "delayed"}));
    vessels->add_flag("--quiet", vo->quiet, "No progress lines on stderr");
    vessels->callback([vo] { runVessels(*vo); });

    auto cu = std::make_shared<CouinaudCliOptions>();
    CLI::App* couinaud = cmd->add_subcommand("couinaud", "Couinaud segments 1-8 from the hepatic and portal veins -> "
                                                         "DIR/couinaud.nii.gz, couinaud.json");
    couinaud->add_option("--ct", cu->ct, "The CT the liver and vessels were segmented on (the output grid)")->required();
    couinaud->add_option("--liver", cu->liver, "Liver mask on the CT's grid")->required();
    couinaud->add_option("--vessels", cu->vessels, "irplan segment vessels output (DIR or DIR/vessels.json), with branch kinds")
        ->required();
    couinaud->add_option("--out", cu->out, "Output directory")->required();
    couinaud->add_flag("--quiet", cu->quiet, "No progress lines on stderr");
    couinaud->callback([cu] { runCouinaud(*cu); });
}

const CommandRegistrar registrar(40, addSegmentCommand);

} // namespace

} // namespace irplan::cli
