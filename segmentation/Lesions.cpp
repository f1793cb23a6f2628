#include "segmentation/Lesions.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"
#include "segmentation/LesionDetect.h"
#include "segmentation/Liver.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace irplan::seg {

namespace {

struct Found {
    MaskImage::Pointer mask; // on the full grid
    std::string source;
    size_t voxels = 0;
    std::string note;
};

MaskImage::Pointer onFullGrid(const MaskImage* part, const itk::ImageBase<3>* grid) {
    auto full = newMask(grid);
    paste(full.GetPointer(), part);
    return full;
}

bool overlaps(const MaskImage* a, const MaskImage* b) {
    const size_t n = a->GetBufferedRegion().GetNumberOfPixels();
    const auto* p = a->GetBufferPointer();
    const auto* q = b->GetBufferPointer();
    for (size_t i = 0; i < n; ++i)
        if (p[i] && q[i]) return true;
    return false;
}

} // namespace

LesionResult segmentLesions(const LesionImages& in, const LesionOptions& o) {
    const auto t0 = std::chrono::steady_clock::now();
    const Progress& progress = o.progress;
    LesionResult res;
    const Volume* gridVolume = in.arterial ? in.arterial : in.pet;
    if (!gridVolume || !gridVolume->image) throw Error("lesions: give a CT, an MR or a PET/SPECT");
    const FloatImage* grid = gridVolume->image;
    if (in.portal && (!in.arterial || !sameGrid(in.portal->image, grid)))
        throw Error("the portal phase is not on the arterial CT's grid: both phases must come from one acquisition grid");
    if (in.pet && !sameGrid(in.pet->image, grid))
        throw Error("PET is not on the CT grid: register it first (irplan register) or resample it (alignPetToCt)");
    if (in.liver && !sameGrid(in.liver, grid)) throw Error("the liver mask is not on the image's grid");
    if (in.liver && countOn(in.liver) == 0) throw Error("the liver mask is empty");
    if (!in.liver && in.seeds_mm.empty())
        throw Error("nothing to look in: automatic lesion detection needs the liver (--liver, or a CT to find it on); "
                    "for single lesions give --seed x,y,z");
    bool ctIsCt = false;
    if (in.arterial) {
        const ImageKind k = imageKindOf(*in.arterial, &res.warnings);
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

    std::vector<Found> found;
    double liverBackground = 0;
    if (in.liver) {
        const Region box = boundingRegion(in.liver, 10.0);
        auto liverCrop = crop(in.liver, box);
        if (in.arterial) {
            progress.update(0.05, "lesions: arterial enhancement");
            auto a = crop(in.arterial->image.GetPointer(), box);
            FloatImage::Pointer p = in.portal ? crop(in.portal->image.GetPointer(), box) : nullptr;
            for (auto& m : detectEnhancingLesions(a, p, liverCrop, ctIsCt, o, res.method, res.warnings)) {
                Found f;
                f.mask = onFullGrid(m, grid);
                f.source = "ct";
                f.voxels = countOn(m);
                found.push_back(f);
            }
        }
        if (in.pet) {
            progress.update(0.5, "lesions: PET hot spots");
            auto p = crop(pet.image.GetPointer(), box);
            for (auto& m : detectPetLesions(p, liverCrop, o, res.method, &liverBackground, res.warnings)) {
                auto full = onFullGrid(m, grid);
                bool merged = false;
                for (auto& f : found)
                    if (f.source == "ct" && overlaps(f.mask, full)) {
                        f.note = "also seen on PET";
                        merged = true;
                    }
                if (merged) continue;
                Found f;
                f.mask = full;
                f.source = "pet";
                f.voxels = countOn(m);
                f.note = in.arterial ? "seen on PET only" : "";
                found.push_back(f);
            }
        }
        // Largest first: lesion 1 is the largest.
        std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.voxels > b.voxels; });
    }
    progress.update(0.7, "lesions: seeds");
    for (const Vec3& seed : in.seeds_mm) {
        // Inside a lesion already found?
        const Vec3 ci = pointToIndex(grid, seed);
        const auto n = dims(grid);
        bool inside = false;
        const long x = std::lround(ci.x), y = std::lround(ci.y), z = std::lround(ci.z);
        if (x >= 0 && y >= 0 && z >= 0 && x < long(n[0]) && y < long(n[1]) && z < long(n[2]))
            for (const auto& f : found)
                if (f.mask->GetBufferPointer()[linearIndex(n, size_t(x), size_t(y), size_t(z))]) inside = true;
        if (inside) {
            res.warnings.push_back("the seed " + toString(seed, 1) + " mm lies in a lesion found already");
            continue;
        }
        // On the CT/MR when there is one, unless the lesion only shows on PET.
        GrownLesion g;
        std::string on;
        bool done = false;
        if (in.arterial) {
            try {
                g = growLesion(*in.arterial, seed, in.liver, o);
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
        found.push_back(f);
    }
    // Label map (an earlier lesion keeps a shared voxel; one left with no
    // voxel of its own is dropped and the ids stay 1..n).
    res.labels = newLabels(grid);
    auto* lab = res.labels->GetBufferPointer();
    const size_t total = grid->GetBufferedRegion().GetNumberOfPixels();
    std::vector<Found> kept;
    std::vector<std::string> sources;
    for (const auto& f : found) {
        const auto id = static_cast<LabelImage::PixelType>(kept.size() + 1);
        const auto* m = f.mask->GetBufferPointer();
        size_t painted = 0;
        for (size_t i = 0; i < total; ++i)
            if (m[i] && !lab[i]) {
                lab[i] = id;
                ++painted;
            }
        if (painted == 0) continue;
        kept.push_back(f);
        sources.push_back(f.source);
    }
    found = kept;
    progress.update(0.85, "lesions: measuring");
    LesionMeasureInputs mi;
    mi.ct = in.arterial;
    mi.pet = in.pet ? &pet : nullptr;
    mi.petFraction = o.petFraction;
    mi.petBackground = liverBackground;
    res.lesions = measureLesions(res.labels, sources, mi);
    for (auto& m : res.lesions) m.note = found[static_cast<size_t>(m.id - 1)].note;
    res.method["couinaud"] = "not estimated (no liver-segment model yet): couinaud_segment is null";
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
