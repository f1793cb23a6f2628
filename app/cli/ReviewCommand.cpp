// irplan review --pre CT --post CT2 --lesions LESIONS --out DIR [--liver MASK] [--registration DIR]
//               [--lesion-labels auto|lesions|phantom] [--json] [elastix options]
// The margin review after an ablation (review/MarginReview.h).
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "app/cli/RegistrationCliSupport.h"
#include "core/Error.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "review/MarginReview.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace irplan::cli {

namespace {

struct ReviewOptions {
    std::string pre, post, lesions, out, liver, registration, lesionLabels = "auto";
    ElastixCliOptions elastix;
    double iterationScale = 1.0;
    double registrationGrid_mm = 0.0;
    double gridSpacing_mm = 1.0;
    double huLow = -30, huHigh = 75;
    bool json = false;
};

void requireFile(const std::string& path, const char* what) {
    if (!std::filesystem::exists(path)) throw Error(std::string(what) + " not found: " + path);
}

void printSummary(const review::MarginReview& r, const std::filesystem::path& out) {
    std::printf("margin review written to %s\n", out.string().c_str());
    std::printf("  registration  %s: %s (%s)\n", r.registrationPreset.c_str(), r.registrationVerdict.c_str(),
                r.registrationDir.c_str());
    std::printf("  lesion labels %s\n", review::lesionLabelsName(r.lesionLabels));
    std::printf("  %-6s %9s %9s %8s %8s %8s %8s  %-24s %s\n", "lesion", "MAM mm", "lesion %", "5mm %", "10mm %",
                "insuf mL", "zone mL", "verdict", "registration");
    for (const auto& l : r.lesions)
        std::printf("  %-6d %+9.1f %9.1f %8.1f %8.1f %8.2f %8.1f  %-24s %s\n", l.id, l.minimalMargin_mm,
                    l.coverageLesion_pct, l.coverage5mm_pct, l.coverage10mm_pct, l.insufficient_ml, l.zoneVolume_ml,
                    l.verdict.c_str(), l.registrationVerdict.c_str());
    std::printf("  time          %.1f s\n", r.timings_s.count("total") ? r.timings_s.at("total") : 0.0);
}

void addReviewCommand(CLI::App& app) {
    auto opt = std::make_shared<ReviewOptions>();
    CLI::App* cmd = app.add_subcommand(
        "review", "Margin review after an ablation: register the follow-up CT onto the pre-procedure CT, segment the "
                  "ablation zone, and measure each lesion's minimal ablative margin and coverage");
    cmd->add_option("--pre", opt->pre, "Pre-procedure CT (the planning CT): DICOM directory, NIfTI, NRRD, MetaImage")
        ->required();
    cmd->add_option("--post", opt->post, "Follow-up CT after the ablation (portal venous phase)")->required();
    cmd->add_option("--lesions", opt->lesions,
                    "Lesion label map on the pre CT's grid (irplan segment lesions, or a phantom labels.nii.gz)")
        ->required();
    cmd->add_option("--out", opt->out, "Output folder (review.json, zone_post/zone_on_pre/margin_map.nii.gz, "
                                       "registration/)")
        ->required();
    cmd->add_option("--liver", opt->liver,
                    "Liver mask or label map (label 1) on the pre CT's grid (default: segmented on the pre CT)");
    cmd->add_option("--registration", opt->registration,
                    "Reuse this registration result folder (follow-up onto this pre CT) instead of registering");
    cmd->add_option("--lesion-labels", opt->lesionLabels,
                    "How lesions are coded: lesions (label k), phantom (label 100 + k) or auto (phantom when any "
                    "label is >= 100; default)")
        ->check(CLI::IsMember({"auto", "lesions", "phantom"}));
    cmd->add_option("--grid-mm", opt->gridSpacing_mm, "Margin grid spacing around each lesion (default 1 mm)");
    cmd->add_option("--zone-hu", opt->huHigh,
                    "Upper HU of the non-enhancing ablation zone on the follow-up CT (default 75)");
    cmd->add_option("--iteration-scale", opt->iterationScale,
                    "Multiply the registration's iterations (quick previews; default 1)");
    cmd->add_option("--registration-grid-mm", opt->registrationGrid_mm,
                    "Register copies of both CTs with voxels of at least this size (e.g. 2: faster on fine CTs; "
                    "default 0 = full resolution)");
    addElastixOptions(cmd, opt->elastix);
    cmd->add_flag("--json", opt->json, "Quiet: print only review.json");
    cmd->callback([opt] {
        requireFile(opt->pre, "pre-procedure CT");
        requireFile(opt->post, "follow-up CT");
        requireFile(opt->lesions, "lesion map");
        if (!opt->liver.empty()) requireFile(opt->liver, "liver mask");
        if (!opt->registration.empty()) requireFile(opt->registration, "registration folder");
        if (!(opt->iterationScale > 0 && opt->iterationScale <= 10))
            throw Error("--iteration-scale must be in (0, 10]");
        const std::filesystem::path out(opt->out);
        const Progress progress = stderrProgress(opt->json);
        ReadOptions ro;
        ro.progress = progress.sub(0.0, 0.02);
        const Volume pre = readVolume(opt->pre, ro);
        ro.progress = progress.sub(0.02, 0.04);
        const Volume post = readVolume(opt->post, ro);
        const LabelImage::Pointer lesions = readLabelMap(opt->lesions);
        LabelImage::Pointer liver;
        if (!opt->liver.empty()) liver = readLabelMap(opt->liver);

        review::MarginReviewRequest rq;
        rq.preCt = &pre;
        rq.postCt = &post;
        rq.lesions = lesions.GetPointer();
        rq.lesionLabels = review::lesionLabelsFromName(opt->lesionLabels);
        rq.liver = liver.GetPointer();
        rq.registrationDir = out / "registration";
        if (!opt->registration.empty()) rq.existingRegistration = std::filesystem::path(opt->registration);
        rq.elastix = elastixSettings(opt->elastix);
        rq.iterationScale = opt->iterationScale;
        if (!(opt->registrationGrid_mm >= 0 && opt->registrationGrid_mm <= 5))
            throw Error("--registration-grid-mm must be between 0 (full resolution) and 5 mm");
        rq.registrationGrid_mm = opt->registrationGrid_mm;
        rq.gridSpacing_mm = opt->gridSpacing_mm;
        rq.zone.huLow = opt->huLow;
        rq.zone.huHigh = opt->huHigh;
        rq.progress = progress.sub(0.04, 0.98);
        rq.preSource = opt->pre;
        rq.postSource = opt->post;
        rq.lesionsSource = opt->lesions;
        rq.liverSource = opt->liver;
        const review::MarginReview r = review::reviewMargins(rq);
        writeMarginReview(r, out);
        // Loud on stderr whatever --json says: a margin through a bad registration is not a margin.
        for (const auto& w : r.warnings) std::fprintf(stderr, "irplan: WARNING: %s\n", w.c_str());
        if (opt->json) printJson(r.toJson());
        else printSummary(r, out);
    });
}

const CommandRegistrar registrar(75, addReviewCommand);
} // namespace

} // namespace irplan::cli
