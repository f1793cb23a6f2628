// The Planning panel: target, device, setting, model and margin; applicators
// placed with the probe tool (or proposed); the plan's figures, updated live
// while a probe is dragged; heat-sink warnings with a button that shows each;
// saving the plan into the case. Every action is a PlanSession function that
// scripts call too (session/PlanCommands.cpp).
#include "app/gui/session/PlanCommands.h"
#include "app/gui/window/Panels.h"
#include "app/gui/window/Widgets.h"

#include "core/Error.h"
#include "core/Log.h"
#include "planning/PlanReport.h"

#include <imgui.h>

#include <cmath>
#include <cstdio>

namespace irplan::viewer {

void PlanningPanel::act(const std::function<void()>& action) {
    try {
        action();
    } catch (const std::exception& e) {
        log::error(e.what());
        gui_.notices.push_back(e.what());
    }
}

void PlanningPanel::draw() {
    PlanSession& plan = viewer_.planning();
    const PlanSettings& s = plan.settings();
    if (!viewer_.images().labels.labels) {
        ImGui::TextWrapped("Planning needs a label map with the target lesions (labels 100+k): open a case with a "
                           "segmentation, or the built-in phantom (Case panel).");
        return;
    }
    // ---- target and device ----
    std::string lesionText = s.lesion ? "lesion " + std::to_string(s.lesion) : "choose...";
    if (ImGui::BeginCombo("Target", lesionText.c_str())) {
        for (const auto& [label, info] : viewer_.images().labelInfo) {
            if (label < 100) continue;
            char text[96];
            std::snprintf(text, sizeof text, "lesion %d  (%.1f mL)", label - 100, info.volume_ml);
            if (ImGui::Selectable(text, s.lesion == label - 100)) act([&] {
                plan.setLesion(label - 100);
                viewer_.selectLesion(label - 100);
            });
        }
        ImGui::EndCombo();
    }
    const planning::DeviceCatalogue* catalogue = nullptr;
    try {
        catalogue = &plan.catalogue();
    } catch (const std::exception& e) {
        ImGui::TextColored(kBad, "device catalogue: %s", e.what());
        return;
    }
    const planning::Device* device = catalogue->find(s.deviceId);
    if (ImGui::BeginCombo("Device", device ? device->name.c_str() : "choose...")) {
        for (const auto& d : catalogue->devices())
            if (ImGui::Selectable(d.name.c_str(), d.id == s.deviceId)) act([&] { plan.setDevice(d.id); });
        ImGui::EndCombo();
    }
    if (device) {
        const planning::DeviceSetting* setting = device->setting(s.setting);
        if (ImGui::BeginCombo("Setting", setting ? setting->name.c_str() : "")) {
            for (const auto& st : device->settings)
                if (ImGui::Selectable(st.name.c_str(), setting == &st)) act([&] { plan.setDevice(device->id, st.name); });
            ImGui::EndCombo();
        }
    }
    int model = static_cast<int>(s.model);
    const bool ire = device && device->modality == planning::Modality::IRE;
    ImGui::Text("Model");
    ImGui::SameLine();
    if (ImGui::RadioButton("chart", &model, 0)) act([&] { plan.setModel(planning::ZoneModelKind::Chart); });
    ImGui::SameLine();
    ImGui::BeginDisabled(ire);
    if (ImGui::RadioButton("thermal", &model, 1)) act([&] { plan.setModel(planning::ZoneModelKind::Thermal); });
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(!ire);
    if (ImGui::RadioButton("IRE field", &model, 2)) act([&] { plan.setModel(planning::ZoneModelKind::IreField); });
    ImGui::EndDisabled();
    float margin = static_cast<float>(s.margin_mm);
    ImGui::SliderFloat("Margin (mm)", &margin, 0.0f, 10.0f, "%.1f");
    if (ImGui::IsItemDeactivatedAfterEdit()) act([&] { plan.setMargin(std::round(margin * 2.0f) / 2.0); });
    if (s.lesion == 0) {
        ImGui::TextWrapped("Choose the target lesion to plan.");
        return;
    }
    if (!plan.contextReady()) {
        ImGui::TextColored(kHead, "Preparing lesion %d (distance maps, vessels)...", s.lesion);
        return;
    }

    // ---- applicators ----
    ImGui::Separator();
    const bool placing = gui_.tool == Tool::Probe;
    if (ImGui::Button(placing ? "Placing: click tip, then entry" : "Place applicator")) {
        gui_.tool = placing ? Tool::Navigate : Tool::Probe;
        gui_.pendingProbeTip.reset();
    }
    ImGui::SameLine();
    if (ImGui::Button("Propose paths")) act([&] { plan.propose(); });
    ImGui::SameLine();
    if (ImGui::Button("Evaluate")) act([&] { plan.refine(); });
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("Drag a tip or entry to move it; the zone follows (chart), the model refines on release.");
    ImGui::PopTextWrapPos();
    if (const auto& proposals = plan.proposals()) {
        if (proposals->proposals.empty())
            ImGui::TextColored(kBad, "No safe straight path (%d directions tried).", proposals->directionsSampled);
        for (const auto& p : proposals->proposals) {
            ImGui::PushID(p.rank);
            if (ImGui::SmallButton("Accept")) act([&] { plan.accept(static_cast<size_t>(p.rank)); });
            ImGui::SameLine();
            ImGui::PushTextWrapPos(0.0f);
            ImGui::TextColored(p.safe && p.marginReached ? kGood : kWarn, "#%d %s %s, %s: margin %.1f mm, %.0f mm deep%s",
                               p.rank, p.deviceId.c_str(), p.setting.c_str(), p.strategy.c_str(), p.minimalMargin_mm,
                               p.insertedLength_mm, p.safe ? "" : " (path check fails)");
            ImGui::PopTextWrapPos();
            ImGui::PopID();
        }
    }

    // ---- the plan ----
    ImGui::Separator();
    const auto e = plan.evaluation();
    if (!plan.error().empty()) ImGui::TextColored(kWarn, "%s", plan.error().c_str());
    if (!e) {
        ImGui::TextWrapped("No applicator yet: place one (tip in the lesion, then the skin entry) or propose paths.");
    } else {
        ImGui::TextColored(kHead, "%s model%s", planning::zoneModelName(e->model),
                           plan.refined() ? "" : (plan.refining() ? " (preview; refining...)" : " (preview)"));
        ImGui::TextWrapped("%s, %s; %zu applicator(s); zone %.1f mL", e->device ? e->device->name.c_str() : "",
                    e->setting ? e->setting->name.c_str() : "", e->applicators.size(),
                           e->shape.volume_ml > 0 ? e->shape.volume_ml : e->zone.field.volume_ml());
        const double m = e->margin.minimal_mm;
        char marginText[64] = "none (empty zone)";
        if (std::isfinite(m)) std::snprintf(marginText, sizeof marginText, "%.1f mm", m);
        ImGui::TextColored(std::isfinite(m) && m >= s.margin_mm ? kGood : kBad, "Minimal margin %s (requested %.1f mm)",
                           marginText, s.margin_mm);
        ImGui::SameLine();
        if (ImGui::SmallButton("Show")) act([&] { jumpTo(viewer_, "minimal"); });
        ImGui::Text("Coverage: lesion %.1f%%, lesion + margin %.1f%%", e->margin.coverageLesion_pct,
                    e->margin.coverageMargin_pct);
        if (e->robust)
            ImGui::Text("P(margin reached, %.0f mm placement error) = %.0f%%", plan.evaluatedRequest().robustness.placementError_mm,
                        100 * e->robust->pMarginReached);
        if (!plan.refined()) ImGui::TextDisabled("chart update %.1f ms", plan.lastChartUpdate_ms());
        ImGui::PushTextWrapPos(0.0f);
        for (const auto& n : e->notes) ImGui::TextColored(kWarn, "%s", n.c_str());
        if (!e->heatSinkWarnings.empty()) ImGui::TextColored(kWarn, "Heat-sink warnings (%zu)", e->heatSinkWarnings.size());
        for (size_t i = 0; i < e->heatSinkWarnings.size(); ++i) {
            const auto& w = e->heatSinkWarnings[i];
            ImGui::PushID(static_cast<int>(1000 + i));
            if (ImGui::SmallButton("Show")) act([&] { jumpTo(viewer_, "warning", i + 1); });
            ImGui::SameLine();
            char lost[64] = "";
            if (w.marginLost_mm) std::snprintf(lost, sizeof lost, ", margin lost %.1f mm", *w.marginLost_mm);
            ImGui::TextWrapped("%s (%s) %.1f mm, %.1f mm from the lesion, %s side%s", w.kind.c_str(), w.vesselId.c_str(),
                               w.diameter_mm, w.distanceToLesion_mm, w.side.c_str(), lost);
            ImGui::PopID();
        }
        for (const auto& p : e->paths)
            for (const auto& c : p.checks)
                if (!c.pass) ImGui::TextColored(kBad, "path %s: %s fails: %s", p.probeId.c_str(), c.name.c_str(), c.detail.c_str());
        ImGui::PopTextWrapPos();
        ImGui::Separator();
        if (saveDir_[0] == 0) {
            const auto dir = viewer_.caseFile().empty() ? std::filesystem::path("plans")
                                                         : viewer_.caseFile().parent_path() / "plans";
            std::snprintf(saveDir_, sizeof saveDir_, "%s", (dir / plan.planId()).string().c_str());
        }
        ImGui::InputText("Folder", saveDir_, sizeof saveDir_);
        if (ImGui::Button("Save plan into the case")) act([&] { plan.save(saveDir_); });
    }
    if (!plan.storedPlans().empty()) {
        ImGui::Separator();
        ImGui::TextColored(kHead, "Saved plans");
        for (const auto& p : plan.storedPlans()) {
            const Json& j = p.summary;
            const double m = j.contains("minimal_margin_mm") && j["minimal_margin_mm"].is_number()
                                 ? j["minimal_margin_mm"].get<double>()
                                 : NAN;
            ImGui::BulletText("%s: %s %s, %s; margin %.1f mm, zone %.1f mL", p.id.c_str(), j.value("device", "").c_str(),
                              j.value("setting", "").c_str(), j.value("model", "").c_str(), m,
                              j.value("zone_volume_ml", 0.0));
        }
    }
}

} // namespace irplan::viewer
