// review.json and the image files of a margin review.
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "review/MarginReview.h"

#include <cmath>

namespace irplan::review {

namespace {
Json vec(const Vec3& v) { return Json::array({v.x, v.y, v.z}); }
Json number(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }
} // namespace

Json MarginReview::toJson() const {
    Json j;
    j["irplan_margin_review_version"] = 1;
    j["warnings"] = warnings;
    j["registration"] = {{"preset", registrationPreset},
                         {"verdict", registrationVerdict},
                         {"directory", registrationDir},
                         {"reused", registrationReused},
                         {"liver_mask", liverSource},
                         {"checks", qa.toJson().value("checks", Json::array())}};
    j["lesion_labels"] = lesionLabelsName(lesionLabels);
    j["margin_definition"] = "minimal ablative margin = min over lesion voxels and surface points of the signed "
                             "distance (mm) to the ablation zone boundary, negative where tumour lies outside the "
                             "zone; zone = union of all ablation zones found, mapped onto the pre-procedure CT";
    j["verdicts"] = {{"complete with margin", "minimal margin >= 5 mm"},
                     {"complete without margin", "0 <= minimal margin < 5 mm"},
                     {"incomplete", "minimal margin < 0 mm"}};
    Json ls = Json::array();
    for (const auto& l : lesions) {
        Json e;
        e["id"] = l.id;
        e["label"] = l.labelValue;
        e["volume_ml"] = l.volume_ml;
        e["minimal_margin_mm"] = number(l.minimalMargin_mm);
        e["coverage_lesion_pct"] = l.coverageLesion_pct;
        e["coverage_5mm_pct"] = l.coverage5mm_pct;
        e["coverage_10mm_pct"] = l.coverage10mm_pct;
        e["insufficient_ml"] = l.insufficient_ml;
        e["untreated_ml"] = l.untreated_ml;
        e["verdict"] = l.verdict;
        e["registration_verdict"] = l.registrationVerdict;
        e["reliable"] = l.reliable;
        e["zone_found"] = l.zoneFound;
        e["zone_volume_ml"] = l.zoneVolume_ml;
        if (!l.zoneNote.empty()) e["zone_note"] = l.zoneNote;
        e["centroid_pre_mm"] = vec(l.centroidPre_mm);
        e["seed_post_mm"] = vec(l.seedPost_mm);
        if (std::isfinite(l.minimalMargin_mm)) {
            e["minimal_margin_lesion_point_mm"] = vec(l.minimalPoint_mm);
            e["minimal_margin_zone_point_mm"] = vec(l.minimalZonePoint_mm);
        }
        ls.push_back(e);
    }
    j["lesions"] = ls;
    Json zs = Json::array();
    for (const auto& z : zones)
        zs.push_back({{"lesion_id", z.lesionId},
                      {"found", z.found},
                      {"label", z.label},
                      {"volume_post_ml", z.volume_ml},
                      {"seed_post_mm", vec(z.seed_mm)},
                      {"start_post_mm", vec(z.start_mm)},
                      {"reaches_search_limit", z.reachesLimit},
                      {"note", z.note}});
    j["zones"] = zs;
    j["files"] = {{"zone_post", "zone_post.nii.gz"},
                  {"zone_on_pre", "zone_on_pre.nii.gz"},
                  {"margin_map", "margin_map.nii.gz"},
                  {"zone_level_on_pre", "zone_level_on_pre.nii.gz"},
                  {"margin_map_note", "signed distance (mm) to the zone boundary, positive inside the zone, "
                                      "on the pre-CT grid within 40 mm of each lesion, NaN elsewhere"}};
    j["inputs"] = inputs;
    Json tm = Json::object();
    for (const auto& [k, v] : timings_s) tm[k] = v;
    j["timings_s"] = tm;
    return j;
}

void writeMarginReview(const MarginReview& r, const std::filesystem::path& dir) {
    files::ensureDirectory(dir);
    writeLabelMap(r.zonePost.GetPointer(), dir / "zone_post.nii.gz");
    writeLabelMap(r.zoneOnPre.GetPointer(), dir / "zone_on_pre.nii.gz");
    Volume level;
    level.image = r.zoneLevelOnPre;
    level.meta.modality = "OT";
    level.meta.seriesDescription = "IRPlan ablation zone level (>= 0 inside the zone)";
    writeVolume(level, dir / "zone_level_on_pre.nii.gz");
    Volume map;
    map.image = r.marginMap;
    map.meta.modality = "OT";
    map.meta.seriesDescription = "IRPlan margin map (mm to the ablation zone boundary, positive inside)";
    writeVolume(map, dir / "margin_map.nii.gz");
    files::writeTextAtomic(dir / "review.json", r.toJson().dump(2) + "\n");
}

} // namespace irplan::review
