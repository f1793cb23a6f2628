#include "segmentation/SegmentationJson.h"

#include <cmath>

namespace irplan::seg {

namespace {
Json vec(const Vec3& v) { return Json::array({v.x, v.y, v.z}); }
} // namespace

Json liverJson(const LiverResult& r, const std::string& source) {
    Json j;
    j["source"] = source;
    j["image_kind"] = r.imageKind;
    j["volume_ml"] = r.volume_ml;
    j["seed_mm"] = vec(r.seed_mm);
    j["seed_given"] = r.seedGiven;
    j["liver_median"] = r.median;
    j["liver_sd"] = r.sd;
    j["window"] = {r.windowLow, r.windowHigh};
    j["units"] = r.imageKind == "CT" ? "HU" : "signal";
    j["method"] = "region growing in median +- 3 robust SD on a ~2.5 mm grid, opening, closing, hole filling";
    j["seconds"] = r.seconds;
    j["lesions_included"] = r.lesionsIncluded;
    j["lesion_volume_included_ml"] = std::round(r.lesionVolumeIncluded_ml * 10.0) / 10.0;
    j["warnings"] = r.warnings;
    return j;
}

Json vesselsJson(const VesselResult& r, const std::string& source) {
    auto round2 = [](double v) { return std::round(v * 100.0) / 100.0; };
    Json j;
    j["units"] = "mm (LPS)";
    j["threshold_mm"] = r.threshold_mm;
    j["source"] = source;
    auto hu = [](double v) { return std::to_string(int(std::lround(v))); };
    j["method"] = "inside the liver dilated by a margin, heights above the local parenchyma level (normalised 8 mm "
                  "Gaussian of parenchyma-like voxels): detection by hysteresis on the 1 mm-smoothed CT (seeds > " +
                  hu(r.seedThreshold_hu) + " HU, grown > " + hu(r.growThreshold_hu) +
                  " HU; elongated components mostly inside the liver), lumen contour at " + hu(r.edgeThreshold_hu) + " HU within 1.2 mm of the detection (0.35 of "
                  "the measured contrast " + hu(r.contrast_hu) + " HU); curve skeleton; diameter at each centreline "
                  "point from the cross-sectional contrast integral (area = sum (I - background) / (blood - "
                  "background)), median of 5 along the branch; branch diameter = median away from junctions; kind "
                  "per branch from connectivity to the IVC and the portal trunk (" + r.kindMethod + ")";
    j["kind_method"] = r.kindMethod;
    j["labels"] = {{"1", vesselKindLabelName(VesselKind::Unknown)}, {"2", vesselKindLabelName(VesselKind::Portal)},
                   {"3", vesselKindLabelName(VesselKind::Hepatic)}, {"4", vesselKindLabelName(VesselKind::Artery)},
                   {"6", vesselKindLabelName(VesselKind::Ivc)}};
    j["liver_median_hu"] = round2(r.liverMedian_hu);
    j["liver_noise_hu"] = round2(r.liverNoise_hu);
    j["vessel_contrast_hu"] = round2(r.contrast_hu);
    j["blood_hu"] = round2(r.blood_hu);
    j["thresholds_hu"] = {{"seed", round2(r.seedThreshold_hu)}, {"grow", round2(r.growThreshold_hu)},
                          {"edge", round2(r.edgeThreshold_hu)}, {"above", "local parenchyma level"}};
    j["seconds"] = r.seconds;
    Json steps = Json::object();
    for (const auto& [name, sec] : r.stepSeconds) steps[name] = std::round(sec * 1000.0) / 1000.0;
    j["step_seconds"] = steps;
    j["warnings"] = r.warnings;
    Json branches = Json::array();
    for (const auto& b : r.branches) {
        Json e;
        e["id"] = b.id;
        e["parent"] = b.parent;
        Json pts = Json::array(), d = Json::array();
        for (const auto& p : b.points_mm) pts.push_back({round2(p.x), round2(p.y), round2(p.z)});
        for (double x : b.diameters_mm) d.push_back(round2(x));
        e["points_mm"] = pts;
        e["diameters_mm"] = d;
        e["diameter_mm"] = round2(b.diameter_mm);
        e["length_mm"] = round2(b.length_mm);
        e["ge_3mm"] = b.ge3mm;
        e["blood_hu"] = round2(b.blood);
        e["blood_from"] = b.bloodFrom;
        e["kind"] = vesselKindName(b.kind);
        e["kind_from"] = b.kindFrom;
        branches.push_back(e);
    }
    j["branches"] = branches;
    return j;
}

} // namespace irplan::seg
