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
