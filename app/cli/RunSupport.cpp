#ifdef IRPLAN_HAVE_PIPELINE
#include "app/cli/RunSupport.h"

#include "app/cli/CliSupport.h"
#include "core/Error.h"
#include "core/Log.h"

#ifdef IRPLAN_HAVE_REPORT
#include "app/report/Report.h"
#endif

#include <cstdio>
#include <iostream>

namespace irplan::cli {

namespace fs = std::filesystem;

namespace {

Json writeCaseReport(const RunRequest& r, const Progress& progress) {
    Json j;
#ifdef IRPLAN_HAVE_REPORT
    report::ReportOptions ro;
    ro.caseFile = r.pipeline.caseDir / "case.json";
    ro.outDir = r.pipeline.caseDir / "report";
    ro.screenshots = r.pictures;
    ro.extraScript = r.extraScript;
    ro.progress = progress;
    const report::ReportFiles f = report::writeReport(ro);
    j["html"] = f.html.string();
    j["pdf"] = f.pdf.string();
    j["pdf_pages"] = f.pdfPages;
    j["images"] = f.images.size();
    if (!f.picturesNote.empty()) j["pictures_note"] = f.picturesNote;
    if (!r.quiet) {
        std::cout << "  report      " << f.html.string() << ", " << f.pdf.string() << " (" << f.pdfPages << " pages, "
                  << f.images.size() << " pictures)\n";
        if (!f.picturesNote.empty()) std::cout << "  (no pictures: " << f.picturesNote << ")\n";
    }
#else
    (void)r;
    (void)progress;
    log::warn("this build has no report module: no report written");
#endif
    return j;
}

} // namespace

Json runAndReport(const RunRequest& request) {
    RunRequest r = request;
    const Progress progress = stderrProgress(r.quiet);
    r.pipeline.progress = progress.sub(0.0, r.report ? 0.85 : 1.0);
    pipeline::PipelineResult res;
    try {
        res = pipeline::runPipeline(r.pipeline);
    } catch (const Cancelled&) {
        throw;
    } catch (const Error&) {
        // A stopped case still gets its report (with the warning on every page).
        const fs::path caseFile = r.pipeline.caseDir / "case.json";
        if (r.report && fs::exists(caseFile)) {
            try {
                if (pipeline::pipelineRecord(loadCase(caseFile)).value("status", "") == "stopped") {
                    r.quiet = true;
                    const Json rep = writeCaseReport(r, progress.sub(0.85, 1.0));
                    log::warn("the report of the stopped case is in " + rep.value("html", std::string()));
                }
            } catch (const Error& e) {
                log::warn(std::string("the report of the stopped case could not be written: ") + e.what());
            }
        }
        throw;
    }
    Json j;
    j["case"] = res.caseFile.string();
    j["registration_verdict"] = res.registrationVerdict;
    j["lesions"] = res.lesions;
    j["lesions_to_confirm"] = res.toConfirm;
    j["planned"] = res.planned;
    j["seconds"] = res.seconds;
    j["warnings"] = res.warnings;
    Json steps = Json::array();
    for (const auto& s : res.steps)
        steps.push_back({{"name", s.name}, {"status", s.status}, {"seconds", s.seconds}, {"detail", s.detail}});
    j["steps"] = steps;
    if (!r.quiet) {
        std::cout << "IRPlan case written to " << r.pipeline.caseDir.string() << "\n";
        for (const auto& s : res.steps) {
            char line[96];
            std::snprintf(line, sizeof line, "  %-16s %-6s %6.1f s  ", s.name.c_str(), s.status.c_str(), s.seconds);
            std::cout << line << s.detail << "\n";
        }
        std::printf("  pipeline total %.1f s: %d lesion(s) to plan, %d to confirm, %d planned, registration %s\n",
                    res.seconds, res.lesions, res.toConfirm, res.planned,
                    res.registrationVerdict.empty() ? "not run" : res.registrationVerdict.c_str());
        std::cout.flush();
    }
    if (r.report) j["report"] = writeCaseReport(r, progress.sub(0.85, 1.0));
    return j;
}

} // namespace irplan::cli
#endif
