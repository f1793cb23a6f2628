// irplan nudge --registration DIR --translate-mm x,y,z [--rotate-deg a,b,c] [--centre-mm x,y,z] --out DIR2
// irplan resample --registration DIR --moving M --out FILE [--labels] [--reference R]
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "app/cli/RegistrationCliSupport.h"
#include "core/Error.h"
#include "io/VolumeIO.h"
#include "registration/Masks.h"
#include "registration/Register.h"
#include "registration/Resample.h"

#include <iostream>

namespace irplan::cli {

namespace {
struct NudgeOptions {
    std::string registration, out, translate = "0,0,0", rotate = "0,0,0", centre, fixed, moving;
    ElastixCliOptions elastix;
    bool json = false;
};

std::string sourceOf(const registration::Registration& reg, const char* which, const std::string& given) {
    if (!given.empty()) return given;
    const Json& j = reg.json();
    if (j.contains(which) && j[which].contains("source") && j[which]["source"].is_string())
        return j[which]["source"].get<std::string>();
    throw Error(std::string("the registration does not record its ") + which + " image; give --" + which);
}

MaskImage::Pointer recordedMask(const registration::Registration& reg, const char* key) {
    const Json& j = reg.json();
    if (!j.contains(key) || !j[key].is_string()) return nullptr;
    return registration::maskFromLabels(readLabelMap(j[key].get<std::string>()), {}, 0.0);
}

void addNudgeCommand(CLI::App& app) {
    auto opt = std::make_shared<NudgeOptions>();
    CLI::App* cmd = app.add_subcommand("nudge", "Correct a registration by hand: move the moving image by a small "
                                                "rigid motion, resample and re-run the quality gate");
    cmd->add_option("--registration", opt->registration, "Registration folder to correct")->required();
    cmd->add_option("--out", opt->out, "Output folder (may be the registration folder itself)")->required();
    cmd->add_option("--translate-mm", opt->translate, "Move the moving image by x,y,z mm (LPS) as seen on the fixed grid");
    cmd->add_option("--rotate-deg", opt->rotate, "Turn it by a,b,c degrees about x, then y, then z");
    cmd->add_option("--centre-mm", opt->centre, "Centre of the rotation (default: centre of the fixed image)");
    cmd->add_option("--fixed", opt->fixed, "Fixed image (default: the one recorded in result.json)");
    cmd->add_option("--moving", opt->moving, "Moving image (default: the one recorded in result.json)");
    addElastixOptions(cmd, opt->elastix);
    cmd->add_flag("--json", opt->json, "Quiet: print only result.json");
    cmd->callback([opt] {
        const auto reg = registration::Registration::load(opt->registration);
        ReadOptions ro;
        ro.progress = stderrProgress(opt->json).sub(0.0, 0.05);
        const Volume fixed = readVolume(sourceOf(reg, "fixed", opt->fixed), ro);
        const Volume moving = readVolume(sourceOf(reg, "moving", opt->moving), ro);
        registration::NudgeRequest n;
        n.registration = &reg;
        n.fixed = &fixed;
        n.moving = &moving;
        n.fixedMask = recordedMask(reg, "fixed_mask");
        n.movingMask = recordedMask(reg, "moving_mask");
        n.translation_mm = parseVec3(opt->translate);
        n.rotation_deg = parseVec3(opt->rotate);
        if (!opt->centre.empty()) n.centre_mm = parseVec3(opt->centre);
        n.outputDir = opt->out;
        n.elastix = elastixSettings(opt->elastix);
        n.progress = stderrProgress(opt->json).sub(0.05, 1.0);
        const auto out = registration::nudgeRegistration(n);
        warnAboutVerdict(out);
        if (opt->json) printJson(out.json());
        else std::cout << "nudged registration written to " << out.directory().string() << "; quality gate "
                       << out.verdict() << "\n";
    });
}

struct ResampleCliOptions {
    std::string registration, moving, out, reference;
    bool labels = false, json = false;
    ElastixCliOptions elastix;
};

void addResampleCommand(CLI::App& app) {
    auto opt = std::make_shared<ResampleCliOptions>();
    CLI::App* cmd = app.add_subcommand("resample", "Put a moving-space image (PET, MRI, a label map) on the fixed grid "
                                                   "through a registration");
    cmd->add_option("--registration", opt->registration, "Registration folder")->required();
    cmd->add_option("--moving", opt->moving, "Image in the moving image's space (or a label map with --labels)")
        ->required();
    cmd->add_option("--out", opt->out, "Output file (.nii.gz, .mha, .nrrd)")->required();
    cmd->add_option("--reference", opt->reference, "Resample onto this image's grid instead of the fixed image's");
    cmd->add_flag("--labels", opt->labels, "The input is a label map: nearest-neighbour interpolation");
    addElastixOptions(cmd, opt->elastix);
    cmd->add_flag("--json", opt->json, "Quiet: print a JSON summary");
    cmd->callback([opt] {
        const auto reg = registration::Registration::load(opt->registration);
        registration::ResampleOptions o;
        o.elastix = elastixSettings(opt->elastix);
        o.progress = stderrProgress(opt->json);
        Volume reference;
        if (!opt->reference.empty()) {
            reference = readVolume(opt->reference);
            o.referenceGrid = reference.image;
        }
        if (opt->labels) {
            const auto labels = readLabelMap(opt->moving);
            writeLabelMap(registration::resampleLabelsToFixed(reg, labels, o), opt->out);
        } else {
            const Volume moving = readVolume(opt->moving);
            writeVolume(registration::resampleVolumeToFixed(reg, moving, o), opt->out);
        }
        Json j{{"out", opt->out}, {"registration", opt->registration}, {"labels", opt->labels},
               {"qa_verdict", reg.verdict()}};
        if (opt->json) printJson(j);
        else std::cout << "resampled " << opt->moving << " onto the fixed grid: " << opt->out << "\n";
        warnAboutVerdict(reg);
    });
}

const CommandRegistrar registrar(43, addNudgeCommand);
const CommandRegistrar registrarResample(44, addResampleCommand);
} // namespace

} // namespace irplan::cli
