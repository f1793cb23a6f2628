// irplan rtstruct RTSTRUCT [--list] [--volume VOL --roi NAME --out MASK] [--json]
// Lists the ROIs of an RTSTRUCT, or rasterises one onto a volume's grid (the
// expert contours that come with real data).
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "io/RtStruct.h"
#include "io/VolumeIO.h"

#include <iostream>

namespace irplan::cli {
namespace {

struct RtOptions {
    std::string rtstruct, volume, roi, out, series;
    bool json = false;
};

void addRtStructCommand(CLI::App& app) {
    auto opt = std::make_shared<RtOptions>();
    CLI::App* cmd = app.add_subcommand("rtstruct", "List the ROIs of a DICOM RTSTRUCT or rasterise one onto a volume's grid");
    cmd->add_option("rtstruct", opt->rtstruct, "RTSTRUCT file, or a directory holding one")->required();
    cmd->add_option("--volume", opt->volume, "Volume whose grid the mask takes (DICOM directory, NIfTI, NRRD, MetaImage)");
    cmd->add_option("--series", opt->series, "SeriesInstanceUID of --volume when its directory holds several");
    cmd->add_option("--roi", opt->roi, "ROI name to rasterise");
    cmd->add_option("--out", opt->out, "Output mask (.nii.gz, .nrrd, .mha): 1 inside the ROI, 0 outside");
    cmd->add_flag("--json", opt->json, "Print JSON");
    cmd->callback([opt] {
        const RtStructSet set = readRtStruct(opt->rtstruct);
        Json j;
        j["rtstruct"] = set.path.string();
        j["label"] = set.label;
        Json rois = Json::array();
        for (const auto& r : set.rois)
            rois.push_back({{"number", r.number}, {"name", r.name}, {"contours", r.contours.size()},
                            {"frame_of_reference_uid", r.frameOfReferenceUid}});
        j["rois"] = rois;
        const bool rasterise = !opt->volume.empty() || !opt->roi.empty() || !opt->out.empty();
        if (rasterise) {
            if (opt->volume.empty() || opt->roi.empty() || opt->out.empty())
                throw Error("rasterising needs --volume, --roi and --out together");
            ReadOptions ro;
            ro.seriesUid = opt->series;
            const Volume v = readVolume(opt->volume, ro);
            RasterizeReport report;
            const MaskImage::Pointer mask = rasterizeRoi(set.roi(opt->roi), v.image, v.meta.frameOfReferenceUid, &report);
            size_t voxels = 0;
            const auto* m = mask->GetBufferPointer();
            for (size_t i = 0; i < mask->GetBufferedRegion().GetNumberOfPixels(); ++i) voxels += m[i] != 0;
            if (voxels == 0)
                throw Error("ROI '" + opt->roi + "' covers no voxel of " + opt->volume + " (is it the right volume?)");
            writeMask(mask, opt->out);
            const auto& sp = v.image->GetSpacing();
            j["mask"] = {{"path", opt->out},
                         {"roi", opt->roi},
                         {"voxels", voxels},
                         {"volume_ml", static_cast<double>(voxels) * sp[0] * sp[1] * sp[2] / 1000.0},
                         {"contours_used", report.contoursUsed},
                         {"warnings", report.warnings}};
        }
        if (opt->json) {
            printJson(j);
            return;
        }
        std::cout << set.path.string() << "\n";
        for (const auto& r : set.rois)
            std::cout << "  ROI " << r.number << "  \"" << r.name << "\"  " << r.contours.size() << " contours\n";
        if (rasterise)
            std::cout << "  wrote " << opt->out << ": " << j["mask"]["voxels"] << " voxels, " << j["mask"]["volume_ml"]
                      << " mL\n";
    });
}

const CommandRegistrar registrar(30, addRtStructCommand);
} // namespace
} // namespace irplan::cli
