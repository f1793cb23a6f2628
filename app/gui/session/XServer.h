#pragma once
// A private virtual X server (Xvfb) for headless rendering when no display is
// available: `irplan demo --headless` must work on a machine without a screen,
// and VTK's OpenGL needs an X display here. Started on a free display number
// (-displayfd), stopped (SIGTERM, then waited for) when this object goes away.
#include <string>

namespace irplan::viewer {

class PrivateXServer {
public:
    PrivateXServer() = default;
    ~PrivateXServer();
    PrivateXServer(const PrivateXServer&) = delete;
    PrivateXServer& operator=(const PrivateXServer&) = delete;

    // Starts Xvfb and points DISPLAY at it. Throws irplan::Error when Xvfb is not
    // installed or does not start.
    void start(int width = 1920, int height = 1080);
    bool running() const { return pid_ > 0; }
    const std::string& display() const { return display_; }

private:
    int pid_ = -1;
    std::string display_;
    std::string previousDisplay_;
    bool hadDisplay_ = false;
};

// True when an Xvfb executable is on the PATH.
bool xvfbAvailable();

} // namespace irplan::viewer
