#include "planning/Applicator.h"

#include "core/Error.h"

#include <algorithm>
#include <cmath>

namespace irplan::planning {

namespace {
constexpr double kPi = 3.14159265358979323846;

std::vector<Vec3> arrayOffsets(int n, double spacing, const Vec3& e1, const Vec3& e2) {
    std::vector<Vec3> o;
    switch (n) {
    case 1:
        o = {Vec3{}};
        break;
    case 2:
        o = {e1 * (-0.5 * spacing), e1 * (0.5 * spacing)};
        break;
    case 3: {
        const double r = spacing / std::sqrt(3.0); // circumradius of the equilateral triangle
        for (int k = 0; k < 3; ++k) {
            const double a = 2 * kPi * k / 3.0;
            o.push_back(e1 * (r * std::cos(a)) + e2 * (r * std::sin(a)));
        }
        break;
    }
    case 4:
        for (int k = 0; k < 4; ++k)
            o.push_back(e1 * ((k & 1) ? 0.5 * spacing : -0.5 * spacing) +
                        e2 * ((k & 2) ? 0.5 * spacing : -0.5 * spacing));
        break;
    case 5: {
        // Centre electrode plus four at `spacing` from it.
        o.push_back(Vec3{});
        for (int k = 0; k < 4; ++k) {
            const double a = kPi / 4 + kPi / 2 * k;
            o.push_back(e1 * (spacing * std::cos(a)) + e2 * (spacing * std::sin(a)));
        }
        break;
    }
    case 6:
        for (int r = 0; r < 2; ++r)
            for (int c = 0; c < 3; ++c)
                o.push_back(e1 * ((c - 1) * spacing) + e2 * ((r - 0.5) * spacing));
        break;
    default:
        throw Error("an applicator array needs 1 to 6 needles, not " + std::to_string(n));
    }
    return o;
}
} // namespace

Probe parseProbe(const std::string& text) {
    Probe p;
    bool haveTip = false, haveEntry = false;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(';', start);
        if (end == std::string::npos) end = text.size();
        std::string part = text.substr(start, end - start);
        part.erase(0, part.find_first_not_of(" \t"));
        if (!part.empty()) {
            const size_t eq = part.find('=');
            if (eq == std::string::npos)
                throw Error("probe \"" + text + "\": expected tip=x,y,z;entry=x,y,z (mm, LPS)");
            const std::string key = part.substr(0, eq);
            Vec3 v;
            try {
                v = parseVec3(part.substr(eq + 1));
            } catch (const Error& e) {
                throw Error("probe \"" + text + "\": " + e.what() + " (expected tip=x,y,z;entry=x,y,z in mm, LPS)");
            }
            if (key == "tip")
                p.tip_mm = v, haveTip = true;
            else if (key == "entry")
                p.entry_mm = v, haveEntry = true;
            else if (key == "id")
                throw Error("probe \"" + text + "\": id is not a point");
            else
                throw Error("probe \"" + text + "\": unknown key '" + key + "' (use tip= and entry=)");
        }
        start = end + 1;
    }
    if (!haveTip || !haveEntry) throw Error("probe \"" + text + "\" needs both tip=x,y,z and entry=x,y,z (mm, LPS)");
    if (distance(p.tip_mm, p.entry_mm) < 1.0)
        throw Error("probe \"" + text + "\": tip and entry are less than 1 mm apart; the needle has no direction");
    return p;
}

Vec3 acrossAxis(const Vec3& axis) {
    Vec3 e = cross(axis, Vec3{0, 0, 1});
    if (norm(e) < 1e-3) e = cross(axis, Vec3{1, 0, 0});
    return normalized(e);
}

double angleToAxialPlane_deg(const Vec3& tip, const Vec3& entry) {
    const Vec3 u = normalized(entry - tip);
    return std::asin(std::min(1.0, std::abs(u.z))) * 180.0 / kPi;
}

PlacedApplicator placeApplicator(const Probe& probe, const Device& device, const DeviceSetting& setting) {
    if (distance(probe.tip_mm, probe.entry_mm) < 1.0)
        throw Error("probe '" + probe.id + "': tip and entry are less than 1 mm apart");
    PlacedApplicator a;
    a.device = &device;
    a.setting = &setting;
    a.probe = probe;
    a.axis = normalized(probe.entry_mm - probe.tip_mm);
    a.across1 = acrossAxis(a.axis);
    a.across2 = normalized(cross(a.axis, a.across1));
    int n = device.needles;
    double spacing = device.spacing_mm;
    if (device.modality == Modality::IRE) {
        n = setting.electrodes;
        spacing = setting.spacing_mm;
    }
    for (const Vec3& off : arrayOffsets(n, spacing, a.across1, a.across2))
        a.needles.push_back({probe.tip_mm + off, probe.entry_mm + off});
    a.chart.axis = a.axis;
    a.chart.centre_mm = probe.tip_mm + a.axis * setting.zone.centreFromTip_mm;
    a.chart.semiLength_mm = 0.5 * setting.zone.length_mm;
    a.chart.semiWidth_mm = 0.5 * setting.zone.width_mm;
    return a;
}

PlacedApplicator placeIreElectrodes(const std::vector<Probe>& electrodes, const Device& device,
                                    const DeviceSetting& setting) {
    if (device.modality != Modality::IRE) throw Error("device '" + device.id + "' is not an IRE device");
    if (electrodes.size() < 2) throw Error("an IRE plan needs at least 2 electrodes");
    Probe mean;
    mean.id = electrodes.front().id;
    Vec3 axisSum;
    for (const auto& e : electrodes) {
        if (distance(e.tip_mm, e.entry_mm) < 1.0)
            throw Error("electrode '" + e.id + "': tip and entry are less than 1 mm apart");
        mean.tip_mm += e.tip_mm / static_cast<double>(electrodes.size());
        mean.entry_mm += e.entry_mm / static_cast<double>(electrodes.size());
        axisSum += normalized(e.entry_mm - e.tip_mm);
    }
    PlacedApplicator a;
    a.device = &device;
    a.setting = &setting;
    a.probe = mean;
    a.axis = normalized(axisSum);
    a.across1 = acrossAxis(a.axis);
    a.across2 = normalized(cross(a.axis, a.across1));
    for (const auto& e : electrodes)
        a.needles.push_back({e.tip_mm, e.entry_mm});
    a.chart.axis = a.axis;
    a.chart.centre_mm = mean.tip_mm + a.axis * setting.zone.centreFromTip_mm;
    a.chart.semiLength_mm = 0.5 * setting.zone.length_mm;
    a.chart.semiWidth_mm = 0.5 * setting.zone.width_mm;
    return a;
}

} // namespace irplan::planning
