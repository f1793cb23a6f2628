#pragma once
// Viewer scripts: one command per line, the same commands the panels use, so a
// test (or a teaching demo) drives the real application. `#` starts a comment;
// arguments are separated by spaces ("quoted" when they contain spaces); points
// are x,y,z in LPS millimetres. See scriptHelp() for the list.
#include "app/gui/session/Viewer.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan::render {
class SliceView;
}

namespace irplan::viewer {

// What a script needs from the front end (window or headless renderer).
class Frontend {
public:
    virtual ~Frontend() = default;
    virtual void screenshot(const std::filesystem::path& path) = 0;
    // One view alone, with PATH.json beside it mapping its pixels to patient
    // space (for tests that check where things are drawn).
    // The default (a front end without views) refuses.
    virtual void screenshotView(render::ViewKind view, const std::filesystem::path& path);
    virtual void setSize(int width, int height) = 0;
    virtual void zoom(render::ViewKind view, double factor) = 0;
    virtual void resetViews() = 0;
    virtual void set3dAngles(double azimuth_deg, double elevation_deg) = 0;
    virtual void quit() = 0;
    // Brings a side panel to the front (window only; headless has no panels).
    virtual void showPanel(const std::string& /*name*/) {}
    // Waits (the window keeps drawing and taking input meanwhile).
    virtual void pause(double seconds);
};

struct ScriptLine {
    int number = 0;
    std::string text;
};

std::vector<std::string> splitCommand(const std::string& line);
// A whole argument as a finite number; throws irplan::Error naming `what`.
double scriptNumber(const std::string& text, const char* what);
std::vector<ScriptLine> readScript(const std::filesystem::path& file);
// Runs one command; throws irplan::Error with a readable message on bad input.
void runCommand(const std::string& line, Viewer& viewer, Frontend& frontend);
std::string scriptHelp();

// Writes `image` (a capture of a slice view) to `path` and PATH.json with the
// pixel -> LPS mapping: lps(x, y) = origin_lps + x * x_step_lps + y * y_step_lps
// for continuous pixel coordinates (x right, y down from the top-left corner).
void writeViewCapture(const render::RgbaImage& image, const render::SliceView& view, const std::filesystem::path& path);

// Runs a script one command at a time, each after the previous one's
// background work finished (so screenshots see finished loads).
class ScriptRunner {
public:
    ScriptRunner() = default;
    explicit ScriptRunner(std::vector<ScriptLine> lines) : lines_(std::move(lines)) {}
    bool done() const { return next_ >= lines_.size(); }
    // Runs the next command if the viewer is idle; throws "script line N: ...".
    // Returns true when it ran one.
    bool step(Viewer& viewer, Frontend& frontend);
    // Runs everything (headless), waiting for the viewer between commands.
    void runAll(Viewer& viewer, Frontend& frontend);
    size_t position() const { return next_; }
    size_t size() const { return lines_.size(); }

private:
    static std::string where(const ScriptLine& line);
    std::vector<ScriptLine> lines_;
    size_t next_ = 0;
};

} // namespace irplan::viewer
