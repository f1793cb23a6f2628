#pragma once
// The applicator catalogue (assets/devices/*.json): RFA, MWA, IRE and laser
// applicators with their charted zones per setting, each with its source. See
// assets/devices/README.md for the file format and how far to trust a chart.
#include "core/Case.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace irplan::planning {

enum class Modality { RFA, MWA, IRE, Laser };
const char* modalityName(Modality m);
// Throws irplan::Error for an unknown name ("RFA", "MWA", "IRE", "LASER").
Modality modalityFromName(const std::string& name);
// Sensitivity of the modality to heat sink, for warnings (DOMAIN.md: RFA is
// limited by heat sink, MWA less, IRE not at all).
const char* heatSinkSensitivity(Modality m);

struct ChartZone {
    double length_mm = 0;        // along the applicator axis
    double width_mm = 0;         // across it
    double centreFromTip_mm = 0; // from the tip back along the shaft to the zone centre
};

struct DeviceSetting {
    std::string name;
    double power_W = 0; // RFA/MWA/laser; 0 when not given
    double time_min = 0;
    double activeTip_mm = 0; // RFA electrodes
    // IRE
    int electrodes = 0;
    double spacing_mm = 0;
    double exposure_mm = 0;
    double voltage_V = 0;
    int pulses = 0;
    ChartZone zone;
    std::string chartKind; // "published", "partly-published", "representative"
    std::string source;
};

struct InVivoFactor {
    double volumeFactor = 1.0; // mean in-vivo / charted volume
    double logSd = 0.0;        // SD of ln(volume ratio)
    std::string source;
    // Linear (per-axis) factor at the mean volume: volumeFactor^(1/3).
    double linearMean() const;
    // Linear factor at a quantile q of the log-normal volume ratio whose mean is volumeFactor.
    double linearQuantile(double q) const;
};

struct Device {
    std::string id;
    std::string name;
    Modality modality = Modality::RFA;
    double length_mm = 0; // working length of the applicator
    double gauge = 0;
    double diameter_mm = 0; // outer diameter of one needle
    int needles = 1;        // > 1: a cluster (RFA/MWA) or the default IRE array
    double spacing_mm = 0;  // between neighbouring needles of a cluster
    InVivoFactor inVivo;
    std::string source;
    std::string file; // catalogue file it came from
    std::vector<DeviceSetting> settings;

    bool isCluster() const { return modality != Modality::IRE && needles > 1; }
    // nullptr when the name is unknown; an empty name gives the first setting.
    const DeviceSetting* setting(const std::string& name) const;
    // Throws irplan::Error listing the known settings.
    const DeviceSetting& requireSetting(const std::string& name) const;
};

class DeviceCatalogue {
  public:
    // Reads every *.json in `dir` (sorted by name). Throws irplan::Error naming
    // the file and field for malformed entries, duplicate ids or missing sources.
    static DeviceCatalogue load(const std::filesystem::path& dir);
    // The catalogue shipped with IRPlan: $IRPLAN_DEVICE_DIR, else the source
    // tree's assets/devices (compiled in). Throws when neither exists.
    static DeviceCatalogue loadDefault();
    static std::filesystem::path defaultDirectory();

    const std::vector<Device>& devices() const { return devices_; }
    const Device* find(const std::string& id) const;
    // Throws irplan::Error listing the known ids.
    const Device& require(const std::string& id) const;
    // Cluster devices of the same modality as `d` (for proposals that need a larger zone).
    std::vector<const Device*> clustersLike(const Device& d) const;

    Json toJson() const;
    const std::filesystem::path& directory() const { return dir_; }

  private:
    std::vector<Device> devices_;
    std::filesystem::path dir_;
};

Json toJson(const Device& d);
Json toJson(const DeviceSetting& s);

} // namespace irplan::planning
