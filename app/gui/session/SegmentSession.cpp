#include "app/gui/session/SegmentSession.h"

#include "app/gui/session/Viewer.h"
#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "io/VolumeIO.h"
#include "segmentation/Couinaud.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Lesions.h"
#include "segmentation/Liver.h"
#include "segmentation/PetAlignment.h"
#include "segmentation/SegmentationJson.h"
#include "segmentation/Vessels.h"

#include <algorithm>
#include <cstdio>

namespace irplan::viewer {

namespace fs = std::filesystem;

fs::path SegmentSession::outputDir(const std::string& dir) const {
    if (!dir.empty()) return fs::absolute(dir);
    if (!viewer_.caseFile().empty()) return viewer_.caseFile().parent_path() / "segmentation";
    return fs::absolute("irplan-segmentation");
}

void SegmentSession::reset() {
    ++generation_;
    liver_ = nullptr;
    lesions_.clear();
    seeds_.clear();
    summary_.clear();
}

void SegmentSession::loadCaseTable() {
    const Case& c = viewer_.currentCase();
    for (const auto& seg : c.segmentations) {
        if (seg.kind != "lesions" || seg.tablePath.empty()) continue;
        try {
            lesions_ = seg::readLesionTable(c.resolve(seg.tablePath));
            size_t toConfirm = 0;
            for (const auto& l : lesions_) toConfirm += l.status == "to confirm";
            if (toConfirm)
                log::warn(std::to_string(toConfirm) + " automatic finding(s) to confirm (below the confidence to plan): "
                          "see the Segmentation panel");
        } catch (const Error& e) {
            log::warn(std::string("the case's lesion table could not be read: ") + e.what());
        }
        return;
    }
}

std::string SegmentSession::petLabel() const {
    for (const auto& l : lesions_)
        if (!l.petUnits.empty()) return l.petUnits == "SUVbw" ? "SUV" : l.petUnits;
    return "SUV";
}

MaskImage::Pointer SegmentSession::liverMask() const {
    if (liver_) return liver_;
    const LoadedImages& images = viewer_.images();
    auto legend = images.labels.legend.find(1);
    if (images.labels.labels && legend != images.labels.legend.end() && legend->second.find("liver") != std::string::npos)
        return seg::maskFromLabels(images.labels.labels.GetPointer(), "the label map's liver (label 1)", 1);
    return nullptr;
}

void SegmentSession::record(const CaseSegmentation& s, const std::string& what) {
    viewer_.editCase("segment " + what, [&](Case& c) { setSegmentation(c, s); });
}

void SegmentSession::runLiver(const std::string& dir) {
    const auto ct = viewer_.images().ct;
    if (!ct) throw Error("segmenting the liver needs a CT or MR: open one first");
    const fs::path out = outputDir(dir);
    const std::string ctId = viewer_.images().ctId;
    const unsigned generation = generation_;
    viewer_.tasks().start("segmenting the liver", [this, ct, out, ctId, generation](const Progress& p) {
        seg::LiverOptions o;
        o.progress = p;
        auto r = std::make_shared<seg::LiverResult>(seg::segmentLiver(*ct, o));
        files::ensureDirectory(out);
        writeMask(r->mask, out / "liver.nii.gz");
        files::writeTextAtomic(out / "liver.json", seg::liverJson(*r, ct->meta.seriesDescription).dump(2) + "\n");
        return [this, r, out, ctId, generation] {
            if (generation != generation_) return;
            liver_ = r->mask;
            CaseSegmentation s;
            s.id = "liver";
            s.kind = "liver";
            s.path = (out / "liver.nii.gz").string();
            s.volumeId = ctId;
            s.legend = {{1, "liver"}};
            record(s, "liver");
            char text[160];
            std::snprintf(text, sizeof text, "liver %.0f mL (%s, %.1f s)", r->volume_ml, r->imageKind.c_str(), r->seconds);
            summary_ = text;
            for (const auto& w : r->warnings) log::warn("liver: " + w);
            log::info(summary_);
        };
    });
}

void SegmentSession::runLesions(const std::vector<Vec3>& seeds, const std::string& dir) {
    const LoadedImages& images = viewer_.images();
    if (!images.ct && !images.pet) throw Error("segmenting lesions needs a CT, MR or PET: open one first");
    MaskImage::Pointer liver = liverMask();
    if (!liver && seeds.empty())
        throw Error("lesion detection looks inside the liver: segment the liver first (segment-liver), or click a seed");
    const auto ct = images.ct;
    auto pet = images.pet;
    std::optional<Affine> ctToPet = images.ctToPet;
    if (pet && ct && !ctToPet) {
        log::warn("the PET is not registered to the CT: lesions are found on the CT alone");
        pet.reset();
    }
    const fs::path out = outputDir(dir);
    const std::string gridId = ct ? images.ctId : images.petId;
    const unsigned generation = generation_;
    seeds_ = seeds;
    const LabelImage::Pointer couinaud = images.couinaud;
    viewer_.tasks().start("segmenting lesions", [this, ct, pet, ctToPet, liver, seeds, out, gridId, generation,
                                                 couinaud](const Progress& p) {
        Volume petOnGrid;
        if (pet && ct) {
            petOnGrid.meta = pet->meta;
            petOnGrid.image = seg::resampleOnGrid(pet->image.GetPointer(), ct->image.GetPointer(), ctToPet);
        }
        seg::LesionImages in;
        in.ct = ct.get();
        in.pet = pet ? (ct ? &petOnGrid : pet.get()) : nullptr;
        in.liver = liver.GetPointer();
        in.seeds_mm = seeds;
        seg::LesionOptions o;
        o.progress = p;
        auto r = std::make_shared<seg::LesionResult>(seg::segmentLesions(in, o));
        // Each lesion's Couinaud segments when the case has them on this grid.
        if (couinaud && seg::sameGrid(couinaud, r->labels)) seg::assignLesionSegments(r->lesions, r->labels, couinaud);
        files::ensureDirectory(out);
        writeLabelMap(r->labels, out / "lesions.nii.gz");
        files::writeTextAtomic(out / "lesions.json", seg::lesionsJson(*r).dump(2) + "\n");
        return [this, r, out, gridId, generation] {
            if (generation != generation_) return;
            lesions_ = r->lesions;
            CaseSegmentation s;
            s.id = "lesions";
            s.kind = "lesions";
            s.path = (out / "lesions.nii.gz").string();
            s.tablePath = (out / "lesions.json").string();
            s.volumeId = gridId;
            for (const auto& l : r->lesions) s.legend[l.id] = "lesion " + std::to_string(l.id);
            record(s, "lesions");
            summary_ = std::to_string(r->lesions.size()) + " lesion(s) in " + std::to_string(r->seconds).substr(0, 4) + " s";
            for (const auto& w : r->warnings) log::warn("lesions: " + w);
            log::info("lesions: " + summary_);
        };
    });
}

void SegmentSession::growFromSeed(const Vec3& seed) {
    std::vector<Vec3> seeds = seeds_;
    seeds.push_back(seed);
    runLesions(seeds);
}

void SegmentSession::runVessels(const std::string& dir) {
    const auto ct = viewer_.images().ct;
    if (!ct) throw Error("segmenting vessels needs a contrast CT: open one first");
    MaskImage::Pointer liver = liverMask();
    if (!liver) throw Error("vessels are segmented inside the liver: segment the liver first (segment-liver)");
    const fs::path out = outputDir(dir);
    const std::string ctId = viewer_.images().ctId;
    const unsigned generation = generation_;
    viewer_.tasks().start("segmenting vessels", [this, ct, liver, out, ctId, generation](const Progress& p) {
        seg::VesselOptions o;
        o.progress = p;
        auto r = std::make_shared<seg::VesselResult>(seg::segmentVessels(*ct, liver.GetPointer(), o));
        files::ensureDirectory(out);
        writeLabelMap(r->kindLabels, out / "vessels.nii.gz"); // one value per kind, as `irplan segment vessels`
        Volume diameter;
        diameter.image = r->diameter_mm;
        diameter.meta.units = Units::Unknown;
        diameter.meta.seriesDescription = "vessel diameter (mm)";
        writeVolume(diameter, out / "vessel_diameter_mm.nii.gz");
        writeLabelMap(r->branchLabels, out / "vessel_branches.nii.gz");
        files::writeTextAtomic(out / "vessels.json", seg::vesselsJson(*r, ct->meta.seriesDescription).dump(1) + "\n");
        size_t ge = 0;
        for (const auto& b : r->branches) ge += b.ge3mm ? 1 : 0;
        const std::string text = std::to_string(r->branches.size()) + " branches, " + std::to_string(ge) +
                                 " of >= 3 mm (heat sinks)";
        return [this, out, ctId, text, generation] {
            if (generation != generation_) return;
            CaseSegmentation s;
            s.id = "vessels";
            s.kind = "vessels";
            s.path = (out / "vessels.nii.gz").string();
            s.tablePath = (out / "vessels.json").string(); // planning reads it (as `irplan plan --vessels`)
            s.volumeId = ctId;
            for (seg::VesselKind k : {seg::VesselKind::Unknown, seg::VesselKind::Portal, seg::VesselKind::Hepatic,
                                      seg::VesselKind::Artery, seg::VesselKind::Ivc})
                s.legend[seg::vesselKindLabel(k)] = seg::vesselKindLabelName(k);
            record(s, "vessels");
            summary_ = "vessels: " + text;
            log::info(summary_);
        };
    });
}

void SegmentSession::showLesion(int k) {
    for (const auto& l : lesions_)
        if (l.id == k) {
            viewer_.setCrosshair(l.centre_mm);
            return;
        }
    throw Error("the lesion table has no lesion " + std::to_string(k) + " (run segment-lesions first)");
}

void SegmentSession::setLesionRow(const seg::LesionMeasurement& row) {
    for (auto& l : lesions_)
        if (l.id == row.id) {
            l = row;
            return;
        }
    lesions_.push_back(row);
    std::sort(lesions_.begin(), lesions_.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
}

void SegmentSession::removeLesionRow(int k) {
    lesions_.erase(std::remove_if(lesions_.begin(), lesions_.end(), [k](const auto& l) { return l.id == k; }), lesions_.end());
}

Json SegmentSession::stateJson() const {
    Json j;
    Json rows = Json::array();
    for (const auto& l : lesions_) rows.push_back(seg::lesionJson(l));
    j["lesions"] = rows;
    j["pet_label"] = petLabel();
    j["liver_ready"] = liver_ != nullptr;
    j["summary"] = summary_;
    return j;
}

} // namespace irplan::viewer
