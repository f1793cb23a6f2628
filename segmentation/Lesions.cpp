#include "segmentation/Lesions.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"
#include "segmentation/ContrastPhase.h"
#include "segmentation/FocalLesions.h"
#include "segmentation/LesionDetect.h"
#include "segmentation/Liver.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>

namespace irplan::seg {

namespace {

struct Found {
    MaskImage::Pointer mask; // on the full grid
    std::string source;
    size_t voxels = 0;
    std::string note;
    std::string appearance, phase, status;
    std::optional<double> confidence;
    Json evidence = Json::object();
    size_t pass = 0; // which image it was found on (CT first, then the second phase)
};

double round1(double v) { return std::round(v * 10.0) / 10.0; }

Json findingEvidence(const FocalFinding& f, const FocalDetection& det) {
    const LesionOutline& o = f.outline;
    return {{"lesion_level", round1(o.lesionLevel)},
            {"parenchyma_level", round1(o.parenchymaLevel)},
            {"contrast", round1(f.contrast)},
            {"contrast_noise_units", round1(f.contrastNoiseUnits)},
            {"parenchyma_noise_sd", round1(det.noise)},
            {"detection_response", round1(f.detectionResponse)},
            {"scale_mm", f.scale_mm},
            {"equivalent_diameter_mm", round1(o.equivalentDiameter_mm)},
            {"sphericity", std::round(o.sphericity * 100.0) / 100.0},
            {"elongation", round1(f.elongation)},
            {"outline_on_liver_edge", std::round(o.raysOnLiverEdge * 100.0) / 100.0},
            {"on_vessels", std::round(f.vesselFraction * 100.0) / 100.0},
            {"outside_liver_mask", std::round(f.outsideLiver * 100.0) / 100.0},
            {"inner_spread", round1(o.innerSpread)}};
}

} // namespace

LesionResult segmentLesions(const LesionImages& in, const LesionOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    const Progress& progress = o.progress;
    LesionResult res;
    const Volume* gridVolume = in.ct ? in.ct : in.pet;
    if (!gridVolume || !gridVolume->image) throw Error("lesions: give a CT, an MR or a PET/SPECT");
    const FloatImage* grid = gridVolume->image;
    if (in.otherPhase && (!in.ct || !sameGrid(in.otherPhase->image, grid)))
        throw Error("the second contrast phase is not on the CT's grid: both phases must come from one acquisition grid "
                    "(register them first)");
    if (in.pet && !sameGrid(in.pet->image, grid))
        throw Error("PET is not on the CT grid: register it first (irplan register) or resample it (alignPetToCt)");
    if (in.liver && !sameGrid(in.liver, grid)) throw Error("the liver mask is not on the image's grid");
    if (in.liver && countOn(in.liver) == 0) throw Error("the liver mask is empty");
    if (in.vessels && !sameGrid(in.vessels, grid)) throw Error("the vessel mask is not on the image's grid");
    if (!in.liver && in.seeds_mm.empty())
        throw Error("nothing to look in: automatic lesion detection needs the liver (--liver, or a CT to find it on); "
                    "for single lesions give --seed x,y,z");
    bool ctIsCt = false;
    if (in.ct) {
        const ImageKind k = imageKindOf(*in.ct, &res.warnings);
        if (k == ImageKind::PET) throw Error("--ct is an emission image; give it with --pet");
        ctIsCt = k == ImageKind::CT;
    }
    // PET values: SUVbw when the PET carries SUV, else its own units, named so.
    Volume pet;
    if (in.pet) {
        if (in.pet->hasSuv()) pet = toSuv(*in.pet);
        else {
            pet = *in.pet;
            res.warnings.push_back("SUV is not available for " + in.pet->meta.sourcePath + " (" + in.pet->meta.suv.reason +
                                   "); PET values are reported in " + unitsName(in.pet->meta.units) + ", not as SUV");
        }
        res.method["pet_units"] = unitsName(pet.meta.units);
    }
    res.method["min_diameter_mm"] = o.minDiameter_mm;
    res.method["min_confidence_to_plan"] = o.minConfidence;

    // The contrast phase of each CT: given, or measured here.
    std::string ctPhase = in.ctPhase, otherPhase = in.otherPhaseName;
    if (in.ct && ctIsCt && ctPhase.empty() && in.liver) {
        const ContrastPhase p = estimateContrastPhase(*in.ct, in.liver, progress.sub(0.0, 0.05));
        ctPhase = p.phase;
        res.method["ct_phase_estimate"] = contrastPhaseJson(p);
    }
    if (in.otherPhase && otherPhase.empty() && in.liver) {
        const ContrastPhase p = estimateContrastPhase(*in.otherPhase, in.liver, progress.sub(0.05, 0.1));
        otherPhase = p.phase;
        res.method["other_phase_estimate"] = contrastPhaseJson(p);
    }
    if (in.ct) res.method["ct_phase"] = ctIsCt ? (ctPhase.empty() ? "unknown" : ctPhase) : "MR";
    if (in.otherPhase) res.method["other_phase"] = otherPhase.empty() ? "unknown" : otherPhase;

    std::vector<Found> found;
    double liverBackground = 0;
    if (in.liver) {
        // CT/MR: on the main image, then on the second phase (merged by overlap).
        struct Pass {
            const Volume* image;
            const Volume* other;
            std::string phase;
        };
        std::vector<Pass> passes;
        if (in.ct) passes.push_back({in.ct, in.otherPhase, ctIsCt ? ctPhase : "MR"});
        if (in.ct && in.otherPhase) passes.push_back({in.otherPhase, in.ct, otherPhase});
        for (size_t pi = 0; pi < passes.size(); ++pi) {
            const Pass& pass = passes[pi];
            FocalOptions fo;
            fo.minDiameter_mm = o.minDiameter_mm;
            fo.phase = pass.phase.empty() ? "unknown" : pass.phase;
            fo.isCt = ctIsCt;
            fo.progress = progress.sub(0.1 + 0.4 * pi / passes.size(), 0.1 + 0.4 * (pi + 1) / passes.size());
            // The washout test compares an arterial image with a later phase only.
            const bool washout = pass.other && pass.phase == "arterial";
            fo.darkOnly = pi > 0 && passes[0].phase == "arterial";
            const FocalDetection det = detectFocalLesions(pass.image->image, in.liver, nullptr, in.vessels,
                                                          washout ? pass.other->image.GetPointer() : nullptr, fo);
            Json m = det.method;
            m["phase"] = fo.phase;
            Json rej = Json::array();
            for (const auto& r : det.rejected)
                rej.push_back({{"centre_mm", {std::round(r.centre_mm.x * 10) / 10, std::round(r.centre_mm.y * 10) / 10,
                                              std::round(r.centre_mm.z * 10) / 10}},
                               {"why", r.why}});
            m["rejected_candidates"] = rej;
            res.method[pi == 0 ? "detection" : "detection_other_phase"] = m;
            for (const auto& f : det.findings) {
                const MaskImage::Pointer full = f.outline.mask; // a crop of the grid
                bool merged = false;
                // A lesion seen in both phases is one lesion (findings of one
                // phase are distinct already).
                for (auto& g : found)
                    if (g.pass != pi && overlapVoxels(g.mask, full) > 0) {
                        g.note += (g.note.empty() ? "" : "; ") + std::string("also seen in the ") + fo.phase + " phase";
                        merged = true;
                    }
                if (merged) continue;
                Found g;
                g.mask = full;
                g.source = ctIsCt ? "ct" : "mr";
                g.voxels = countOn(full);
                g.note = f.note;
                g.appearance = f.appearance;
                g.phase = fo.phase;
                g.confidence = f.confidence;
                g.evidence = findingEvidence(f, det);
                g.pass = pi;
                found.push_back(g);
            }
        }
        if (in.pet) {
            progress.update(0.5, "lesions: PET hot spots");
            const Region box = boundingRegion(in.liver, 10.0);
            auto liverCrop = crop(in.liver, box);
            auto p = crop(pet.image.GetPointer(), box);
            for (auto& m : detectPetLesions(p, liverCrop, o, res.method, &liverBackground, res.warnings)) {
                const MaskImage::Pointer full = m; // a crop of the grid (the liver's box)
                bool merged = false;
                for (auto& f : found)
                    if ((f.source == "ct" || f.source == "mr") && overlapVoxels(f.mask, full) > 0) {
                        f.note += (f.note.empty() ? "" : "; ") + std::string("also seen on PET");
                        // PET uptake confirms a CT finding.
                        if (f.confidence) f.confidence = std::max(*f.confidence, o.minConfidence);
                        merged = true;
                    }
                if (merged) continue;
                Found f;
                f.mask = full;
                f.source = "pet";
                f.voxels = countOn(m);
                f.note = in.ct ? "seen on PET only" : "";
                f.appearance = "pet-avid";
                found.push_back(f);
            }
        }
        // Targets first, largest first (lesion 1 is the largest target); then
        // the findings to confirm, most confident first.
        for (auto& f : found)
            f.status = !f.confidence ? "target" : (f.appearance == "cyst-like" ? "not a target"
                                                   : (*f.confidence >= o.minConfidence ? "target" : "to confirm"));
        auto rank = [](const Found& f) { return f.status == "target" ? 0 : (f.status == "to confirm" ? 1 : 2); };
        std::stable_sort(found.begin(), found.end(), [&](const Found& a, const Found& b) {
            if (rank(a) != rank(b)) return rank(a) < rank(b);
            if (rank(a) == 0) return a.voxels > b.voxels;
            return a.confidence.value_or(0) > b.confidence.value_or(0);
        });
    }
    progress.update(0.7, "lesions: seeds");
    for (const Vec3& seed : in.seeds_mm) {
        // Inside a lesion already found?
        const Vec3 ci = pointToIndex(grid, seed);
        const auto n = dims(grid);
        Found* inside = nullptr;
        const long x = std::lround(ci.x), y = std::lround(ci.y), z = std::lround(ci.z);
        if (x >= 0 && y >= 0 && z >= 0 && x < long(n[0]) && y < long(n[1]) && z < long(n[2]))
            for (auto& f : found)
                if (maskAt(f.mask, seed)) inside = &f;
        if (inside) {
            // The user points at it: a finding to confirm becomes a target.
            if (inside->status != "target") {
                inside->status = "target";
                inside->note += (inside->note.empty() ? "" : "; ") + std::string("confirmed by a seed at ") + toString(seed, 1) + " mm";
            }
            res.warnings.push_back("the seed " + toString(seed, 1) + " mm lies in a lesion found already");
            continue;
        }
        // On the CT/MR when there is one, unless the lesion only shows on PET.
        GrownLesion g;
        std::string on;
        bool done = false;
        if (in.ct) {
            try {
                g = growLesion(*in.ct, seed, in.liver, o);
                on = ctIsCt ? "CT" : "MR";
                done = true;
            } catch (const Cancelled&) {
                throw;
            } catch (const Error& e) {
                if (!in.pet) throw;
                res.warnings.push_back(std::string("seed ") + toString(seed, 1) + " mm: " + e.what() + "; grown on PET instead");
            }
        }
        if (!done) {
            g = growLesion(pet, seed, in.liver, o);
            on = "PET";
        }
        Found f;
        f.mask = g.mask;
        f.source = "seed";
        f.voxels = countOn(g.mask);
        f.note = "grown on " + on + " from " + toString(seed, 1) + " mm: " + g.rule;
        for (const auto& w : g.warnings) {
            res.warnings.push_back(w);
            f.note += "; " + w;
        }
        f.status = "target";
        f.appearance = g.appearance;
        f.phase = on == "CT" ? ctPhase : "";
        found.push_back(f);
    }
    // Label map (an earlier lesion keeps a shared voxel; one left with no
    // voxel of its own is dropped and the ids stay 1..n).
    res.labels = newLabels(grid);
    auto* lab = res.labels->GetBufferPointer();
    std::vector<Found> kept;
    std::vector<std::string> sources;
    for (const auto& f : found) {
        const auto id = static_cast<LabelImage::PixelType>(kept.size() + 1);
        size_t painted = 0;
        forEachOnIn(f.mask, grid, [&](size_t i) {
            if (!lab[i]) {
                lab[i] = id;
                ++painted;
            }
        });
        if (painted == 0) continue;
        kept.push_back(f);
        sources.push_back(f.source);
    }
    found = kept;
    // The liver keeps its lesions: those found where its dents were closed join it.
    if (in.liver) {
        res.liver = andMask(in.liver, in.liver);
        auto* lv = res.liver->GetBufferPointer();
        size_t added = 0;
        for (const auto& f : found) {
            if (f.source != "ct" && f.source != "mr" && f.source != "seed") continue;
            if (f.appearance == "hyper" && f.status != "target") continue; // bright at the edge: the IVC, the hilum
            forEachOnIn(f.mask, grid, [&](size_t i) {
                if (!lv[i]) {
                    lv[i] = 1;
                    ++added;
                }
            });
        }
        if (added) {
            // Holes closed in the liver's box only (a full-size CT is 80 M voxels).
            const Region box = boundingRegion(res.liver, 2.0);
            auto filled = fillHoles(crop(res.liver.GetPointer(), box).GetPointer());
            paste(res.liver.GetPointer(), filled.GetPointer());
        }
        res.liverAdded_ml = double(countOn(res.liver) - countOn(in.liver)) * voxelVolume_mm3(grid) / 1000.0;
        res.method["liver_added_ml"] = std::round(res.liverAdded_ml * 10.0) / 10.0;
    }
    progress.update(0.85, "lesions: measuring");
    LesionMeasureInputs mi;
    mi.ct = in.ct;
    mi.pet = in.pet ? &pet : nullptr;
    mi.petFraction = o.petFraction;
    mi.petBackground = liverBackground;
    res.lesions = measureLesions(res.labels, sources, mi);
    for (auto& m : res.lesions) {
        const Found& f = found[static_cast<size_t>(m.id - 1)];
        m.note = f.note;
        m.appearance = f.appearance;
        m.phase = f.phase;
        m.confidence = f.confidence;
        m.status = f.status;
        m.evidence = f.evidence;
    }
    res.method["couinaud"] = "not estimated here: couinaud_segment stays null until Couinaud segments are assigned "
                             "(irplan run, or irplan segment couinaud and the viewer)";
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.update(1.0, "lesions: done");
    return res;
}

Json lesionsJson(const LesionResult& r) {
    Json j;
    j["method"] = r.method;
    Json list = Json::array();
    for (const auto& m : r.lesions) list.push_back(lesionJson(m));
    j["lesions"] = list;
    j["warnings"] = r.warnings;
    j["seconds"] = r.seconds;
    return j;
}

} // namespace irplan::seg
