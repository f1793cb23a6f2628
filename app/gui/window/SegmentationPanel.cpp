// The Segmentation panel: liver, lesions and vessels on the loaded images (in
// the background, with progress in the status bar), a seed tool that grows a
// lesion from one click, and the lesion table whose rows move the views to the
// lesion. PET figures say SUV only when the PET is in SUV.
#include "app/gui/window/Panels.h"
#include "app/gui/window/Widgets.h"

#include "core/Error.h"
#include "core/Log.h"

#include <imgui.h>

namespace irplan::viewer {

void SegmentationPanel::act(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& e) {
        log::error(e.what());
        gui_.notices.push_back(e.what());
    }
}

void SegmentationPanel::draw() {
    SegmentSession& s = viewer_.segmentation();
    if (!viewer_.hasImage()) {
        ImGui::TextWrapped("Open a case or an image first.");
        return;
    }
    ImGui::TextWrapped("Results are written to %s and added to the case.", s.outputDir().string().c_str());
    const bool busy = viewer_.tasks().busy();
    ImGui::BeginDisabled(busy);
    if (ImGui::Button("Liver")) act([&] { s.runLiver(); });
    ImGui::SameLine();
    if (ImGui::Button("Lesions")) act([&] { s.runLesions(s.seeds()); });
    ImGui::SameLine();
    if (ImGui::Button("Vessels")) act([&] { s.runVessels(); });
    ImGui::SameLine();
    const bool seeding = gui_.tool == Tool::Seed;
    if (ImGui::Button(seeding ? "Click a lesion..." : "Grow from a click")) gui_.tool = seeding ? Tool::Navigate : Tool::Seed;
    ImGui::EndDisabled();
    if (busy) ImGui::TextColored(kHead, "Working (progress and Cancel in the status bar)...");
    if (viewer_.images().couinaud) {
        bool overlay = viewer_.couinaudOverlay();
        if (ImGui::Checkbox("Couinaud segments on the slices", &overlay)) act([&] { viewer_.setCouinaudOverlay(overlay); });
    }
    if (!s.lastSummary().empty()) ImGui::TextWrapped("Last result: %s", s.lastSummary().c_str());
    if (!viewer_.images().ctToPet && viewer_.images().pet)
        ImGui::TextColored(kWarn, "The PET is not registered: lesions are found on the CT alone.");
    if (viewer_.images().labels.labels) drawEditor();

    const auto& lesions = s.lesions();
    if (lesions.empty()) return;
    ImGui::Separator();
    ImGui::TextColored(kHead, "Lesions (click a row to show it)");
    const std::string pet = s.petLabel();
    const bool suv = pet == "SUV";
    if (!suv) ImGui::TextColored(kWarn, "PET values in %s: SUV unavailable", pet.c_str());
    const std::string maxName = suv ? "SUVmax" : "max " + pet, peakName = suv ? "SUVpeak" : "peak " + pet;
    if (ImGui::BeginTable("lesions", 9, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
        for (const char* h : {"#", "from", "finding", "segment", "size mm", "mL", "HU"}) ImGui::TableSetupColumn(h);
        ImGui::TableSetupColumn(maxName.c_str());
        ImGui::TableSetupColumn(peakName.c_str());
        ImGui::TableHeadersRow();
        for (const auto& l : lesions) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            char id[16];
            std::snprintf(id, sizeof id, "%d", l.id);
            if (ImGui::Selectable(id, false, ImGuiSelectableFlags_SpanAllColumns)) act([&] { s.showLesion(l.id); });
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(l.source.c_str());
            ImGui::TableNextColumn();
            // Appearance and confidence; findings below the confidence to plan stand out.
            {
                std::string f = l.appearance.empty() ? "-" : l.appearance;
                if (l.confidence) {
                    char c[16];
                    std::snprintf(c, sizeof c, " %.2f", *l.confidence);
                    f += c;
                }
                if (l.status == "target" || l.status.empty()) ImGui::TextUnformatted(f.c_str());
                else ImGui::TextColored(kWarn, "%s, %s", f.c_str(), l.status.c_str());
                if (ImGui::IsItemHovered() && !l.note.empty()) ImGui::SetTooltip("%s", l.note.c_str());
            }
            ImGui::TableNextColumn();
            if (l.couinaud) {
                // The segment holding most of it, and the others it touches.
                std::string segs = std::to_string(*l.couinaud);
                for (int k : l.couinaudAll)
                    if (k != *l.couinaud) segs += (segs.find('(') == std::string::npos ? " (" : ", ") + std::to_string(k);
                if (segs.find('(') != std::string::npos) segs += ")";
                ImGui::TextUnformatted(segs.c_str());
            } else {
                ImGui::TextDisabled("-");
            }
            ImGui::TableNextColumn();
            ImGui::Text("%.1f", l.longestAxialDiameter_mm);
            ImGui::TableNextColumn();
            ImGui::Text("%.2f", l.volume_ml);
            ImGui::TableNextColumn();
            if (l.meanHu) ImGui::Text("%.0f", *l.meanHu);
            else ImGui::TextDisabled("-");
            ImGui::TableNextColumn();
            if (l.petMax) ImGui::Text("%.2f", *l.petMax);
            else ImGui::TextDisabled("-");
            ImGui::TableNextColumn();
            if (l.petPeak) ImGui::Text("%.2f", *l.petPeak);
            else ImGui::TextDisabled("-");
        }
        ImGui::EndTable();
    }
}

} // namespace irplan::viewer
