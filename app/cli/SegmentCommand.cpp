// irplan segment liver   --ct CT --out DIR [--seed x,y,z]
// irplan segment lesions [--ct CT] [--portal CT2] [--pet PET] [--liver MASK] [--seed x,y,z]... --out DIR
// irplan segment vessels --ct CT --liver MASK --out DIR
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Liver.h"
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
    std::string ct, liver, out;
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
    vo.progress = stderrProgress(o.quiet);
    const seg::VesselResult r = seg::segmentVessels(ct, liver, vo);
    files::ensureDirectory(out);
    writeMask(r.mask, out / "vessels.nii.gz");
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
    for (const auto& b : r.branches) {
        ge += b.ge3mm;
        length += b.length_mm;
        if (b.ge3mm) lengthGe += b.length_mm;
    }
    summary["branches_ge_threshold"] = ge;
    summary["centreline_length_mm"] = length;
    summary["centreline_length_ge_threshold_mm"] = lengthGe;
    summary["threshold_mm"] = r.threshold_mm;
    summary["seconds"] = r.seconds;
    summary["warnings"] = r.warnings;
    printJson(summary);
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

    auto vo = std::make_shared<VesselCliOptions>();
    CLI::App* vessels = cmd->add_subcommand("vessels", "Hepatic vessels with centrelines and diameters -> DIR/vessels.nii.gz, "
                                                       "vessel_diameter_mm.nii.gz, vessels.json");
    vessels->add_option("--ct", vo->ct, "Contrast CT, portal venous phase")->required();
    vessels->add_option("--liver", vo->liver, "Liver mask on the CT's grid (irplan segment liver)")->required();
    vessels->add_option("--out", vo->out, "Output directory")->required();
    vessels->add_option("--threshold", vo->threshold_mm, "Diameter (mm) from which a vessel is flagged as a heat sink (default 3)");
    vessels->add_flag("--quiet", vo->quiet, "No progress lines on stderr");
    vessels->callback([vo] { runVessels(*vo); });
}

const CommandRegistrar registrar(40, addSegmentCommand);

} // namespace

} // namespace irplan::cli
