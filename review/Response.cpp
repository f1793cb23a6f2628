#include "review/Response.h"

#include <sstream>

namespace irplan::review {

const char* name(Recist c) {
    switch (c) {
    case Recist::CR:
        return "CR";
    case Recist::PR:
        return "PR";
    case Recist::SD:
        return "SD";
    case Recist::PD:
        return "PD";
    case Recist::NonCRNonPD:
        return "non-CR/non-PD";
    case Recist::NE:
        return "NE";
    }
    return "NE";
}
const char* name(Choi c) {
    switch (c) {
    case Choi::CR:
        return "CR";
    case Choi::PR:
        return "PR";
    case Choi::SD:
        return "SD";
    case Choi::PD:
        return "PD";
    case Choi::NE:
        return "NE";
    }
    return "NE";
}
const char* name(Percist c) {
    switch (c) {
    case Percist::CMR:
        return "CMR";
    case Percist::PMR:
        return "PMR";
    case Percist::SMD:
        return "SMD";
    case Percist::PMD:
        return "PMD";
    case Percist::NE:
        return "NE";
    }
    return "NE";
}

namespace {
std::string describeCommon(const std::string& code) {
    if (code == "CR") return "complete response";
    if (code == "PR") return "partial response";
    if (code == "SD") return "stable disease";
    if (code == "PD") return "progressive disease";
    if (code == "non-CR/non-PD") return "neither complete response nor progression (non-target disease only)";
    return "not evaluable";
}
} // namespace

std::string describe(Recist c) {
    return describeCommon(name(c));
}
std::string describe(Choi c) {
    return describeCommon(name(c));
}
std::string describe(Percist c) {
    switch (c) {
    case Percist::CMR:
        return "complete metabolic response";
    case Percist::PMR:
        return "partial metabolic response";
    case Percist::SMD:
        return "stable metabolic disease";
    case Percist::PMD:
        return "progressive metabolic disease";
    case Percist::NE:
        return "not evaluable";
    }
    return "not evaluable";
}

ResponseAssessment assessResponse(const LesionTable& baseline, const LesionTable& followup,
                                  const ResponseOptions& options) {
    ResponseAssessment a;
    a.baseline = baseline;
    a.followup = followup;
    a.matching = matchLesions(baseline, followup, options.matching);
    a.recist = assessRecist(baseline, followup, a.matching, options);
    a.choi = assessChoi(baseline, followup, a.matching);
    a.percist = assessPercist(baseline, followup, a.matching, options);
    return a;
}

namespace {

template <class T> Json opt(const std::optional<T>& v) {
    return v ? Json(*v) : Json(nullptr);
}

Json idsOf(const LesionTable& t, const std::vector<size_t>& idx) {
    Json a = Json::array();
    for (size_t i : idx)
        a.push_back(t.lesions[i].id);
    return a;
}

Json targetsJson(const ResponseAssessment& a, const std::vector<TargetMeasurement>& targets, bool withHu) {
    Json arr = Json::array();
    for (const auto& t : targets) {
        Json j;
        j["baseline_id"] = a.baseline.lesions[t.baseline].id;
        j["followup_id"] = t.followup ? Json(a.followup.lesions[*t.followup].id) : Json(nullptr);
        j["baseline_mm"] = t.baseline_mm;
        j["followup_mm"] = opt(t.followup_mm);
        if (withHu) {
            j["baseline_hu"] = opt(t.baselineHu);
            j["followup_hu"] = opt(t.followupHu);
        }
        arr.push_back(j);
    }
    return arr;
}

} // namespace

Json toJson(const ResponseAssessment& a) {
    Json j;
    j["baseline"] = a.baseline.name;
    j["followup"] = a.followup.name;
    Json pairs = Json::array();
    for (const auto& p : a.matching.pairs) {
        Json q;
        q["baseline_id"] = p.baseline ? Json(a.baseline.lesions[*p.baseline].id) : Json(nullptr);
        q["followup_id"] = p.followup ? Json(a.followup.lesions[*p.followup].id) : Json(nullptr);
        q["centre_distance_mm"] = p.distance_mm >= 0 ? Json(p.distance_mm) : Json(nullptr);
        q["status"] = !p.followup ? "not found at follow-up" : (!p.baseline ? "new" : "matched");
        pairs.push_back(q);
    }
    j["lesion_pairs"] = pairs;

    const RecistResult& r = a.recist;
    Json recist;
    recist["category"] = name(r.overall);
    recist["description"] = describe(r.overall);
    recist["target_response"] = name(r.target);
    recist["non_target_response"] = r.nonTarget;
    recist["targets"] = targetsJson(a, r.targets, false);
    recist["non_target_ids"] = idsOf(a.baseline, r.nonTargets);
    recist["new_lesion_ids"] = idsOf(a.followup, r.newLesions);
    recist["baseline_sum_mm"] = r.baselineSum_mm;
    recist["followup_sum_mm"] = r.followupSum_mm;
    recist["nadir_sum_mm"] = r.nadirSum_mm;
    recist["change_from_baseline_pct"] = r.changeFromBaseline_pct;
    recist["change_from_nadir_pct"] = r.changeFromNadir_pct;
    recist["change_from_nadir_mm"] = r.changeFromNadir_mm;
    recist["notes"] = r.notes;
    j["recist_1_1"] = recist;

    const ChoiResult& c = a.choi;
    Json choi;
    choi["category"] = name(c.overall);
    choi["description"] = describe(c.overall);
    choi["targets"] = targetsJson(a, c.targets, true);
    choi["new_lesion_ids"] = idsOf(a.followup, c.newLesions);
    choi["baseline_sum_mm"] = c.baselineSum_mm;
    choi["followup_sum_mm"] = c.followupSum_mm;
    choi["size_change_pct"] = c.sizeChange_pct;
    choi["baseline_density_hu"] = opt(c.baselineDensityHu);
    choi["followup_density_hu"] = opt(c.followupDensityHu);
    choi["density_change_pct"] = opt(c.densityChange_pct);
    choi["notes"] = c.notes;
    j["choi"] = choi;

    const PercistResult& p = a.percist;
    Json percist;
    percist["category"] = name(p.overall);
    percist["description"] = describe(p.overall);
    if (!p.reason.empty()) percist["not_evaluable_because"] = p.reason;
    auto sul = [](const SulFactor& f) {
        return f.available ? Json{{"sul_per_suv", f.sulPerSuv}, {"from", f.how}} : Json{{"unavailable", f.reason}};
    };
    percist["baseline_sul"] = sul(p.baselineSul);
    percist["followup_sul"] = sul(p.followupSul);
    percist["baseline_lesion_id"] = p.baselineLesion ? Json(a.baseline.lesions[*p.baselineLesion].id) : Json(nullptr);
    percist["followup_lesion_id"] = p.followupLesion ? Json(a.followup.lesions[*p.followupLesion].id) : Json(nullptr);
    percist["baseline_sul_peak"] = opt(p.baselineSulPeak);
    percist["followup_sul_peak"] = opt(p.followupSulPeak);
    percist["change_pct"] = opt(p.change_pct);
    percist["change_sul"] = opt(p.change_sul);
    percist["tlg_change_pct"] = opt(p.tlgChange_pct);
    percist["measurability_threshold_sul"] = opt(p.measurabilityThresholdSul);
    percist["new_lesion_ids"] = idsOf(a.followup, p.newLesions);
    percist["notes"] = p.notes;
    j["percist_1_0"] = percist;
    return j;
}

std::string summaryText(const ResponseAssessment& a) {
    std::ostringstream s;
    s << "RECIST 1.1: " << name(a.recist.overall) << " (" << describe(a.recist.overall) << ")\n";
    for (const auto& n : a.recist.notes)
        s << "  " << n << "\n";
    s << "Choi:       " << name(a.choi.overall) << " (" << describe(a.choi.overall) << ")\n";
    for (const auto& n : a.choi.notes)
        s << "  " << n << "\n";
    s << "PERCIST 1.0: " << name(a.percist.overall) << " (" << describe(a.percist.overall) << ")\n";
    if (!a.percist.reason.empty()) s << "  " << a.percist.reason << "\n";
    for (const auto& n : a.percist.notes)
        s << "  " << n << "\n";
    return s.str();
}

} // namespace irplan::review
