#include "segmentation/ContrastPhase.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Liver.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <sstream>

namespace irplan::seg {

namespace {

// 0 below a, rising to 1 at b, 1 up to c, falling to 0 at d.
double trapezoid(double x, double a, double b, double c, double d) {
    if (x <= a || x >= d) return 0.0;
    if (x < b) return (x - a) / (b - a);
    if (x <= c) return 1.0;
    return (d - x) / (d - c);
}

struct Range {
    double a, b, c, d;
};

// Typical HU of each phase (DOMAIN.md "Real contrast CT": non-contrast liver
// 50-65, aorta 35-50; late arterial aorta 250-400, portal vein 100-180, liver
// 60-90; portal-venous liver 100-130, portal vein 150-200 >= aorta; delayed
// everything converging), widened so a real scan near a boundary still fits.
struct PhaseModel {
    const char* name;
    std::optional<Range> aorta, liver, aortaMinusLiver, vesselsMinusLiver;
};

const PhaseModel kModels[] = {
    {"non-contrast", Range{-60, 10, 75, 105}, Range{-20, 25, 75, 95}, Range{-80, -40, 25, 50}, Range{-60, -40, 12, 25}},
    {"arterial", Range{140, 200, 700, 900}, Range{30, 50, 105, 125}, Range{60, 110, 800, 900}, Range{-40, -20, 200, 300}},
    {"portal-venous", Range{90, 120, 240, 290}, Range{70, 90, 150, 180}, Range{-10, 15, 115, 160}, Range{5, 15, 200, 300}},
    {"delayed", Range{50, 70, 140, 175}, Range{50, 70, 130, 150}, Range{-50, -25, 30, 55}, Range{-30, -15, 12, 25}},
};

double fit(const std::optional<Range>& r, const std::optional<double>& v, int& used) {
    if (!r || !v) return 1.0;
    ++used;
    // A small floor: one value just outside its range lowers a phase, it does not erase it.
    return std::max(0.02, trapezoid(*v, r->a, r->b, r->c, r->d));
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string fmt0(double v) {
    std::ostringstream s;
    s << std::lround(v);
    return s.str();
}

} // namespace

std::string phaseNamedBy(const std::string& description) {
    // Whole words only: "PV" must not match inside another word.
    std::vector<std::string> words;
    std::string w;
    for (char c : lower(description) + " ") {
        if (std::isalnum(static_cast<unsigned char>(c))) w += c;
        else if (!w.empty()) {
            words.push_back(w);
            w.clear();
        }
    }
    auto has = [&](std::initializer_list<const char*> keys) {
        for (const auto& word : words)
            for (const char* k : keys)
                if (word == k) return true;
        return false;
    };
    auto hasPrefix = [&](std::initializer_list<const char*> keys) {
        for (const auto& word : words)
            for (const char* k : keys)
                if (word.rfind(k, 0) == 0) return true;
        return false;
    };
    if (has({"nc", "native", "plain", "unenhanced", "noncontrast", "precontrast", "nativ", "sans"}) ||
        (has({"non", "without", "no", "pre"}) && hasPrefix({"contrast", "kontrast", "iv"})))
        return "non-contrast";
    if (hasPrefix({"arter"}) || has({"art", "hap", "lap", "eap"})) return "arterial";
    if (hasPrefix({"portal", "venous", "portovenous"}) || has({"pv", "pvp", "ven"})) return "portal-venous";
    if (hasPrefix({"delay", "equilib", "excret"}) || has({"late", "dp"})) return "delayed";
    return "";
}

ContrastPhase estimateContrastPhase(const Volume& ct, const MaskImage* liver, const Progress& progress) {
    if (!ct.image) throw Error("contrast phase: no image");
    ContrastPhase out;
    ContrastEvidence& ev = out.evidence;
    ev.contrastAgent = ct.meta.contrastAgent;
    ev.seriesDescription = ct.meta.seriesDescription;
    ev.descriptionSays = phaseNamedBy(ct.meta.seriesDescription);
    progress.update(0.0, "contrast phase: aorta");
    ev.aorta = findAorta(ct.image, progress.sub(0.0, 0.5));

    // The liver: the given mask, else the one found on this CT.
    MaskImage::Pointer found;
    if (liver && !sameGrid(liver, ct.image)) throw Error("contrast phase: the liver mask is not on the CT's grid");
    if (!liver) {
        try {
            LiverOptions lo;
            lo.kind = ImageKind::CT;
            lo.progress = progress.sub(0.5, 0.9);
            found = segmentLiver(ct, lo).mask;
            liver = found;
            ev.liverFrom = "found on the CT";
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& e) {
            ev.liverFrom = std::string("not found (") + e.what() + ")";
        }
    } else {
        ev.liverFrom = "mask";
    }
    if (liver && countOn(liver) > 0) {
        const Region box = boundingRegion(liver, 0.0);
        auto L = crop(liver, box);
        auto C = crop(ct.image.GetPointer(), box);
        auto core = erode(L, 3.0);
        if (countOn(core) < 1000) core = L;
        auto S = gaussianSmooth(C, 1.0);
        std::vector<float> raw, smooth;
        const size_t n = C->GetBufferedRegion().GetNumberOfPixels();
        for (size_t i = 0; i < n; ++i)
            if (core->GetBufferPointer()[i]) {
                raw.push_back(C->GetBufferPointer()[i]);
                smooth.push_back(S->GetBufferPointer()[i]);
            }
        if (raw.size() > 100) {
            ev.liver_hu = robustStats(raw).median;
            ev.liverVessels_hu = percentile(smooth, 99.0);
            ev.liverSmoothSd_hu = robustStats(smooth).sd;
        }
    }
    progress.update(0.95, "contrast phase: weighing the evidence");

    std::optional<double> A, L = ev.liver_hu, AL, VL;
    if (ev.aorta.found) A = ev.aorta.lumen_hu;
    if (A && L) AL = *A - *L;
    // How far the brightest 1% of the liver stands above what its noise alone
    // gives (2.33 SD is the 99th percentile of a normal distribution).
    if (ev.liverVessels_hu && L) VL = *ev.liverVessels_hu - (*L + 2.33 * ev.liverSmoothSd_hu);
    const int pieces = int(bool(A)) + int(bool(L)) + int(bool(VL));
    if (pieces == 0 || (!A && !L)) {
        out.reason = "neither the aorta (" + ev.aorta.why + ") nor the liver (" + ev.liverFrom + ") could be measured";
        return out;
    }
    const std::string agent = lower(ev.contrastAgent);
    const bool agentNamed = !agent.empty() && agent != "none" && agent != "no";
    std::map<std::string, double> score;
    for (const PhaseModel& m : kModels) {
        int used = 0;
        double s = fit(m.aorta, A, used) * fit(m.liver, L, used) * fit(m.aortaMinusLiver, AL, used) *
                   fit(m.vesselsMinusLiver, VL, used);
        s = used ? std::pow(s, 1.0 / used) : 0.0;
        // Tags weigh in, never decide.
        if (!ev.descriptionSays.empty()) s *= ev.descriptionSays == m.name ? 1.15 : 0.9;
        if (agentNamed && std::string(m.name) == "non-contrast") s *= 0.8;
        score[m.name] = std::min(1.0, s);
        out.scores.emplace_back(m.name, std::min(1.0, s));
    }
    std::sort(out.scores.begin(), out.scores.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    const auto& best = out.scores[0];
    const double second = out.scores.size() > 1 ? out.scores[1].second : 0.0;
    // Complete evidence (aorta, liver, vessels) counts fully; the liver alone half.
    const double completeness = A ? (L ? (VL ? 1.0 : 0.85) : 0.6) : 0.5;
    out.confidence = std::clamp(best.second * (best.second - 0.5 * second) / std::max(best.second, 1e-6), 0.0, 1.0) *
                     completeness;
    std::ostringstream why;
    if (A) why << "aorta " << fmt0(*A) << " HU";
    else why << "aorta not found (" << ev.aorta.why << ")";
    if (L) why << ", liver " << fmt0(*L) << " HU";
    if (VL) why << ", brightest liver vessels " << fmt0(*ev.liverVessels_hu) << " HU";
    if (!ev.descriptionSays.empty()) why << ", series description \"" << ev.seriesDescription << "\"";
    if (best.second < 0.25) {
        out.phase = "unknown";
        out.reason = why.str() + ": these values fit no contrast phase";
        return out;
    }
    out.phase = best.first;
    if (out.phase == "arterial" && L && ev.liverVessels_hu)
        // Late arterial: the portal vein has begun to fill (100-180 HU against a 60-90 HU liver).
        out.arterialTiming = *ev.liverVessels_hu - *L >= 40.0 ? "late" : "early";
    out.reason = why.str() + ": " + out.phase + (out.arterialTiming.empty() ? "" : " (" + out.arterialTiming + ")");
    progress.update(1.0, "contrast phase: " + out.phase);
    return out;
}

Json contrastPhaseJson(const ContrastPhase& p) {
    Json j;
    j["phase"] = p.phase;
    j["arterial_timing"] = p.arterialTiming.empty() ? Json() : Json(p.arterialTiming);
    j["confidence"] = std::round(p.confidence * 100) / 100;
    j["reason"] = p.reason;
    Json scores = Json::object();
    for (const auto& [name, s] : p.scores) scores[name] = std::round(s * 1000) / 1000;
    j["scores"] = scores;
    const ContrastEvidence& e = p.evidence;
    Json ev;
    Json aorta;
    aorta["found"] = e.aorta.found;
    if (e.aorta.found) {
        aorta["lumen_hu"] = std::round(e.aorta.lumen_hu * 10) / 10;
        aorta["lumen_sd_hu"] = std::round(e.aorta.lumenSd_hu * 10) / 10;
        aorta["diameter_mm"] = e.aorta.diameter_mm;
        aorta["slices_seen"] = e.aorta.slicesSeen;
        aorta["slices"] = e.aorta.slices;
        aorta["score"] = std::round(e.aorta.score * 100) / 100;
    } else {
        aorta["why"] = e.aorta.why;
    }
    ev["aorta"] = aorta;
    ev["liver_hu"] = e.liver_hu ? Json(std::round(*e.liver_hu * 10) / 10) : Json();
    ev["liver_vessels_p99_hu"] = e.liverVessels_hu ? Json(std::round(*e.liverVessels_hu * 10) / 10) : Json();
    ev["liver_smoothed_sd_hu"] = e.liverVessels_hu ? Json(std::round(e.liverSmoothSd_hu * 10) / 10) : Json();
    ev["liver_from"] = e.liverFrom;
    ev["contrast_agent_tag"] = e.contrastAgent.empty() ? Json() : Json(e.contrastAgent);
    ev["series_description"] = e.seriesDescription.empty() ? Json() : Json(e.seriesDescription);
    ev["series_description_says"] = e.descriptionSays.empty() ? Json() : Json(e.descriptionSays);
    j["evidence"] = ev;
    return j;
}

} // namespace irplan::seg
