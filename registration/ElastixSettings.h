#pragma once
// Where IRPlan finds elastix and transformix, and how it runs them. The engine
// is an implementation detail of the registration module; this is the one
// setting the GUI's preferences and the CLI expose.
#include <filesystem>

namespace irplan::registration {

struct ElastixSettings {
    // Empty: $IRPLAN_ELASTIX, else `elastix` on PATH.
    std::filesystem::path elastix;
    // Empty: $IRPLAN_TRANSFORMIX, else `transformix` next to elastix, else on PATH.
    std::filesystem::path transformix;
    // Threads elastix may use; 0 = every hardware thread.
    int threads = 0;
    // Wall-clock limit for one elastix or transformix run; 0 = none.
    double timeLimit_s = 1800.0;
    // Keep the private temporary directory (for debugging); its path is logged.
    bool keepTemporaryFiles = false;
};

} // namespace irplan::registration
