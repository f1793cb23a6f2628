#pragma once
// Options the registration commands share (where elastix is, threads, limits).
#include "registration/ElastixSettings.h"
#include "registration/Registration.h"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace irplan::cli {

struct ElastixCliOptions {
    std::string elastix, transformix;
    int threads = 0;
    double timeLimit_s = 1800;
    bool keepTemp = false;
};

void addElastixOptions(CLI::App* cmd, ElastixCliOptions& o);
registration::ElastixSettings elastixSettings(const ElastixCliOptions& o);
// A warning line on stderr when the quality gate did not pass.
void warnAboutVerdict(const registration::Registration& reg);
// "x,y,z;x,y,z" -> points (mm); throws irplan::Error with the offending text.
std::vector<Vec3> parsePointList(const std::string& text);

} // namespace irplan::cli
