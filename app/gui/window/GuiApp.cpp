#include "app/gui/window/GuiApp.h"

#include "app/gui/session/RecentCases.h"
#include "app/gui/session/ViewSet.h"
#include "app/gui/window/FileBrowser.h"
#include "app/gui/window/GuiState.h"
#include "app/gui/window/Panels.h"
#include "app/gui/window/ViewArea.h"
#include "core/Error.h"
#include "core/Log.h"
#include "render/ImageFiles.h"

#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <GL/gl.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

namespace irplan::viewer {

namespace fs = std::filesystem;
using render::ViewKind;

namespace {

// The script's window operations.
class GuiFrontend : public Frontend {
public:
    GuiFrontend(GLFWwindow* window, Viewer& viewer, ViewSet& views) : window_(window), viewer_(viewer), views_(views) {}
    void screenshot(const fs::path& path) override { pending_ = path; }
    void screenshotView(ViewKind view, const fs::path& path) override { pendingView_ = std::make_pair(view, path); }
    void setSize(int w, int h) override {
        glfwSetWindowSize(window_, w, h);
        wantedSize_ = {w, h};
    }
    void zoom(ViewKind view, double factor) override { views_.zoom(view, factor); }
    void resetViews() override { views_.resetViews(); }
    void set3dAngles(double az, double el) override {
        views_.sync(viewer_);
        views_.volume().setViewAngles(az, el);
        views_.markDirty(ViewKind::ThreeD);
    }
    void quit() override { quit_ = true; }
    void showPanel(const std::string& name) override { panel_ = name; }
    void pause(double seconds) override { resumeAt_ = glfwGetTime() + seconds; }
    // The panel a script asked for, once.
    std::string takePanelRequest() {
        std::string p;
        p.swap(panel_);
        return p;
    }

    bool quitRequested() const { return quit_; }
    bool busy() const { return pending_.has_value() || pendingView_.has_value() || glfwGetTime() < resumeAt_; }
    // After a frame is drawn: the screenshot, once the window has the size asked for.
    void afterFrame(int fbWidth, int fbHeight, int& framesWaited) {
        if (pendingView_) {
            // The view was rendered in this frame with the state the script left.
            const auto [view, path] = *pendingView_;
            pendingView_.reset();
            writeViewCapture(views_.capture(view), views_.slice(view), path);
        }
        if (!pending_) return;
        if (wantedSize_ && (fbWidth != wantedSize_->first || fbHeight != wantedSize_->second) && framesWaited < 60) {
            ++framesWaited;
            return;
        }
        framesWaited = 0;
        RgbaImage img(fbWidth, fbHeight);
        std::vector<std::uint8_t> rows(static_cast<size_t>(fbWidth) * fbHeight * 4);
        glPixelStorei(GL_PACK_ALIGNMENT, 1);
        glReadBuffer(GL_BACK);
        glReadPixels(0, 0, fbWidth, fbHeight, GL_RGBA, GL_UNSIGNED_BYTE, rows.data());
        const size_t row = static_cast<size_t>(fbWidth) * 4;
        for (int y = 0; y < fbHeight; ++y) std::memcpy(img.at(0, y), rows.data() + static_cast<size_t>(fbHeight - 1 - y) * row, row);
        for (size_t i = 3; i < img.pixels.size(); i += 4) img.pixels[i] = 255;
        const fs::path path = *pending_;
        pending_.reset();
        render::writePng(img, path);
        log::info("screenshot " + path.string());
    }

private:
    GLFWwindow* window_;
    Viewer& viewer_;
    ViewSet& views_;
    std::optional<fs::path> pending_;
    std::optional<std::pair<ViewKind, fs::path>> pendingView_;
    std::optional<std::pair<int, int>> wantedSize_;
    bool quit_ = false;
    std::string panel_;
    double resumeAt_ = 0;
};

void setupStyle(GuiState& gui, GLFWwindow* window) {
    ImGui::StyleColorsDark();
    ImGuiStyle& style = ImGui::GetStyle();
    style.WindowRounding = 0;
    style.FrameRounding = 3;
    style.ItemSpacing = ImVec2(8, 5);
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(window, &xs, &ys);
    gui.uiScale = std::max(1.0f, xs);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr; // the layout is fixed; nothing to remember between runs
    const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
    std::error_code ec;
    if (fs::exists(font, ec)) io.Fonts->AddFontFromFileTTF(font, 16.0f * gui.uiScale);
    else io.FontGlobalScale = 1.25f * gui.uiScale; // the built-in font is small
    style.ScaleAllSizes(gui.uiScale);
}

void drawStatusBar(Viewer& viewer, GuiState& gui, float height) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x, vp->Pos.y + vp->Size.y - height));
    ImGui::SetNextWindowSize(ImVec2(vp->Size.x, height));
    ImGui::Begin("##status", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    for (const auto& t : viewer.tasks().status()) {
        ImGui::ProgressBar(static_cast<float>(t.fraction), ImVec2(220 * gui.uiScale, 0));
        ImGui::SameLine();
        ImGui::Text("%s: %s", t.name.c_str(), t.stage.c_str());
        ImGui::SameLine();
        if (ImGui::SmallButton("Cancel")) viewer.tasks().cancelAll();
        ImGui::SameLine();
    }
    ImGui::TextUnformatted(gui.hoverText.empty() ? "" : gui.hoverText.c_str());
    ImGui::End();
}

void drawNotices(GuiState& gui) {
    if (gui.notices.empty()) return;
    if (!ImGui::IsPopupOpen("Message")) ImGui::OpenPopup("Message");
    ImGui::SetNextWindowSize(ImVec2(640, 0), ImGuiCond_Appearing);
    if (ImGui::BeginPopupModal("Message", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
        ImGui::PushTextWrapPos(620);
        for (const auto& n : gui.notices) ImGui::TextColored(ImVec4(1.0f, 0.65f, 0.2f, 1.0f), "%s", n.c_str());
        ImGui::PopTextWrapPos();
        if (ImGui::Button("OK") || ImGui::IsKeyPressed(GLFW_KEY_ENTER)) {
            gui.notices.clear();
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
}

} // namespace

int runGui(const std::vector<ScriptLine>& script, int width, int height, bool exitWhenScriptDone) {
    glfwSetErrorCallback([](int code, const char* text) { log::warn("GLFW error " + std::to_string(code) + ": " + text); });
    if (!glfwInit()) throw Error("cannot open a window: GLFW could not initialise (is there a display?)");
    struct GlfwTerminate {
        ~GlfwTerminate() { glfwTerminate(); }
    } terminate;
    // VTK 9.1 needs an OpenGL 3.2 core context (STYLE.md).
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 2);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_SAMPLES, 0);
    GLFWwindow* window = glfwCreateWindow(width, height, "IRPlan", nullptr, nullptr);
    if (!window) throw Error("cannot open an OpenGL 3.2 window here (the display has no suitable OpenGL)");
    glfwMakeContextCurrent(window);
    glfwSwapInterval(script.empty() ? 1 : 0);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    GuiState gui;
    setupStyle(gui, window);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 150");
    const int sink = log::addSink([&gui](log::Level level, const std::string& m) { gui.log.add(level, m); });

    int exitCode = 0;
    {
        Viewer viewer;
        render::CanvasOptions canvas;
        canvas.kind = render::CanvasKind::SharedContext;
        canvas.hooks.makeCurrent = [window] { glfwMakeContextCurrent(window); };
        canvas.hooks.isCurrent = [window] { return glfwGetCurrentContext() == window; };
        ViewSet views(canvas);
        // Software OpenGL takes seconds for a full-resolution ray cast of a large view:
        // keep frames at rest to about 1.5 s so the window stays usable.
        views.volume().setRestFrameBudget(1500);
        GuiFrontend frontend(window, viewer, views);
        ScriptRunner runner(script);
        FileBrowser browser;
        RecentCases recent;
        CasePanel casePanel(viewer, gui, browser, recent);
        DisplayPanel displayPanel(viewer, views, gui);
        MeasurePanel measurePanel(viewer, gui);
        RegistrationPanel registrationPanel(viewer, gui);
        SegmentationPanel segmentationPanel(viewer, gui);
        PlanningPanel planningPanel(viewer, gui);
        TeachingPanel teachingPanel(viewer, frontend, gui);
        LogPanel logPanel(gui);
        std::vector<Panel*> panels{&casePanel, &displayPanel, &measurePanel, &registrationPanel, &segmentationPanel, &planningPanel, &teachingPanel, &logPanel};
        ViewArea area(viewer, views, gui);
        int framesWaited = 0;

        while (!glfwWindowShouldClose(window) && !frontend.quitRequested()) {
            const bool active = viewer.tasks().busy() || !runner.done() || frontend.busy() || views.volume().interactive();
            if (active) glfwPollEvents();
            else glfwWaitEventsTimeout(0.1);
            viewer.poll();
            for (auto& m : viewer.takeMessages()) gui.notices.push_back(m);
            const auto taskErrors = viewer.takeTaskErrors();
            if (!script.empty() && !taskErrors.empty()) {
                std::fprintf(stderr, "irplan: error: %s\n", taskErrors.front().c_str());
                exitCode = 1;
                break;
            }
            for (auto& e : taskErrors) gui.notices.push_back(e);
            if (!runner.done() && !frontend.busy()) {
                try {
                    runner.step(viewer, frontend);
                } catch (const Error& e) {
                    std::fprintf(stderr, "irplan: error: %s\n", e.what());
                    exitCode = 1;
                    break;
                }
            } else if (runner.done() && exitWhenScriptDone && !viewer.tasks().busy() && !frontend.busy()) {
                break;
            }
            views.sync(viewer);

            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            const ImGuiViewport* vp = ImGui::GetMainViewport();
            float menuHeight = 0;
            if (ImGui::BeginMainMenuBar()) {
                if (ImGui::BeginMenu("File")) {
                    if (ImGui::MenuItem("Open case...")) casePanel.openCaseDialog();
                    if (ImGui::MenuItem("Open image / DICOM...")) casePanel.openImageDialog();
                    if (ImGui::MenuItem("Save case as...")) casePanel.saveCaseDialog();
                    if (ImGui::MenuItem("Close case")) viewer.closeCase();
                    ImGui::Separator();
                    if (ImGui::MenuItem("Quit")) frontend.quit();
                    ImGui::EndMenu();
                }
                if (ImGui::BeginMenu("Edit")) {
                    if (ImGui::MenuItem("Undo", "Ctrl+Z", false, viewer.undoStack().canUndo())) viewer.undo();
                    if (ImGui::MenuItem("Redo", "Ctrl+Y", false, viewer.undoStack().canRedo())) viewer.redo();
                    ImGui::EndMenu();
                }
                if (ImGui::BeginMenu("View")) {
                    for (render::Layout l : {render::Layout::One, render::Layout::TwoByTwo, render::Layout::OnePlusThree})
                        if (ImGui::MenuItem(render::layoutName(l), nullptr, viewer.state().layout == l)) viewer.setLayout(l);
                    if (ImGui::MenuItem("Reset views", "R")) views.resetViews();
                    ImGui::EndMenu();
                }
                ImGui::TextDisabled("   %s", viewer.currentCase().name.c_str());
                menuHeight = ImGui::GetWindowSize().y;
                ImGui::EndMainMenuBar();
            }
            const float statusHeight = ImGui::GetFrameHeightWithSpacing() + 10;
            const float panelWidth = 400 * gui.uiScale;
            const float top = vp->Pos.y + menuHeight;
            const float bodyHeight = vp->Size.y - menuHeight - statusHeight;
            ImGui::SetNextWindowPos(ImVec2(vp->Pos.x, top));
            ImGui::SetNextWindowSize(ImVec2(panelWidth, bodyHeight));
            ImGui::Begin("##panels", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove);
            if (ImGui::BeginTabBar("panels")) {
                const std::string wanted = frontend.takePanelRequest();
                for (Panel* p : panels) {
                    std::string lower = p->title();
                    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                    const ImGuiTabItemFlags flags = lower == wanted ? ImGuiTabItemFlags_SetSelected : 0;
                    if (ImGui::BeginTabItem(p->title(), nullptr, flags)) {
                        p->draw();
                        ImGui::EndTabItem();
                    }
                }
                ImGui::EndTabBar();
            }
            ImGui::End();
            ImGui::SetNextWindowPos(ImVec2(vp->Pos.x + panelWidth, top));
            ImGui::SetNextWindowSize(ImVec2(vp->Size.x - panelWidth, bodyHeight));
            ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
            ImGui::Begin("##views", nullptr,
                         ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoScrollWithMouse |
                             ImGuiWindowFlags_NoBringToFrontOnFocus);
            area.draw(ImGui::GetWindowPos(), ImGui::GetWindowSize());
            ImGui::End();
            ImGui::PopStyleVar();
            drawStatusBar(viewer, gui, statusHeight);
            browser.draw();
            casePanel.drawSeriesChooser();
            drawNotices(gui);
            ImGui::Render();

            int fbw = 0, fbh = 0;
            glfwGetFramebufferSize(window, &fbw, &fbh);
            glViewport(0, 0, fbw, fbh);
            glClearColor(0.12f, 0.12f, 0.13f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            try {
                frontend.afterFrame(fbw, fbh, framesWaited);
            } catch (const Error& e) {
                std::fprintf(stderr, "irplan: error: %s\n", e.what());
                exitCode = 1;
                break;
            }
            glfwSwapBuffers(window);
        }
        if (exitCode == 0 && !script.empty())
            for (auto& e : viewer.takeTaskErrors()) {
                std::fprintf(stderr, "irplan: error: %s\n", e.c_str());
                exitCode = 1;
            }
        viewer.tasks().cancelAll();
        glfwMakeContextCurrent(window);
        views.releaseGraphics(); // while the GL context still exists
    }
    log::removeSink(sink);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    return exitCode;
}

} // namespace irplan::viewer
