#include "app/gui/session/CaseData.h"
#include "app/gui/session/LiverWindow.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "io/VolumeIO.h"
#include "render/VolumeSampler.h"

#include <algorithm>
#include <cctype>

namespace irplan::viewer {

namespace fs = std::filesystem;

Selection defaultSelection(const Case& c, const std::string& preferredCt) {
    Selection s;
    if (!preferredCt.empty() && c.volume(preferredCt)) s.ctId = preferredCt;
    for (const auto& v : c.volumes) {
        if (s.ctId.empty() && (v.role == "ct" || v.role == "mr" || v.role == "ct_followup")) s.ctId = v.id;
        if (s.petId.empty() && (v.role == "pet" || v.role == "spect")) s.petId = v.id;
    }
    // The combined label map when there is one; never the Couinaud segments
    // (an overlay on demand).
    for (const auto& seg : c.segmentations)
        if (s.labelsId.empty() && seg.kind == "labels") s.labelsId = seg.id;
    for (const auto& seg : c.segmentations)
        if (s.labelsId.empty() && seg.kind != "couinaud") s.labelsId = seg.id;
    return s;
}

void petAlignment(const Case& c, const std::string& ctId, const std::string& petId, std::optional<Affine>& ctToPet,
                  std::string& description, std::vector<std::string>& warnings) {
    ctToPet.reset();
    description = "scanner coordinates (not registered)";
    if (ctId.empty() || petId.empty()) return;
    // The latest transform of the pair wins (a registration run after the phantom's known alignment).
    for (auto it = c.transforms.rbegin(); it != c.transforms.rend(); ++it) {
        const CaseTransform& t = *it;
        if (t.fixedId != ctId || t.movingId != petId) continue;
        // A rigid/affine elastix result carries its matrix too.
        if ((t.kind == "affine" || t.kind == "elastix") && t.matrixFixedToMoving) {
            ctToPet = Affine::fromRowMajor4x4(*t.matrixFixedToMoving);
            description = "'" + t.id + "'" + (t.preset.empty() ? "" : " (" + t.preset + ")");
            if (t.qaVerdict == "fail") {
                warnings.push_back("registration '" + t.id + "' FAILED its quality checks: the PET may be misplaced");
                description += " QA FAIL";
            } else if (t.qaVerdict == "warn") {
                description += " QA warn";
            }
            return;
        }
        warnings.push_back("transform '" + t.id + "' is a " + t.kind +
                           " registration, which this viewer cannot apply yet: the PET is shown in scanner coordinates");
    }
}

std::vector<render::VesselBranchShape> readVesselCentrelines(const fs::path& file) {
    Json j;
    try {
        j = Json::parse(files::readText(file));
    } catch (const Json::exception& e) {
        throw Error("vessel file " + file.string() + " is not valid JSON: " + e.what());
    }
    std::vector<render::VesselBranchShape> out;
    // The segmentation's "branches" (diameters_mm, kind, ge_3mm) or the
    // phantom truth's "vessels" (radii_mm, tree).
    auto it = j.find("branches");
    if (it == j.end() || !it->is_array()) it = j.find("vessels");
    if (it == j.end() || !it->is_array()) return out;
    const std::string where = "vessel file " + file.string() + ": branch ";
    for (const auto& v : *it) {
        render::VesselBranchShape b;
        b.id = v.value("id", 0);
        b.diameter_mm = v.contains("diameter_mm") && v["diameter_mm"].is_number() ? v["diameter_mm"].get<double>() : 0.0;
        if (v.contains("kind") && v["kind"].is_string()) b.kind = v["kind"].get<std::string>();
        else if (v.contains("tree") && v["tree"].is_string()) b.kind = v["tree"].get<std::string>();
        if (v.contains("ge_3mm") && v["ge_3mm"].is_boolean()) b.ge3mm = v["ge_3mm"].get<bool>() ? 1 : 0;
        auto pts = v.find("points_mm");
        auto radii = v.find("radii_mm");
        auto diams = v.find("diameters_mm");
        const bool perRadius = radii != v.end() && radii->is_array();
        const Json* sizes = perRadius ? &*radii : (diams != v.end() && diams->is_array() ? &*diams : nullptr);
        if (pts == v.end() || !pts->is_array() || !sizes || pts->size() != sizes->size())
            throw Error(where + std::to_string(b.id) + " needs points_mm and radii_mm (or diameters_mm) of the same length");
        for (size_t i = 0; i < pts->size(); ++i) {
            const Json& p = (*pts)[i];
            if (!p.is_array() || p.size() != 3 || !(*sizes)[i].is_number())
                throw Error(where + std::to_string(b.id) + ": a point is not [x, y, z] or a size is not a number");
            b.points_mm.push_back({p[0].get<double>(), p[1].get<double>(), p[2].get<double>()});
            b.radii_mm.push_back(perRadius ? (*sizes)[i].get<double>() : 0.5 * (*sizes)[i].get<double>());
        }
        if (b.diameter_mm <= 0 && !b.radii_mm.empty()) {
            double sum = 0;
            for (double r : b.radii_mm) sum += 2 * r;
            b.diameter_mm = sum / static_cast<double>(b.radii_mm.size());
        }
        out.push_back(std::move(b));
    }
    return out;
}

LoadedImages loadCaseImages(const Case& c, const Selection& sel, const Progress& progress) {
    LoadedImages out;
    out.ctId = sel.ctId;
    out.petId = sel.petId;
    out.labelsId = sel.labelsId;
    if (const CaseVolume* v = c.volume(sel.ctId)) {
        ReadOptions o;
        o.progress = progress.sub(0.0, 0.55);
        progress.update(0.0, "reading " + v->id);
        out.ct = std::make_shared<Volume>(readVolume(c.resolve(v->path), o));
    }
    progress.checkCancel();
    if (const CaseVolume* v = c.volume(sel.petId)) {
        ReadOptions o;
        o.progress = progress.sub(0.55, 0.8);
        progress.update(0.55, "reading " + v->id);
        auto pet = std::make_shared<Volume>(readVolume(c.resolve(v->path), o));
        const render::PetQuantity q = render::petQuantity(pet->meta);
        if (!q.isSuv) out.warnings.push_back("PET values are " + q.unit + ", not SUV: " + q.why);
        out.pet = pet;
        petAlignment(c, sel.ctId, sel.petId, out.ctToPet, out.petAlignment, out.warnings);
    }
    progress.checkCancel();
    if (const CaseSegmentation* s = c.segmentation(sel.labelsId)) {
        progress.update(0.8, "reading " + s->id);
        out.labels.labels = readLabelMap(c.resolve(s->path));
        out.labels.legend = s->legend;
        out.labelInfo = labelInfo(out.labels.labels.GetPointer());
        // Vessel centrelines: the segmentation's vessel table, or the phantom's
        // truth file; when the map shown is another one (the combined labels of
        // `irplan run`), the case's vessel segmentation.
        fs::path vesselFile;
        std::string source;
        const CaseSegmentation* table = s->kind == "vessels" && !s->tablePath.empty() ? s : nullptr;
        if (!table && s->extra.find("truth") == s->extra.end())
            for (const auto& other : c.segmentations)
                if (other.kind == "vessels" && !other.tablePath.empty()) table = &other;
        if (table) {
            vesselFile = c.resolve(table->tablePath);
            source = "segmentation '" + table->id + "'";
        } else if (auto t = s->extra.find("truth"); t != s->extra.end() && t->is_string()) {
            vesselFile = c.resolve(t->get<std::string>());
            source = "phantom ground truth (" + t->get<std::string>() + ")";
        }
        std::error_code ec;
        if (!vesselFile.empty() && fs::is_regular_file(vesselFile, ec)) {
            out.vessels = readVesselCentrelines(vesselFile);
            out.vesselSource = source;
        }
        // Couinaud segments (an optional overlay on the slices: couinaud on).
        for (const auto& other : c.segmentations)
            if (other.kind == "couinaud" && fs::is_regular_file(c.resolve(other.path), ec)) {
                auto seg = readLabelMap(c.resolve(other.path));
                if (seg->GetLargestPossibleRegion() == out.labels.labels->GetLargestPossibleRegion())
                    out.couinaud = seg;
                else
                    out.warnings.push_back("the Couinaud segments are not on the label map's grid: not shown");
            }
    }
    out.liverHu = measuredLiverHu(c, sel.ctId, out.ct.get(), out.labels);
    progress.update(1.0, "case loaded");
    return out;
}

std::map<int, LabelInfo> labelInfo(const LabelImage* labels) {
    std::map<int, LabelInfo> info;
    if (!labels) return info;
    const render::GridGeometry g = render::GridGeometry::of(labels);
    std::map<int, Vec3> sums;
    const std::uint16_t* p = labels->GetBufferPointer();
    size_t n = 0;
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i, ++n) {
                if (!p[n]) continue;
                ++info[p[n]].voxels;
                sums[p[n]] += Vec3{static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)};
            }
    const double voxelMl = g.spacing.x * g.spacing.y * g.spacing.z / 1000.0;
    for (auto& [label, li] : info) {
        li.centroid_mm = g.point(sums[label] / static_cast<double>(li.voxels));
        li.volume_ml = static_cast<double>(li.voxels) * voxelMl;
    }
    return info;
}

std::string guessRole(const VolumeMeta& m) {
    if (m.modality == "PT" || m.modality == "NM" || m.units == Units::BQML || m.units == Units::SUVbw ||
        m.units == Units::Counts)
        return "pet";
    if (m.modality == "MR" || m.units == Units::Signal) return "mr";
    return "ct";
}

bool looksLikeLabelMap(const fs::path& file) {
    std::string name = file.filename().string();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    for (const char* key : {"label", "seg", "mask"})
        if (name.find(key) != std::string::npos) return true;
    return false;
}

std::set<int> defaultHiddenLabels(const std::map<int, std::string>& legend) {
    std::set<int> hidden;
    for (const auto& [label, raw] : legend) {
        std::string name = raw;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
        bool keep = label >= 100; // the phantom's lesions
        for (const char* key : {"liver", "vein", "arter", "aorta", "ivc", "vena", "portal", "hepatic", "lesion", "tumo", "metasta"})
            keep = keep || name.find(key) != std::string::npos;
        if (!keep) hidden.insert(label);
    }
    return hidden;
}

std::vector<render::ProbeShape> probeShapes(const Case& c, const std::string& selected) {
    std::vector<render::ProbeShape> out;
    for (const auto& p : c.probes) {
        render::ProbeShape s;
        s.id = p.id;
        s.tip_mm = p.tip_mm;
        s.entry_mm = p.entry_mm;
        s.selected = p.id == selected;
        out.push_back(s);
    }
    return out;
}

std::vector<Measurement> measurements(const Case& c) {
    std::vector<Measurement> out;
    auto it = c.extra.find("measurements");
    if (it == c.extra.end() || !it->is_array()) return out;
    auto vec = [](const Json& j) -> Vec3 { return {j.at(0).get<double>(), j.at(1).get<double>(), j.at(2).get<double>()}; };
    for (const auto& m : *it) {
        try {
            Measurement x;
            x.id = m.at("id").get<std::string>();
            x.ruler = m.at("kind").get<std::string>() == "ruler";
            x.a = vec(m.at("a_mm"));
            if (x.ruler) x.b = vec(m.at("b_mm"));
            out.push_back(x);
        } catch (const Json::exception&) {
            log::warn("case file: a measurement is malformed and is ignored");
        }
    }
    return out;
}

void setMeasurements(Case& c, const std::vector<Measurement>& ms) {
    if (ms.empty()) {
        c.extra.erase("measurements");
        return;
    }
    Json a = Json::array();
    for (const auto& m : ms) {
        Json j;
        j["id"] = m.id;
        j["kind"] = m.ruler ? "ruler" : "point";
        j["a_mm"] = {m.a.x, m.a.y, m.a.z};
        if (m.ruler) {
            j["b_mm"] = {m.b.x, m.b.y, m.b.z};
            j["length_mm"] = distance(m.a, m.b);
        }
        a.push_back(j);
    }
    c.extra["measurements"] = a;
}

} // namespace irplan::viewer
