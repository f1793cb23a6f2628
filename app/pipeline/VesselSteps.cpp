#include "app/pipeline/VesselSteps.h"

#include "core/Error.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "segmentation/Couinaud.h"
#include "segmentation/SegmentationJson.h"

namespace irplan::pipeline {

namespace fs = std::filesystem;

int combinedVesselLabel(std::uint16_t kindLabel) { return kindLabel == 1 ? 17 : kindLabel; }

std::map<int, std::string> combinedVesselLegend() {
    using seg::VesselKind;
    std::map<int, std::string> l;
    for (VesselKind k : {VesselKind::Portal, VesselKind::Hepatic, VesselKind::Artery, VesselKind::Ivc})
        l[seg::vesselKindLabel(k)] = seg::vesselKindLabelName(k);
    l[17] = seg::vesselKindLabelName(VesselKind::Unknown);
    return l;
}

void writeVesselFiles(const seg::VesselResult& vessels, const fs::path& segDir, const std::string& source) {
    writeLabelMap(vessels.kindLabels, segDir / "vessels.nii.gz");
    writeLabelMap(vessels.branchLabels, segDir / "vessel_branches.nii.gz");
    files::writeTextAtomic(segDir / "vessels.json", seg::vesselsJson(vessels, source).dump(1) + "\n");
}

CaseSegmentation vesselSegmentation() {
    using seg::VesselKind;
    CaseSegmentation s{"vessels", "vessels", "segmentation/vessels.nii.gz", "ct", {}, "segmentation/vessels.json",
                       Json::object()};
    for (VesselKind k : {VesselKind::Unknown, VesselKind::Portal, VesselKind::Hepatic, VesselKind::Artery, VesselKind::Ivc})
        s.legend[seg::vesselKindLabel(k)] = seg::vesselKindLabelName(k);
    return s;
}

CouinaudStep runCouinaud(const MaskImage* liver, const seg::VesselResult& vessels, seg::LesionResult& lesions,
                         Json& lesionsJson, const fs::path& segDir, Case& c) {
    CouinaudStep step;
    seg::CouinaudResult r;
    try {
        r = seg::segmentCouinaud(liver, seg::couinaudBranches(vessels.branches));
    } catch (const Error& e) {
        step.detail = std::string("not estimated: ") + e.what();
        step.warnings.push_back("Couinaud segments not estimated: " + std::string(e.what()));
        return step;
    }
    writeLabelMap(r.labels, segDir / "couinaud.nii.gz");
    files::writeTextAtomic(segDir / "couinaud.json", seg::couinaudJson(r, "segmentation/vessels.json").dump(2) + "\n");
    for (const auto& w : r.warnings) step.warnings.push_back("Couinaud: " + w);
    CaseSegmentation s{"couinaud", "couinaud", "segmentation/couinaud.nii.gz", "ct", {}, "segmentation/couinaud.json",
                       Json::object()};
    const Json legend = seg::couinaudJson(r, "")["labels"];
    for (const auto& [k, v] : legend.items()) s.legend[std::stoi(k)] = "segment " + k + " (" + v.get<std::string>() + ")";
    setSegmentation(c, s);
    if (!r.plausible) {
        step.detail = "implausible, lesions not given segments: " + r.implausibleReason;
        step.warnings.push_back("Couinaud segments implausible (" + r.implausibleReason +
                                "): the lesions' segments are not estimated; segmentation/couinaud.nii.gz is kept for "
                                "inspection");
        return step;
    }

    seg::assignLesionSegments(lesions.lesions, lesions.labels, r.labels);
    if (lesionsJson.contains("lesions") && lesionsJson["lesions"].is_array())
        for (auto& row : lesionsJson["lesions"])
            for (const auto& m : lesions.lesions)
                if (row.value("id", -1) == m.id) {
                    row["couinaud_segment"] = m.couinaud ? Json(*m.couinaud) : Json();
                    row["couinaud_segments"] = m.couinaud ? Json(m.couinaudAll) : Json();
                }
    lesionsJson["method"]["couinaud"] = "segment holding most of the lesion's voxels, and every segment it touches, in "
                                        "segmentation/couinaud.nii.gz (plane model of the hepatic veins, the IVC and the "
                                        "portal bifurcation)";
    files::writeTextAtomic(segDir / "lesions.json", lesionsJson.dump(2) + "\n");
    step.done = true;
    step.detail = "segments 1-8, " + std::to_string(r.liver_ml).substr(0, std::to_string(r.liver_ml).find('.')) + " mL";
    return step;
}

} // namespace irplan::pipeline
