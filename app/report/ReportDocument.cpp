#include "app/report/ReportDocument.h"

#include "core/Error.h"
#include "core/Files.h"
#include "review/LesionTable.h"
#include "review/Response.h"

#include <cmath>
#include <cstdio>

namespace irplan::report {

namespace fs = std::filesystem;

namespace {

Json readJson(const fs::path& file, const std::string& what) {
    if (!fs::exists(file)) throw Error("the case names " + what + " " + file.string() + ", which does not exist");
    try {
        return Json::parse(files::readText(file));
    } catch (const Json::exception& e) {
        throw Error(what + " " + file.string() + " is not valid JSON: " + e.what());
    }
}

std::string vec3(const Json& v) {
    if (!v.is_array() || v.size() != 3) return "-";
    return fixed(v[0], 1) + ", " + fixed(v[1], 1) + ", " + fixed(v[2], 1);
}

std::string str(const Json& j, const char* key, const std::string& fallback = "-") {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return fallback;
    if (it->is_string()) return it->get<std::string>();
    return it->dump();
}

Block heading(const std::string& t) { return {Block::Kind::Heading, t, {}, {}, {}}; }
Block para(const std::string& t) { return {Block::Kind::Paragraph, t, {}, {}, {}}; }
Block warning(const std::string& t) { return {Block::Kind::Warning, t, {}, {}, {}}; }
Block table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows) {
    return {Block::Kind::Table, "", std::move(header), std::move(rows), {}};
}

const CaseSegmentation* lesionSegmentation(const Case& c) {
    for (const auto& s : c.segmentations)
        if (s.kind == "lesions" && !s.tablePath.empty()) return &s;
    return nullptr;
}

// Inputs' identifiers: file names and DICOM UIDs where known.
Page summaryPage(const DocumentInputs& in, const Json& pipeline) {
    const Case& c = *in.caseData;
    Page p;
    p.title = "Case summary and target lesions";
    p.blocks.push_back(para("Case: " + (c.name.empty() ? std::string("(unnamed)") : c.name) +
                            ". Case file: " + in.caseFile.filename().string() + ". Coordinates: LPS mm (DICOM patient space)."));
    if (!pipeline.empty()) {
        std::string s = "Pipeline: " + str(pipeline, "status") + ", default device " + str(pipeline, "device") +
                        ", requested margin " + fixed(pipeline.value("margin_mm", Json()), 1) + " mm.";
        if (pipeline.contains("stopped_because")) s += " Stopped because " + str(pipeline, "stopped_because") + ".";
        p.blocks.push_back(para(s));
    }
    p.blocks.push_back(heading("Inputs"));
    std::vector<std::vector<std::string>> rows;
    for (const auto& v : c.volumes) {
        const std::string study = v.extra.value("study_uid", std::string());
        rows.push_back({v.id, v.role + (v.phase.empty() ? "" : " (" + v.phase + ")"), fs::path(v.path).filename().string(),
                        v.units, study.empty() ? "not DICOM / unknown" : study,
                        v.seriesUid.empty() ? "not DICOM / unknown" : v.seriesUid});
    }
    p.blocks.push_back(table({"Id", "Role", "File", "Units", "StudyInstanceUID", "SeriesInstanceUID"}, rows));
    for (const auto& v : c.volumes) {
        const Json cp = v.extra.value("contrast_phase", Json());
        if (!cp.is_object()) continue;
        char conf[16];
        std::snprintf(conf, sizeof conf, "%.2f", cp.value("confidence", 0.0));
        p.blocks.push_back(para("Contrast phase of '" + v.id + "', measured from the image: " + str(cp, "phase") +
                                (cp.value("arterial_timing", Json()).is_string() ? " (" + str(cp, "arterial_timing") + ")" : "") +
                                ", confidence " + conf + " (" + str(cp, "reason") + ")."));
    }

    p.blocks.push_back(heading("Target lesions"));
    const Json lt = lesionTableJson(c);
    if (lt.empty()) {
        p.blocks.push_back(para("The case has no lesion table."));
    } else {
        const std::string units = lt.front().value("pet_units", std::string());
        const bool suv = units == "SUVbw";
        const std::string maxName = suv ? "SUVmax" : units.empty() ? "PET max" : "PET max (" + units + ")";
        const std::string peakName = suv ? "SUVpeak" : units.empty() ? "PET peak" : "PET peak (" + units + ")";
        const std::vector<std::string> header{"Lesion", "Location (Couinaud)", "Centre LPS (mm)", "Longest axial diameter (mm)",
                                              "Volume (mL)", "Density (mean HU)", maxName, peakName, "Finding (confidence)"};
        // Targets (planned) apart from the findings the reader has to confirm.
        for (const bool targets : {true, false}) {
            rows.clear();
            for (const auto& r : lt)
                if ((str(r, "status") == "target") == targets)
                    rows.push_back({str(r, "id"), str(r, "location"), str(r, "centre"), str(r, "diameter"), str(r, "volume"),
                                    str(r, "hu"), str(r, "pet_max"), str(r, "pet_peak"), str(r, "finding")});
            if (!targets) {
                if (rows.empty()) break;
                p.blocks.push_back(heading("Findings to confirm (not planned)"));
                p.blocks.push_back(para("Found automatically with a confidence below the level set to plan (or water-dense, "
                                        "cyst-like): look at each one before treating it as a lesion."));
            }
            p.blocks.push_back(table(header, rows));
        }
        p.blocks.push_back(para("SUVpeak: mean in the 1 mL sphere placed where it is highest (PERCIST). Location: "
                                "the Couinaud segment holding most of the lesion, with the other segments it touches, "
                                "from the plane model of the hepatic veins, the IVC and the portal bifurcation "
                                "(segmentation/couinaud.json); check it on the images."));
    }
    if (!pipeline.empty() && pipeline.contains("warnings") && !pipeline["warnings"].empty()) {
        p.blocks.push_back(heading("Warnings"));
        for (const auto& w : pipeline["warnings"]) p.blocks.push_back(warning(w.get<std::string>()));
    }
    return p;
}

Page registrationPage(const Case& c) {
    Page p;
    p.title = "Registration quality";
    bool any = false;
    for (const auto& t : c.transforms) {
        if (t.kind != "elastix") continue; // the "_matrix" display copies repeat a stored registration
        any = true;
        p.blocks.push_back(heading(t.movingId + " onto " + t.fixedId + " (" + t.preset + ")"));
        std::string verdict = t.qaVerdict.empty() ? "not checked" : t.qaVerdict;
        p.blocks.push_back(t.qaVerdict == "pass" ? para("Quality gate verdict: pass.")
                                                 : warning("Quality gate verdict: " + verdict + "."));
        Json qa = t.extra.value("qa", Json());
        if (qa.is_null() && !t.directory.empty() && fs::exists(c.resolve(t.directory) / "result.json"))
            qa = readJson(c.resolve(t.directory) / "result.json", "registration result").value("qa", Json());
        if (!qa.is_object() || !qa.contains("checks")) continue;
        std::vector<std::vector<std::string>> rows;
        for (const auto& ch : qa["checks"])
            rows.push_back({str(ch, "name"), fixed(ch.value("value", Json()), 3), fixed(ch.value("warn_limit", Json()), 3),
                            fixed(ch.value("fail_limit", Json()), 3), str(ch, "verdict"), str(ch, "message")});
        p.blocks.push_back(table({"Check", "Value", "Warn limit", "Fail limit", "Verdict", "Message"}, rows));
    }
    if (!any) {
        bool truth = false;
        for (const auto& t : c.transforms) truth = truth || t.preset == "phantom ground truth";
        p.blocks.push_back(para(truth ? "No registration was run: the PET is placed with the phantom's known mapping."
                                      : "No registration was run (no PET or MR in the case)."));
    }
    return p;
}

void planBlocks(const Case& c, const CasePlan& plan, std::vector<Block>& out) {
    out.push_back(heading("Lesion " + std::to_string(plan.lesionId) + " (plan " + plan.id + ")"));
    const fs::path file = c.resolve(plan.directory) / "plan.json";
    if (!fs::exists(file)) {
        out.push_back(warning("plan.json is missing in " + c.resolve(plan.directory).string()));
        return;
    }
    const Json j = readJson(file, "plan");
    const Json& dev = j.value("device", Json::object());
    const Json& set = j.value("setting", Json::object());
    const Json& m = j.value("margin", Json::object());
    const Json& zone = j.value("zone", Json::object());
    std::string settings = str(set, "name");
    if (set.contains("power_w")) settings += ", " + fixed(set["power_w"], 0) + " W";
    if (set.contains("time_min")) settings += ", " + fixed(set["time_min"], 1) + " min";
    if (set.contains("voltage_v")) settings += ", " + fixed(set["voltage_v"], 0) + " V";
    out.push_back(table(
        {"Item", "Value"},
        {{"Device", str(dev, "name") + " (" + str(dev, "id") + ", " + str(dev, "modality") + ")"},
         {"Setting", settings},
         {"Zone model", str(j, "model")},
         {"Zone (axes, mm)", vec3(zone.value("axes_mm", Json()))},
         {"Zone volume (mL)", fixed(zone.value("volume_ml", Json()), 1)},
         {"Requested margin (mm)", fixed(m.value("requested_mm", Json()), 1)},
         {"Minimal ablative margin (mm)", fixed(m.value("minimal_mm", Json()), 1)},
         {"Lesion coverage (%)", fixed(m.value("coverage_lesion_pct", Json()), 1)},
         {"Lesion + margin coverage (%)", fixed(m.value("coverage_margin_pct", Json()), 1)},
         {"Lesion + margin outside the zone (mL)", fixed(m.value("insufficient_ml", Json()), 2)},
         {"P(margin reached) under placement error", fixed(m.value("p_margin_reached", Json()), 2)}}));
    std::vector<std::vector<std::string>> rows;
    for (const auto& pr : j.value("probes", Json::array()))
        rows.push_back({str(pr, "id"), str(pr, "device"), vec3(pr.value("tip_mm", Json())),
                        vec3(pr.value("entry_mm", Json())), vec3(pr.value("skin_entry_mm", Json())),
                        fixed(pr.value("inserted_length_mm", Json()), 1)});
    out.push_back(table({"Probe", "Device", "Tip LPS (mm)", "Entry LPS (mm)", "Skin entry LPS (mm)", "Inserted (mm)"}, rows));
    rows.clear();
    for (const auto& path : j.value("path_checks", Json::array()))
        for (const auto& ch : path.value("checks", Json::array()))
            rows.push_back({str(path, "probe"), str(ch, "name"), fixed(ch.value("value", Json()), 1) + " " + str(ch, "unit", ""),
                            str(ch, "pass_when") + " " + fixed(ch.value("limit", Json()), 1),
                            ch.value("pass", false) ? "pass" : "FAIL", str(ch, "detail", "")});
    out.push_back(table({"Probe", "Path check", "Value", "Pass when", "Result", "Detail"}, rows));
    const Json& hs = j.value("heat_sink_warnings", Json::array());
    if (hs.empty()) {
        out.push_back(para("Heat sink: no vessel of >= 3 mm within reach of the zone."));
    } else {
        rows.clear();
        for (const auto& w : hs)
            rows.push_back({str(w, "kind"), str(w, "vessel_id"), fixed(w.value("diameter_mm", Json()), 1),
                            fixed(w.value("distance_to_lesion_mm", Json()), 1), str(w, "side"), str(w, "sensitivity")});
        out.push_back(warning("Heat-sink warnings: vessels >= 3 mm near the lesion cool the zone on that side."));
        out.push_back(table({"Vessel", "Branch", "Diameter (mm)", "To lesion (mm)", "Side", "Sensitivity"}, rows));
    }
    for (const auto& n : j.value("notes", Json::array()))
        if (n.is_string()) out.push_back(warning(n.get<std::string>()));
}

Page planPage(const Case& c, const Json& pipeline) {
    Page p;
    p.title = "Ablation plan";
    if (c.plans.empty()) {
        p.blocks.push_back(pipeline.value("status", "") == "stopped"
                               ? warning("Nothing was planned: the pipeline stopped before planning.")
                               : para("The case has no plan."));
    }
    for (const auto& plan : c.plans) planBlocks(c, plan, p.blocks);
    return p;
}

Page picturePage(const DocumentInputs& in) {
    Page p;
    p.title = "Images";
    if (in.pictures.empty()) {
        p.blocks.push_back(warning("No pictures: " + in.picturesNote));
        return p;
    }
    for (const auto& pic : in.pictures) p.blocks.push_back({Block::Kind::Image, pic.caption, {}, {}, pic.file});
    return p;
}

Page responsePage(const DocumentInputs& in) {
    const Case base = loadCase(in.baselineCaseFile);
    const CaseSegmentation* bs = lesionSegmentation(base);
    const CaseSegmentation* fs_ = lesionSegmentation(*in.caseData);
    if (!bs) throw Error("the baseline case " + in.baselineCaseFile.string() + " has no lesion table");
    if (!fs_) throw Error("this case has no lesion table to compare with the baseline");
    const review::LesionTable b = review::readLesionTable(base.resolve(bs->tablePath));
    const review::LesionTable f = review::readLesionTable(in.caseData->resolve(fs_->tablePath));
    const review::ResponseAssessment a = review::assessResponse(b, f, {});
    Page p;
    p.title = "Response (baseline " + in.baselineCaseFile.parent_path().filename().string() + ")";
    p.blocks.push_back(table({"Criteria", "Category"},
                             {{"RECIST 1.1", std::string(review::name(a.recist.overall)) + " (" +
                                                 review::describe(a.recist.overall) + ")"},
                              {"Choi", std::string(review::name(a.choi.overall)) + " (" + review::describe(a.choi.overall) + ")"},
                              {"PERCIST 1.0", std::string(review::name(a.percist.overall)) + " (" +
                                                  review::describe(a.percist.overall) + ")"}}));
    p.blocks.push_back({Block::Kind::Preformatted, review::summaryText(a), {}, {}, {}});
    return p;
}

} // namespace

std::string fixed(const Json& v, int decimals) {
    if (v.is_null()) return "-";
    if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
    if (v.is_string()) return v.get<std::string>();
    if (!v.is_number()) return v.dump();
    const double d = v.get<double>();
    if (!std::isfinite(d)) return "-";
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", decimals, d);
    return b;
}

std::string worstRegistrationVerdict(const Case& c) {
    std::string worst;
    auto rank = [](const std::string& v) { return v == "fail" ? 3 : v == "warn" ? 2 : v == "pass" ? 1 : 0; };
    for (const auto& t : c.transforms)
        if (rank(t.qaVerdict) > rank(worst)) worst = t.qaVerdict;
    return worst;
}

Json lesionTableJson(const Case& c) {
    Json rows = Json::array();
    const CaseSegmentation* s = lesionSegmentation(c);
    if (!s) return rows;
    const Json j = readJson(c.resolve(s->tablePath), "lesion table");
    for (const auto& l : j.value("lesions", Json::array())) {
        Json r;
        r["id"] = std::to_string(l.value("id", 0));
        std::string location = "not estimated";
        if (l.contains("couinaud_segment") && !l["couinaud_segment"].is_null()) {
            location = "segment " + l["couinaud_segment"].dump();
            std::string others;
            for (const auto& k : l.value("couinaud_segments", Json::array()))
                if (k != l["couinaud_segment"]) others += (others.empty() ? "" : ", ") + k.dump();
            if (!others.empty()) location += " (touches " + others + ")";
        }
        r["location"] = location;
        r["centre"] = vec3(l.value("centre_mm", Json()));
        r["diameter"] = fixed(l.value("longest_axial_diameter_mm", Json()), 1);
        r["volume"] = fixed(l.value("volume_ml", Json()), 2);
        r["hu"] = fixed(l.value("mean_hu", Json()), 0);
        const std::string units = l.value("pet_units", std::string());
        r["pet_units"] = units;
        if (units == "SUVbw") {
            r["pet_max"] = fixed(l.value("suv_max", Json()), 2);
            r["pet_peak"] = fixed(l.value("suv_peak", Json()), 2);
        } else if (!units.empty()) {
            const std::string u = units == "BQML" ? "bqml" : units == "CNTS" ? "counts" : "value";
            r["pet_max"] = fixed(l.value("pet_max_" + u, Json()), 0);
            r["pet_peak"] = fixed(l.value("pet_peak_" + u, Json()), 0);
        } else {
            r["pet_max"] = "-";
            r["pet_peak"] = "-";
        }
        r["source"] = l.value("source", std::string("-"));
        r["status"] = l.value("status", Json("target")).is_string() ? l.value("status", std::string("target")) : "target";
        // How it was found: source, appearance, phase, confidence ("CT portal-venous, hypo (0.85)").
        std::string finding = r["source"].get<std::string>() == "ct" ? "CT" : r["source"].get<std::string>();
        if (l.value("phase", Json()).is_string()) finding += " " + l["phase"].get<std::string>();
        if (l.value("appearance", Json()).is_string()) finding += ", " + l["appearance"].get<std::string>();
        if (l.value("confidence", Json()).is_number()) finding += " (" + fixed(l["confidence"], 2) + ")";
        if (r["status"] != "target") finding += ", " + r["status"].get<std::string>();
        r["finding"] = finding;
        rows.push_back(r);
    }
    return rows;
}

Document buildDocument(const DocumentInputs& in) {
    if (!in.caseData) throw Error("no case to report");
    const Case& c = *in.caseData;
    const Json pipeline = c.extra.contains("pipeline") ? c.extra["pipeline"] : Json::object();
    Document d;
    d.title = "IRPlan ablation planning report";
    d.subtitle = c.name.empty() ? in.caseFile.string() : c.name;
    const std::string worst = worstRegistrationVerdict(c);
    if (worst == "fail")
        d.banner = "WARNING: a registration FAILED its quality checks. Fused images and anything derived from the "
                   "PET/MR may be misplaced; do not plan on them.";
    else if (worst == "warn")
        d.banner = "WARNING: a registration passed only with warnings (see Registration quality). Check the "
                   "fusion before relying on PET-derived findings.";
    if (pipeline.value("status", "") == "stopped")
        d.banner += (d.banner.empty() ? "" : " ") + std::string("The pipeline STOPPED before planning.");
    d.footer = "IRPlan " + in.softwareVersion + ", report created " + in.createdUtc +
               ". Planning aid only: every plan must be checked by the treating physician.";
    d.pages.push_back(summaryPage(in, pipeline));
    d.pages.push_back(registrationPage(c));
    d.pages.push_back(planPage(c, pipeline));
    d.pages.push_back(picturePage(in));
    if (!in.baselineCaseFile.empty()) d.pages.push_back(responsePage(in));
    return d;
}

} // namespace irplan::report
