#include "app/gui/session/Tour.h"
#include "app/gui/window/Panels.h"
#include "app/gui/window/Widgets.h"

#include "core/Error.h"
#include "core/Log.h"

#include <imgui.h>

namespace irplan::viewer {

void TeachingPanel::draw() {
    const auto& steps = phantomTour();
    ImGui::TextWrapped("A guided tour of the demo phantom: each step sets up the views and explains what they show.");
    if (!tourFits(viewer_.currentCase().name)) {
        ImGui::TextColored(kWarn, "The tour is written for the built-in phantom (seed 1).");
        if (ImGui::Button("Generate and open the phantom")) {
            try {
                viewer_.openPhantom("irplan-phantom", 2.0);
            } catch (const Error& e) {
                gui_.notices.push_back(e.what());
            }
        }
        return;
    }
    ImGui::Spacing();
    for (size_t i = 0; i < steps.size(); ++i) {
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::Selectable(steps[i].title.c_str(), step_ == i)) show(i);
        ImGui::PopID();
    }
    ImGui::Separator();
    if (step_ < steps.size()) {
        ImGui::TextColored(kHead, "%s", steps[step_].title.c_str());
        ImGui::TextWrapped("%s", steps[step_].text.c_str());
        ImGui::Spacing();
        ImGui::BeginDisabled(step_ == 0);
        if (ImGui::Button("< Previous")) show(step_ - 1);
        ImGui::EndDisabled();
        ImGui::SameLine();
        ImGui::BeginDisabled(step_ + 1 >= steps.size());
        if (ImGui::Button("Next >")) show(step_ + 1);
        ImGui::EndDisabled();
    }
    drawComparison();
}

void TeachingPanel::drawComparison() {
    ImGui::Separator();
    ImGui::TextColored(kHead, "RFA, MWA and IRE side by side");
    ImGui::TextWrapped("Lesion 2 abuts a 5.3 mm portal-vein branch. One applicator, its tip 10 mm past the centre, three modalities "
                       "(chart zones): radiofrequency (orange), microwave (pink), irreversible electroporation (green). "
                       "Thermal ablation is cooled next to vessels of 3 mm or more; IRE is not.");
    PlanSession& plan = viewer_.planning();
    try {
        if (ImGui::Button("Show the comparison")) {
            // Through the script commands, like the tour.
            runCommand("plan-lesion 2", viewer_, frontend_);
            runCommand("lesion 2", viewer_, frontend_);
            comparing_ = true;
        }
        if (comparing_ && plan.contextReady() && plan.settings().lesion == 2) {
            comparing_ = false;
            // Tip 10 mm past the lesion centre (truth.json: -28.6, -17.5, -8.8), since the zones reach back
            // along the shaft; entry anterior and to the right, in the axial plane.
            runCommand("probe teach -24.07,-8.55,-8.79 -75,-110,-8.79", viewer_, frontend_);
            runCommand("plan-compare", viewer_, frontend_);
            runCommand("layout 1+3", viewer_, frontend_);
            runCommand("view axial", viewer_, frontend_);
        }
    } catch (const Error& e) {
        comparing_ = false;
        log::error(e.what());
        gui_.notices.push_back(e.what());
    }
    if (comparing_) ImGui::TextDisabled("preparing lesion 2...");
    const auto& rows = plan.comparison();
    if (rows.empty()) return;
    if (ImGui::BeginTable("modalities", 5, ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
        for (const char* h : {"", "zone mL", "margin mm", "lesion %", "heat sink"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const auto& r : rows) {
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextColored(ImVec4(r.colour.r, r.colour.g, r.colour.b, 1.0f), "%s", r.modality.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%.1f", r.zone_ml);
            ImGui::TableNextColumn();
            ImGui::Text("%.1f", r.minimalMargin_mm);
            ImGui::TableNextColumn();
            ImGui::Text("%.0f", r.coverageLesion_pct);
            ImGui::TableNextColumn();
            if (!r.thermal) ImGui::TextUnformatted("none (non-thermal)");
            else ImGui::Text("%zu warning(s)", r.heatSinkWarnings);
        }
        ImGui::EndTable();
    }
    if (ImGui::SmallButton("Hide the comparison")) plan.clearComparison();
}

void TeachingPanel::show(size_t i) {
    step_ = i;
    for (const auto& cmd : phantomTour()[i].commands) {
        try {
            runCommand(cmd, viewer_, frontend_);
        } catch (const Error& e) {
            log::error("tour step " + std::to_string(i + 1) + ": " + e.what());
            gui_.notices.push_back(e.what());
            return;
        }
    }
}

} // namespace irplan::viewer
