// irplan info PATH [--json] [--series UID]
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "io/VolumeIO.h"
#include "io/VolumeInfo.h"
#include "segmentation/ContrastPhase.h"
#include "segmentation/Liver.h"

#include <iostream>

namespace irplan::cli {

namespace {
struct InfoOptions {
    std::string path;
    std::string series;
    bool json = false;
    bool noPhase = false;
};

bool isCt(const Volume& v) {
    if (v.meta.units != Units::HU && v.meta.modality != "CT" && v.meta.units != Units::Unknown) return false;
    try {
        return seg::imageKindOf(v) == seg::ImageKind::CT;
    } catch (const Error&) {
        return false;
    }
}

void printText(const Json& j) {
    std::cout << j["path"].get<std::string>() << "\n";
    std::cout << "  modality   " << j["modality"].get<std::string>() << "   units " << j["units"].get<std::string>()
              << "\n";
    std::cout << "  size       " << j["size"][0] << " x " << j["size"][1] << " x " << j["size"][2] << "\n";
    std::cout << "  spacing    " << j["spacing_mm"][0] << " x " << j["spacing_mm"][1] << " x " << j["spacing_mm"][2]
              << " mm\n";
    std::cout << "  origin     " << j["origin_mm"][0] << ", " << j["origin_mm"][1] << ", " << j["origin_mm"][2]
              << " mm (LPS)\n";
    std::cout << "  axes       " << j["axis_codes"].get<std::string>() << "\n";
    std::cout << "  range      " << j["min"] << " .. " << j["max"] << "\n";
    const Json& suv = j["suv"];
    if (suv["available"].get<bool>()) {
        std::cout << "  SUVbw      factor " << suv["factor"] << ", SUVmax " << j["max_suv"] << "\n";
    } else {
        std::cout << "  SUV        unavailable: " << suv["reason"].get<std::string>() << "\n";
    }
    if (j.contains("contrast_phase")) {
        const Json& p = j["contrast_phase"];
        std::cout << "  phase      " << p["phase"].get<std::string>();
        if (!p["arterial_timing"].is_null()) std::cout << " (" << p["arterial_timing"].get<std::string>() << ")";
        std::cout << ", confidence " << p["confidence"] << ": " << p["reason"].get<std::string>() << "\n";
    }
    for (const auto& w : j["warnings"]) std::cout << "  warning    " << w.get<std::string>() << "\n";
}
} // namespace

namespace {
void addInfoCommand(CLI::App& app) {
    auto opt = std::make_shared<InfoOptions>();
    CLI::App* cmd = app.add_subcommand("info", "Describe a volume: geometry (LPS mm), units, value range, SUV");
    cmd->add_option("path", opt->path, "DICOM directory or file, NIfTI, NRRD or MetaImage")->required();
    cmd->add_option("--series", opt->series, "SeriesInstanceUID when a DICOM directory holds several series");
    cmd->add_flag("--json", opt->json, "Print JSON");
    cmd->add_flag("--no-phase", opt->noPhase,
                  "Do not estimate the contrast phase of a CT (it finds the aorta and the liver: a few seconds)");
    cmd->callback([opt] {
        ReadOptions ro;
        ro.seriesUid = opt->series;
        ro.progress = stderrProgress(true);
        const Volume v = readVolume(opt->path, ro);
        Json j = volumeInfoJson(v);
        if (!opt->noPhase && isCt(v))
            j["contrast_phase"] = seg::contrastPhaseJson(seg::estimateContrastPhase(v, nullptr, stderrProgress(true)));
        if (opt->json) printJson(j);
        else printText(j);
    });
}

const CommandRegistrar registrar(10, addInfoCommand);
} // namespace

} // namespace irplan::cli
