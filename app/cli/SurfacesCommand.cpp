// irplan surfaces (--labels LABELS [--labels-legend truth.json] [--lesions MAP] | --case CASE) [--plan DIR]...
//                 --out DIR [--format stl,ply,vtp] [--all-labels]
// Meshes of lesions, vessels, liver, ablation zones and applicators in LPS mm
// for other tools (render/MeshExport.h), with DIR/surfaces.json listing each
// mesh's volume, area and centroid.
#ifdef IRPLAN_HAVE_VIEWER
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "phantom/Anatomy.h"
#include "render/MeshExport.h"

#include <cctype>
#include <iostream>

namespace irplan::cli {

namespace {

namespace fs = std::filesystem;

struct SurfacesCliOptions {
    std::string labels, legend, lesions, caseFile, out, format = "stl";
    std::vector<std::string> plans;
    bool all = false, json = false;
};

std::string fileStem(std::string name) {
    for (char& c : name) c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
    return name;
}

Json readJsonFile(const fs::path& f, const std::string& what) {
    if (!fs::exists(f)) throw Error(what + " " + f.string() + " does not exist");
    try {
        return Json::parse(files::readText(f));
    } catch (const Json::exception& e) {
        throw Error(what + " " + f.string() + " is not valid JSON: " + e.what());
    }
}

Json meshJson(const render::MeshInfo& m, const fs::path& out, const std::string& kind) {
    Json files = Json::array();
    for (const auto& f : m.files) files.push_back(f.lexically_relative(out).generic_string());
    return {{"name", m.name},   {"kind", kind},          {"label", m.label},          {"files", files},
            {"triangles", m.triangles}, {"volume_ml", m.volume_ml}, {"area_mm2", m.area_mm2},
            {"centroid_mm", {m.centroid_mm.x, m.centroid_mm.y, m.centroid_mm.z}}};
}

void run(const SurfacesCliOptions& o) {
    render::MeshOptions mo;
    mo.formats = render::meshFormatsFromList(o.format);
    mo.progress = stderrProgress(o.json);
    if (o.labels.empty() && o.caseFile.empty() && o.lesions.empty() && o.plans.empty())
        throw Error("give --labels (or --case, --lesions, --plan): nothing to export");
    if (!o.caseFile.empty() && !o.labels.empty()) throw Error("give either --case or --labels, not both");
    std::string labelsPath = o.labels;
    std::vector<std::string> plans = o.plans;
    std::map<int, std::string> names;
    if (!o.caseFile.empty()) {
        const Case c = loadCase(o.caseFile);
        for (const auto& s : c.segmentations)
            if (s.kind == "labels" && labelsPath.empty()) {
                labelsPath = c.resolve(s.path).string();
                for (const auto& [l, n] : s.legend) names[l] = fileStem(n);
            }
        if (labelsPath.empty()) throw Error("the case " + o.caseFile + " has no label map (segmentation of kind labels)");
        for (const auto& p : c.plans) plans.push_back(c.resolve(p.directory).string());
    }
    const fs::path out = o.out;
    files::ensureDirectory(out);
    Json meshes = Json::array();
    if (!labelsPath.empty()) {
        const LabelImage::Pointer labels = readLabelMap(labelsPath);
        if (names.empty()) {
            if (!o.legend.empty()) {
                const Json j = readJsonFile(o.legend, "--labels-legend");
                const Json& lg = j.contains("legend") ? j["legend"] : j;
                if (!lg.is_object()) throw Error("--labels-legend " + o.legend + ": expected {\"label\": \"name\", ...}");
                for (const auto& [k, v] : lg.items()) {
                    try {
                        names[std::stoi(k)] = fileStem(v.get<std::string>());
                    } catch (const std::exception&) {
                        throw Error("--labels-legend " + o.legend + ": '" + k + "' is not a label number");
                    }
                }
            } else {
                for (const auto& [l, n] : phantom::legend(400)) names[l] = fileStem(n);
            }
        }
        // By default the structures a planner exports: liver, vessels, lesions.
        if (!o.all)
            for (auto it = names.begin(); it != names.end();)
                it = (it->first == phantom::kLiver || (it->first >= phantom::kPortalVein && it->first <= phantom::kIvc) ||
                      it->first > phantom::kLesionBase)
                         ? std::next(it)
                         : names.erase(it);
        for (const auto& m : render::exportLabelMeshes(labels, names, out, mo))
            meshes.push_back(meshJson(m, out, m.label > phantom::kLesionBase ? "lesion" : "structure"));
    }
    if (!o.lesions.empty()) {
        const LabelImage::Pointer map = readLabelMap(o.lesions);
        std::map<int, std::string> lesionNames;
        for (int k = 1; k < 1000; ++k) lesionNames[k] = "lesion_" + std::to_string(k);
        for (const auto& m : render::exportLabelMeshes(map, lesionNames, out, mo)) meshes.push_back(meshJson(m, out, "lesion"));
    }
    for (const auto& dir : plans) {
        const std::string tag = fileStem(fs::path(dir).filename().string());
        const Json plan = readJsonFile(fs::path(dir) / "plan.json", "plan");
        const LabelImage::Pointer zone = readLabelMap(fs::path(dir) / "zone.nii.gz");
        for (const auto& m : render::exportLabelMeshes(zone, {{1, "zone_" + tag}}, out, mo))
            meshes.push_back(meshJson(m, out, "ablation zone"));
        const double d = plan.value("device", Json::object()).value("applicator", Json::object()).value("diameter_mm", 0.0);
        for (const auto& p : plan.value("probes", Json::array())) {
            int n = 0;
            for (const auto& needle : p.value("needles", Json::array())) {
                const auto& t = needle.at("tip_mm");
                const auto& e = needle.at("entry_mm");
                const std::string name = "applicator_" + tag + "_" + fileStem(p.value("id", std::string("p"))) +
                                         (p.at("needles").size() > 1 ? "_" + std::to_string(++n) : "");
                meshes.push_back(meshJson(render::exportNeedleMesh(name, Vec3{t[0].get<double>(), t[1].get<double>(), t[2].get<double>()},
                                                                  Vec3{e[0].get<double>(), e[1].get<double>(), e[2].get<double>()}, d, out, mo),
                                          out, "applicator"));
            }
        }
    }
    if (meshes.empty()) throw Error("nothing to export: no wanted label is present in the inputs");
    Json j;
    j["coordinates"] = "LPS mm (DICOM patient space); STL header and PLY comment say SPACE=LPS";
    j["meshes"] = meshes;
    files::writeTextAtomic(out / "surfaces.json", j.dump(2) + "\n");
    if (o.json) {
        printJson(j);
    } else {
        for (const auto& m : meshes)
            std::cout << m["name"].get<std::string>() << ": " << m["triangles"] << " triangles, "
                      << m["volume_ml"].get<double>() << " mL\n";
        std::cout << meshes.size() << " meshes written to " << out.string() << "\n";
    }
}

void addSurfacesCommand(CLI::App& app) {
    auto o = std::make_shared<SurfacesCliOptions>();
    CLI::App* cmd = app.add_subcommand("surfaces", "Export lesions, vessels, liver, ablation zones and applicators as "
                                                   "STL/PLY/VTP meshes in LPS mm");
    cmd->add_option("--labels", o->labels, "Label map (phantom legend: 1 liver, 2-6 vessels, 100+k lesion k)");
    cmd->add_option("--labels-legend", o->legend, "JSON legend {\"label\": \"name\"} or a file with \"legend\" (truth.json)");
    cmd->add_option("--lesions", o->lesions, "Lesion map of a segmentation (label k = lesion k)");
    cmd->add_option("--case", o->caseFile, "Case file: its label map and every plan");
    cmd->add_option("--plan", o->plans, "Plan folder (plan.json, zone.nii.gz): zone and applicators (repeatable)");
    cmd->add_option("--out", o->out, "Output directory")->required();
    cmd->add_option("--format", o->format, "Comma-separated formats: stl, ply, vtp (default stl)");
    cmd->add_flag("--all-labels", o->all, "Every label of the legend, not only liver, vessels and lesions");
    cmd->add_flag("--json", o->json, "Print surfaces.json");
    cmd->callback([o] { run(*o); });
}

const CommandRegistrar registrar(75, addSurfacesCommand);

} // namespace

} // namespace irplan::cli
#endif
