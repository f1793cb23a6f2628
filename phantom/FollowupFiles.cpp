// The follow-up's files: images, label maps, the pre->post displacement field,
// truth_followup.json, DICOM, and the entries in case.json and truth.json.
#include "core/Error.h"
#include "core/Files.h"
#include "io/DicomWriter.h"
#include "io/VolumeIO.h"
#include "phantom/CtSynth.h"
#include "phantom/Followup.h"
#include "phantom/PhantomDicom.h"

#include <cmath>
#include <itkImageFileWriter.h>
#include <itkNiftiImageIO.h>
#include <itkVector.h>

namespace irplan::phantom {
namespace fs = std::filesystem;

namespace {

Json vec(const Vec3& v) {
    return Json::array({v.x, v.y, v.z});
}

Json matrix(const Mat3& m) {
    Json a = Json::array();
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            a.push_back(m(r, c));
    return a;
}

Json gridJson(const Grid& g) {
    return {{"size", {g.size[0], g.size[1], g.size[2]}},
            {"spacing_mm", vec(g.spacing)},
            {"origin_mm", vec(g.origin)},
            {"direction", matrix(g.direction)}};
}

Json ellipsoidJson(const EllipsoidGeometry& e) {
    return {{"centre_mm", vec(e.centre)},
            {"semi_axes_mm", vec(e.semiAxes)},
            {"axes", matrix(e.axes)},
            {"volume_ml", e.volume_ml()}};
}

using DisplacementImage = itk::Image<itk::Vector<float, 3>, 3>;

void writeDisplacement(const FollowupCase& f, const Grid& ct, const fs::path& path) {
    // A 4 mm grid over the CT's field of view: the field is smooth (it is
    // built from a 4 mm weight map), so linear interpolation recovers it.
    const Vec3 extent{ct.size[0] * ct.spacing.x, ct.size[1] * ct.spacing.y, ct.size[2] * ct.spacing.z};
    const Vec3 centre = ct.point((ct.size[0] - 1) / 2.0, (ct.size[1] - 1) / 2.0, (ct.size[2] - 1) / 2.0);
    const Grid g = Grid::centred(centre, extent, {4.0, 4.0, 4.0}, ct.direction);
    auto img = allocate<DisplacementImage>(g, itk::Vector<float, 3>(0.0f));
    auto* v = img->GetBufferPointer();
    for (size_t k = 0; k < g.size[2]; ++k)
        for (size_t j = 0; j < g.size[1]; ++j)
            for (size_t i = 0; i < g.size[0]; ++i) {
                const Vec3 d = f.motion.displacement(
                    g.point(static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)));
                auto& o = v[(k * g.size[1] + j) * g.size[0] + i];
                o[0] = static_cast<float>(d.x);
                o[1] = static_cast<float>(d.y);
                o[2] = static_cast<float>(d.z);
            }
    files::AtomicFile out(path);
    auto writer = itk::ImageFileWriter<DisplacementImage>::New();
    writer->SetInput(img);
    writer->SetImageIO(itk::NiftiImageIO::New());
    writer->SetFileName(out.tempPath().string());
    writer->SetUseCompression(true);
    try {
        writer->Update();
    } catch (const itk::ExceptionObject& e) {
        throw Error("cannot write " + path.string() + ": " + e.GetDescription());
    }
    out.commit();
}

} // namespace

Json followupTruthJson(const PhantomCase& p, const FollowupCase& f) {
    Json j;
    j["irplan_phantom_followup_version"] = 1;
    j["seed"] = p.options.seed;
    j["coordinates"] = "LPS millimetres (DICOM/ITK patient space)";
    j["margin_definition"] =
        "minimal ablative margin MAM = min over lesion points x of (-sdf_zone(x)), sdf_zone the signed distance to the "
        "zone boundary in mm, negative inside; lesions are the analytic ellipsoids of truth.json and the zone is the "
        "union of all ablation zones in the pre-CT space";
    j["margin_accuracy_mm"] = 0.02;
    j["coverage_definition"] = "volume fractions: lesion; 5 mm shell = points outside the lesion within 5 mm of its "
                               "surface; 10 mm shell = within 10 mm; on a 0.5 mm grid, about +-0.5%";
    j["verdicts"] = {{"complete with margin", "MAM >= 5 mm"},
                     {"complete without margin", "0 <= MAM < 5 mm"},
                     {"incomplete", "MAM < 0 (tumour left outside the zone)"}};
    j["post_ct"] = {{"file", "ct_followup.nii.gz"}, {"phase", "portal"},  {"grid", gridJson(f.postGrid)},
                    {"noise_hu", kCtNoiseHu},       {"zone_hu", kZoneHu}, {"rim_hu", kRimHu},
                    {"rim_width_mm", kRimWidthMm}};
    Json labelsLegend = Json::object();
    for (const auto& [label, labelName] : legend(static_cast<int>(p.anatomy.lesions.size())))
        labelsLegend[std::to_string(label)] = labelName;
    for (const auto& zt : f.zones)
        labelsLegend[std::to_string(kZoneLabelBase + zt.zone.lesionId)] =
            "ablation zone " + std::to_string(zt.zone.lesionId);
    j["labels_followup_legend"] = labelsLegend;
    Json zoneLegend = Json::object();
    for (const auto& zt : f.zones)
        zoneLegend[std::to_string(zt.zone.lesionId)] = "ablation zone " + std::to_string(zt.zone.lesionId);
    j["ablation_zones_legend"] = zoneLegend;
    j["files"] = {{"ct", "ct_followup.nii.gz"},
                  {"labels", "labels_followup.nii.gz"},
                  {"zones_post", "ablation_zones.nii.gz"},
                  {"zones_pre", "ablation_zones_pre.nii.gz"},
                  {"displacement", "followup_displacement_mm.nii.gz"}};

    Json mapping;
    mapping["convention"] = "maps a pre-CT point x (fixed) to the same anatomy in the follow-up CT (moving), elastix's "
                            "fixed-to-moving convention: y = x + w(x) (shift + deformation (x - centre)), w = 1 inside "
                            "the liver fading smoothly to 0 at falloff_mm outside it";
    mapping["shift_mm"] = vec(f.motion.shift);
    mapping["deformation"] = matrix(f.motion.deformation);
    mapping["centre_mm"] = vec(f.motion.centre);
    mapping["falloff_mm"] = f.motion.weight.falloff();
    mapping["displacement_field"] =
        "followup_displacement_mm.nii.gz: d(x) in LPS mm on a 4 mm grid over the CT, y = x + d(x)";
    double maxInLiver = 0, minInLiver = 1e9;
    Json landmarks = Json::array();
    for (const auto& l : p.anatomy.lesions) {
        const Vec3 y = f.motion.preToPost(l.centre);
        maxInLiver = std::max(maxInLiver, distance(y, l.centre));
        minInLiver = std::min(minInLiver, distance(y, l.centre));
        landmarks.push_back(
            {{"name", "lesion " + std::to_string(l.id) + " centre"}, {"pre_mm", vec(l.centre)}, {"post_mm", vec(y)}});
    }
    for (const auto& b : p.anatomy.branches) {
        if (b.tree == "ivc" || b.meanDiameter() < 4.0 || p.anatomy.liver->sdf(b.points.back()) > -5.0) continue;
        int children = 0;
        for (const auto& c : p.anatomy.branches)
            children += c.parent == b.id;
        if (children < 2) continue;
        landmarks.push_back({{"name", b.tree + " bifurcation at the end of branch " + std::to_string(b.id)},
                             {"pre_mm", vec(b.points.back())},
                             {"post_mm", vec(f.motion.preToPost(b.points.back()))}});
    }
    mapping["landmarks"] = landmarks;
    mapping["lesion_displacement_mm_range"] = {minInLiver, maxInLiver};
    j["pre_to_post"] = mapping;

    Json zones = Json::array();
    for (const auto& zt : f.zones) {
        const AblationZone& z = zt.zone;
        Json e;
        e["lesion_id"] = z.lesionId;
        e["zone_label"] = z.lesionId;
        e["modality"] = name(z.modality);
        e["device"] = z.device;
        e["planned"] = ellipsoidJson(z.planned);
        e["achieved_ellipsoid"] = ellipsoidJson(z.achieved);
        e["centre_offset_mm"] = zt.centreOffset_mm;
        e["axis_tilt_deg"] = zt.axisTilt_deg;
        e["volume_pre_ml"] = zt.volumePre_ml;
        e["volume_ratio_to_plan"] = zt.volumePre_ml / zt.plannedVolume_ml;
        Json sinks = Json::array();
        const int knobBranch = z.knobSink >= 0 ? z.sinks[static_cast<size_t>(z.knobSink)].branchId : -1;
        for (const HeatSink& h : zt.reportedSinks)
            sinks.push_back({{"branch_id", h.branchId},
                             {"tree", h.tree},
                             {"diameter_mm", h.diameter_mm},
                             {"gap_to_lesion_mm", h.gapToLesion_mm},
                             {"distance_to_ellipsoid_mm", h.distanceToZone_mm},
                             {"indentation_mm", h.indentation_mm},
                             {"patent", h.patent},
                             {"spared_layer_mm", h.patent || h.branchId == knobBranch ? h.sparedLayer_mm : 0.0},
                             {"leaves_tumour", h.branchId == knobBranch}});
        e["heat_sink_vessels"] = sinks;
        e["heat_sink_model"] = "vessels >= 3 mm within 10 mm: boundary pulled back by indentation_mm at the wall, "
                               "fading over 10 mm; patent lumens and a spared_layer_mm cuff stay outside the zone; "
                               "non-patent vessels are coagulated inside it";
        e["post_centre_mm"] = vec(f.motion.preToPost(z.achieved.centre));
        const MarginTruth& m = zt.margin;
        e["minimal_margin_mm"] = m.minimalMargin_mm;
        e["margin_lesion_point_mm"] = vec(m.lesionPoint_mm);
        e["margin_zone_point_mm"] = vec(m.zonePoint_mm);
        e["lesion_coverage"] = m.lesionCoverage;
        e["shell_5mm_coverage"] = m.shell5Coverage;
        e["shell_10mm_coverage"] = m.shell10Coverage;
        e["insufficient_coverage_ml"] = m.insufficientCoverage_ml;
        e["verdict"] = m.verdict;
        zones.push_back(e);
    }
    j["zones"] = zones;
    j["zones_overlap"] = f.zonesOverlap;
    j["generation_seconds"] = f.seconds;
    return j;
}

FollowupFiles writeFollowup(const PhantomCase& p, const FollowupCase& f, const fs::path& dir, bool dicom,
                            const Progress& progress) {
    files::ensureDirectory(dir);
    FollowupFiles out;
    out.ct = dir / "ct_followup.nii.gz";
    out.labels = dir / "labels_followup.nii.gz";
    out.zonesPost = dir / "ablation_zones.nii.gz";
    out.zonesPre = dir / "ablation_zones_pre.nii.gz";
    out.displacement = dir / "followup_displacement_mm.nii.gz";
    out.truth = dir / "truth_followup.json";
    progress.update(0.0, "writing the follow-up CT");
    WriteOptions ctOptions;
    ctOptions.pixelType = PixelType::Int16;
    writeVolume(f.ctPost, out.ct, ctOptions);
    writeLabelMap(f.labelsPost, out.labels);
    writeLabelMap(f.zonesPost, out.zonesPost);
    writeLabelMap(f.zonesPre, out.zonesPre);
    writeDisplacement(f, p.ctGrid, out.displacement);
    files::writeTextAtomic(out.truth, followupTruthJson(p, f).dump(1) + "\n");

    // truth.json points at the follow-up truth.
    const fs::path truthPath = dir / "truth.json";
    if (fs::exists(truthPath)) {
        Json t = Json::parse(files::readText(truthPath));
        t["followup"] = {{"truth", "truth_followup.json"}, {"ct", "ct_followup.nii.gz"}};
        files::writeTextAtomic(truthPath, t.dump(1) + "\n");
    }

    if (dicom) {
        progress.update(0.5, "writing the follow-up DICOM");
        const std::string seed =
            "irplan-phantom-" + std::to_string(p.options.seed) + (p.options.clinical ? "-clinical" : "");
        DicomSeriesSpec spec;
        spec.uidSeed = seed + "/followup";
        spec.modality = "CT";
        spec.seriesDescription = "CT portal venous follow-up";
        spec.studyInstanceUid = dicomUidFor(seed + "/study/followup");
        spec.seriesInstanceUid = dicomUidFor(seed + "/series/ct_followup");
        // Another session: its own frame of reference (the patient lies differently).
        spec.frameOfReferenceUid = dicomUidFor(seed + "/frame/followup");
        spec.seriesNumber = 2;
        spec.patientId = "IRPLAN-PHANTOM-" + std::to_string(p.options.seed);
        spec.patientSex = "M";
        const PhantomPetAcquisition acq;
        spec.patientWeightKg = acq.weightKg;
        spec.patientSizeM = acq.heightM;
        spec.studyDate = spec.seriesDate = "20260301";
        spec.seriesTime = "101500";
        out.dicomDir = dir / "dicom" / "ct_followup";
        writeDicomSeries(f.ctPost.image, out.dicomDir, spec, progress.sub(0.5, 1.0));
    }

    // case.json: the follow-up CT and its zones.
    const fs::path caseFile = dir / "case.json";
    if (fs::exists(caseFile)) {
        Case c = loadCase(caseFile);
        setVolume(c, {"ct_followup", "ct_followup", "ct_followup.nii.gz", "portal", "HU", "", "", Json::object()});
        CaseSegmentation s;
        s.id = "truth_ablation_zones";
        s.kind = "zone";
        s.path = "ablation_zones.nii.gz";
        s.volumeId = "ct_followup";
        for (const auto& zt : f.zones)
            s.legend[zt.zone.lesionId] = "ablation zone " + std::to_string(zt.zone.lesionId);
        s.extra["truth"] = "truth_followup.json";
        setSegmentation(c, s);
        saveCase(c, caseFile);
    }
    progress.update(1.0, "follow-up written");
    return out;
}

} // namespace irplan::phantom
