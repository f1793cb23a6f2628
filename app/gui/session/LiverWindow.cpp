#include "app/gui/session/LiverWindow.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace irplan::viewer {

std::optional<double> measuredLiverHu(const Case& c, const std::string& ctId, const Volume* ct,
                                      const render::LabelLayer& labels) {
    if (const CaseVolume* v = c.volume(ctId)) {
        const Json& p = v->extra.value("contrast_phase", Json::object());
        const Json& e = p.value("evidence", Json::object());
        if (e.contains("liver_hu") && e["liver_hu"].is_number()) return e["liver_hu"].get<double>();
    }
    if (!ct || !ct->image || !labels.labels || ct->meta.units != Units::HU) return std::nullopt;
    int liverLabel = 0;
    for (const auto& [value, name] : labels.legend)
        if (name == "liver") liverLabel = value;
    if (!liverLabel) return std::nullopt;
    const auto& a = ct->image->GetLargestPossibleRegion().GetSize();
    const auto& b = labels.labels->GetLargestPossibleRegion().GetSize();
    if (a != b) return std::nullopt; // the label map is on another grid: no voxel-wise median
    const size_t n = ct->image->GetBufferedRegion().GetNumberOfPixels();
    std::vector<float> values;
    for (size_t i = 0; i < n; i += 5)
        if (labels.labels->GetBufferPointer()[i] == liverLabel) values.push_back(ct->image->GetBufferPointer()[i]);
    if (values.size() < 100) return std::nullopt;
    auto mid = values.begin() + static_cast<long>(values.size() / 2);
    std::nth_element(values.begin(), mid, values.end());
    return static_cast<double>(*mid);
}

render::WindowLevel liverWindow(double liverHu) { return {150.0, std::round(liverHu), "liver"}; }

} // namespace irplan::viewer
