#pragma once
// Entry points of the viewer used by the CLI (`irplan view`, `irplan demo`).
#include <filesystem>
#include <string>
#include <vector>

namespace irplan::viewer {

struct LaunchOptions {
    std::vector<std::string> inputs;   // a case file, or image files / DICOM directories
    std::filesystem::path script;      // commands to run (see session/Script.h)
    std::filesystem::path screenshot;  // taken when the script (if any) is done, then exit
    int width = 1600, height = 1000;
    bool exitAfterScript = false;
    bool headless = false;             // no window: render offscreen (a private Xvfb when no display)
};

// Runs the viewer; returns the process exit code. Throws irplan::Error for bad input.
int runViewer(const LaunchOptions& options);

// Commands that open `inputs` (a case file, image files, DICOM directories).
std::vector<std::string> openCommands(const std::vector<std::string>& inputs);

// True when a window can be opened here (an X display is reachable).
bool windowAvailable();

} // namespace irplan::viewer
