#include "registration/QualityGate.h"

#include "core/Error.h"

#include <cmath>

namespace irplan::registration {

std::string judge(double value, std::optional<double> warnLimit, std::optional<double> failLimit,
                  bool higherIsBetter) {
    if (!std::isfinite(value)) return "fail";
    auto worse = [&](double limit) { return higherIsBetter ? value < limit : value > limit; };
    if (failLimit && worse(*failLimit)) return "fail";
    if (warnLimit && worse(*warnLimit)) return "warn";
    return (warnLimit || failLimit) ? "pass" : "info";
}

std::vector<std::string> QaReport::problems() const {
    std::vector<std::string> out;
    for (const auto& c : checks)
        if (c.verdict == "warn" || c.verdict == "fail") out.push_back(c.verdict + ": " + c.message);
    return out;
}

Json QaReport::toJson() const {
    Json j;
    j["verdict"] = verdict;
    Json list = Json::array();
    for (const auto& c : checks) {
        Json e;
        e["name"] = c.name;
        e["value"] = std::isfinite(c.value) ? Json(c.value) : Json(nullptr);
        e["warn_limit"] = c.warnLimit ? Json(*c.warnLimit) : Json(nullptr);
        e["fail_limit"] = c.failLimit ? Json(*c.failLimit) : Json(nullptr);
        e["higher_is_better"] = c.higherIsBetter;
        e["verdict"] = c.verdict;
        e["message"] = c.message;
        list.push_back(e);
    }
    j["checks"] = list;
    return j;
}

QaReport QaReport::fromJson(const Json& j) {
    QaReport r;
    if (!j.is_object() || !j.contains("verdict") || !j["verdict"].is_string())
        throw Error("registration result: qa.verdict is missing");
    r.verdict = j["verdict"].get<std::string>();
    for (const auto& e : j.value("checks", Json::array())) {
        QaCheck c;
        c.name = e.value("name", "");
        c.value = e.contains("value") && e["value"].is_number() ? e["value"].get<double>() : NAN;
        if (e.contains("warn_limit") && e["warn_limit"].is_number()) c.warnLimit = e["warn_limit"].get<double>();
        if (e.contains("fail_limit") && e["fail_limit"].is_number()) c.failLimit = e["fail_limit"].get<double>();
        c.higherIsBetter = e.value("higher_is_better", false);
        c.verdict = e.value("verdict", "");
        c.message = e.value("message", "");
        r.checks.push_back(c);
    }
    return r;
}

} // namespace irplan::registration
