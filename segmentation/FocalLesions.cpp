#include "segmentation/FocalLesions.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"
#include "segmentation/LesionCandidates.h"
#include "segmentation/LesionDetect.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace irplan::seg {

namespace {

std::string fmt(double v, int precision = 0) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", precision, v);
    return b;
}

double clamp01(double v) { return std::clamp(v, 0.0, 1.0); }

constexpr double kMaxElongation = 2.5;
// A tumour at 40-80 HU with 20 HU noise has well under 0.1% of its voxels
// below -20 HU; a fissure's fat shows in a few percent.
constexpr double kMaxFatFraction = 0.02;

// Share of the crop mask's voxels whose raw value is below -20 HU.
double fatFraction(const FloatImage* image, const MaskImage* cropMask) {
    const auto n = dims(cropMask);
    const auto nf = dims(image);
    const Vec3 o = pointToIndex(image, indexToPoint(cropMask, {0, 0, 0}));
    const long ox = std::lround(o.x), oy = std::lround(o.y), oz = std::lround(o.z);
    size_t fat = 0, all = 0;
    for (size_t k = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i) {
                if (!cropMask->GetBufferPointer()[linearIndex(n, i, j, k)]) continue;
                const long x = ox + long(i), y = oy + long(j), z = oz + long(k);
                if (x < 0 || y < 0 || z < 0 || x >= long(nf[0]) || y >= long(nf[1]) || z >= long(nf[2])) continue;
                ++all;
                fat += image->GetBufferPointer()[linearIndex(nf, size_t(x), size_t(y), size_t(z))] < -20.0f;
            }
    return all ? double(fat) / double(all) : 0.0;
}

// Median of `image` over the crop mask's voxels and over a shell 3-10 mm around it (in `liver`).
void levelsIn(const FloatImage* image, const MaskImage* cropMask, const MaskImage* liver, double& inside, double& around) {
    const Region box = regionCovering(image, cropMask, cropMask->GetLargestPossibleRegion(), 12.0);
    auto img = crop(image, box);
    auto liv = crop(liver, box);
    auto m = resampleMaskNearest(cropMask, img);
    auto away = distanceToOn(m);
    std::vector<float> in, sh;
    const size_t total = img->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < total; ++i) {
        if (m->GetBufferPointer()[i]) in.push_back(img->GetBufferPointer()[i]);
        else if (liv->GetBufferPointer()[i] && away->GetBufferPointer()[i] > 3.0f && away->GetBufferPointer()[i] <= 10.0f)
            sh.push_back(img->GetBufferPointer()[i]);
    }
    inside = in.empty() ? 0.0 : robustStats(in).median;
    around = sh.empty() ? inside : robustStats(sh).median;
}

} // namespace

FocalDetection detectFocalLesions(const FloatImage* fullImage, const MaskImage* fullLiver, const MaskImage* fullRegion,
                                  const MaskImage* fullVessels, const FloatImage* fullOther, const FocalOptions& o) {
    const Progress& progress = o.progress;
    const auto t0 = std::chrono::steady_clock::now();
    if (!sameGrid(fullImage, fullLiver)) throw Error("lesion detection: the liver mask is not on the image's grid");
    if (fullRegion && !sameGrid(fullImage, fullRegion)) throw Error("lesion detection: the search region is not on the image's grid");
    if (fullVessels && !sameGrid(fullImage, fullVessels)) throw Error("lesion detection: the vessel mask is not on the image's grid");
    if (fullOther && !sameGrid(fullImage, fullOther)) throw Error("lesion detection: the other phase is not on the image's grid");
    FocalDetection det;
    // Everything on a box around the liver (and the search region).
    Region box = boundingRegion(fullLiver, 20.0);
    if (fullRegion) {
        const Region r = boundingRegion(fullRegion, 20.0);
        for (unsigned a = 0; a < 3; ++a) {
            const long lo = std::min(box.GetIndex()[a], r.GetIndex()[a]);
            const long hi = std::max(box.GetIndex()[a] + long(box.GetSize()[a]), r.GetIndex()[a] + long(r.GetSize()[a]));
            box.SetIndex(a, lo);
            box.SetSize(a, size_t(hi - lo));
        }
    }
    auto imageC = crop(fullImage, box);
    auto liverC = crop(fullLiver, box);
    MaskImage::Pointer regionC = fullRegion ? crop(fullRegion, box) : liverC;
    MaskImage::Pointer vesselsC = fullVessels ? crop(fullVessels, box) : nullptr;
    FloatImage::Pointer otherC = fullOther ? crop(fullOther, box) : nullptr;
    const FloatImage* image = imageC;
    const MaskImage* liver = liverC;
    const MaskImage* region = regionC;
    const MaskImage* vessels = vesselsC;
    const FloatImage* otherPhase = otherC;
    OutlineOptions base;
    base.isCt = o.isCt;
    auto smoothed = gaussianSmooth(image, base.smooth_mm);
    // Where lesions may lie: the liver with its dents closed, and the search
    // region; on CT never fat or air.
    auto bound = lesionBound(image, liver, base);
    if (fullRegion) {
        auto* b = bound->GetBufferPointer();
        const size_t total = image->GetBufferedRegion().GetNumberOfPixels();
        for (size_t i = 0; i < total; ++i) b[i] = b[i] || region->GetBufferPointer()[i];
    } else {
        region = bound;
    }
    base.smoothed = smoothed;
    base.bound = bound;
    base.vessels = vessels;
    // Raw noise of the parenchyma (contrast in noise units).
    {
        auto L = erode(liver, 5.0);
        std::vector<float> v;
        const size_t total = image->GetBufferedRegion().GetNumberOfPixels();
        for (size_t i = 0; i < total; i += 2)
            if (L->GetBufferPointer()[i]) v.push_back(image->GetBufferPointer()[i]);
        if (v.size() < 100) throw Error("lesion detection: the liver is too small to measure its parenchyma");
        const RobustStats st = robustStats(v);
        det.parenchyma = st.median;
        det.noise = std::max(st.sd, 1.0);
    }
    const auto tPrep = std::chrono::steady_clock::now();
    CandidateOptions co;
    co.threshold = o.candidateThreshold;
    CandidateField field;
    std::vector<BlobCandidate> cands = findBlobCandidates(image, liver, region, co, &field, progress.sub(0.0, 0.4));
    det.candidates = cands.size();
    if (cands.size() > o.maxCandidates) cands.resize(o.maxCandidates);
    const auto tCand = std::chrono::steady_clock::now();
    const bool portalLike = o.phase == "portal-venous" || o.phase == "delayed";

    for (size_t ci = 0; ci < cands.size(); ++ci) {
        progress.checkCancel();
        progress.update(0.4 + 0.6 * double(ci) / double(cands.size()), "lesions: outlining candidates");
        const BlobCandidate& c = cands[ci];
        bool partOf = false;
        for (const auto& f : det.findings)
            if (maskAt(f.outline.mask, c.centre_mm)) partOf = true;
        if (partOf) continue;
        auto reject = [&](const std::string& why) { det.rejected.push_back({c.centre_mm, why}); };
        OutlineOptions oo = base;
        // The candidate's scale bounds how far its outline may reach (radius ~1.7 sigma, x3 slack).
        oo.reach_mm = std::clamp(6.0 * c.scale_mm, 20.0, 60.0);
        LesionOutline ol = outlineLesion(image, c.centre_mm, liver, oo);
        if (!ol.ok) {
            reject(ol.problem);
            continue;
        }
        if (o.darkOnly && ol.sign > 0) {
            reject("brighter than the liver only in this later phase: a vessel that filled late (lesions show in the "
                   "arterial phase)");
            continue;
        }
        FocalFinding f;
        f.outline = ol;
        f.scale_mm = c.scale_mm;
        f.detectionResponse = c.response;
        f.contrast = ol.lesionLevel - ol.parenchymaLevel;
        f.contrastNoiseUnits = std::abs(f.contrast) / det.noise;
        const double d = ol.equivalentDiameter_mm;
        if (d < o.minDiameter_mm) {
            reject(fmt(d, 1) + " mm across, under the " + fmt(o.minDiameter_mm, 1) + " mm minimum");
            continue;
        }
        if (o.isCt && ol.lesionLevel < -20) {
            reject("fat (" + fmt(ol.lesionLevel) + " HU): a fissure or fat, not a lesion");
            continue;
        }
        if (o.isCt) {
            // Fat inside: a fissure, the gallbladder bed or the liver's edge
            // (tumour tissue is never below -20 HU; raw noise keeps a 60 HU
            // lesion there for well under 1% of its voxels).
            const double fat = fatFraction(image, ol.mask);
            if (fat > kMaxFatFraction) {
                reject(fmt(100 * fat) + "% of it is fat (below -20 HU): a fissure or the liver's edge, not a lesion");
                continue;
            }
        }
        if (o.isCt && ol.sign > 0 && ol.lesionLevel > 300) {
            reject("calcification (" + fmt(ol.lesionLevel) + " HU)");
            continue;
        }
        // Overlap with a lesion already found: the same lesion seen again.
        bool same = false;
        for (const auto& g : det.findings)
            if (overlapVoxels(ol.mask, g.outline.mask) * 3 > countOn(ol.mask)) same = true;
        if (same) continue;
        f.elongation = elongation(ol.mask);
        f.outsideLiver = 1.0 - double(overlapVoxels(ol.mask, liver)) / double(std::max<size_t>(1, countOn(ol.mask)));
        // Metastases are round to oval; what is more than 2.5 times longer than
        // wide is a vessel cut along, a fissure or the liver's edge (on two
        // real CTs every such finding was one of those).
        if (f.elongation > kMaxElongation) {
            reject("elongated (" + fmt(f.elongation, 1) + ":1): a vessel or a fissure cut along its length");
            continue;
        }
        if (vessels) {
            f.vesselFraction = double(overlapVoxels(ol.mask, vessels)) / double(std::max<size_t>(1, countOn(ol.mask)));
            if (ol.sign > 0 && f.vesselFraction > 0.3) {
                reject("bright and " + fmt(100 * f.vesselFraction) + "% on the segmented vessels: a vessel");
                continue;
            }
        }
        if (otherPhase && ol.sign > 0) {
            double in = 0, around = 0;
            levelsIn(otherPhase, ol.mask, liver, in, around);
            if (in - around > 0.5 * f.contrast) {
                reject("still bright in the other phase (" + fmt(in - around) + " above the liver around it): a vessel, "
                       "not a lesion (lesions wash out)");
                continue;
            }
        }
        // Appearance.
        const bool heterogeneous = ol.innerSpread > 2.0 * std::max(ol.parenchymaSd, 1.0) && std::abs(f.contrast) < 3.0 * ol.innerSpread;
        if (o.isCt && ol.sign < 0 && ol.lesionLevel < 25) f.appearance = "cyst-like";
        else if (heterogeneous) f.appearance = "heterogeneous";
        else f.appearance = ol.sign < 0 ? "hypo" : "hyper";
        // Confidence.
        const double cnr = std::abs(f.contrast) / std::max(ol.parenchymaSd, 1.0); // smoothed-image noise units
        const double fContrast = clamp01((cnr - 2.5) / (6.0 - 2.5));
        const double fSize = clamp01((d - o.minDiameter_mm) / (12.0 - o.minDiameter_mm));
        const double fShape = clamp01((ol.sphericity - 0.3) / (0.7 - 0.3));
        // Partial volume at the liver's edge makes thin, small false lesions;
        // a large tumour that reaches the surface is no such thing.
        const double fEdge = 1.0 - clamp01((ol.raysOnLiverEdge - 0.25) / 0.4) * clamp01((20.0 - d) / 10.0);
        double conf = std::sqrt(fContrast) * std::sqrt(fSize) * std::sqrt(std::max(fShape, 0.05)) * fEdge;
        std::vector<std::string> notes;
        if (fContrast < 0.5) notes.push_back("low contrast (" + fmt(cnr, 1) + " SD)");
        if (fSize < 0.5) notes.push_back("small (" + fmt(d, 1) + " mm)");
        if (fShape < 0.5) notes.push_back("irregular shape (sphericity " + fmt(ol.sphericity, 2) + ")");
        if (fEdge < 0.7) notes.push_back(fmt(100 * ol.raysOnLiverEdge) + "% of its outline on the liver's edge (partial volume?)");
        if (ol.sign > 0 && portalLike) {
            conf *= 0.7;
            notes.push_back("bright in the " + o.phase + " phase, where vessels are bright too");
        }
        if (f.appearance == "cyst-like") {
            conf = std::min(conf, 0.2);
            notes.push_back("water density (" + fmt(ol.lesionLevel) + " HU): cyst-like, not a target");
        }
        f.confidence = clamp01(conf);
        for (size_t i = 0; i < notes.size(); ++i) f.note += (i ? "; " : "") + notes[i];
        det.findings.push_back(f);
    }
    std::stable_sort(det.findings.begin(), det.findings.end(),
                     [](const FocalFinding& a, const FocalFinding& b) { return a.confidence > b.confidence; });
    det.method["focal_candidates"] = "scale-space blobs (sigma 2.5-14 mm) beyond " + fmt(o.candidateThreshold, 1) +
                                     " noise units of their scale against the local parenchyma";
    det.method["focal_outline"] = "rays from the centre; edge at 30% of the lesion's contrast from the parenchyma side";
    det.method["parenchyma_hu"] = std::round(det.parenchyma * 10) / 10;
    det.method["parenchyma_noise_sd"] = std::round(det.noise * 10) / 10;
    det.method["candidates"] = det.candidates;
    det.method["seconds"] = {{"preparation", std::chrono::duration<double>(tPrep - t0).count()},
                             {"candidates", std::chrono::duration<double>(tCand - tPrep).count()},
                             {"outlines", std::chrono::duration<double>(std::chrono::steady_clock::now() - tCand).count()}};
    det.method["rejected"] = det.rejected.size();
    progress.update(1.0, "lesions: found " + std::to_string(det.findings.size()));
    return det;
}

} // namespace irplan::seg
