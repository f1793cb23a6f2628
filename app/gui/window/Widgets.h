#pragma once
// Small Dear ImGui pieces every panel uses: the palette, a titled separator,
// and running an action with its irplan::Error shown to the user.
#include "app/gui/window/GuiState.h"
#include "core/Error.h"
#include "core/Log.h"

#include <imgui.h>

namespace irplan::viewer {

inline const ImVec4 kWarn(1.0f, 0.6f, 0.15f, 1.0f);
inline const ImVec4 kBad(1.0f, 0.35f, 0.3f, 1.0f);
inline const ImVec4 kGood(0.45f, 0.9f, 0.45f, 1.0f);
inline const ImVec4 kHead(0.55f, 0.75f, 1.0f, 1.0f);

// A titled separator (ImGui 1.86 has no SeparatorText).
inline void section(const char* title) {
    ImGui::Spacing();
    ImGui::TextColored(kHead, "%s", title);
    ImGui::Separator();
}

// Runs `f`; an irplan::Error goes to the log and to the window's notices.
template <class F> void guarded(GuiState& gui, F&& f) {
    try {
        f();
    } catch (const Error& e) {
        log::error(e.what());
        gui.notices.push_back(e.what());
    }
}

} // namespace irplan::viewer
