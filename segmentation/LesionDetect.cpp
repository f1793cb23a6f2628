#include "segmentation/LesionDetect.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Vesselness.h"

#include <algorithm>
#include <cmath>
#include <array>
#include <cstdio>

namespace irplan::seg {

namespace {

std::string fmt(double v, int precision = 1) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", precision, v);
    return b;
}

double equivalentDiameter_mm(size_t voxels, const itk::ImageBase<3>* grid) {
    return std::cbrt(6.0 * double(voxels) * voxelVolume_mm3(grid) / M_PI);
}

// The voxel where `image` is highest inside `mask`.
Index3 argmaxIn(const FloatImage* image, const MaskImage* mask) {
    const auto n = dims(image);
    const float* v = image->GetBufferPointer();
    const auto* m = mask->GetBufferPointer();
    size_t best = 0;
    float top = -1e30f;
    for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i)
        if (m[i] && v[i] > top) {
            top = v[i];
            best = i;
        }
    return {long(best % n[0]), long((best / n[0]) % n[1]), long(best / (n[0] * n[1]))};
}

// Bounding region of each label of a component image, grown by margin_mm.
std::vector<Region> labelBoxes(const ComponentImage* cc, size_t labels, double margin_mm) {
    const auto n = dims(cc);
    std::vector<std::array<long, 6>> b(labels, {long(n[0]), long(n[1]), long(n[2]), -1, -1, -1});
    const auto* l = cc->GetBufferPointer();
    for (size_t k = 0, i = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t x = 0; x < n[0]; ++x, ++i) {
                if (!l[i]) continue;
                auto& e = b[l[i]];
                e[0] = std::min(e[0], long(x));
                e[1] = std::min(e[1], long(j));
                e[2] = std::min(e[2], long(k));
                e[3] = std::max(e[3], long(x));
                e[4] = std::max(e[4], long(j));
                e[5] = std::max(e[5], long(k));
            }
    std::vector<Region> out(labels);
    for (size_t lab = 1; lab < labels; ++lab) {
        if (b[lab][3] < 0) continue;
        Region::IndexType start;
        Region::SizeType size;
        for (unsigned a = 0; a < 3; ++a) {
            const long g = long(std::ceil(margin_mm / cc->GetSpacing()[a]));
            const long s0 = std::max(0L, b[lab][a] - g), e0 = std::min(long(n[a]) - 1, b[lab][a + 3] + g);
            start[a] = s0;
            size[a] = size_t(e0 - s0 + 1);
        }
        out[lab].SetIndex(start);
        out[lab].SetSize(size);
    }
    return out;
}

} // namespace

FloatImage::Pointer localMean(const FloatImage* image, const MaskImage* weight, double sigma_mm, float fallback) {
    auto num = newFloat(image), den = newFloat(image);
    const size_t n = image->GetBufferedRegion().GetNumberOfPixels();
    const float* v = image->GetBufferPointer();
    const auto* w = weight->GetBufferPointer();
    float* a = num->GetBufferPointer();
    float* b = den->GetBufferPointer();
    for (size_t i = 0; i < n; ++i) {
        b[i] = w[i] ? 1.0f : 0.0f;
        a[i] = b[i] * v[i];
    }
    num = gaussianSmooth(num, sigma_mm);
    den = gaussianSmooth(den, sigma_mm);
    auto out = newFloat(image);
    float* o = out->GetBufferPointer();
    a = num->GetBufferPointer();
    b = den->GetBufferPointer();
    for (size_t i = 0; i < n; ++i) o[i] = b[i] > 0.05f ? a[i] / b[i] : fallback;
    return out;
}

double elongation(const MaskImage* mask) {
    const auto n = dims(mask);
    const auto* m = mask->GetBufferPointer();
    double s[3] = {0, 0, 0}, ss[6] = {0, 0, 0, 0, 0, 0};
    size_t c = 0;
    for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i) {
        if (!m[i]) continue;
        const Vec3 p = indexToPoint(mask, {double(i % n[0]), double((i / n[0]) % n[1]), double(i / (n[0] * n[1]))});
        for (int a = 0; a < 3; ++a) s[a] += p[a];
        ss[0] += p.x * p.x;
        ss[1] += p.y * p.y;
        ss[2] += p.z * p.z;
        ss[3] += p.x * p.y;
        ss[4] += p.x * p.z;
        ss[5] += p.y * p.z;
        ++c;
    }
    if (c < 4) return 1.0;
    const double k = 1.0 / double(c);
    const double mx = s[0] * k, my = s[1] * k, mz = s[2] * k;
    double e[3];
    symmetricEigenvalues(ss[0] * k - mx * mx, ss[1] * k - my * my, ss[2] * k - mz * mz, ss[3] * k - mx * my,
                         ss[4] * k - mx * mz, ss[5] * k - my * mz, e);
    const double small = std::max(std::abs(e[0]), 1e-6), large = std::abs(e[2]);
    return std::sqrt(large / small);
}

std::vector<MaskImage::Pointer> detectEnhancingLesions(const FloatImage* arterial, const FloatImage* portal,
                                                       const MaskImage* liver, bool isCt, const LesionOptions& o,
                                                       Json& method, std::vector<std::string>& warnings) {
    const auto n = dims(arterial);
    const size_t total = n[0] * n[1] * n[2];
    // 1 mm smoothing: CT noise (10-15 HU) drops ~3x, a 10 mm lesion keeps its contrast.
    auto SA = gaussianSmooth(arterial, 1.0);
    auto core = erode(liver, 2.0);
    if (countOn(core) < 1000) core = andMask(liver, liver);
    const float* sa = SA->GetBufferPointer();
    std::vector<float> values;
    for (size_t i = 0; i < total; ++i)
        if (core->GetBufferPointer()[i]) values.push_back(sa[i]);
    const RobustStats st = robustStats(values);
    // Parenchyma-like voxels (no lesion, no vessel) give the local background.
    const double window = std::max(3.0 * st.sd, isCt ? 15.0 : 0.1 * st.median);
    auto paren = newMask(arterial);
    for (size_t i = 0; i < total; ++i)
        paren->GetBufferPointer()[i] = liver->GetBufferPointer()[i] && std::abs(sa[i] - st.median) < window;
    auto BA = localMean(SA, paren, 12.0, static_cast<float>(st.median));
    const double threshold = isCt ? std::max(o.enhancement_hu, 4.0 * st.sd) : std::max(4.0 * st.sd, 0.1 * st.median);
    method["liver_arterial_median"] = std::round(st.median * 10) / 10;
    method["liver_arterial_smoothed_sd"] = std::round(st.sd * 100) / 100;
    method["ct_enhancement_threshold"] = std::string("arterial phase ") + fmt(threshold) + (isCt ? " HU" : "") +
                                         " above the local parenchyma (max of " + fmt(o.enhancement_hu) +
                                         " HU and 4 SD of the smoothed liver)";
    std::vector<char> portalBright(total, 0);
    if (portal) {
        auto SP = gaussianSmooth(portal, 1.0);
        const float* sp = SP->GetBufferPointer();
        std::vector<float> pv;
        for (size_t i = 0; i < total; ++i)
            if (core->GetBufferPointer()[i]) pv.push_back(sp[i]);
        const RobustStats ps = robustStats(pv);
        auto pparen = newMask(portal);
        const double pw = std::max(3.0 * ps.sd, isCt ? 15.0 : 0.1 * ps.median);
        for (size_t i = 0; i < total; ++i)
            pparen->GetBufferPointer()[i] = liver->GetBufferPointer()[i] && std::abs(sp[i] - ps.median) < pw;
        auto BP = localMean(SP, pparen, 12.0, static_cast<float>(ps.median));
        const float* bp = BP->GetBufferPointer();
        // Vessels stay bright in the portal phase; NET metastases wash out.
        for (size_t i = 0; i < total; ++i) portalBright[i] = sp[i] - bp[i] > 0.5 * threshold;
        method["washout"] = "voxels brighter than the local parenchyma by more than " + fmt(0.5 * threshold) +
                            " in the portal phase are vessels, not lesions";
    } else {
        method["washout"] = "no portal phase: vessels are told apart by shape only";
    }
    const float* ba = BA->GetBufferPointer();
    auto cand = newMask(arterial);
    auto* cm = cand->GetBufferPointer();
    for (size_t i = 0; i < total; ++i)
        cm[i] = liver->GetBufferPointer()[i] && sa[i] - ba[i] > threshold && !portalBright[i];
    // Cut tubes and necks: vessels up to ~5 mm (3 mm with a portal phase).
    const double openR = portal ? 1.5 : std::min(2.5, std::max(1.0, 0.5 * o.minDiameter_mm - 0.5));
    auto opened = open(cand, openR);
    std::vector<size_t> sizes;
    auto cc = components(opened, false, &sizes);
    method["ct_shape"] = "opening of " + fmt(openR) + " mm; components longer than 3x their width are vessels";
    std::vector<MaskImage::Pointer> lesions;
    auto liverGrown = dilate(liver, 2.0);
    auto enhancement = newFloat(arterial);
    auto allowed = newMask(arterial); // near the liver and not a vessel in the portal phase
    for (size_t i = 0; i < total; ++i) {
        enhancement->GetBufferPointer()[i] = sa[i] - ba[i];
        allowed->GetBufferPointer()[i] = liverGrown->GetBufferPointer()[i] && !portalBright[i];
    }
    const std::vector<Region> boxes = labelBoxes(cc, sizes.size(), 8.0);
    for (std::uint32_t label = 1; label < sizes.size(); ++label) {
        o.progress.checkCancel();
        if (equivalentDiameter_mm(sizes[label], arterial) < 0.6 * o.minDiameter_mm) continue;
        // Work in the component's neighbourhood only.
        const Region& box = boxes[label];
        auto ccBox = crop(cc.GetPointer(), box);
        auto comp = newMask(ccBox);
        auto* cp = comp->GetBufferPointer();
        const size_t nb = comp->GetBufferedRegion().GetNumberOfPixels();
        for (size_t i = 0; i < nb; ++i) cp[i] = ccBox->GetBufferPointer()[i] == label;
        if (elongation(comp) > 3.0) continue;
        auto e = crop(enhancement.GetPointer(), box);
        auto ok = crop(allowed.GetPointer(), box);
        const float* ev = e->GetBufferPointer();
        // Delineate at half the lesion's own enhancement, near its core.
        std::vector<float> inside;
        for (size_t i = 0; i < nb; ++i)
            if (cp[i]) inside.push_back(ev[i]);
        const double level = std::max(0.5 * threshold, 0.5 * robustStats(inside).median);
        auto near = dilate(comp, 6.0);
        auto grow = newMask(comp);
        auto* gm = grow->GetBufferPointer();
        for (size_t i = 0; i < nb; ++i) gm[i] = near->GetBufferPointer()[i] && ok->GetBufferPointer()[i] && ev[i] > level;
        auto lesion = fillHoles(componentAt(grow, argmaxIn(crop(SA.GetPointer(), box), comp)));
        if (equivalentDiameter_mm(countOn(lesion), arterial) < o.minDiameter_mm) continue;
        if (elongation(lesion) > 3.0) continue;
        auto full = newMask(arterial);
        paste(full.GetPointer(), lesion.GetPointer());
        lesions.push_back(full);
    }
    if (lesions.empty()) warnings.push_back("no hyperenhancing lesion found on the arterial phase");
    return lesions;
}

std::vector<MaskImage::Pointer> detectPetLesions(const FloatImage* pet, const MaskImage* liver, const LesionOptions& o,
                                                 Json& method, double* liverBackground,
                                                 std::vector<std::string>& warnings) {
    const auto n = dims(pet);
    const size_t total = n[0] * n[1] * n[2];
    // Background away from the liver's edge (PET resolution ~6 mm FWHM).
    auto core = erode(liver, 5.0);
    if (countOn(core) < 500) core = andMask(liver, liver);
    const float* p = pet->GetBufferPointer();
    std::vector<float> values;
    for (size_t i = 0; i < total; ++i)
        if (core->GetBufferPointer()[i]) values.push_back(p[i]);
    const RobustStats st = robustStats(values);
    *liverBackground = st.median;
    const double detect = st.median + o.petSd * st.sd;
    // PERCIST's measurable-lesion level (Wahl et al., J Nucl Med 2009): 1.5 x liver mean + 2 SD.
    const double measurable = 1.5 * st.median + 2.0 * st.sd;
    method["pet_liver_background"] = std::round(st.median * 1000) / 1000;
    method["pet_liver_sd"] = std::round(st.sd * 1000) / 1000;
    method["pet_threshold"] = "detection: liver background + " + fmt(o.petSd, 0) + " SD (" + fmt(detect, 2) +
                              "); a lesion's maximum must reach 1.5 x liver + 2 SD (" + fmt(measurable, 2) +
                              ", PERCIST); delineation: background + " + fmt(100 * o.petFraction, 0) +
                              "% of (lesion max - background)";
    auto region = dilate(liver, 3.0);
    auto hot = newMask(pet);
    for (size_t i = 0; i < total; ++i) hot->GetBufferPointer()[i] = region->GetBufferPointer()[i] && p[i] > detect;
    std::vector<size_t> sizes;
    auto cc = components(hot, true, &sizes);
    std::vector<MaskImage::Pointer> lesions;
    const std::vector<Region> boxes = labelBoxes(cc, sizes.size(), 10.0);
    size_t spill = 0;
    for (std::uint32_t label = 1; label < sizes.size(); ++label) {
        o.progress.checkCancel();
        const Region& box = boxes[label];
        auto ccBox = crop(cc.GetPointer(), box);
        auto sub = crop(pet, box);
        auto liverBox = crop(liver, box);
        auto comp = newMask(ccBox);
        auto* cp = comp->GetBufferPointer();
        const size_t nb = comp->GetBufferedRegion().GetNumberOfPixels();
        for (size_t i = 0; i < nb; ++i) cp[i] = ccBox->GetBufferPointer()[i] == label;
        const Index3 at = argmaxIn(sub, comp);
        const auto ns = dims(sub);
        const float* sv = sub->GetBufferPointer();
        const double vmax = sv[linearIndex(ns, size_t(at[0]), size_t(at[1]), size_t(at[2]))];
        if (vmax < measurable) continue;
        // Uptake spilling in from a hot organ next to the liver (kidney,
        // spleen, bowel) peaks outside the liver; a lesion peaks inside it.
        {
            auto around = dilate(comp, 8.0);
            const Index3 top = argmaxIn(sub, around);
            if (!liverBox->GetBufferPointer()[linearIndex(ns, size_t(top[0]), size_t(top[1]), size_t(top[2]))]) {
                ++spill;
                continue;
            }
        }
        const double level = st.median + o.petFraction * (vmax - st.median);
        auto near = dilate(comp, 5.0);
        auto grow = newMask(comp);
        for (size_t i = 0; i < nb; ++i) grow->GetBufferPointer()[i] = near->GetBufferPointer()[i] && sv[i] >= level;
        auto lesion = fillHoles(componentAt(grow, at, true));
        if (equivalentDiameter_mm(countOn(lesion), pet) < o.minDiameter_mm) continue;
        auto full = newMask(pet);
        paste(full.GetPointer(), lesion.GetPointer());
        lesions.push_back(full);
    }
    if (spill)
        warnings.push_back(std::to_string(spill) + " PET hot spot(s) at the liver's edge peak outside the liver "
                           "(uptake of a neighbouring organ) and were not taken as lesions");
    if (lesions.empty()) warnings.push_back("no PET lesion above the liver background");
    return lesions;
}

} // namespace irplan::seg
