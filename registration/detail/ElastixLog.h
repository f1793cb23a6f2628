#pragma once
// Internal: reads elastix's log as it streams (progress: stage, resolution,
// iteration, metric) and turns its failures into sentences a radiologist can act on.
#include <optional>
#include <string>
#include <vector>

namespace irplan::registration::detail {

struct StagePlan {
    std::string name;   // "rigid", "affine", "bspline"
    int resolutions = 1;
    int iterations = 1; // per resolution
};

class ElastixLogParser {
public:
    explicit ElastixLogParser(std::vector<StagePlan> stages);

    // Returns true when the progress fraction or stage text changed.
    bool feed(const std::string& line);
    double fraction() const;
    std::string stageText() const;

    // Final metric of each finished stage (elastix's own, sampled: lower is better).
    const std::vector<double>& finalMetrics() const { return finalMetrics_; }
    // The error lines elastix printed (empty when none).
    const std::vector<std::string>& errors() const { return errors_; }

private:
    std::vector<StagePlan> stages_;
    int stage_ = 0;
    int resolution_ = 0;
    int iteration_ = 0;
    std::optional<double> metric_;
    std::vector<double> finalMetrics_;
    std::vector<std::string> errors_;
    bool inError_ = false;
};

// One sentence explaining why elastix failed, from its output; `tail` is the
// last lines of its output. `what` names the run ("elastix (PET onto CT)").
std::string explainElastixFailure(const std::string& what, int exitCode, bool signalled, int signal,
                                  const std::vector<std::string>& errors, const std::vector<std::string>& tail);

} // namespace irplan::registration::detail
