#include "app/cli/RegistrationCliSupport.h"

#include "core/Error.h"
#include "core/Log.h"

#include <sstream>

namespace irplan::cli {

void addElastixOptions(CLI::App* cmd, ElastixCliOptions& o) {
    cmd->add_option("--elastix", o.elastix, "elastix executable (default: $IRPLAN_ELASTIX, else on PATH)");
    cmd->add_option("--transformix", o.transformix, "transformix executable (default: next to elastix)");
    cmd->add_option("--threads", o.threads, "Threads for elastix (default: all cores)");
    cmd->add_option("--time-limit", o.timeLimit_s, "Stop elastix after this many seconds (default 1800)");
    cmd->add_flag("--keep-temp", o.keepTemp, "Keep elastix's private temporary folder (for debugging)");
}

registration::ElastixSettings elastixSettings(const ElastixCliOptions& o) {
    registration::ElastixSettings s;
    s.elastix = o.elastix;
    s.transformix = o.transformix;
    s.threads = o.threads;
    if (!(o.timeLimit_s >= 0)) throw Error("--time-limit must be 0 (none) or a number of seconds");
    s.timeLimit_s = o.timeLimit_s;
    s.keepTemporaryFiles = o.keepTemp;
    return s;
}

void warnAboutVerdict(const registration::Registration& reg) {
    const auto qa = reg.qa();
    if (qa.verdict == "pass") return;
    std::string msg = "registration quality gate: " + qa.verdict + " (check before using this fusion)";
    for (const auto& p : qa.problems()) msg += "; " + p;
    log::warn(msg);
}

std::vector<Vec3> parsePointList(const std::string& text) {
    std::vector<Vec3> out;
    std::stringstream s(text);
    std::string item;
    while (std::getline(s, item, ';')) {
        if (item.find_first_not_of(" \t") == std::string::npos) continue;
        out.push_back(parseVec3(item));
    }
    if (out.empty()) throw Error("expected points as \"x,y,z;x,y,z\" in mm, got '" + text + "'");
    return out;
}

} // namespace irplan::cli
