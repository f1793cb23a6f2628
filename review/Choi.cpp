#include "review/Response.h"

#include <cstdio>

namespace irplan::review {
namespace {
constexpr double kEps = 1e-9;
// Choi et al., J Clin Oncol 2007;25:1753: size by the RECIST sum of longest
// diameters (RECIST 1.0 target rules: up to 10 lesions, 5 per organ), density
// as the mean CT attenuation of the target lesions (portal venous phase).
constexpr size_t kMaxTargets = 10, kMaxPerOrgan = 5;
constexpr double kSizePct = 10.0, kDensityPct = 15.0;

std::string fmt(double v, const char* f) {
    char b[48];
    std::snprintf(b, sizeof b, f, v);
    return b;
}
} // namespace

ChoiResult assessChoi(const LesionTable& base, const LesionTable& fu, const LesionMatching& m) {
    ChoiResult r;
    r.newLesions = m.newLesions;
    const std::vector<size_t> targets = selectTargets(base, kMaxTargets, kMaxPerOrgan);
    bool notEvaluable = false;
    double huBase = 0, huFu = 0;
    size_t nHuBase = 0, nHuFu = 0;
    for (size_t i : targets) {
        TargetMeasurement t;
        t.baseline = i;
        t.baseline_mm = *base.lesions[i].longestAxialDiameter_mm;
        t.baselineHu = base.lesions[i].meanHu;
        t.followup = m.followupOf[i];
        if (!t.followup) {
            t.followup_mm = 0.0;
        } else {
            const LesionRecord& f = fu.lesions[*t.followup];
            t.followup_mm = f.longestAxialDiameter_mm;
            t.followupHu = f.meanHu;
            if (!f.longestAxialDiameter_mm) notEvaluable = true;
        }
        if (t.baselineHu) {
            huBase += *t.baselineHu;
            ++nHuBase;
        }
        if (t.followupHu) {
            huFu += *t.followupHu;
            ++nHuFu;
        }
        r.baselineSum_mm += t.baseline_mm;
        r.followupSum_mm += t.followup_mm.value_or(0.0);
        r.targets.push_back(t);
    }
    if (nHuBase) r.baselineDensityHu = huBase / static_cast<double>(nHuBase);
    if (nHuFu) r.followupDensityHu = huFu / static_cast<double>(nHuFu);
    if (r.baselineDensityHu && r.followupDensityHu) {
        if (*r.baselineDensityHu > 0)
            r.densityChange_pct = 100.0 * (*r.followupDensityHu - *r.baselineDensityHu) / *r.baselineDensityHu;
        else
            r.notes.push_back("baseline density is not positive (" + fmt(*r.baselineDensityHu, "%.0f") +
                              " HU): a relative density change is meaningless; density criterion not used");
    } else if (!targets.empty()) {
        r.notes.push_back("mean HU missing in a table: Choi is assessed on size alone");
    }

    if (!r.newLesions.empty()) {
        r.overall = Choi::PD;
        r.notes.push_back(std::to_string(r.newLesions.size()) + " new lesion(s): progression (confirm each one)");
        if (!targets.empty()) r.sizeChange_pct = 100.0 * (r.followupSum_mm - r.baselineSum_mm) / r.baselineSum_mm;
        return r;
    }
    if (targets.empty()) {
        r.overall = Choi::NE;
        r.notes.push_back("no measurable lesion (longest diameter >= 10 mm) at baseline");
        return r;
    }
    if (notEvaluable) {
        r.overall = Choi::NE;
        r.notes.push_back("a target lesion was found at follow-up without a longest diameter");
        return r;
    }
    r.sizeChange_pct = 100.0 * (r.followupSum_mm - r.baselineSum_mm) / r.baselineSum_mm;
    bool allGone = true;
    for (const auto& f : m.followupOf)
        allGone = allGone && !f;
    const bool densityPr = r.densityChange_pct && *r.densityChange_pct <= -kDensityPct + kEps;
    const bool sizePr = r.sizeChange_pct <= -kSizePct + kEps;
    const bool sizePd = r.sizeChange_pct >= kSizePct - kEps;
    if (allGone) {
        r.overall = Choi::CR;
    } else if (sizePd && !densityPr) {
        r.overall = Choi::PD;
    } else if (sizePr || densityPr) {
        r.overall = Choi::PR;
    } else {
        r.overall = Choi::SD;
    }
    r.notes.push_back("size " + fmt(r.sizeChange_pct, "%+.1f") + "%" +
                      (r.densityChange_pct
                           ? ", density " + fmt(*r.densityChange_pct, "%+.1f") + "% (" +
                                 fmt(*r.baselineDensityHu, "%.0f") + " -> " + fmt(*r.followupDensityHu, "%.0f") + " HU)"
                           : std::string()));
    return r;
}

} // namespace irplan::review
