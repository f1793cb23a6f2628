#include "app/gui/window/Panels.h"
#include "app/gui/window/Widgets.h"

#include "core/Error.h"
#include "core/Log.h"
#include "render/Colormaps.h"

#include <imgui.h>

#include <cstdio>

namespace irplan::viewer {

using render::ViewKind;

namespace {
ImVec4 toIm(const Rgb& c) { return ImVec4(c.r, c.g, c.b, 1.0f); }
} // namespace

void DisplayPanel::draw() {
    const ViewState& st = viewer_.state();
    const render::DisplaySettings& d = st.display;
    guarded(gui_, [&] {
        ImGui::TextUnformatted("Layout");
        for (render::Layout l : {render::Layout::One, render::Layout::TwoByTwo, render::Layout::OnePlusThree}) {
            ImGui::SameLine();
            if (ImGui::RadioButton(render::layoutName(l), st.layout == l)) viewer_.setLayout(l);
        }
        ImGui::TextUnformatted("Main view");
        for (ViewKind v : {ViewKind::Axial, ViewKind::Coronal, ViewKind::Sagittal, ViewKind::ThreeD, ViewKind::PetMip}) {
            ImGui::SameLine();
            if (ImGui::RadioButton(render::viewName(v), st.mainView == v)) viewer_.setMainView(v);
        }
        if (ImGui::Button("Reset views (R)")) views_.resetViews();

        section("CT window / level");
        for (const auto& name : render::windowPresetNames()) {
            if (ImGui::Button(name.c_str())) viewer_.setWindowPreset(name);
            ImGui::SameLine();
        }
        ImGui::NewLine();
        float w = static_cast<float>(d.window.width), l = static_cast<float>(d.window.level);
        if (ImGui::DragFloat("width", &w, 2.0f, 1.0f, 5000.0f, "%.0f") |
            ImGui::DragFloat("level", &l, 2.0f, -1500.0f, 3000.0f, "%.0f"))
            viewer_.setWindow({std::max(1.0f, w), l, ""});

        section("PET");
        const render::Scene& scene = viewer_.scene();
        if (!scene.pet.volume) {
            ImGui::TextDisabled("no PET loaded");
        } else {
            const render::PetQuantity q = render::petQuantity(scene.pet.volume->meta);
            if (q.isSuv) ImGui::Text("values: %s", q.unit.c_str());
            else ImGui::TextColored(kWarn, "values: %s, SUV unavailable (%s)", q.unit.c_str(), q.why.c_str());
            if (scene.pet.ctToPet) ImGui::TextWrapped("aligned by %s", scene.pet.alignment.c_str());
            else ImGui::TextColored(kWarn, "NOT REGISTERED: shown in scanner coordinates");
            bool visible = d.petVisible;
            if (ImGui::Checkbox("show PET", &visible)) viewer_.setPetVisible(visible);
            if (ImGui::BeginCombo("colour map", render::colormapName(d.petColormap))) {
                for (render::Colormap m : {render::Colormap::Hot, render::Colormap::Rainbow, render::Colormap::Gray,
                                           render::Colormap::InvertedGray})
                    if (ImGui::Selectable(render::colormapName(m), m == d.petColormap)) viewer_.setPetColormap(m);
                ImGui::EndCombo();
            }
            float opacity = static_cast<float>(d.petOpacity);
            if (ImGui::SliderFloat("opacity", &opacity, 0.0f, 1.0f, "%.2f")) viewer_.setPetOpacity(opacity);
            float lo = static_cast<float>(d.petLow), hi = static_cast<float>(d.petHigh);
            const float speed = std::max(0.01f, hi / 200.0f);
            const std::string fmt = "%.2f " + q.unit;
            bool changed = ImGui::DragFloat("lower", &lo, speed, 0.0f, 1e9f, fmt.c_str());
            changed |= ImGui::DragFloat("upper", &hi, speed, 0.0f, 1e9f, fmt.c_str());
            if (changed && hi > lo) viewer_.setPetWindow(lo, hi);
        }

        section("Labels");
        if (!scene.labels.labels) {
            ImGui::TextDisabled("no label map loaded");
        } else {
            for (render::LabelStyle s : {render::LabelStyle::Outline, render::LabelStyle::Fill, render::LabelStyle::Hidden}) {
                if (ImGui::RadioButton(render::labelStyleName(s), d.labelStyle == s)) viewer_.setLabelStyle(s);
                ImGui::SameLine();
            }
            ImGui::NewLine();
            ImGui::BeginChild("labels", ImVec2(0, 180 * gui_.uiScale), true);
            for (const auto& [label, info] : viewer_.images().labelInfo) {
                ImGui::PushID(label);
                bool shown = !d.hiddenLabels.count(label);
                if (ImGui::Checkbox("##shown", &shown)) viewer_.setLabelHidden(label, !shown);
                ImGui::SameLine();
                ImGui::ColorButton("##c", toIm(render::labelColour(label)), ImGuiColorEditFlags_NoTooltip, ImVec2(14, 14));
                ImGui::SameLine();
                auto it = scene.labels.legend.find(label);
                const std::string name = it != scene.labels.legend.end() ? it->second : "label " + std::to_string(label);
                ImGui::Text("%s  %.1f mL", name.c_str(), info.volume_ml);
                if (label >= 100) {
                    ImGui::SameLine();
                    if (ImGui::SmallButton("go")) viewer_.selectLesion(label - 100);
                }
                ImGui::PopID();
            }
            ImGui::EndChild();
        }

        section("3D");
        if (ImGui::BeginCombo("preset", render::volumePresetName(d.preset3d))) {
            for (auto p : {render::Volume3dPreset::Vessels, render::Volume3dPreset::Bone, render::Volume3dPreset::SoftTissue})
                if (ImGui::Selectable(render::volumePresetName(p), p == d.preset3d)) viewer_.set3dPreset(p);
            ImGui::EndCombo();
        }
        bool pet3d = d.pet3d, surfaces = d.surfaces3d, shading = d.shading3d;
        if (ImGui::Checkbox("PET", &pet3d)) viewer_.set3dOptions(pet3d, std::nullopt, std::nullopt);
        ImGui::SameLine();
        if (ImGui::Checkbox("surfaces", &surfaces)) viewer_.set3dOptions(std::nullopt, surfaces, std::nullopt);
        ImGui::SameLine();
        if (ImGui::Checkbox("shading", &shading)) viewer_.set3dOptions(std::nullopt, std::nullopt, shading);
        if (viewer_.volume3d() && viewer_.volume3d()->downsample > 1)
            ImGui::TextDisabled("3D volume at 1/%d resolution", viewer_.volume3d()->downsample);
        ImGui::TextDisabled("last 3D frame %.0f ms", views_.volume().lastFrameMs());
    });
}

void MeasurePanel::draw() {
    guarded(gui_, [&] {
        section("Tool (left button)");
        const std::pair<Tool, const char*> tools[] = {
            {Tool::Navigate, "navigate"}, {Tool::Ruler, "ruler"}, {Tool::Point, "point"}, {Tool::Probe, "probe"}};
        for (const auto& [t, name] : tools) {
            if (ImGui::RadioButton(name, gui_.tool == t)) {
                gui_.tool = t;
                gui_.pendingProbeTip.reset();
            }
            ImGui::SameLine();
        }
        ImGui::NewLine();
        switch (gui_.tool) {
        case Tool::Navigate:
            ImGui::TextWrapped("Click: crosshair. Drag: window/level (3D: rotate). Drag a probe's tip or entry to move it.");
            break;
        case Tool::Ruler: ImGui::TextWrapped("Drag on a slice to measure a distance."); break;
        case Tool::Point: ImGui::TextWrapped("Click on a slice to mark a point with its HU and PET value."); break;
        case Tool::Probe:
            ImGui::TextWrapped(gui_.pendingProbeTip ? "Click the ENTRY point (skin)." : "Click the TIP (target) of the applicator.");
            break;
        case Tool::Seed: ImGui::TextWrapped("Click inside a lesion to grow it (Segmentation panel)."); break;
        case Tool::Paint:
        case Tool::Erase:
            ImGui::TextWrapped("Drag on a slice to %s the active label (Segmentation panel); Ctrl+Z undoes a drag.",
                               gui_.tool == Tool::Paint ? "paint" : "erase");
            break;
        }

        section("Undo");
        const UndoStack& u = viewer_.undoStack();
        ImGui::BeginDisabled(!u.canUndo());
        if (ImGui::Button(("Undo " + u.undoLabel()).c_str())) viewer_.undo();
        ImGui::EndDisabled();
        ImGui::SameLine();
        ImGui::BeginDisabled(!u.canRedo());
        if (ImGui::Button(("Redo " + u.redoLabel()).c_str())) viewer_.redo();
        ImGui::EndDisabled();

        section("Measurements");
        const auto items = viewer_.scene().measurements;
        if (items.empty()) ImGui::TextDisabled("none");
        for (const auto& m : items) {
            ImGui::PushID(m.id.c_str());
            if (ImGui::SmallButton("x")) viewer_.removeMeasurement(m.id);
            ImGui::SameLine();
            if (ImGui::Selectable(m.text.c_str())) viewer_.setCrosshair(m.ruler ? (m.a + m.b) * 0.5 : m.a);
            ImGui::PopID();
        }

        section("Applicators (case probes)");
        const auto probes = viewer_.currentCase().probes;
        if (probes.empty()) ImGui::TextDisabled("none: choose the probe tool and click tip, then entry");
        for (const auto& p : probes) {
            ImGui::PushID(p.id.c_str());
            if (ImGui::SmallButton("x")) viewer_.removeProbe(p.id);
            ImGui::SameLine();
            char line[256];
            std::snprintf(line, sizeof line, "%s (%s) tip %.1f, %.1f, %.1f  length %.0f mm", p.id.c_str(), p.deviceId.c_str(),
                          p.tip_mm.x, p.tip_mm.y, p.tip_mm.z, distance(p.tip_mm, p.entry_mm));
            if (ImGui::Selectable(line, viewer_.state().selectedProbe == p.id)) {
                viewer_.selectProbe(p.id);
                viewer_.setCrosshair(p.tip_mm);
            }
            ImGui::PopID();
        }
    });
}

void LogPanel::draw() {
    ImGui::BeginChild("log", ImVec2(0, 0), true, ImGuiWindowFlags_HorizontalScrollbar);
    for (const auto& line : gui_.log.lines()) {
        if (line.level >= log::Level::Error) ImGui::TextColored(kBad, "%s", line.text.c_str());
        else if (line.level == log::Level::Warning) ImGui::TextColored(kWarn, "%s", line.text.c_str());
        else ImGui::TextUnformatted(line.text.c_str());
    }
    if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY()) ImGui::SetScrollHereY(1.0f);
    ImGui::EndChild();
}

} // namespace irplan::viewer
