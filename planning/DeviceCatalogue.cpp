#include "planning/DeviceCatalogue.h"

#include "core/Error.h"
#include "core/Files.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

#ifndef IRPLAN_DEVICE_DIR
#define IRPLAN_DEVICE_DIR ""
#endif

namespace irplan::planning {
namespace fs = std::filesystem;

namespace {

double number(const Json& j, const char* key, const std::string& where, bool required, double fallback = 0) {
    auto it = j.find(key);
    if (it == j.end()) {
        if (required) throw Error("device catalogue: " + where + " lacks \"" + key + "\"");
        return fallback;
    }
    if (!it->is_number() || !std::isfinite(it->get<double>()))
        throw Error("device catalogue: " + where + "." + key + " must be a number");
    return it->get<double>();
}

std::string text(const Json& j, const char* key, const std::string& where, bool required) {
    auto it = j.find(key);
    if (it == j.end()) {
        if (required) throw Error("device catalogue: " + where + " lacks \"" + key + "\"");
        return {};
    }
    if (!it->is_string()) throw Error("device catalogue: " + where + "." + key + " must be a string");
    return it->get<std::string>();
}

void requirePositive(double v, const std::string& what) {
    if (!(v > 0)) throw Error("device catalogue: " + what + " must be positive");
}

DeviceSetting settingFromJson(const Json& j, const std::string& where, const Device& d) {
    if (!j.is_object()) throw Error("device catalogue: " + where + " must be an object");
    DeviceSetting s;
    s.name = text(j, "name", where, true);
    const std::string w = where + " '" + s.name + "'";
    s.power_W = number(j, "power_w", w, false);
    s.time_min = number(j, "time_min", w, false);
    s.activeTip_mm = number(j, "active_tip_mm", w, false);
    s.electrodes = static_cast<int>(number(j, "electrodes", w, false));
    s.spacing_mm = number(j, "spacing_mm", w, false);
    s.exposure_mm = number(j, "exposure_mm", w, false);
    s.voltage_V = number(j, "voltage_v", w, false);
    s.pulses = static_cast<int>(number(j, "pulses", w, false));
    auto z = j.find("zone");
    if (z == j.end() || !z->is_object()) throw Error("device catalogue: " + w + " lacks its charted \"zone\"");
    s.zone.length_mm = number(*z, "length_mm", w + ".zone", true);
    s.zone.width_mm = number(*z, "width_mm", w + ".zone", true);
    s.zone.centreFromTip_mm = number(*z, "centre_from_tip_mm", w + ".zone", true);
    requirePositive(s.zone.length_mm, w + ".zone.length_mm");
    requirePositive(s.zone.width_mm, w + ".zone.width_mm");
    s.chartKind = text(j, "chart_kind", w, true);
    if (s.chartKind != "published" && s.chartKind != "partly-published" && s.chartKind != "representative")
        throw Error("device catalogue: " + w + ".chart_kind must be published, partly-published or representative");
    s.source = text(j, "source", w, true);
    if (s.source.empty()) throw Error("device catalogue: " + w + " has an empty source");
    if (d.modality == Modality::IRE) {
        if (s.electrodes < 2 || s.electrodes > 6)
            throw Error("device catalogue: " + w + ": IRE needs 2 to 6 electrodes");
        requirePositive(s.spacing_mm, w + ".spacing_mm");
        requirePositive(s.exposure_mm, w + ".exposure_mm");
        requirePositive(s.voltage_V, w + ".voltage_v");
    } else {
        requirePositive(s.time_min, w + ".time_min");
    }
    return s;
}

Device deviceFromJson(const Json& j, const std::string& where) {
    if (!j.is_object()) throw Error("device catalogue: " + where + " must be an object");
    Device d;
    d.id = text(j, "id", where, true);
    const std::string w = where + " '" + d.id + "'";
    d.name = text(j, "name", w, true);
    d.modality = modalityFromName(text(j, "modality", w, true));
    auto a = j.find("applicator");
    if (a == j.end() || !a->is_object()) throw Error("device catalogue: " + w + " lacks \"applicator\"");
    d.length_mm = number(*a, "length_mm", w + ".applicator", true);
    d.gauge = number(*a, "gauge", w + ".applicator", true);
    d.diameter_mm = number(*a, "diameter_mm", w + ".applicator", true);
    d.needles = static_cast<int>(number(*a, "needles", w + ".applicator", false, 1));
    d.spacing_mm = number(*a, "spacing_mm", w + ".applicator", false);
    requirePositive(d.length_mm, w + ".applicator.length_mm");
    requirePositive(d.diameter_mm, w + ".applicator.diameter_mm");
    if (d.needles < 1 || d.needles > 6) throw Error("device catalogue: " + w + ".applicator.needles must be 1 to 6");
    if (d.needles > 1) requirePositive(d.spacing_mm, w + ".applicator.spacing_mm");
    auto v = j.find("in_vivo");
    if (v == j.end() || !v->is_object())
        throw Error("device catalogue: " + w + " lacks \"in_vivo\" (factor and spread)");
    d.inVivo.volumeFactor = number(*v, "volume_factor", w + ".in_vivo", true);
    d.inVivo.logSd = number(*v, "log_sd", w + ".in_vivo", true);
    d.inVivo.source = text(*v, "source", w + ".in_vivo", true);
    requirePositive(d.inVivo.volumeFactor, w + ".in_vivo.volume_factor");
    if (d.inVivo.logSd < 0) throw Error("device catalogue: " + w + ".in_vivo.log_sd must not be negative");
    d.source = text(j, "source", w, true);
    if (d.source.empty()) throw Error("device catalogue: " + w + " has an empty source");
    auto s = j.find("settings");
    if (s == j.end() || !s->is_array() || s->empty())
        throw Error("device catalogue: " + w + " needs at least one setting");
    std::set<std::string> names;
    for (size_t i = 0; i < s->size(); ++i) {
        d.settings.push_back(settingFromJson((*s)[i], w + ".settings[" + std::to_string(i) + "]", d));
        if (!names.insert(d.settings.back().name).second)
            throw Error("device catalogue: " + w + " has two settings named '" + d.settings.back().name + "'");
    }
    return d;
}

// Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9).
double normalQuantile(double p) {
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                               1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    p = std::clamp(p, 1e-12, 1 - 1e-12);
    const double plow = 0.02425;
    if (p < plow) {
        const double q = std::sqrt(-2 * std::log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - plow) return -normalQuantile(1 - p);
    const double q = p - 0.5, r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

} // namespace

const char* modalityName(Modality m) {
    switch (m) {
    case Modality::RFA:
        return "RFA";
    case Modality::MWA:
        return "MWA";
    case Modality::IRE:
        return "IRE";
    case Modality::Laser:
        return "LASER";
    }
    return "?";
}

Modality modalityFromName(const std::string& name) {
    if (name == "RFA") return Modality::RFA;
    if (name == "MWA") return Modality::MWA;
    if (name == "IRE") return Modality::IRE;
    if (name == "LASER") return Modality::Laser;
    throw Error("unknown ablation modality '" + name + "' (known: RFA, MWA, IRE, LASER)");
}

const char* heatSinkSensitivity(Modality m) {
    switch (m) {
    case Modality::RFA:
        return "high";
    case Modality::MWA:
        return "lower";
    case Modality::Laser:
        return "not graded (thermal; DOMAIN.md grades RFA, MWA and IRE only)";
    case Modality::IRE:
        return "none";
    }
    return "?";
}

double InVivoFactor::linearMean() const {
    return std::cbrt(volumeFactor);
}

double InVivoFactor::linearQuantile(double q) const {
    // ln(volume ratio) ~ N(mu, logSd^2) with mean exp(mu + logSd^2/2) = volumeFactor.
    const double mu = std::log(volumeFactor) - 0.5 * logSd * logSd;
    return std::exp((mu + logSd * normalQuantile(q)) / 3.0);
}

const DeviceSetting* Device::setting(const std::string& n) const {
    if (n.empty()) return settings.empty() ? nullptr : &settings.front();
    for (const auto& s : settings)
        if (s.name == n) return &s;
    return nullptr;
}

const DeviceSetting& Device::requireSetting(const std::string& n) const {
    if (const DeviceSetting* s = setting(n)) return *s;
    std::string known;
    for (const auto& s : settings)
        known += (known.empty() ? "" : ", ") + s.name;
    throw Error("device '" + id + "' has no setting '" + n + "' (settings: " + known + ")");
}

DeviceCatalogue DeviceCatalogue::load(const fs::path& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw Error("device catalogue directory not found: " + dir.string());
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw Error("device catalogue " + dir.string() + " holds no *.json file");
    DeviceCatalogue c;
    c.dir_ = dir;
    std::set<std::string> ids;
    for (const auto& f : files) {
        Json j;
        try {
            j = Json::parse(files::readText(f));
        } catch (const Json::exception& e) {
            throw Error("device catalogue file " + f.string() + " is not valid JSON: " + e.what());
        }
        auto devs = j.find("devices");
        if (!j.is_object() || devs == j.end() || !devs->is_array())
            throw Error("device catalogue file " + f.string() + " lacks a \"devices\" list");
        for (size_t i = 0; i < devs->size(); ++i) {
            Device d = deviceFromJson((*devs)[i], f.filename().string() + ": devices[" + std::to_string(i) + "]");
            d.file = f.filename().string();
            if (!ids.insert(d.id).second) throw Error("device catalogue: the id '" + d.id + "' appears twice");
            c.devices_.push_back(std::move(d));
        }
    }
    return c;
}

fs::path DeviceCatalogue::defaultDirectory() {
    if (const char* env = std::getenv("IRPLAN_DEVICE_DIR"); env && *env) return env;
    return IRPLAN_DEVICE_DIR;
}

DeviceCatalogue DeviceCatalogue::loadDefault() {
    const fs::path dir = defaultDirectory();
    if (dir.empty()) throw Error("no device catalogue configured: set IRPLAN_DEVICE_DIR or pass --devices DIR");
    return load(dir);
}

const Device* DeviceCatalogue::find(const std::string& id) const {
    for (const auto& d : devices_)
        if (d.id == id) return &d;
    return nullptr;
}

const Device& DeviceCatalogue::require(const std::string& id) const {
    if (const Device* d = find(id)) return *d;
    std::string known;
    for (const auto& d : devices_)
        known += (known.empty() ? "" : ", ") + d.id;
    throw Error("unknown device '" + id + "' (catalogue: " + known + "; see `irplan devices`)");
}

std::vector<const Device*> DeviceCatalogue::clustersLike(const Device& d) const {
    std::vector<const Device*> out;
    for (const auto& x : devices_)
        if (x.modality == d.modality && x.isCluster() && x.id != d.id) out.push_back(&x);
    return out;
}

Json toJson(const DeviceSetting& s) {
    Json j;
    j["name"] = s.name;
    if (s.power_W > 0) j["power_w"] = s.power_W;
    if (s.time_min > 0) j["time_min"] = s.time_min;
    if (s.activeTip_mm > 0) j["active_tip_mm"] = s.activeTip_mm;
    if (s.electrodes > 0) {
        j["electrodes"] = s.electrodes;
        j["spacing_mm"] = s.spacing_mm;
        j["exposure_mm"] = s.exposure_mm;
        j["voltage_v"] = s.voltage_V;
        if (s.pulses > 0) j["pulses"] = s.pulses;
    }
    j["zone"] = {{"length_mm", s.zone.length_mm},
                 {"width_mm", s.zone.width_mm},
                 {"centre_from_tip_mm", s.zone.centreFromTip_mm}};
    j["chart_kind"] = s.chartKind;
    j["source"] = s.source;
    return j;
}

Json toJson(const Device& d) {
    Json j;
    j["id"] = d.id;
    j["name"] = d.name;
    j["modality"] = modalityName(d.modality);
    Json a = {{"length_mm", d.length_mm}, {"gauge", d.gauge}, {"diameter_mm", d.diameter_mm}, {"needles", d.needles}};
    if (d.needles > 1) a["spacing_mm"] = d.spacing_mm;
    j["applicator"] = a;
    j["heat_sink_sensitivity"] = heatSinkSensitivity(d.modality);
    j["in_vivo"] = {{"volume_factor", d.inVivo.volumeFactor},
                    {"linear_factor", d.inVivo.linearMean()},
                    {"log_sd", d.inVivo.logSd},
                    {"linear_p10_p90", {d.inVivo.linearQuantile(0.1), d.inVivo.linearQuantile(0.9)}},
                    {"source", d.inVivo.source}};
    j["source"] = d.source;
    j["file"] = d.file;
    Json s = Json::array();
    for (const auto& x : d.settings)
        s.push_back(toJson(x));
    j["settings"] = s;
    return j;
}

Json DeviceCatalogue::toJson() const {
    Json j;
    j["directory"] = dir_.string();
    Json list = Json::array();
    for (const auto& d : devices_)
        list.push_back(planning::toJson(d));
    j["devices"] = list;
    return j;
}

} // namespace irplan::planning
