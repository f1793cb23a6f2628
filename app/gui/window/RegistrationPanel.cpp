// The Registration panel: preset, run (progress and Cancel), the quality
// gate's verdict with each check, checkerboard or flicker comparison of the
// fixed (CT) and moving (PET) images, and a manual nudge with a re-check.
#include "app/gui/window/Panels.h"

#include "core/Error.h"
#include "core/Log.h"
#include "registration/Presets.h"

#include <imgui.h>

namespace irplan::viewer {

namespace {
ImVec4 verdictColour(const std::string& v) {
    if (v == "pass") return {0.45f, 0.9f, 0.45f, 1.0f};
    if (v == "warn") return {1.0f, 0.7f, 0.2f, 1.0f};
    if (v == "fail") return {1.0f, 0.3f, 0.3f, 1.0f};
    return {0.7f, 0.7f, 0.7f, 1.0f};
}
} // namespace

void RegistrationPanel::act(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& e) {
        log::error(e.what());
        gui_.notices.push_back(e.what());
    }
}

void RegistrationPanel::draw() {
    RegisterSession& r = viewer_.registration();
    const LoadedImages& images = viewer_.images();
    if (images.ctId.empty() || images.petId.empty()) {
        ImGui::TextWrapped("Registration places the PET (moving) on the CT (fixed): open a case with both.");
        return;
    }
    ImGui::Text("Fixed: %s   Moving: %s", images.ctId.c_str(), images.petId.c_str());
    ImGui::TextWrapped("PET placed by: %s", viewer_.scene().pet.alignment.c_str());
    if (presets_.empty()) {
        try {
            presets_ = registration::builtInPresetNames();
            // PET onto CT is what this panel is for: start on its rigid preset.
            for (size_t i = 0; i < presets_.size(); ++i)
                if (presets_[i] == "pet-ct-rigid") preset_ = static_cast<int>(i);
        } catch (const std::exception& e) {
            ImGui::TextColored(verdictColour("fail"), "presets: %s", e.what());
            return;
        }
    }
    if (preset_ >= static_cast<int>(presets_.size())) preset_ = 0;
    if (ImGui::BeginCombo("Preset", presets_.empty() ? "" : presets_[static_cast<size_t>(preset_)].c_str())) {
        for (size_t i = 0; i < presets_.size(); ++i)
            if (ImGui::Selectable(presets_[i].c_str(), static_cast<int>(i) == preset_)) preset_ = static_cast<int>(i);
        ImGui::EndCombo();
    }
    const bool busy = viewer_.tasks().busy();
    ImGui::BeginDisabled(busy || presets_.empty());
    if (ImGui::Button("Register")) act([&] { r.run(presets_[static_cast<size_t>(preset_)]); });
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!r.running());
    if (ImGui::Button("Cancel")) r.cancel();
    ImGui::EndDisabled();
    for (const auto& t : viewer_.tasks().status()) {
        ImGui::ProgressBar(static_cast<float>(t.fraction), ImVec2(-1, 0), t.stage.c_str());
        break;
    }

    if (const auto& qa = r.qa()) {
        ImGui::Separator();
        ImGui::TextColored(verdictColour(qa->verdict), "Quality gate: %s (%s)", qa->verdict.c_str(), r.transformId().c_str());
        ImGui::PushTextWrapPos(0.0f);
        for (const auto& c : qa->checks)
            ImGui::TextColored(verdictColour(c.verdict), "%s  %s: %s", c.verdict.c_str(), c.name.c_str(), c.message.c_str());
        ImGui::PopTextWrapPos();
    }

    ImGui::Separator();
    ImGui::TextUnformatted("Compare fixed and moving");
    int mode = viewer_.state().display.checkerboard_mm > 0 ? 1 : (flicker_ ? 2 : 0);
    if (ImGui::RadioButton("blend", &mode, 0)) {
        flicker_ = false;
        act([&] { viewer_.setCheckerboard(0); });
    }
    ImGui::SameLine();
    if (ImGui::RadioButton("checkerboard", &mode, 1)) {
        flicker_ = false;
        act([&] { viewer_.setCheckerboard(tile_mm_); });
    }
    ImGui::SameLine();
    if (ImGui::RadioButton("flicker", &mode, 2)) {
        act([&] { viewer_.setCheckerboard(0); });
        flicker_ = true;
        savedOpacity_ = viewer_.state().display.petOpacity;
    }
    if (mode == 1 && ImGui::SliderFloat("Tile (mm)", &tile_mm_, 5.0f, 60.0f, "%.0f")) act([&] { viewer_.setCheckerboard(tile_mm_); });
    if (flicker_) {
        // Twice a second: the CT alone, then the PET alone (opaque).
        const bool showPet = static_cast<long>(ImGui::GetTime() * 2.0) % 2 == 1;
        const double want = showPet ? 1.0 : 0.0;
        if (viewer_.state().display.petOpacity != want) act([&] { viewer_.setPetOpacity(want); });
    } else if (savedOpacity_ >= 0) {
        act([&] { viewer_.setPetOpacity(savedOpacity_); });
        savedOpacity_ = -1;
    }

    ImGui::Separator();
    ImGui::TextUnformatted("Manual nudge (moves the PET; LPS mm, degrees)");
    ImGui::InputFloat3("Shift mm", shift_, "%.1f");
    ImGui::InputFloat3("Rotate deg", rotate_, "%.1f");
    ImGui::BeginDisabled(busy);
    if (ImGui::Button("Apply nudge and re-check"))
        act([&] { r.nudge({shift_[0], shift_[1], shift_[2]}, {rotate_[0], rotate_[1], rotate_[2]}); });
    ImGui::EndDisabled();
}

} // namespace irplan::viewer
