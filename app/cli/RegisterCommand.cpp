// irplan register --fixed F --moving M --preset NAME --out DIR [--fixed-mask X] [--moving-mask Y]
//                 [--init auto|geometry|moments|none] [--json] ...
// irplan presets [--json]
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "app/cli/RegistrationCliSupport.h"
#include "core/Error.h"
#include "core/Log.h"
#include "io/VolumeIO.h"
#include "registration/Masks.h"
#include "registration/Presets.h"
#include "registration/Register.h"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace irplan::cli {

namespace {
struct RegisterOptions {
    std::string fixed, moving, preset, out;
    std::string fixedMask, movingMask, fixedMaskLabels, movingMaskLabels;
    double maskDilate_mm = 0;
    std::string init = "auto";
    std::string initialTransform;
    std::string fixedSeries, movingSeries;
    ElastixCliOptions elastix;
    double iterationScale = 1.0;
    bool json = false;
};

MaskImage::Pointer loadMask(const std::string& path, const std::string& labels, double dilate_mm) {
    if (path.empty()) {
        if (!labels.empty()) throw Error("--*-mask-labels needs the matching --*-mask label map");
        return nullptr;
    }
    const LabelImage::Pointer l = readLabelMap(path);
    return registration::maskFromLabels(l, labels.empty() ? std::set<int>{} : registration::parseLabelList(labels),
                                        dilate_mm);
}

void printSummary(const registration::Registration& reg) {
    const Json& j = reg.json();
    std::cout << "registration " << reg.preset() << " (" << reg.transformKind() << ") written to "
              << reg.directory().string() << "\n";
    std::printf("  time          %.1f s (elastix %.1f s)\n", j.value("seconds", 0.0), j.value("elastix_seconds", 0.0));
    std::cout << "  start pose    " << j["init"]["mode"].get<std::string>() << ": " << j["init"]["reason"].get<std::string>()
              << "\n";
    std::printf("  metric        %.4f -> %.4f (mutual information, higher is better)\n", j.value("metric_before", 0.0),
                j.value("metric_after", 0.0));
    if (auto a = reg.fixedToMoving()) {
        const auto m = a->toRowMajor4x4();
        std::printf("  fixed->moving [%9.5f %9.5f %9.5f %9.3f]\n", m[0], m[1], m[2], m[3]);
        std::printf("  (LPS mm)      [%9.5f %9.5f %9.5f %9.3f]\n", m[4], m[5], m[6], m[7]);
        std::printf("                [%9.5f %9.5f %9.5f %9.3f]\n", m[8], m[9], m[10], m[11]);
    }
    const registration::QaReport qa = reg.qa();
    std::cout << "  quality gate  " << qa.verdict << "\n";
    for (const auto& c : qa.checks) std::cout << "    " << c.verdict << "  " << c.name << ": " << c.message << "\n";
}

void addRegisterCommand(CLI::App& app) {
    auto opt = std::make_shared<RegisterOptions>();
    CLI::App* cmd = app.add_subcommand("register", "Register a moving image (PET, MRI, follow-up CT) onto a fixed one "
                                                   "with elastix, with a quality gate");
    cmd->add_option("--fixed", opt->fixed, "Fixed image (planning CT or MRI): DICOM directory, NIfTI, NRRD, MetaImage")
        ->required();
    cmd->add_option("--moving", opt->moving, "Moving image (PET, MRI, follow-up CT)")->required();
    cmd->add_option("--preset", opt->preset,
                    "pet-ct-rigid, pet-ct-affine, pet-ct-deformable, pet-mr, mr-ct, ct-ct-followup, or a preset folder "
                    "(irplan presets lists them)")
        ->required();
    cmd->add_option("--out", opt->out, "Output folder (result.json, moving_resampled.nii.gz, transform files)")
        ->required();
    cmd->add_option("--fixed-mask", opt->fixedMask, "Where elastix samples the fixed image: mask or label map");
    cmd->add_option("--moving-mask", opt->movingMask, "Mask or label map of the moving image");
    cmd->add_option("--fixed-mask-labels", opt->fixedMaskLabels,
                    "Use only these labels of --fixed-mask, e.g. 1 (liver) or 1,100-120");
    cmd->add_option("--moving-mask-labels", opt->movingMaskLabels, "Use only these labels of --moving-mask");
    cmd->add_option("--mask-dilate-mm", opt->maskDilate_mm, "Grow the masks by this many mm (e.g. 15 for the liver)");
    cmd->add_option("--init", opt->init, "Starting pose: auto, geometry, moments or none (default auto)")
        ->check(CLI::IsMember({"auto", "geometry", "moments", "none"}));
    cmd->add_option("--initial-transform", opt->initialTransform,
                    "Start from an earlier (or nudged) registration folder instead of --init");
    cmd->add_option("--fixed-series", opt->fixedSeries, "SeriesInstanceUID when the fixed DICOM folder holds several");
    cmd->add_option("--moving-series", opt->movingSeries, "SeriesInstanceUID when the moving DICOM folder holds several");
    cmd->add_option("--iteration-scale", opt->iterationScale,
                    "Multiply every stage's iterations (quick previews; default 1)");
    addElastixOptions(cmd, opt->elastix);
    cmd->add_flag("--json", opt->json, "Quiet: print only result.json");
    cmd->callback([opt] {
        const auto t0 = std::chrono::steady_clock::now();
        registration::RegisterRequest rq;
        rq.preset = opt->preset;
        registration::presetInfo(opt->preset); // an unknown preset fails before the images are read
        rq.elastix = elastixSettings(opt->elastix);
        ReadOptions ro;
        ro.seriesUid = opt->fixedSeries;
        ro.progress = stderrProgress(opt->json).sub(0.0, 0.02);
        const Volume fixed = readVolume(opt->fixed, ro);
        ro.seriesUid = opt->movingSeries;
        ro.progress = stderrProgress(opt->json).sub(0.02, 0.04);
        const Volume moving = readVolume(opt->moving, ro);
        rq.fixedMask = loadMask(opt->fixedMask, opt->fixedMaskLabels, opt->maskDilate_mm);
        rq.movingMask = loadMask(opt->movingMask, opt->movingMaskLabels, opt->maskDilate_mm);
        std::optional<registration::Registration> previous;
        if (!opt->initialTransform.empty()) {
            previous = registration::Registration::load(opt->initialTransform);
            rq.initialFixedToMoving = previous->linearPart();
        }
        rq.fixed = &fixed;
        rq.moving = &moving;
        rq.init = registration::initModeFromName(opt->init);
        rq.outputDir = opt->out;
        rq.iterationScale = opt->iterationScale;
        rq.progress = stderrProgress(opt->json).sub(0.04, 1.0);
        rq.fixedSource = opt->fixed;
        rq.movingSource = opt->moving;
        rq.fixedMaskSource = opt->fixedMask;
        rq.movingMaskSource = opt->movingMask;
        rq.inputSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const registration::Registration reg = registration::registerVolumes(rq);
        warnAboutVerdict(reg);
        if (opt->json) printJson(reg.json());
        else printSummary(reg);
    });
}

void addPresetsCommand(CLI::App& app) {
    auto json = std::make_shared<bool>(false);
    CLI::App* cmd = app.add_subcommand("presets", "List the registration presets");
    cmd->add_flag("--json", *json, "Print JSON");
    cmd->callback([json] {
        Json all = Json::array();
        for (const auto& name : registration::builtInPresetNames()) {
            const auto p = registration::presetInfo(name);
            all.push_back({{"name", p.name},
                           {"purpose", p.purpose},
                           {"stages", p.stages},
                           {"frames", p.sameScanner ? "same-scanner" : "different-session"},
                           {"fixed_mask", p.fixedMaskAdvice}});
            if (!*json) std::cout << p.name << " (" << p.transformKind() << ")\n  " << p.purpose << "\n";
        }
        if (*json) printJson(all);
    });
}

const CommandRegistrar registrar(40, addRegisterCommand);
const CommandRegistrar registrarPresets(41, addPresetsCommand);
} // namespace

} // namespace irplan::cli
