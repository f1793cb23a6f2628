#pragma once
// The registration quality gate. elastix exits 0 on wrong answers (a
// left-right mirrored PET scores only ~6% worse in mutual information,
// MEASURED.md), so every result is checked before anyone sees it fused:
// pose plausibility, scale, overlap, where the moving image's signal lands,
// whether the metric improved, and whether a flipped or rotated copy of the
// moving image would fit better. Verdict: "pass", "warn" or "fail".
#include "core/Case.h"

#include <optional>
#include <string>
#include <vector>

namespace irplan::registration {

struct QaCheck {
    std::string name;    // "rotation_deg", "translation_mm", "scale_deviation", "fov_overlap", ...
    double value = 0;
    std::optional<double> warnLimit;
    std::optional<double> failLimit;
    bool higherIsBetter = false;
    std::string verdict; // "pass", "warn", "fail" or "info" (reported, not judged)
    std::string message; // one sentence for the user
};

struct QaReport {
    std::string verdict = "pass";
    std::vector<QaCheck> checks;

    // The checks that did not pass, in one line each (empty when all passed).
    std::vector<std::string> problems() const;
    Json toJson() const;
    static QaReport fromJson(const Json& j);
};

// Judges `value` against [warn, fail] limits.
std::string judge(double value, std::optional<double> warnLimit, std::optional<double> failLimit,
                  bool higherIsBetter);

} // namespace irplan::registration
