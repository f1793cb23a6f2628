#include "app/pipeline/Pipeline.h"

#include "app/pipeline/VesselSteps.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "io/VolumeIO.h"
#include "planning/AutoPlanner.h"
#include "planning/PlanReport.h"
#include "planning/Vessels.h"
#include "registration/Masks.h"
#include "registration/Presets.h"
#include "registration/Register.h"
#include "segmentation/ContrastPhase.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Lesions.h"
#include "segmentation/Liver.h"
#include "segmentation/PetAlignment.h"
#include "segmentation/SegmentationJson.h"
#include "segmentation/Vessels.h"

#include <chrono>
#include <cstdio>
#include <set>

namespace irplan::pipeline {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Label of the combined map the viewer and the planner read (phantom legend,
// phantom/Anatomy.h): 1 liver, 2 portal vein, 3 hepatic vein, 4 artery, 6 IVC,
// 17 vessel of unknown kind (VesselSteps.h), 100 + k lesion k.
constexpr int kLiverLabel = 1;
constexpr int kLesionBase = 100;

std::string describePhase(const seg::ContrastPhase& p) {
    char c[16];
    std::snprintf(c, sizeof c, "%.2f", p.confidence);
    return p.phase + (p.arterialTiming.empty() ? "" : " (" + p.arterialTiming + ")") + ", confidence " + c + " (" +
           p.reason + ")";
}

std::string verdictRank(const std::string& a, const std::string& b) {
    auto rank = [](const std::string& v) { return v == "fail" ? 3 : v == "warn" ? 2 : v == "pass" ? 1 : 0; };
    return rank(a) >= rank(b) ? a : b;
}

CaseVolume caseVolumeOf(const std::string& id, const std::string& role, const std::string& phase,
                        const std::string& path, const Volume& v) {
    CaseVolume cv;
    cv.id = id;
    cv.role = role;
    cv.phase = phase;
    cv.path = fs::absolute(path).lexically_normal().string();
    cv.units = unitsName(v.meta.units);
    cv.seriesUid = v.meta.seriesInstanceUid;
    cv.frameOfReferenceUid = v.meta.frameOfReferenceUid;
    if (!v.meta.studyInstanceUid.empty()) cv.extra["study_uid"] = v.meta.studyInstanceUid;
    if (!v.meta.patientId.empty()) cv.extra["patient_id"] = v.meta.patientId;
    if (!v.meta.format.empty()) cv.extra["format"] = v.meta.format;
    if (!v.meta.seriesDescription.empty()) cv.extra["series_description"] = v.meta.seriesDescription;
    return cv;
}

LabelImage::Pointer combinedLabels(const MaskImage* liver, const LabelImage* vessels, const LabelImage* lesions) {
    auto out = LabelImage::New();
    out->CopyInformation(lesions);
    out->SetRegions(lesions->GetLargestPossibleRegion());
    out->Allocate();
    const size_t n = lesions->GetBufferedRegion().GetNumberOfPixels();
    LabelImage::PixelType* o = out->GetBufferPointer();
    for (size_t i = 0; i < n; ++i) {
        LabelImage::PixelType v = 0;
        if (liver && liver->GetBufferPointer()[i]) v = kLiverLabel;
        if (vessels && vessels->GetBufferPointer()[i])
            v = static_cast<LabelImage::PixelType>(combinedVesselLabel(vessels->GetBufferPointer()[i]));
        const auto k = lesions->GetBufferPointer()[i];
        if (k) v = static_cast<LabelImage::PixelType>(kLesionBase + k);
        o[i] = v;
    }
    return out;
}

class Runner {
public:
    explicit Runner(const PipelineOptions& o) : o_(o), t0_(Clock::now()) {}

    PipelineResult run();

private:
    void step(const std::string& name, const std::string& status, Clock::time_point t, const std::string& detail) {
        result_.steps.push_back({name, status, secondsSince(t), detail});
        log::info("pipeline: " + name + " " + status + (detail.empty() ? "" : " (" + detail + ")"));
    }
    void warn(const std::string& w) {
        result_.warnings.push_back(w);
        log::warn(w);
    }
    void save(const std::string& status, const std::string& reason = "");
    CaseTransform registerOne(const Volume& ct, const Volume& moving, const std::string& movingId,
                              const std::string& movingPath, const std::string& preset, const MaskImage* mask,
                              const Progress& p);

    const PipelineOptions& o_;
    Clock::time_point t0_;
    Case case_;
    PipelineResult result_;
    fs::path caseFile_;
};

void Runner::save(const std::string& status, const std::string& reason) {
    Json steps = Json::array();
    for (const auto& s : result_.steps)
        steps.push_back({{"name", s.name}, {"status", s.status}, {"seconds", s.seconds}, {"detail", s.detail}});
    Json rec;
    rec["status"] = status; // "complete", "stopped"
    if (!reason.empty()) rec["stopped_because"] = reason;
    rec["registration_verdict"] = result_.registrationVerdict;
    rec["warnings"] = result_.warnings;
    rec["steps"] = steps;
    rec["device"] = o_.deviceId;
    rec["margin_mm"] = o_.margin_mm;
    rec["seconds"] = secondsSince(t0_);
    case_.extra["pipeline"] = rec;
    saveCase(case_, caseFile_);
}

CaseTransform Runner::registerOne(const Volume& ct, const Volume& moving, const std::string& movingId,
                                  const std::string& movingPath, const std::string& preset, const MaskImage* mask,
                                  const Progress& p) {
    const auto t = Clock::now();
    registration::RegisterRequest rq;
    rq.fixed = &ct;
    rq.moving = &moving;
    if (mask) rq.fixedMask = const_cast<MaskImage*>(mask);
    rq.preset = preset;
    rq.outputDir = o_.caseDir / "registrations" / (movingId + "_to_ct");
    rq.elastix = o_.elastix;
    rq.iterationScale = o_.iterationScale;
    rq.progress = p;
    rq.fixedSource = o_.ct;
    rq.movingSource = movingPath;
    rq.fixedMaskSource = mask ? "liver segmented on the CT, grown by " +
                                    std::to_string(static_cast<int>(o_.registrationMaskDilate_mm)) + " mm"
                              : "";
    const registration::Registration reg = registration::registerVolumes(rq);
    const registration::QaReport qa = reg.qa();
    CaseTransform tr;
    tr.id = movingId + "_to_ct";
    tr.fixedId = "ct";
    tr.movingId = movingId;
    tr.kind = "elastix";
    tr.directory = (fs::path("registrations") / tr.id).generic_string();
    tr.preset = reg.preset();
    tr.qaVerdict = qa.verdict;
    if (auto a = reg.fixedToMoving()) tr.matrixFixedToMoving = a->toRowMajor4x4();
    tr.extra["transform_kind"] = reg.transformKind();
    tr.extra["qa_problems"] = qa.problems();
    tr.extra["qa"] = qa.toJson();
    if (mask) tr.extra["fixed_mask"] = rq.fixedMaskSource;
    // The viewer fuses through an affine record (app/gui/session/CaseData.cpp);
    // a rigid/affine result is exactly its matrix, so store that first.
    if (tr.matrixFixedToMoving) {
        CaseTransform a = tr;
        a.id = movingId + "_to_ct_matrix";
        a.kind = "affine";
        a.directory.clear();
        a.extra["note"] = "the matrix of registration '" + tr.id + "' (same result), for display";
        setTransform(case_, a);
    }
    setTransform(case_, tr);
    result_.registrationVerdict = verdictRank(result_.registrationVerdict, qa.verdict);
    std::string detail = preset + ", verdict " + qa.verdict;
    for (const auto& pr : qa.problems()) detail += "; " + pr;
    step("register " + movingId, qa.verdict == "pass" ? "done" : qa.verdict == "warn" ? "warn" : "failed", t, detail);
    if (qa.verdict == "warn")
        warn("registration of the " + movingId + " onto the CT passed with warnings: " + detail +
             ". Check the fusion before relying on it.");
    return tr;
}

PipelineResult Runner::run() {
    const Progress& P = o_.progress;
    if (o_.ct.empty()) throw Error("give the planning CT with --ct");
    if (o_.caseDir.empty()) throw Error("give the case folder with --out");
    if (!(o_.margin_mm >= 0 && o_.margin_mm <= 10))
        throw Error("--margin must be 0 to 10 mm (DOMAIN.md: 5-10 mm ablative margin; default 5)");
    for (const auto& [flag, path] : {std::pair<const char*, std::string>{"--ct", o_.ct}, {"--portal", o_.portal},
                                     {"--pet", o_.pet}, {"--mr", o_.mr}})
        if (!path.empty() && !fs::exists(path)) throw Error(std::string(flag) + " " + path + " does not exist");
    // Fail on an unknown device or preset before any long work.
    const planning::DeviceCatalogue catalogue = planning::DeviceCatalogue::loadDefault();
    catalogue.require(o_.deviceId);
    if (!o_.pet.empty()) registration::presetInfo(o_.petPreset);
    if (!o_.mr.empty()) registration::presetInfo(o_.mrPreset);

    files::ensureDirectory(o_.caseDir);
    caseFile_ = o_.caseDir / "case.json";
    case_ = Case{};
    case_.baseDir = o_.caseDir;
    case_.name = o_.name.empty() ? fs::path(o_.ct).stem().stem().string() : o_.name;

    // 1. Read.
    auto t = Clock::now();
    ReadOptions ro;
    ro.progress = P.sub(0.0, 0.03);
    Volume ct = readVolume(o_.ct, ro);
    if (ct.meta.units != Units::HU && ct.meta.units != Units::Unknown)
        throw Error("--ct " + o_.ct + " holds " + std::string(unitsName(ct.meta.units)) +
                    ", not HU: give the planning CT as --ct");
    if (ct.meta.modality.empty()) ct.meta.modality = "CT";
    if (ct.meta.units == Units::Unknown) ct.meta.units = Units::HU;
    setVolume(case_, caseVolumeOf("ct", "ct", "", o_.ct, ct));
    Volume portal, pet, mr;
    if (!o_.portal.empty()) {
        portal = readVolume(o_.portal);
        if (!seg::sameGrid(portal.image, ct.image))
            throw Error("--portal " + o_.portal + " is not on the grid of --ct " + o_.ct +
                        " (size, spacing, origin or direction differ); register it first");
        setVolume(case_, caseVolumeOf("ct_portal", "ct", "", o_.portal, portal));
    }
    if (!o_.pet.empty()) {
        pet = readVolume(o_.pet);
        if (pet.meta.modality.empty()) pet.meta.modality = "PT";
        setVolume(case_, caseVolumeOf("pet", "pet", "", o_.pet, pet));
        if (pet.meta.units != Units::SUVbw)
            warn("the PET " + o_.pet + " is in " + unitsName(pet.meta.units) +
                 ", not SUV: uptake is reported in those units, never labelled SUV");
    }
    if (!o_.mr.empty()) {
        mr = readVolume(o_.mr);
        setVolume(case_, caseVolumeOf("mr", "mr", "", o_.mr, mr));
    }
    step("read", "done", t, std::to_string(case_.volumes.size()) + " volume(s)");
    P.checkCancel();

    // 2. Liver (on --portal when there is one: a later phase shows the liver
    // brightest and most uniform). Tumours at its surface join it in step 5.
    t = Clock::now();
    seg::LiverOptions lo;
    lo.progress = P.sub(0.03, 0.10);
    lo.includeLesions = false;
    seg::LiverResult liver = seg::segmentLiver(o_.portal.empty() ? ct : portal, lo);
    const fs::path segDir = o_.caseDir / "segmentation";
    files::ensureDirectory(segDir);
    for (const auto& w : liver.warnings) warn("liver: " + w);
    char buf[400];
    std::snprintf(buf, sizeof buf, "%.0f mL", liver.volume_ml);
    step("liver", "done", t, buf);
    P.checkCancel();

    // The contrast phase of each CT, measured (never assumed from the order of the inputs).
    t = Clock::now();
    const seg::ContrastPhase ctPhase = seg::estimateContrastPhase(ct, liver.mask, P.sub(0.10, 0.11));
    std::optional<seg::ContrastPhase> portalPhase;
    if (!o_.portal.empty()) portalPhase = seg::estimateContrastPhase(portal, liver.mask, P.sub(0.11, 0.12));
    {
        CaseVolume v = *case_.volume("ct");
        v.phase = ctPhase.phase;
        v.extra["contrast_phase"] = seg::contrastPhaseJson(ctPhase);
        setVolume(case_, v);
        std::string detail = "CT: " + describePhase(ctPhase);
        if (portalPhase) {
            CaseVolume pv = *case_.volume("ct_portal");
            pv.phase = portalPhase->phase;
            pv.extra["contrast_phase"] = seg::contrastPhaseJson(*portalPhase);
            setVolume(case_, pv);
            detail += "; second CT: " + describePhase(*portalPhase);
        }
        step("contrast phase", ctPhase.phase == "unknown" ? "warn" : "done", t, detail);
        if (ctPhase.phase == "unknown" || ctPhase.phase == "non-contrast")
            warn("the CT looks " + ctPhase.phase + " (" + ctPhase.reason +
                 "): focal liver lesions are poorly seen without contrast; check every finding");
        if (ctPhase.confidence < 0.4 && ctPhase.phase != "unknown")
            warn("the contrast phase of the CT (" + ctPhase.phase + ") is uncertain (confidence " +
                 std::to_string(ctPhase.confidence).substr(0, 4) + "): " + ctPhase.reason);
    }
    P.checkCancel();

    // 3. Registrations, through the quality gate.
    const MaskImage::Pointer regMask = registration::maskFromLabels(
        [&] {
            auto l = LabelImage::New();
            l->CopyInformation(liver.mask);
            l->SetRegions(liver.mask->GetLargestPossibleRegion());
            l->Allocate();
            const size_t n = l->GetBufferedRegion().GetNumberOfPixels();
            for (size_t i = 0; i < n; ++i) l->GetBufferPointer()[i] = liver.mask->GetBufferPointer()[i];
            return l;
        }()
            .GetPointer(),
        {1}, o_.registrationMaskDilate_mm);
    std::optional<CaseTransform> petTransform;
    if (!o_.pet.empty()) petTransform = registerOne(ct, pet, "pet", o_.pet, o_.petPreset, regMask, P.sub(0.12, 0.35));
    if (!o_.mr.empty()) registerOne(ct, mr, "mr", o_.mr, o_.mrPreset, regMask, P.sub(0.35, 0.45));
    if (result_.registrationVerdict == "fail") {
        std::string why = "a registration failed its quality checks:";
        for (const auto& tr : case_.transforms)
            if (tr.kind == "elastix" && tr.qaVerdict == "fail") {
                why += " " + tr.movingId + " onto the CT (" + tr.preset + ")";
                for (const auto& pr : tr.extra.value("qa_problems", Json::array())) why += "; " + pr.get<std::string>();
            }
        why += ". Nothing was planned on it. Inspect " + (o_.caseDir / "registrations").string() +
               ", correct it (irplan nudge) or register again, then plan";
        result_.warnings.push_back(why);
        save("stopped", why);
        throw Error(why);
    }
    P.checkCancel();

    // 4. Vessels, on the later phase when there are two (portal and hepatic
    // veins both fill), before the lesions: bright blobs on them are not lesions.
    t = Clock::now();
    const bool vesselsOnPortal = portalPhase && (portalPhase->phase == "portal-venous" || portalPhase->phase == "delayed" ||
                                                 ctPhase.phase == "arterial" || ctPhase.phase == "non-contrast");
    const Volume& vesselCt = vesselsOnPortal ? portal : ct;
    const std::string vesselSource = vesselsOnPortal ? o_.portal : o_.ct;
    seg::VesselOptions vo;
    vo.progress = P.sub(0.45, 0.58);
    vo.phase = vesselsOnPortal ? portalPhase->phase : ctPhase.phase; // measured; arteries are labelled in the arterial phase only
    seg::VesselResult vessels;
    std::string vesselFailure;
    try {
        vessels = seg::segmentVessels(vesselCt, liver.mask, vo);
        writeVesselFiles(vessels, segDir, vesselSource);
        for (const auto& w : vessels.warnings) warn("vessels: " + w);
        step("vessels", "done", t, std::to_string(vessels.branches.size()) + " branches");
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& e) {
        // Lesions and plans go on, but nothing may look as if it had been checked against vessels.
        vesselFailure = e.what();
        warn("vessels could not be segmented (" + vesselFailure + "): lesions are judged without them, and NO heat-sink "
             "or vessel-path check was possible for any plan");
        step("vessels", "failed", t, vesselFailure);
    }
    P.checkCancel();

    // 5. Lesions (every CT phase given, the registered PET), judged against the vessels.
    t = Clock::now();
    Volume petOnCt;
    if (petTransform) {
        seg::PetAlignmentOptions ao;
        ao.registrationDir = o_.caseDir / petTransform->directory;
        petOnCt = seg::alignPetToCt(pet, ct, ao).pet;
    }
    seg::LesionImages images;
    images.ct = &ct;
    images.otherPhase = o_.portal.empty() ? nullptr : &portal;
    images.pet = petTransform ? &petOnCt : nullptr;
    images.liver = liver.mask;
    images.vessels = vessels.mask; // null when the vessels could not be segmented
    images.ctPhase = ctPhase.phase;
    if (portalPhase) images.otherPhaseName = portalPhase->phase;
    seg::LesionOptions lesOpt;
    lesOpt.minConfidence = o_.minConfidence;
    lesOpt.progress = P.sub(0.58, 0.70);
    seg::LesionResult lesions = seg::segmentLesions(images, lesOpt);
    // The liver keeps the tumours found at its surface.
    if (lesions.liver) {
        liver.mask = lesions.liver;
        liver.volume_ml = double(seg::countOn(liver.mask)) * seg::voxelVolume_mm3(liver.mask) / 1000.0;
        liver.lesionVolumeIncluded_ml = lesions.liverAdded_ml;
    }
    writeMask(liver.mask, segDir / "liver.nii.gz");
    files::writeTextAtomic(segDir / "liver.json",
                           seg::liverJson(liver, o_.portal.empty() ? o_.ct : o_.portal).dump(2) + "\n");
    writeLabelMap(lesions.labels, segDir / "lesions.nii.gz");
    Json lj = seg::lesionsJson(lesions);
    lj["inputs"] = {{"ct", o_.ct}, {"portal", o_.portal}, {"pet", o_.pet}, {"liver", "segmentation/liver.nii.gz"},
                    {"vessels", "segmentation/vessels.nii.gz"}};
    if (petTransform) lj["inputs"]["pet_registration"] = petTransform->directory;
    files::writeTextAtomic(segDir / "lesions.json", lj.dump(2) + "\n");
    for (const auto& w : lesions.warnings) warn("lesions: " + w);
    int targets = 0, toConfirm = 0;
    for (const auto& m : lesions.lesions) {
        targets += m.status == "target";
        toConfirm += m.status == "to confirm";
    }
    // Bright blobs on an arterial CT alone: without a later phase (washout)
    // or a PET, enhancing vessel pieces can look like lesions.
    if (ctPhase.phase == "arterial" && o_.portal.empty() && o_.pet.empty() && targets > 0)
        warn("lesions were found on an arterial CT alone: without a later phase (washout) or a PET, enhancing vessels "
             "can look like lesions. Check every lesion before trusting its plan");
    result_.lesions = targets;
    result_.toConfirm = toConfirm;
    std::snprintf(buf, sizeof buf, "%d target(s) (confidence >= %.2f), %d to confirm, looked for on the %s CT%s", targets,
                  o_.minConfidence, toConfirm, ctPhase.phase.c_str(),
                  portalPhase ? (" and the " + portalPhase->phase + " CT").c_str() : "");
    step("lesions", targets ? "done" : "warn", t, buf);
    if (targets == 0)
        warn(toConfirm ? "no lesion reached the confidence to plan (" + std::to_string(toConfirm) +
                             " finding(s) to confirm in the viewer): nothing planned"
                       : "no lesion was found in the liver: nothing to plan");
    P.checkCancel();

    // 6. Couinaud segments, and each lesion's.
    if (vesselFailure.empty()) {
        t = Clock::now();
        const CouinaudStep cs = runCouinaud(liver.mask, vessels, lesions, lj, segDir, case_);
        for (const auto& w : cs.warnings) warn(w);
        step("couinaud", cs.done ? "done" : "warn", t, cs.detail);
    } else {
        warn("Couinaud segments were not estimated: they need the vessels");
    }

    const LabelImage::Pointer labels = combinedLabels(liver.mask, vessels.kindLabels, lesions.labels);
    writeLabelMap(labels, segDir / "labels.nii.gz");
    CaseSegmentation sl;
    sl.id = "labels";
    sl.kind = "labels";
    sl.path = "segmentation/labels.nii.gz";
    sl.volumeId = "ct";
    sl.legend = combinedVesselLegend();
    sl.legend[kLiverLabel] = "liver";
    for (const auto& m : lesions.lesions) sl.legend[kLesionBase + m.id] = "lesion " + std::to_string(m.id);
    sl.extra["note"] = "liver, vessels and lesions of the segmentation in one map (phantom legend)";
    setSegmentation(case_, sl);
    CaseSegmentation sLiver{"liver", "liver", "segmentation/liver.nii.gz", "ct", {{1, "liver"}}, "", Json::object()};
    setSegmentation(case_, sLiver);
    CaseSegmentation sLes{"lesions", "lesions", "segmentation/lesions.nii.gz", "ct", {}, "segmentation/lesions.json",
                          Json::object()};
    for (const auto& m : lesions.lesions) sLes.legend[m.id] = "lesion " + std::to_string(m.id);
    setSegmentation(case_, sLes);
    if (vesselFailure.empty()) setSegmentation(case_, vesselSegmentation());
    save("running");
    P.checkCancel();

    // 6. Plans: every lesion, auto-proposed with the default device, chart model.
    const planning::VesselTree tree =
        vesselFailure.empty() ? planning::loadVessels(segDir / "vessels.json") : planning::VesselTree{};
    std::shared_ptr<const planning::RiskMaps> risk;
    const size_t nLesions = lesions.lesions.size();
    for (size_t i = 0; i < nLesions; ++i) {
        const int k = lesions.lesions[i].id;
        if (lesions.lesions[i].status != "target") continue; // to confirm first: never planned automatically
        t = Clock::now();
        const Progress pp = P.sub(0.70 + 0.30 * i / nLesions, 0.70 + 0.30 * (i + 1) / nLesions);
        const std::string stepName = "plan lesion " + std::to_string(k);
        try {
            planning::PlanningInputs in;
            in.labels = labels;
            in.ct = ct.image;
            in.lesionMap = lesions.labels;
            in.lesionId = k;
            in.vessels = tree;
            in.sharedRisk = risk;
            const auto ctx = planning::PlanningContext::build(in, pp.sub(0.0, 0.3));
            risk = ctx->riskShared();
            planning::PlanRequest req;
            req.catalogue = &catalogue;
            req.deviceId = o_.deviceId;
            req.model = planning::ZoneModelKind::Chart;
            req.margin_mm = o_.margin_mm;
            const planning::ProposalResult proposals = planning::proposePlans(*ctx, req, {}, pp.sub(0.3, 0.7));
            if (proposals.proposals.empty()) {
                warn("lesion " + std::to_string(k) + ": no safe straight needle path within the angle limit (" +
                     std::to_string(proposals.directionsSampled) + " directions tried): not planned");
                step(stepName, "warn", t, "no safe path");
                continue;
            }
            const planning::Proposal& best = proposals.proposals.front();
            req.probes = best.probes;
            req.deviceId = best.deviceId;
            req.setting = best.setting;
            for (auto& p : req.probes) p.deviceId.clear(), p.setting.clear();
            planning::ThermalCalibrationCache cache;
            const planning::PlanEvaluation e = planning::evaluatePlan(*ctx, req, &cache, pp.sub(0.7, 0.95));
            const fs::path planDir = o_.caseDir / "plans" / ("lesion" + std::to_string(k));
            planning::PlanInputsInfo info{o_.ct, "segmentation/labels.nii.gz", "segmentation/vessels.json",
                                          "segmentation/lesions.nii.gz"};
            planning::writePlanOutputs(planDir, *ctx, req, e, &proposals, info);
            planning::storePlanInCase(case_, "lesion" + std::to_string(k), req, e, "plans/lesion" + std::to_string(k), k);
            ++result_.planned;
            std::snprintf(buf, sizeof buf, "%s %s, %s, minimal margin %.1f mm%s", best.deviceId.c_str(),
                          best.setting.c_str(), best.strategy.c_str(), e.margin.minimal_mm,
                          e.pathsSafe() ? "" : ", a path check fails");
            if (!e.pathsSafe()) warn("lesion " + std::to_string(k) + ": the best proposal still fails a path check");
            if (!e.heatSinkWarnings.empty())
                warn("lesion " + std::to_string(k) + ": " + std::to_string(e.heatSinkWarnings.size()) +
                     " heat-sink warning(s): vessels >= 3 mm near the lesion may shrink the zone on their side (see "
                     "the plan)");
            if (!vesselFailure.empty()) {
                warn("lesion " + std::to_string(k) + ": planned WITHOUT vessels (their segmentation failed): heat sink "
                     "and vessel crossings were not checked");
                step(stepName, "warn", t, std::string(buf) + "; no vessel checks (vessels not segmented)");
                continue;
            }
            step(stepName, e.pathsSafe() && best.marginReached ? "done" : "warn", t, buf);
        } catch (const Cancelled&) {
            throw;
        } catch (const Error& err) {
            warn("lesion " + std::to_string(k) + " could not be planned: " + err.what());
            step(stepName, "failed", t, err.what());
        }
    }
    save("complete");
    result_.caseFile = caseFile_;
    result_.seconds = secondsSince(t0_);
    P.update(1.0, "case written");
    return result_;
}

} // namespace

PipelineResult runPipeline(const PipelineOptions& options) { return Runner(options).run(); }

Json pipelineRecord(const Case& c) {
    auto it = c.extra.find("pipeline");
    return it == c.extra.end() ? Json::object() : *it;
}

} // namespace irplan::pipeline
