// irplan phantom --out DIR [--seed N] [--clinical] [--dicom] [--mr] [--followup] [--spacing sx,sy,sz] [--json]
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "core/Error.h"
#include "phantom/Followup.h"
#include "phantom/Phantom.h"

#include <iostream>

namespace irplan::cli {

namespace {
struct PhantomCliOptions {
    std::string out;
    uint64_t seed = 1;
    bool clinical = false, dicom = false, mr = false, followup = false, json = false;
    std::string spacing;
};

Json summary(const phantom::PhantomCase& p, const phantom::PhantomFiles& f) {
    Json j;
    j["out"] = f.caseFile.parent_path().string();
    j["seed"] = p.options.seed;
    j["ct_size"] = {p.ctGrid.size[0], p.ctGrid.size[1], p.ctGrid.size[2]};
    j["ct_spacing_mm"] = {p.ctGrid.spacing.x, p.ctGrid.spacing.y, p.ctGrid.spacing.z};
    j["pet_size"] = {p.petGrid.size[0], p.petGrid.size[1], p.petGrid.size[2]};
    Json files = {{"ct_arterial", f.ctArterial.string()}, {"ct_portal", f.ctPortal.string()},
                  {"pet", f.pet.string()},               {"labels", f.labels.string()},
                  {"truth", f.truth.string()},           {"case", f.caseFile.string()}};
    if (!f.mr.empty()) files["mr"] = f.mr.string();
    if (!f.dicomDir.empty()) files["dicom"] = f.dicomDir.string();
    j["files"] = files;
    Json lesions = Json::array();
    for (const auto& l : p.anatomy.lesions)
        lesions.push_back({{"id", l.id}, {"diameter_mm", l.diameter}, {"suv", l.tissue.suv}, {"note", l.note}});
    j["lesions"] = lesions;
    j["vessel_branches"] = p.anatomy.branches.size();
    j["generation_seconds"] = p.seconds;
    return j;
}
} // namespace

namespace {
void addPhantomCommand(CLI::App& app) {
    auto opt = std::make_shared<PhantomCliOptions>();
    CLI::App* cmd = app.add_subcommand("phantom", "Generate the digital liver phantom (CT arterial + portal, PET, labels, truth)");
    cmd->add_option("--out", opt->out, "Output directory")->required();
    cmd->add_option("--seed", opt->seed, "Random seed (the phantom is deterministic for a seed)");
    cmd->add_flag("--clinical", opt->clinical, "512 x 512 x 300 CT (0.78 x 0.78 x 1.0 mm)");
    cmd->add_flag("--dicom", opt->dicom, "Also write DICOM series (CT phases, PET with SUV tags, MR)");
    cmd->add_flag("--mr", opt->mr, "Also make a T1 MR in its own frame of reference");
    cmd->add_flag("--followup", opt->followup,
                  "Also make the CT after ablation of every lesion (another breath-hold) with the margins' truth");
    cmd->add_option("--spacing", opt->spacing, "CT voxel size sx,sy,sz in mm (same field of view)");
    cmd->add_flag("--json", opt->json, "Quiet: print only the JSON summary");
    cmd->callback([opt] {
        phantom::PhantomOptions po;
        po.seed = opt->seed;
        po.clinical = opt->clinical;
        po.mr = opt->mr;
        if (!opt->spacing.empty()) po.spacing = parseVec3(opt->spacing);
        const double split = opt->followup ? 0.45 : 0.8;
        po.progress = stderrProgress(opt->json).sub(0.0, split);
        const phantom::PhantomCase p = phantom::generatePhantom(po);
        const auto files = phantom::writePhantom(p, opt->out, opt->dicom,
                                                 stderrProgress(opt->json).sub(split, opt->followup ? 0.55 : 1.0));
        Json j = summary(p, files);
        if (opt->followup) {
            const phantom::FollowupCase f = phantom::generateFollowup(p, stderrProgress(opt->json).sub(0.55, 0.9));
            const auto ff = phantom::writeFollowup(p, f, opt->out, opt->dicom, stderrProgress(opt->json).sub(0.9, 1.0));
            Json fj;
            fj["files"] = {{"ct", ff.ct.string()},         {"labels", ff.labels.string()},
                           {"zones", ff.zonesPost.string()}, {"zones_pre", ff.zonesPre.string()},
                           {"displacement", ff.displacement.string()}, {"truth", ff.truth.string()}};
            if (!ff.dicomDir.empty()) fj["files"]["dicom"] = ff.dicomDir.string();
            Json zones = Json::array();
            for (const auto& zt : f.zones)
                zones.push_back({{"lesion_id", zt.zone.lesionId},
                                 {"device", zt.zone.device},
                                 {"volume_ml", zt.volumePre_ml},
                                 {"minimal_margin_mm", zt.margin.minimalMargin_mm},
                                 {"lesion_coverage", zt.margin.lesionCoverage},
                                 {"verdict", zt.margin.verdict}});
            fj["zones"] = zones;
            fj["generation_seconds"] = f.seconds;
            j["followup"] = fj;
        }
        printJson(j);
    });
}

const CommandRegistrar registrar(20, addPhantomCommand);
} // namespace

} // namespace irplan::cli
