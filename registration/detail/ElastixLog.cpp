#include "registration/detail/ElastixLog.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <regex>

namespace irplan::registration::detail {

ElastixLogParser::ElastixLogParser(std::vector<StagePlan> stages) : stages_(std::move(stages)) {
    if (stages_.empty()) stages_.push_back({"registration", 1, 1});
}

bool ElastixLogParser::feed(const std::string& line) {
    static const std::regex stageRe(R"(^Running elastix with parameter file (\d+):)");
    static const std::regex resolutionRe(R"(^Resolution: (\d+))");
    static const std::regex finalRe(R"(^Final metric value\s*=\s*(\S+))");
    std::smatch m;
    // Iteration lines: "<n>\t<metric>\t..." (the table elastix prints per resolution).
    if (!line.empty() && std::isdigit(static_cast<unsigned char>(line[0]))) {
        const auto tab = line.find('\t');
        if (tab != std::string::npos) {
            char* end = nullptr;
            const long it = std::strtol(line.c_str(), &end, 10);
            if (end == line.c_str() + tab) {
                const char* metricText = line.c_str() + tab + 1;
                char* metricEnd = nullptr;
                const double metric = std::strtod(metricText, &metricEnd);
                if (metricEnd != metricText) metric_ = metric;
                const bool changed = static_cast<int>(it) != iteration_;
                iteration_ = static_cast<int>(it);
                return changed;
            }
        }
    }
    if (std::regex_search(line, m, stageRe)) {
        stage_ = std::min(std::stoi(m[1]), static_cast<int>(stages_.size()) - 1);
        resolution_ = 0;
        iteration_ = 0;
        metric_.reset();
        return true;
    }
    if (std::regex_search(line, m, resolutionRe)) {
        resolution_ = std::stoi(m[1]);
        iteration_ = 0;
        return true;
    }
    if (std::regex_search(line, m, finalRe)) {
        finalMetrics_.push_back(std::strtod(m[1].str().c_str(), nullptr));
        return false;
    }
    // ITK exceptions print "Description: ..." and elastix "ERROR: ..." lines.
    if (line.rfind("Description:", 0) == 0 || line.find("ERROR") != std::string::npos ||
        line.rfind("Error occurred", 0) == 0) {
        errors_.push_back(line);
    }
    return false;
}

double ElastixLogParser::fraction() const {
    const StagePlan& s = stages_[static_cast<size_t>(stage_)];
    const double inResolution = std::clamp(static_cast<double>(iteration_) / std::max(1, s.iterations), 0.0, 1.0);
    const double inStage = std::clamp((resolution_ + inResolution) / std::max(1, s.resolutions), 0.0, 1.0);
    return (stage_ + inStage) / static_cast<double>(stages_.size());
}

std::string ElastixLogParser::stageText() const {
    const StagePlan& s = stages_[static_cast<size_t>(stage_)];
    char buf[200];
    if (metric_)
        std::snprintf(buf, sizeof buf, "elastix %s (stage %d/%zu), resolution %d/%d, iteration %d, metric %.4f",
                      s.name.c_str(), stage_ + 1, stages_.size(), resolution_ + 1, s.resolutions, iteration_, *metric_);
    else
        std::snprintf(buf, sizeof buf, "elastix %s (stage %d/%zu), resolution %d/%d", s.name.c_str(), stage_ + 1,
                      stages_.size(), resolution_ + 1, s.resolutions);
    return buf;
}

namespace {
bool contains(const std::vector<std::string>& lines, const char* text, std::string* found = nullptr) {
    for (const auto& l : lines)
        if (l.find(text) != std::string::npos) {
            if (found) *found = l;
            return true;
        }
    return false;
}

std::string trimDescription(std::string s) {
    const std::string d = "Description:";
    if (s.rfind(d, 0) == 0) s.erase(0, d.size());
    // "ITK ERROR: SomeClass(0x...): message" -> "message"
    static const std::regex itk(R"(ITK ERROR: [A-Za-z0-9_:<>]+\(0x[0-9a-fA-F]+\): )");
    s = std::regex_replace(s, itk, "");
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.erase(s.begin());
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
}
} // namespace

std::string explainElastixFailure(const std::string& what, int exitCode, bool signalled, int signal,
                                  const std::vector<std::string>& errors, const std::vector<std::string>& tail) {
    std::vector<std::string> all = errors;
    all.insert(all.end(), tail.begin(), tail.end());
    std::string line;
    if (contains(all, "Too many samples map outside moving image buffer", &line)) {
        static const std::regex counts(R"((\d+) / (\d+))");
        std::smatch m;
        std::string detail;
        if (std::regex_search(line, m, counts))
            detail = " (only " + std::to_string(std::stol(m[2]) - std::stol(m[1])) + " of " + m[2].str() +
                     " sample points of the fixed image landed inside the moving image)";
        return what + " failed: the two images barely overlap at the start of the registration" + detail +
               ". Check that both show the same body region, try --init geometry or --init moments, "
               "or give a fixed mask over the region they share.";
    }
    if (contains(all, "Could not find enough image samples", &line) ||
        contains(all, "too few samples", &line))
        return what + " failed: it found too few sample points inside the fixed mask. The mask is probably too "
                      "small, empty, or outside the image; check it or run without it.";
    if (contains(all, "joint PDF summed to zero", &line) || contains(all, "All samples map outside", &line))
        return what + " failed: no part of the fixed image maps inside the moving image. The images do not "
                      "overlap at all with this initialisation; try --init geometry or --init moments.";
    if (contains(all, "could not read fixed image") || contains(all, "could not read moving image"))
        return what + " failed: it could not read the images IRPlan prepared for it (is the temporary "
                      "directory's disk full?).";
    if (contains(all, "bad_alloc") || contains(all, "out of memory"))
        return what + " ran out of memory; close other programs or register on a cropped region.";
    if (signalled) {
        std::string name = signal == 9 ? "it was killed (often by the system when memory runs out)"
                                       : std::string("it crashed (") + strsignal(signal) + ")";
        std::string last = tail.empty() ? std::string() : " Its last output: \"" + tail.back() + "\".";
        return what + " stopped unexpectedly: " + name + "." + last;
    }
    for (const auto& e : errors)
        if (e.rfind("Description:", 0) == 0) return what + " failed: " + trimDescription(e);
    for (const auto& e : errors)
        if (e.find("ERROR") != std::string::npos) return what + " failed: " + trimDescription(e);
    std::string last = tail.empty() ? std::string() : " Its last output: \"" + tail.back() + "\".";
    return what + " failed with exit code " + std::to_string(exitCode) + "." + last;
}

} // namespace irplan::registration::detail
