// The planning script commands (the Planning panel calls the same functions).
#include "app/gui/session/PlanCommands.h"

#include "app/gui/session/Script.h"
#include "core/Error.h"

#include <cmath>
#include <iostream>

namespace irplan::viewer {

namespace {

void need(const std::vector<std::string>& t, size_t n, const char* usage) {
    if (t.size() != n + 1) throw Error(std::string("usage: ") + usage);
}
} // namespace

std::string planScriptHelp() {
    return "plan-lesion K | plan-device ID [SETTING] | plan-model chart|thermal|ire-field | plan-margin MM\n"
           "plan-run (evaluate with the chosen model) | plan-auto | plan-accept N | plan-save DIR\n"
           "plan-show minimal|warning N|lesion (moves the crosshair there)\n"
           "plan-compare [off] (RFA, MWA and IRE zones on the plan's probes, side by side)\n";
}

void jumpTo(Viewer& viewer, const std::string& what, size_t n) {
    const auto e = viewer.planning().evaluation();
    if (what == "lesion") {
        if (viewer.planning().settings().lesion == 0) throw Error("no target lesion chosen (plan-lesion K)");
        viewer.selectLesion(viewer.planning().settings().lesion);
        return;
    }
    if (!e) throw Error("no plan evaluated yet: choose a lesion and place a probe");
    if (what == "minimal") {
        if (!std::isfinite(e->margin.minimal_mm)) throw Error("the zone is empty: no minimal margin to show");
        viewer.setCrosshair(e->margin.minimalPoint_mm);
    } else if (what == "warning") {
        if (n < 1 || n > e->heatSinkWarnings.size())
            throw Error("heat-sink warning " + std::to_string(n) + " does not exist (the plan has " +
                        std::to_string(e->heatSinkWarnings.size()) + ")");
        viewer.setCrosshair(e->heatSinkWarnings[n - 1].point_mm);
    } else {
        throw Error("plan-show: say minimal, warning N or lesion");
    }
}

bool runPlanCommand(const std::vector<std::string>& t, Viewer& viewer) {
    if (t.empty()) return false;
    const std::string& cmd = t[0];
    PlanSession& plan = viewer.planning();
    if (cmd == "plan-lesion") {
        need(t, 1, "plan-lesion K");
        plan.setLesion(static_cast<int>(scriptNumber(t[1], "lesion number")));
    } else if (cmd == "plan-device") {
        if (t.size() != 2 && t.size() != 3) throw Error("usage: plan-device ID [SETTING]");
        plan.setDevice(t[1], t.size() == 3 ? t[2] : "");
    } else if (cmd == "plan-model") {
        need(t, 1, "plan-model chart|thermal|ire-field");
        plan.setModel(planning::zoneModelFromName(t[1]));
    } else if (cmd == "plan-margin") {
        need(t, 1, "plan-margin MM");
        plan.setMargin(scriptNumber(t[1], "margin"));
    } else if (cmd == "plan-run") {
        need(t, 0, "plan-run");
        plan.refine();
    } else if (cmd == "plan-auto") {
        need(t, 0, "plan-auto");
        plan.propose();
    } else if (cmd == "plan-accept") {
        need(t, 1, "plan-accept N");
        const double n = scriptNumber(t[1], "proposal number");
        if (n < 1) throw Error("proposals are numbered from 1");
        plan.accept(static_cast<size_t>(n));
    } else if (cmd == "plan-save") {
        need(t, 1, "plan-save DIR");
        plan.save(t[1]);
    } else if (cmd == "plan-compare") {
        if (t.size() == 1) plan.compareModalities();
        else if (t.size() == 2 && t[1] == "off") plan.clearComparison();
        else throw Error("usage: plan-compare [off]");
    } else if (cmd == "plan-show") {
        if (t.size() < 2 || t.size() > 3) throw Error("usage: plan-show minimal|warning N|lesion");
        jumpTo(viewer, t[1], t.size() == 3 ? static_cast<size_t>(scriptNumber(t[2], "warning number")) : 0);
    } else {
        return false;
    }
    return true;
}

} // namespace irplan::viewer
