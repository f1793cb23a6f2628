// irplan run --ct CT [--portal CT2] [--pet PET] [--mr MR] --out CASE_DIR [--device ID] [--margin MM]
//            [--threads N] [--elastix PATH] [--skip-report] [--no-pictures] [--json]
// The whole job (app/pipeline/Pipeline.h) and the report (app/report/Report.h).
#ifdef IRPLAN_HAVE_PIPELINE
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "app/cli/RegistrationCliSupport.h"
#include "app/cli/RunSupport.h"
#include "app/pipeline/Pipeline.h"
#include "core/Error.h"

#include <iostream>

namespace irplan::cli {

namespace {

struct RunCliOptions {
    pipeline::PipelineOptions p;
    std::string out;
    ElastixCliOptions elastix;
    bool skipReport = false, noPictures = false, json = false;
};

void addRunCommand(CLI::App& app) {
    auto o = std::make_shared<RunCliOptions>();
    CLI::App* cmd = app.add_subcommand(
        "run", "The whole job: register PET/MR onto the CT (quality gate), segment liver, lesions and vessels, "
               "auto-plan every lesion, write CASE_DIR/case.json and the report");
    cmd->add_option("--ct", o->p.ct, "Planning CT in any contrast phase, measured from the image (DICOM directory, NIfTI, NRRD, MetaImage)")
        ->required();
    cmd->add_option("--portal", o->p.portal, "A second contrast phase on the same grid, usually portal venous (vessels, "
                                             "lesion washout); its phase is measured too");
    cmd->add_option("--min-confidence", o->p.minConfidence, "Plan only lesions found with at least this confidence "
                                                             "(0-1, default 0.5); the others are listed to confirm");
    cmd->add_option("--pet", o->p.pet, "PET (SUV when its tags allow), registered onto the CT");
    cmd->add_option("--mr", o->p.mr, "MR, registered onto the CT (display only)");
    cmd->add_option("--out", o->out, "Case folder (case.json, segmentation/, registrations/, plans/, report/)")
        ->required();
    cmd->add_option("--device", o->p.deviceId,
                    "Device for every lesion (default mwa-single-14g: one 14 G microwave antenna; see `irplan devices`)");
    cmd->add_option("--margin", o->p.margin_mm, "Requested ablative margin in mm (default 5, up to 10)");
    cmd->add_option("--pet-preset", o->p.petPreset, "Registration preset for the PET (default pet-ct-rigid)");
    cmd->add_option("--mr-preset", o->p.mrPreset, "Registration preset for the MR (default mr-ct)");
    cmd->add_option("--iteration-scale", o->p.iterationScale, "Multiply the registration iterations (default 1)");
    cmd->add_option("--name", o->p.name, "Case name (default: the CT file name)");
    addElastixOptions(cmd, o->elastix);
    cmd->add_flag("--skip-report", o->skipReport, "Do not write the report");
    cmd->add_flag("--no-pictures", o->noPictures, "Report without the viewer's pictures");
    cmd->add_flag("--json", o->json, "Quiet: print only a JSON summary");
    cmd->callback([o] {
        RunRequest r;
        r.pipeline = o->p;
        r.pipeline.caseDir = o->out;
        r.pipeline.elastix = elastixSettings(o->elastix);
        r.report = !o->skipReport;
        r.pictures = !o->noPictures;
        r.quiet = o->json;
        const Json j = runAndReport(r);
        if (o->json) printJson(j);
    });
}

const CommandRegistrar registrar(30, addRunCommand);

} // namespace

} // namespace irplan::cli
#endif
