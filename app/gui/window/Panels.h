#pragma once
// The side panels of the window. Each is a small class that reads the viewer's
// state and calls the command layer's functions (the same ones scripts use).
// Registration, segmentation and planning panels drop in beside these.
#include "app/gui/session/RecentCases.h"
#include "app/gui/session/Script.h"
#include "app/gui/session/ViewSet.h"
#include "app/gui/window/FileBrowser.h"
#include "app/gui/window/GuiState.h"

#include <functional>
#include <string>
#include <vector>

namespace irplan::viewer {

class Panel {
public:
    virtual ~Panel() = default;
    virtual const char* title() const = 0;
    virtual void draw() = 0;
};

// Open/save cases, images, DICOM series, the phantom; the case's contents.
class CasePanel : public Panel {
public:
    CasePanel(Viewer& viewer, GuiState& gui, FileBrowser& browser, RecentCases& recent)
        : viewer_(viewer), gui_(gui), browser_(browser), recent_(recent) {}
    const char* title() const override { return "Case"; }
    void draw() override;
    // Menu actions share the panel's code.
    void openCaseDialog();
    void openImageDialog();
    void saveCaseDialog();
    void openCaseFile(const std::filesystem::path& file);
    void drawSeriesChooser();

private:
    void scanDicom(const std::filesystem::path& dir);
    Viewer& viewer_;
    GuiState& gui_;
    FileBrowser& browser_;
    RecentCases& recent_;
    char phantomDir_[512] = "irplan-phantom";
    int phantomSpacing_ = 1; // index into the spacing choices
    struct Series {
        std::string uid, modality, description;
        size_t files = 0;
    };
    std::filesystem::path seriesDir_;
    std::vector<Series> series_;
    bool seriesPopup_ = false;
};

// Layout, window/level, PET fusion, labels, 3D options.
class DisplayPanel : public Panel {
public:
    DisplayPanel(Viewer& viewer, ViewSet& views, GuiState& gui) : viewer_(viewer), views_(views), gui_(gui) {}
    const char* title() const override { return "Display"; }
    void draw() override;

private:
    Viewer& viewer_;
    ViewSet& views_;
    GuiState& gui_;
};

// Tools, measurements, applicators, undo/redo.
class MeasurePanel : public Panel {
public:
    MeasurePanel(Viewer& viewer, GuiState& gui) : viewer_(viewer), gui_(gui) {}
    const char* title() const override { return "Measure"; }
    void draw() override;

private:
    Viewer& viewer_;
    GuiState& gui_;
};

// Preset, run, quality gate, checkerboard/flicker, nudge.
class RegistrationPanel : public Panel {
public:
    RegistrationPanel(Viewer& viewer, GuiState& gui) : viewer_(viewer), gui_(gui) {}
    const char* title() const override { return "Registration"; }
    void draw() override;

private:
    void act(const std::function<void()>& action);
    Viewer& viewer_;
    GuiState& gui_;
    std::vector<std::string> presets_;
    int preset_ = 0;
    float tile_mm_ = 20.0f;
    bool flicker_ = false;
    double savedOpacity_ = -1;
    float shift_[3] = {0, 0, 0};
    float rotate_[3] = {0, 0, 0};
};

// Liver, lesions, vessels; the seed tool; the lesion table.
class SegmentationPanel : public Panel {
public:
    SegmentationPanel(Viewer& viewer, GuiState& gui) : viewer_(viewer), gui_(gui) {}
    const char* title() const override { return "Segmentation"; }
    void draw() override;

private:
    void act(const std::function<void()>& action);
    void drawEditor(); // the segment editor's tools (SegmentEditorPanel.cpp)
    Viewer& viewer_;
    GuiState& gui_;
    float thresholdLow_ = 100, thresholdHigh_ = 300;
    float margin_mm_ = 2;
    std::vector<std::vector<Vec3>> inside_, outside_; // grow-from-seeds dots placed at the crosshair
};

// Ablation planning: target, device, model, margin, applicators, live figures, warnings.
class PlanningPanel : public Panel {
public:
    PlanningPanel(Viewer& viewer, GuiState& gui) : viewer_(viewer), gui_(gui) {}
    const char* title() const override { return "Planning"; }
    void draw() override;

private:
    void act(const std::function<void()>& action); // runs it; errors become notices
    Viewer& viewer_;
    GuiState& gui_;
    char saveDir_[512] = "";
};

// The guided tour of the demo phantom (session/Tour.h), run through the script commands.
class TeachingPanel : public Panel {
public:
    TeachingPanel(Viewer& viewer, Frontend& frontend, GuiState& gui) : viewer_(viewer), frontend_(frontend), gui_(gui) {}
    const char* title() const override { return "Teaching"; }
    void draw() override;

private:
    void show(size_t step);
    void drawComparison();
    Viewer& viewer_;
    Frontend& frontend_;
    GuiState& gui_;
    size_t step_ = static_cast<size_t>(-1);
    bool comparing_ = false; // waiting for lesion 2's planning context, then compares
};

class LogPanel : public Panel {
public:
    explicit LogPanel(GuiState& gui) : gui_(gui) {}
    const char* title() const override { return "Log"; }
    void draw() override;

private:
    GuiState& gui_;
};

} // namespace irplan::viewer
