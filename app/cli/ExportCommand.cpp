// irplan export --labels LABELS --ct-dicom DIR --out DIR [--format seg,rtstruct,nifti]
//               [--legend FILE] [--select 1,101,...] [--series UID] [--algorithm TYPE] [--json]
// Writes a label map drawn on a CT as DICOM SEG and/or RTSTRUCT referring to
// that CT series, and/or as NIfTI with its legend.
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "core/Files.h"
#include "io/DicomExport.h"
#include "io/VolumeIO.h"

#include <iostream>
#include <set>
#include <sstream>

namespace irplan::cli {
namespace {

struct ExportCliOptions {
    std::string labels, ctDicom, series, out, format = "seg,rtstruct", legend, select, algorithm = "SEMIAUTOMATIC";
    bool json = false;
};

std::set<std::string> parseFormats(const std::string& text) {
    std::set<std::string> out;
    std::stringstream ss(text);
    std::string f;
    while (std::getline(ss, f, ',')) {
        if (f != "seg" && f != "rtstruct" && f != "nifti")
            throw Error("unknown export format '" + f + "': use seg, rtstruct and/or nifti (comma-separated)");
        out.insert(f);
    }
    if (out.empty()) throw Error("--format needs at least one of seg, rtstruct, nifti");
    return out;
}

std::vector<int> parseSelection(const std::string& text) {
    std::vector<int> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, ',')) {
        try {
            size_t used = 0;
            const int v = std::stoi(item, &used);
            if (used != item.size() || v <= 0) throw std::invalid_argument(item);
            out.push_back(v);
        } catch (const std::exception&) {
            throw Error("--select takes label values separated by commas (e.g. 1,101), not '" + text + "'");
        }
    }
    return out;
}

void addExportCommand(CLI::App& app) {
    auto o = std::make_shared<ExportCliOptions>();
    CLI::App* cmd = app.add_subcommand(
        "export", "Export a label map as DICOM SEG / RTSTRUCT (referring to its CT series) or NIfTI");
    cmd->add_option("--labels", o->labels, "Label map (NIfTI, NRRD, MetaImage) on the CT's grid")->required();
    cmd->add_option("--ct-dicom", o->ctDicom,
                    "DICOM directory of the CT series the labels were drawn on (SEG, RTSTRUCT)");
    cmd->add_option("--series", o->series, "SeriesInstanceUID of that CT when the directory holds several");
    cmd->add_option("--out", o->out, "Output directory")->required();
    cmd->add_option("--format", o->format, "seg, rtstruct and/or nifti, comma-separated (default seg,rtstruct)");
    cmd->add_option("--legend", o->legend,
                    "Names of the labels: JSON {\"legend\": {\"1\": \"liver\"}} (e.g. truth.json)");
    cmd->add_option("--select", o->select, "Export only these label values (comma-separated)");
    cmd->add_option("--algorithm", o->algorithm,
                    "How the labels were made: AUTOMATIC, SEMIAUTOMATIC (default) or MANUAL");
    cmd->add_flag("--json", o->json, "Print JSON");
    cmd->callback([o] {
        const std::set<std::string> formats = parseFormats(o->format);
        const bool dicom = formats.count("seg") || formats.count("rtstruct");
        if (dicom && o->ctDicom.empty())
            throw Error("SEG and RTSTRUCT exports need --ct-dicom (the CT series they refer to)");
        const LabelImage::Pointer labels = readLabelMap(o->labels);
        const std::map<int, std::string> legend =
            o->legend.empty() ? std::map<int, std::string>{} : readLegend(o->legend);
        const std::vector<int> present = labelsPresent(labels);
        if (present.empty()) throw Error(o->labels + " holds no label (every voxel is 0): nothing to export");
        std::vector<int> chosen = present;
        if (!o->select.empty()) {
            chosen = parseSelection(o->select);
            for (int v : chosen)
                if (!std::binary_search(present.begin(), present.end(), v))
                    throw Error("label " + std::to_string(v) + " is not in " + o->labels);
        }
        const std::vector<StructureStyle> styles = styleLabels(chosen, legend);
        const std::filesystem::path out = o->out;
        files::ensureDirectory(out);

        Json j;
        j["labels"] = o->labels;
        Json filesJson = Json::object();
        DicomExportOptions eo;
        eo.algorithmType = o->algorithm;
        if (dicom) {
            const ReferencedSeries ref = readReferencedSeries(o->ctDicom, o->series);
            j["referenced_series"] = {{"series_instance_uid", ref.seriesInstanceUid},
                                      {"study_instance_uid", ref.studyInstanceUid},
                                      {"frame_of_reference_uid", ref.frameOfReferenceUid},
                                      {"images", ref.slices.size()}};
            if (formats.count("seg")) {
                const auto r = writeDicomSeg(labels, styles, ref, out / "segmentation.dcm", eo);
                filesJson["seg"] = {{"path", r.file.string()},
                                    {"segments", r.structures},
                                    {"frames", r.frames},
                                    {"sop_instance_uid", r.sopInstanceUid}};
            }
            if (formats.count("rtstruct")) {
                const auto r = writeRtStructFromLabels(labels, styles, ref, out / "rtstruct.dcm", eo);
                filesJson["rtstruct"] = {{"path", r.file.string()},
                                         {"rois", r.structures},
                                         {"contours", r.contours},
                                         {"sop_instance_uid", r.sopInstanceUid}};
            }
        }
        if (formats.count("nifti")) {
            auto copy = LabelImage::New();
            copy->CopyInformation(labels);
            copy->SetRegions(labels->GetLargestPossibleRegion());
            copy->Allocate(true);
            const std::set<int> keep(chosen.begin(), chosen.end());
            const auto* src = labels->GetBufferPointer();
            auto* dst = copy->GetBufferPointer();
            for (size_t i = 0; i < labels->GetBufferedRegion().GetNumberOfPixels(); ++i)
                dst[i] = keep.count(src[i]) ? src[i] : 0;
            writeLabelMap(copy, out / "labels.nii.gz");
            Json lj = Json::object();
            for (const auto& s : styles)
                lj[std::to_string(s.label)] = s.name;
            files::writeTextAtomic(out / "legend.json", Json{{"legend", lj}}.dump(2) + "\n");
            filesJson["nifti"] = {{"path", (out / "labels.nii.gz").string()},
                                  {"legend", (out / "legend.json").string()}};
        }
        j["files"] = filesJson;
        Json structures = Json::array();
        const auto& sp = labels->GetSpacing();
        const double voxelMl = sp[0] * sp[1] * sp[2] / 1000.0;
        for (const auto& s : styles) {
            size_t n = 0;
            const auto* p = labels->GetBufferPointer();
            for (size_t i = 0; i < labels->GetBufferedRegion().GetNumberOfPixels(); ++i)
                n += p[i] == s.label;
            structures.push_back({{"label", s.label},
                                  {"name", s.name},
                                  {"voxels", n},
                                  {"volume_ml", n * voxelMl},
                                  {"code", s.type.scheme + " " + s.type.value + " " + s.type.meaning},
                                  {"rt_interpreted_type", s.rtInterpretedType}});
        }
        j["structures"] = structures;
        if (o->json) {
            printJson(j);
            return;
        }
        for (const auto& [format, f] : filesJson.items())
            std::cout << "wrote " << f["path"].get<std::string>() << "\n";
        std::cout << styles.size() << " structure(s)\n";
    });
}

const CommandRegistrar registrar(61, addExportCommand);
} // namespace
} // namespace irplan::cli
