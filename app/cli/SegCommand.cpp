// irplan seg SEG [--volume VOL [--series UID]] [--out LABELS] [--json]
// Lists the segments of a DICOM SEG, or imports it as a label map (on a
// volume's grid, or on the SEG's own).
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "io/DicomExport.h"
#include "io/VolumeIO.h"

#include <iostream>

namespace irplan::cli {
namespace {

struct SegCliOptions {
    std::string seg, volume, series, out;
    bool json = false;
};

void addSegCommand(CLI::App& app) {
    auto o = std::make_shared<SegCliOptions>();
    CLI::App* cmd = app.add_subcommand("seg", "List the segments of a DICOM SEG or import it as a label map");
    cmd->add_option("seg", o->seg, "DICOM SEG file")->required();
    cmd->add_option("--volume", o->volume, "Volume whose grid the label map takes (default: the SEG's own geometry)");
    cmd->add_option("--series", o->series, "SeriesInstanceUID of --volume when its directory holds several");
    cmd->add_option("--out", o->out, "Write the label map here (.nii.gz, .nrrd, .mha)");
    cmd->add_flag("--json", o->json, "Print JSON");
    cmd->callback([o] {
        Volume v;
        if (!o->volume.empty()) {
            ReadOptions ro;
            ro.seriesUid = o->series;
            v = readVolume(o->volume, ro);
        }
        const SegImport seg = readDicomSeg(o->seg, v.image ? v.image.GetPointer() : nullptr);
        if (!o->out.empty()) writeLabelMap(seg.labels, o->out);
        const auto& sp = seg.labels->GetSpacing();
        const double voxelMl = sp[0] * sp[1] * sp[2] / 1000.0;
        Json j;
        j["seg"] = o->seg;
        j["series_instance_uid"] = seg.references.seriesInstanceUid;
        j["frame_of_reference_uid"] = seg.references.frameOfReferenceUid;
        j["referenced_series_uids"] = seg.references.referencedSeriesUids;
        j["referenced_images"] = seg.references.referencedSopInstanceUids.size();
        if (v.image && !v.meta.seriesInstanceUid.empty()) {
            bool refersToVolume = false;
            for (const auto& s : seg.references.referencedSeriesUids)
                refersToVolume |= s == v.meta.seriesInstanceUid;
            j["refers_to_volume"] = refersToVolume;
        }
        Json segments = Json::array();
        for (const auto& s : seg.segments)
            segments.push_back({{"number", s.number},
                                {"label", s.label},
                                {"name", s.name},
                                {"frames", s.frames},
                                {"voxels", s.voxels},
                                {"volume_ml", s.voxels * voxelMl},
                                {"category", s.category.meaning},
                                {"type", s.type.meaning},
                                {"rgb", {s.rgb[0], s.rgb[1], s.rgb[2]}}});
        j["segments"] = segments;
        j["overlapping_voxels"] = seg.overlappingVoxels;
        j["warnings"] = seg.warnings;
        if (!o->out.empty()) j["out"] = o->out;
        if (o->json) {
            printJson(j);
            return;
        }
        std::cout << o->seg << ": " << seg.segments.size() << " segment(s), refers to series";
        for (const auto& s : seg.references.referencedSeriesUids)
            std::cout << " " << s;
        std::cout << "\n";
        for (const auto& s : seg.segments)
            std::cout << "  " << s.number << "  label " << s.label << "  \"" << s.name << "\"  " << s.frames
                      << " frames, " << s.voxels * voxelMl << " mL\n";
        for (const auto& w : seg.warnings)
            std::cout << "  warning: " << w << "\n";
    });
}

const CommandRegistrar registrar(62, addSegCommand);
} // namespace
} // namespace irplan::cli
