#pragma once
// `irplan report`: DIR/report.html, DIR/report.pdf, the PNG screenshots they
// show (DIR/images/: fused axial view on each lesion, PET MIP, 3D view of the
// plan, taken by the viewer's headless script machinery) and DIR/report.json
// (what the report printed, for tools and tests).
#include "core/Progress.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan::report {

struct ReportOptions {
    std::filesystem::path caseFile;
    std::filesystem::path outDir;
    std::filesystem::path baselineCaseFile; // optional: response by RECIST 1.1, Choi, PERCIST
    bool screenshots = true;
    // Extra viewer script lines run in the same headless session after the
    // report's own pictures (`irplan demo` adds its screenshots this way, so
    // the viewer starts once).
    std::string extraScript;
    Progress progress;
};

struct ReportFiles {
    std::filesystem::path html, pdf, json;
    std::vector<std::filesystem::path> images;
    int pdfPages = 0;
    bool banner = false;     // a registration warning is on every page
    std::string picturesNote; // why there are no pictures, when there are none
};

// Throws irplan::Error for an unreadable case or files it names.
ReportFiles writeReport(const ReportOptions& options);

} // namespace irplan::report
