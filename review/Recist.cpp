#include "core/Error.h"
#include "review/Response.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace irplan::review {
namespace {
// RECIST 1.1: a lesion is measurable with a longest diameter >= 10 mm on CT
// with slices <= 5 mm (Eisenhauer 2009, section 3.1.1).
constexpr double kMeasurableMm = 10.0;
// Inclusive thresholds despite floating point (a -30.0% change is a PR).
constexpr double kEps = 1e-9;

std::string fmt(double v, const char* f = "%.1f") {
    char b[48];
    std::snprintf(b, sizeof b, f, v);
    return b;
}
} // namespace

std::vector<size_t> selectTargets(const LesionTable& base, size_t maxTotal, size_t maxPerOrgan) {
    std::vector<size_t> order;
    for (size_t i = 0; i < base.lesions.size(); ++i)
        if (base.lesions[i].longestAxialDiameter_mm && *base.lesions[i].longestAxialDiameter_mm >= kMeasurableMm)
            order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return *base.lesions[a].longestAxialDiameter_mm > *base.lesions[b].longestAxialDiameter_mm;
    });
    std::vector<size_t> targets;
    std::map<std::string, size_t> perOrgan;
    for (size_t i : order) {
        if (targets.size() >= maxTotal) break;
        size_t& n = perOrgan[base.lesions[i].organ];
        if (n >= maxPerOrgan) continue;
        ++n;
        targets.push_back(i);
    }
    return targets;
}

RecistResult assessRecist(const LesionTable& base, const LesionTable& fu, const LesionMatching& m,
                          const ResponseOptions& options) {
    RecistResult r;
    // RECIST 1.1: at most 5 target lesions in total and 2 per organ.
    const std::vector<size_t> targets = selectTargets(base, 5, 2);
    std::vector<bool> isTarget(base.lesions.size(), false);
    for (size_t i : targets)
        isTarget[i] = true;
    for (size_t i = 0; i < base.lesions.size(); ++i)
        if (!isTarget[i]) r.nonTargets.push_back(i);
    r.newLesions = m.newLesions;

    bool targetNotEvaluable = false;
    for (size_t i : targets) {
        TargetMeasurement t;
        t.baseline = i;
        t.baseline_mm = *base.lesions[i].longestAxialDiameter_mm;
        t.followup = m.followupOf[i];
        if (!t.followup) {
            t.followup_mm = 0.0; // disappeared
        } else if (fu.lesions[*t.followup].longestAxialDiameter_mm) {
            t.followup_mm = *fu.lesions[*t.followup].longestAxialDiameter_mm;
        } else {
            targetNotEvaluable = true;
            r.notes.push_back("target lesion '" + base.lesions[i].id + "' was found at follow-up (lesion '" +
                              fu.lesions[*t.followup].id + "') but has no longest diameter: not evaluable");
        }
        r.baselineSum_mm += t.baseline_mm;
        r.followupSum_mm += t.followup_mm.value_or(0.0);
        r.targets.push_back(t);
    }
    size_t measurable = 0;
    for (const auto& l : base.lesions)
        measurable += l.longestAxialDiameter_mm && *l.longestAxialDiameter_mm >= kMeasurableMm;
    if (measurable > targets.size())
        r.notes.push_back(
            std::to_string(measurable - targets.size()) +
            " measurable lesion(s) beyond RECIST 1.1's 5 targets (2 per organ) are followed as non-target");

    if (targets.empty()) {
        r.target = Recist::NE;
        r.notes.push_back("no measurable lesion (longest diameter >= 10 mm) at baseline: no target lesion");
    } else {
        r.nadirSum_mm = options.recistNadirSum_mm.value_or(r.baselineSum_mm);
        if (options.recistNadirSum_mm && *options.recistNadirSum_mm < 0)
            throw Error("the RECIST nadir sum cannot be negative");
        r.changeFromBaseline_pct = 100.0 * (r.followupSum_mm - r.baselineSum_mm) / r.baselineSum_mm;
        r.changeFromNadir_mm = r.followupSum_mm - r.nadirSum_mm;
        r.changeFromNadir_pct = r.nadirSum_mm > 0 ? 100.0 * r.changeFromNadir_mm / r.nadirSum_mm : 0.0;
        if (targetNotEvaluable) {
            r.target = Recist::NE;
        } else if (r.followupSum_mm <= kEps) {
            r.target = Recist::CR;
        } else if (r.changeFromNadir_mm >= 0.2 * r.nadirSum_mm - kEps && r.changeFromNadir_mm >= 5.0 - kEps) {
            // PD: +20% of the nadir and at least +5 mm absolute.
            r.target = Recist::PD;
        } else if (r.followupSum_mm - r.baselineSum_mm <= -0.3 * r.baselineSum_mm + kEps) {
            r.target = Recist::PR;
        } else {
            r.target = Recist::SD;
        }
    }

    bool allNonTargetsGone = true;
    for (size_t i : r.nonTargets)
        allNonTargetsGone = allNonTargetsGone && !m.followupOf[i];
    r.nonTarget = r.nonTargets.empty() ? "none" : (allNonTargetsGone ? "CR" : "non-CR/non-PD");
    if (!r.nonTargets.empty() && !allNonTargetsGone)
        r.notes.push_back("unequivocal progression of non-target lesions is the reader's judgement and is not "
                          "assessed from the tables");

    // Overall response, RECIST 1.1 tables 1 (target disease) and 2 (non-target only).
    const bool nonTargetComplete = r.nonTarget != "non-CR/non-PD";
    if (!r.newLesions.empty()) {
        r.overall = Recist::PD;
        r.notes.push_back(std::to_string(r.newLesions.size()) +
                          " new lesion(s) at follow-up: progression if unequivocal (confirm each one)");
    } else if (r.target == Recist::PD) {
        r.overall = Recist::PD;
    } else if (targets.empty()) {
        r.overall = r.nonTargets.empty() ? Recist::NE : (allNonTargetsGone ? Recist::CR : Recist::NonCRNonPD);
    } else if (r.target == Recist::NE) {
        r.overall = Recist::NE;
    } else if (r.target == Recist::CR) {
        r.overall = nonTargetComplete ? Recist::CR : Recist::PR;
    } else {
        r.overall = r.target;
    }
    if (!targets.empty())
        r.notes.push_back("sum of diameters " + fmt(r.baselineSum_mm) + " -> " + fmt(r.followupSum_mm) + " mm (" +
                          fmt(r.changeFromBaseline_pct, "%+.1f") + "% from baseline, " +
                          fmt(r.changeFromNadir_mm, "%+.1f") + " mm from the nadir " + fmt(r.nadirSum_mm) + " mm)");
    return r;
}

} // namespace irplan::review
