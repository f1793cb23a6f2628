// irplan report --case CASE --out DIR [--baseline CASE0] [--no-pictures] [--json]
// DIR/report.html, report.pdf, report.json and images/*.png (app/report/Report.h).
#ifdef IRPLAN_HAVE_REPORT
#include "app/cli/CliSupport.h"
#include "app/cli/CommandRegistry.h"
#include "app/report/Report.h"
#include "core/Error.h"

#include <iostream>

namespace irplan::cli {

namespace {

struct ReportCliOptions {
    std::string caseFile, out, baseline;
    bool noPictures = false, json = false;
};

void addReportCommand(CLI::App& app) {
    auto o = std::make_shared<ReportCliOptions>();
    CLI::App* cmd = app.add_subcommand("report", "Case report: DIR/report.html and report.pdf with the lesion table, "
                                                 "plan, path checks, margins, warnings, registration QA and pictures");
    cmd->add_option("--case", o->caseFile, "Case file (case.json)")->required();
    cmd->add_option("--out", o->out, "Output directory")->required();
    cmd->add_option("--baseline", o->baseline,
                    "Baseline case file: adds the response by RECIST 1.1, Choi and PERCIST from the two lesion tables");
    cmd->add_flag("--no-pictures", o->noPictures, "Do not render the viewer's pictures");
    cmd->add_flag("--json", o->json, "Quiet: print only a JSON summary");
    cmd->callback([o] {
        report::ReportOptions ro;
        ro.caseFile = o->caseFile;
        ro.outDir = o->out;
        ro.baselineCaseFile = o->baseline;
        ro.screenshots = !o->noPictures;
        ro.progress = stderrProgress(o->json);
        const report::ReportFiles f = report::writeReport(ro);
        Json j;
        j["html"] = f.html.string();
        j["pdf"] = f.pdf.string();
        j["json"] = f.json.string();
        j["pdf_pages"] = f.pdfPages;
        j["images"] = f.images.size();
        j["warning_banner"] = f.banner;
        if (!f.picturesNote.empty()) j["pictures_note"] = f.picturesNote;
        printJson(j);
    });
}

const CommandRegistrar registrar(70, addReportCommand);

} // namespace

} // namespace irplan::cli
#endif
