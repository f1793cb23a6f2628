#pragma once
// The guided tour of the demo phantom for teaching: each step shows something
// on the views (viewer commands, the same ones scripts use) and says in a few
// sentences why it matters for ablation planning. Facts from DOMAIN.md. Written
// for the seed-1 phantom (its lesion numbers and volumes).
#include <string>
#include <vector>

namespace irplan::viewer {

struct TourStep {
    std::string title;
    std::string text;
    std::vector<std::string> commands;
};

const std::vector<TourStep>& phantomTour();
// True when the open case is the seed-1 phantom the tour was written for.
bool tourFits(const std::string& caseName);

} // namespace irplan::viewer
