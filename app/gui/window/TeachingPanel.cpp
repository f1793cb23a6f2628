#include "app/gui/session/Tour.h"
#include "app/gui/window/Panels.h"

#include "core/Error.h"
#include "core/Log.h"

#include <imgui.h>

namespace irplan::viewer {

void TeachingPanel::draw() {
    const auto& steps = phantomTour();
    ImGui::TextWrapped("A guided tour of the demo phantom: each step sets up the views and explains what they show.");
    if (!tourFits(viewer_.currentCase().name)) {
        ImGui::TextColored(ImVec4(1.0f, 0.6f, 0.15f, 1.0f), "The tour is written for the built-in phantom (seed 1).");
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
        ImGui::TextColored(ImVec4(0.55f, 0.75f, 1.0f, 1.0f), "%s", steps[step_].title.c_str());
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
