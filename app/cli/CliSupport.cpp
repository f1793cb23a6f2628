#include "app/cli/CliSupport.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>

namespace irplan::cli {

Progress stderrProgress(bool quiet) {
    if (quiet) return Progress();
    struct State {
        std::mutex m;
        int lastPercent = -1;
        std::string lastStage;
    };
    auto state = std::make_shared<State>();
    return Progress([state](double f, const std::string& stage) {
        std::lock_guard<std::mutex> lock(state->m);
        const int pct = static_cast<int>(std::floor(f * 100.0));
        if (pct == state->lastPercent && stage == state->lastStage) return;
        state->lastPercent = pct;
        state->lastStage = stage;
        std::fprintf(stderr, "[%3d%%] %s\n", pct, stage.c_str());
    });
}

void printJson(const Json& j) { std::cout << j.dump(2) << std::endl; }

} // namespace irplan::cli
