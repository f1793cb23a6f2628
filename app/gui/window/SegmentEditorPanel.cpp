// The segment editor's part of the Segmentation panel (issue 13): the active
// label, paint/erase brush (radius, sphere or disc), threshold range, grow
// from seeds placed at the crosshair, islands, margin, holes, new and deleted
// lesions, undo/redo, and what the edits made stale. Every control calls the
// same EditSession functions as the edit-* script commands.
#include "app/gui/window/Panels.h"
#include "app/gui/window/Widgets.h"

#include <imgui.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace irplan::viewer {

void SegmentationPanel::drawEditor() {
    EditSession& e = viewer_.editor();
    const Vec3 cursor = viewer_.state().crosshair_mm;
    section("Edit the label map (segment editor)");

    // Active label: the liver, the vessels and each lesion of the map.
    std::vector<std::string> names;
    const auto& info = viewer_.images().labelInfo;
    const auto& legend = viewer_.images().labels.legend;
    if (info.count(1) || legend.count(1)) names.push_back("liver");
    names.push_back("vessels");
    for (const auto& [label, li] : info)
        if (label > 100 && label < 200) names.push_back("lesion " + std::to_string(label - 100));
    if (!e.activeName().empty() && std::find(names.begin(), names.end(), e.activeName()) == names.end())
        names.push_back(e.activeName());
    ImGui::SetNextItemWidth(140);
    if (ImGui::BeginCombo("label", e.activeName().empty() ? "(choose)" : e.activeName().c_str())) {
        for (const auto& n : names)
            if (ImGui::Selectable(n.c_str(), n == e.activeName())) act([&] { e.setActive(n); });
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button("New lesion")) act([&] { e.newLesion(); });
    const bool lesion = e.activeName().rfind("lesion ", 0) == 0;
    ImGui::SameLine();
    ImGui::BeginDisabled(!lesion);
    if (ImGui::Button("Delete lesion")) act([&] { e.deleteLesion(std::stoi(e.activeName().substr(7))); });
    if (ImGui::Button("Split at the crosshair's axial plane"))
        act([&] { e.splitLesion(std::stoi(e.activeName().substr(7)), cursor, Vec3{0, 0, 1}); });
    ImGui::EndDisabled();

    // Brush.
    if (ImGui::RadioButton("Paint", gui_.tool == Tool::Paint)) gui_.tool = gui_.tool == Tool::Paint ? Tool::Navigate : Tool::Paint;
    ImGui::SameLine();
    if (ImGui::RadioButton("Erase", gui_.tool == Tool::Erase)) gui_.tool = gui_.tool == Tool::Erase ? Tool::Navigate : Tool::Erase;
    ImGui::SameLine();
    if (ImGui::RadioButton("Navigate", gui_.tool == Tool::Navigate)) gui_.tool = Tool::Navigate;
    float radius = static_cast<float>(e.brush().radius_mm);
    int shape = e.brush().shape == seg::BrushShape::Disc ? 1 : 0;
    ImGui::SetNextItemWidth(160);
    bool changed = ImGui::SliderFloat("radius mm", &radius, 0.5f, 30.0f, "%.1f");
    ImGui::SameLine();
    changed |= ImGui::RadioButton("sphere", &shape, 0);
    ImGui::SameLine();
    changed |= ImGui::RadioButton("disc", &shape, 1);
    if (changed) act([&] { e.setBrush(radius, shape ? seg::BrushShape::Disc : seg::BrushShape::Sphere); });

    // Threshold paint.
    bool limit = e.threshold().has_value();
    if (ImGui::Checkbox("paint only", &limit))
        act([&] { e.setThreshold(limit ? std::optional(std::make_pair(double(thresholdLow_), double(thresholdHigh_))) : std::nullopt); });
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120);
    if (ImGui::DragFloatRange2("HU", &thresholdLow_, &thresholdHigh_, 1.0f, -1024.0f, 3000.0f, "%.0f", "%.0f") && limit)
        act([&] { e.setThreshold(std::make_pair(double(thresholdLow_), double(thresholdHigh_))); });
    ImGui::SameLine();
    if (ImGui::SmallButton("from cursor"))
        act([&] {
            const auto r = e.rangeAround(cursor);
            thresholdLow_ = static_cast<float>(r.first);
            thresholdHigh_ = static_cast<float>(r.second);
            e.setThreshold(r);
        });

    // Grow from seeds placed at the crosshair.
    ImGui::Text("Seeds at the crosshair: %zu inside, %zu outside", inside_.size(), outside_.size());
    if (ImGui::SmallButton("+ inside")) inside_.push_back({cursor});
    ImGui::SameLine();
    if (ImGui::SmallButton("+ outside")) outside_.push_back({cursor});
    ImGui::SameLine();
    ImGui::BeginDisabled(inside_.empty() || outside_.empty());
    if (ImGui::Button("Grow from seeds"))
        act([&] {
            e.grow(inside_, outside_);
            inside_.clear();
            outside_.clear();
        });
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Clear seeds")) {
        inside_.clear();
        outside_.clear();
    }

    // Whole-segment operations.
    if (ImGui::Button("Keep largest island")) act([&] { e.keepIsland(std::nullopt); });
    ImGui::SameLine();
    if (ImGui::Button("Keep island at crosshair")) act([&] { e.keepIsland(cursor); });
    if (ImGui::Button("Fill holes")) act([&] { e.fillHoles(); });
    ImGui::SameLine();
    if (ImGui::Button("Fill between slices")) act([&] { e.fillBetweenSlices(); });
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Outline the segment on a few axial slices (disc brush); the slices between get the "
                          "interpolated shape");
    ImGui::SetNextItemWidth(80);
    ImGui::InputFloat("mm", &margin_mm_, 0.5f, 1.0f, "%.1f");
    ImGui::SameLine();
    if (ImGui::Button("Grow")) act([&] { e.margin(margin_mm_); });
    ImGui::SameLine();
    if (ImGui::Button("Shrink")) act([&] { e.margin(-margin_mm_); });

    // Undo / redo (Ctrl+Z / Ctrl+Y anywhere over the views).
    const UndoStack& u = viewer_.undoStack();
    ImGui::BeginDisabled(!u.canUndo());
    if (ImGui::Button("Undo")) act([&] { viewer_.undo(); });
    ImGui::EndDisabled();
    if (u.canUndo() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", u.undoLabel().c_str());
    ImGui::SameLine();
    ImGui::BeginDisabled(!u.canRedo());
    if (ImGui::Button("Redo")) act([&] { viewer_.redo(); });
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextDisabled("%zu edit steps, %.1f kB of undo", e.historySteps(), e.historyBytes() / 1024.0);

    ImGui::PushStyleColor(ImGuiCol_Text, kWarn);
    const auto stale = e.staleItems();
    if (!stale.empty()) {
        std::string text = "Stale after the edits (plan and report again):";
        for (const auto& s : stale) text += "\n  - " + s;
        ImGui::TextWrapped("%s", text.c_str());
    }
    if (e.dirty()) ImGui::TextWrapped("Unsaved edits: saving the case writes the edited label maps beside it.");
    ImGui::PopStyleColor();
}

} // namespace irplan::viewer
