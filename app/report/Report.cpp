#include "app/report/Report.h"

#include "app/report/ReportDocument.h"
#include "app/report/ReportWriters.h"
#include "core/Case.h"
#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"

#ifdef IRPLAN_HAVE_VIEWER
#include "app/gui/Launch.h"
#include "app/gui/session/XServer.h"
#endif

#include <chrono>
#include <ctime>

namespace irplan::report {

namespace fs = std::filesystem;

namespace {

std::string nowUtc() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char b[32];
    std::strftime(b, sizeof b, "%Y-%m-%d %H:%M UTC", &tm);
    return b;
}

std::string quote(const fs::path& p) { return "\"" + p.string() + "\""; }

// The pictures the report shows, and the viewer script that takes them.
std::vector<Picture> plannedPictures(const Case& c, const fs::path& images, std::string& script) {
    std::vector<Picture> pics;
    const bool pet = [&] {
        for (const auto& v : c.volumes)
            if (v.role == "pet" || v.role == "spect") return true;
        return false;
    }();
    std::vector<int> lesions;
    for (const auto& s : c.segmentations)
        if (s.kind == "labels" || s.kind == "phantom-labels")
            for (const auto& [label, name] : s.legend)
                if (label > 100) lesions.push_back(label - 100);
    if (lesions.empty() && !c.segmentations.empty())
        for (const auto& [label, name] : c.segmentations.front().legend)
            if (label > 100) lesions.push_back(label - 100);
    script += "layout 1x1\nview axial\nwindow liver\nsize 900x900\n";
    for (int k : lesions) {
        const fs::path f = images / ("lesion" + std::to_string(k) + "_axial.png");
        script += "lesion " + std::to_string(k) + "\nscreenshot " + quote(f) + "\n";
        pics.push_back({"Lesion " + std::to_string(k) + ": axial CT" + std::string(pet ? " fused with the PET" : "") +
                            " through the lesion centre (liver window)",
                        f});
    }
    if (pet) {
        const fs::path f = images / "pet_mip.png";
        script += "window abdomen\nview mip\nsize 700x900\nscreenshot " + quote(f) + "\n";
        pics.push_back({"PET maximum intensity projection", f});
    }
    const fs::path f3 = images / "plan_3d.png";
    script += "view 3d\nsize 900x900\nscreenshot " + quote(f3) + "\n";
    pics.push_back({"3D view: liver, lesions, vessels (>= 3 mm highlighted) and the planned applicators", f3});
    return pics;
}

} // namespace

ReportFiles writeReport(const ReportOptions& o) {
    if (o.caseFile.empty()) throw Error("give the case file with --case");
    if (!fs::exists(o.caseFile)) throw Error("the case file " + o.caseFile.string() + " does not exist");
    if (!o.baselineCaseFile.empty() && !fs::exists(o.baselineCaseFile))
        throw Error("the baseline case " + o.baselineCaseFile.string() + " does not exist");
    const Case c = loadCase(o.caseFile);
    files::ensureDirectory(o.outDir);
    const fs::path out = fs::absolute(o.outDir);
    ReportFiles r;

    DocumentInputs in;
    in.caseData = &c;
    in.caseFile = o.caseFile;
    in.baselineCaseFile = o.baselineCaseFile;
    in.softwareVersion = IRPLAN_VERSION_STRING;
    in.createdUtc = nowUtc();

    // 1. Pictures, with the viewer's headless script machinery.
    std::string script = "open " + quote(fs::absolute(o.caseFile)) + "\n";
    const fs::path images = out / "images";
    std::vector<Picture> pics = plannedPictures(c, images, script);
    script += o.extraScript;
    if (!o.screenshots) {
        in.picturesNote = "pictures were not requested (--no-pictures).";
    } else {
#ifdef IRPLAN_HAVE_VIEWER
        if (!viewer::windowAvailable() && !viewer::xvfbAvailable()) {
            in.picturesNote = "no display and no Xvfb on this machine, so the viewer could not render; open the "
                              "case in `irplan view` to see the images.";
        } else {
            o.progress.update(0.05, "report: rendering the pictures");
            files::ensureDirectory(images);
            const fs::path scriptFile = images / "report_script.irs";
            files::writeTextAtomic(scriptFile, script);
            viewer::LaunchOptions lo;
            lo.script = scriptFile;
            lo.headless = true;
            lo.exitAfterScript = true;
            try {
                const int code = viewer::runViewer(lo);
                if (code != 0) throw Error("the viewer exited with code " + std::to_string(code));
                for (const auto& p : pics)
                    if (!fs::exists(p.file)) throw Error("the viewer did not write " + p.file.string());
                in.pictures = pics;
            } catch (const Cancelled&) {
                throw;
            } catch (const Error& e) {
                in.picturesNote = std::string("the viewer could not render the pictures (") + e.what() + ").";
                log::warn("report: " + in.picturesNote);
            }
        }
#else
        in.picturesNote = "this build has no viewer (IRPLAN_BUILD_GUI=OFF), so the pictures could not be rendered.";
#endif
    }
    for (const auto& p : in.pictures) r.images.push_back(p.file);
    r.picturesNote = in.picturesNote;
    o.progress.checkCancel();

    // 2. The document, then the PDF (its page count goes into the HTML).
    o.progress.update(0.7, "report: writing the PDF and HTML");
    const Document d = buildDocument(in);
    r.banner = !d.banner.empty();
    r.pdf = out / "report.pdf";
    r.html = out / "report.html";
    r.json = out / "report.json";
    r.pdfPages = writePdf(d, r.pdf);
    writeHtml(d, r.html, r.pdfPages);

    Json j;
    j["case"] = fs::absolute(o.caseFile).string();
    j["software_version"] = in.softwareVersion;
    j["created"] = in.createdUtc;
    j["banner"] = d.banner;
    j["registration_verdict"] = worstRegistrationVerdict(c);
    j["html_sections"] = d.pages.size();
    j["pdf_pages"] = r.pdfPages;
    j["lesions"] = lesionTableJson(c);
    Json imgs = Json::array();
    for (const auto& p : in.pictures) imgs.push_back({{"file", p.file.lexically_relative(out).generic_string()}, {"caption", p.caption}});
    j["images"] = imgs;
    j["pictures_note"] = in.picturesNote;
    files::writeTextAtomic(r.json, j.dump(2) + "\n");
    o.progress.update(1.0, "report written");
    return r;
}

} // namespace irplan::report
