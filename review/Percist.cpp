#include "core/Error.h"
#include "io/Suv.h"
#include "review/Response.h"

#include <cmath>
#include <cstdio>

namespace irplan::review {
namespace {
constexpr double kEps = 1e-9;
// PERCIST 1.0 (Wahl et al., J Nucl Med 2009;50:122S): response and progression
// need a 30% change of SULpeak and at least 0.8 SUL units.
constexpr double kChangePct = 30.0, kChangeSul = 0.8;
// Progression by extent: +75% total lesion glycolysis with no decline of SULpeak.
constexpr double kTlgPct = 75.0;

std::string fmt(double v, const char* f = "%.2f") {
    char b[64];
    std::snprintf(b, sizeof b, f, v);
    return b;
}

// The hottest lesion by SULpeak; empty when no lesion has a SUVpeak.
std::optional<size_t> hottest(const LesionTable& t) {
    std::optional<size_t> best;
    for (size_t i = 0; i < t.lesions.size(); ++i)
        if (t.lesions[i].suvPeak && (!best || *t.lesions[i].suvPeak > *t.lesions[*best].suvPeak)) best = i;
    return best;
}

std::optional<double> totalTlg(const LesionTable& t) {
    if (t.lesions.empty()) return 0.0;
    double s = 0;
    for (const auto& l : t.lesions) {
        if (!l.tlg) return std::nullopt;
        s += *l.tlg;
    }
    return s;
}
} // namespace

SulFactor resolveSul(const SulSource& src, const std::string& when) {
    SulFactor f;
    if (src.sulPerSuv) {
        // LBM / weight lies between ~0.4 (obesity) and 1 (it cannot exceed the weight).
        if (!(*src.sulPerSuv > 0.2 && *src.sulPerSuv <= 1.0))
            throw Error("the " + when + " SUL/SUV ratio " + fmt(*src.sulPerSuv) +
                        " is not a lean-body-mass fraction (expected between 0.2 and 1)");
        f.available = true;
        f.sulPerSuv = *src.sulPerSuv;
        f.how = "given SUL/SUV ratio " + fmt(f.sulPerSuv, "%.3f");
        return f;
    }
    if (src.weightKg || src.heightM || !src.sex.empty()) {
        std::string missing;
        if (!src.weightKg) missing += " weight";
        if (!src.heightM) missing += " height";
        if (src.sex.empty()) missing += " sex";
        if (!missing.empty())
            throw Error("the " + when + " lean body mass needs weight, height and sex; missing:" + missing);
        if (!(*src.weightKg > 1 && *src.weightKg < 500))
            throw Error("the " + when + " weight " + fmt(*src.weightKg, "%.1f") + " kg is not plausible");
        if (*src.heightM > 3.0)
            throw Error("the " + when + " height " + fmt(*src.heightM, "%.1f") +
                        " is not in metres (give 1.75, not 175)");
        if (!(*src.heightM > 0.3)) throw Error("the " + when + " height " + fmt(*src.heightM) + " m is not plausible");
        if (src.sex != "M" && src.sex != "F")
            throw Error("the " + when + " sex must be M or F for the lean body mass formula, not '" + src.sex + "'");
        const double lbm = leanBodyMassKg(*src.weightKg, *src.heightM, src.sex);
        f.available = true;
        f.sulPerSuv = lbm / *src.weightKg;
        f.how = "LBM " + fmt(lbm, "%.1f") + " kg (Janmahasatian 2005) / weight " + fmt(*src.weightKg, "%.1f") + " kg";
        return f;
    }
    f.reason = "SULpeak needs the lean body mass at " + when +
               ": give the SUL/SUV ratio, or the patient's weight, height and sex (SUV is never used as SUL)";
    return f;
}

PercistResult assessPercist(const LesionTable& base, const LesionTable& fu, const LesionMatching& m,
                            const ResponseOptions& options) {
    PercistResult r;
    r.baselineSul = resolveSul(options.baselineSul, "baseline");
    if (options.followupSul.given()) {
        r.followupSul = resolveSul(options.followupSul, "follow-up");
    } else {
        r.followupSul = r.baselineSul;
        if (r.baselineSul.available) r.notes.push_back("follow-up SUL uses the baseline lean body mass");
    }
    if (!r.baselineSul.available || !r.followupSul.available) {
        r.reason = !r.baselineSul.available ? r.baselineSul.reason : r.followupSul.reason;
        return r;
    }
    const double kb = r.baselineSul.sulPerSuv, kf = r.followupSul.sulPerSuv;

    r.baselineLesion = hottest(base);
    if (!r.baselineLesion) {
        r.reason = "no baseline lesion has a SUVpeak (no PET at baseline?)";
        return r;
    }
    r.baselineSulPeak = *base.lesions[*r.baselineLesion].suvPeak * kb;
    if (!(*r.baselineSulPeak > 0)) {
        r.reason = "the hottest baseline lesion has no uptake (SUVpeak 0): no measurable PERCIST target";
        return r;
    }
    if (options.liverSulMean) {
        // Measurable: SULpeak >= 1.5 x liver SULmean + 2 SD (PERCIST 1.0).
        r.measurabilityThresholdSul = 1.5 * *options.liverSulMean + 2.0 * options.liverSulSd.value_or(0.0);
        if (!options.liverSulSd)
            r.notes.push_back("liver SUL SD not given: measurability threshold is 1.5 x liver mean");
        if (*r.baselineSulPeak < *r.measurabilityThresholdSul - kEps) {
            r.reason = "the hottest baseline lesion (SULpeak " + fmt(*r.baselineSulPeak) +
                       ") is below the PERCIST measurability threshold " + fmt(*r.measurabilityThresholdSul);
            return r;
        }
    } else {
        r.notes.push_back("no liver reference given: baseline measurability (1.5 x liver SULmean + 2 SD) not checked");
    }

    // New lesions with uptake (PERCIST: new FDG-avid lesions typical of cancer).
    for (size_t f : m.newLesions) {
        const auto& l = fu.lesions[f];
        if (!l.suvPeak) continue;
        if (options.liverSulMean && *l.suvPeak * kf <= *options.liverSulMean) continue;
        r.newLesions.push_back(f);
    }
    r.followupLesion = hottest(fu);
    if (r.followupLesion) {
        r.followupSulPeak = *fu.lesions[*r.followupLesion].suvPeak * kf;
        r.change_sul = *r.followupSulPeak - *r.baselineSulPeak;
        r.change_pct = 100.0 * *r.change_sul / *r.baselineSulPeak;
    }
    r.baselineTlg = totalTlg(base);
    r.followupTlg = totalTlg(fu);
    if (r.baselineTlg && r.followupTlg && *r.baselineTlg > 0)
        r.tlgChange_pct = 100.0 * (*r.followupTlg - *r.baselineTlg) / *r.baselineTlg;

    if (!r.newLesions.empty()) {
        r.overall = Percist::PMD;
        r.notes.push_back(std::to_string(r.newLesions.size()) +
                          " new lesion(s) with uptake: progression (confirm each)");
    } else if (!r.followupSulPeak) {
        r.overall = Percist::CMR;
        r.notes.push_back("no lesion with uptake remains in the follow-up table; CMR requires residual uptake below "
                          "the liver mean and indistinguishable from blood pool: confirm on the images");
    } else if (options.liverSulMean && *r.followupSulPeak < *options.liverSulMean - kEps) {
        r.overall = Percist::CMR;
        r.notes.push_back("every follow-up lesion is below the liver SULmean " + fmt(*options.liverSulMean) +
                          "; confirm it is indistinguishable from blood pool");
    } else if (*r.change_pct >= kChangePct - kEps && *r.change_sul >= kChangeSul - kEps) {
        r.overall = Percist::PMD;
    } else if (r.tlgChange_pct && *r.tlgChange_pct >= kTlgPct - kEps && *r.change_sul >= -kEps) {
        r.overall = Percist::PMD;
        r.notes.push_back("total lesion glycolysis +" + fmt(*r.tlgChange_pct, "%.0f") +
                          "% with no decline of SULpeak: progression by extent");
    } else if (*r.change_pct <= -kChangePct + kEps && *r.change_sul <= -kChangeSul + kEps) {
        r.overall = Percist::PMR;
    } else {
        r.overall = Percist::SMD;
    }
    if (r.followupSulPeak)
        r.notes.push_back("SULpeak " + fmt(*r.baselineSulPeak) + " (lesion '" + base.lesions[*r.baselineLesion].id +
                          "') -> " + fmt(*r.followupSulPeak) + " (lesion '" + fu.lesions[*r.followupLesion].id +
                          "'): " + fmt(*r.change_pct, "%+.1f") + "%, " + fmt(*r.change_sul, "%+.2f") + " SUL");
    return r;
}

} // namespace irplan::review
