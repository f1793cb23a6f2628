#include "segmentation/LesionCandidates.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>

namespace irplan::seg {


std::vector<BlobCandidate> findBlobCandidates(const FloatImage* image, const MaskImage* liver, const MaskImage* region,
                                              const CandidateOptions& o, CandidateField* field, const Progress& progress) {
    if (!sameGrid(image, liver) || !sameGrid(image, region)) throw Error("lesion candidates: masks not on the image's grid");
    const Region box = boundingRegion(region, 5.0);
    if (box.GetNumberOfPixels() == 0) return {};
    auto W = blockDownsample(crop(image, box).GetPointer(), o.workingSpacing_mm);
    auto L = resampleMaskNearest(crop(liver, box).GetPointer(), W);
    auto R = resampleMaskNearest(crop(region, box).GetPointer(), W);
    const auto n = dims(W);
    const size_t total = n[0] * n[1] * n[2];
    const float* w = W->GetBufferPointer();
    auto core = erode(L, 5.0);
    if (countOn(core) < 500) core = L;
    std::vector<float> values;
    for (size_t i = 0; i < total; ++i)
        if (core->GetBufferPointer()[i]) values.push_back(w[i]);
    if (values.size() < 100) return {};
    const RobustStats st = robustStats(values);
    CandidateField f;
    f.parenchyma = st.median;
    f.parenchymaSd = st.sd;
    // Outside the region: the local parenchyma, so the liver's edge is no blob.
    auto paren = newMask(W);
    for (size_t i = 0; i < total; ++i)
        paren->GetBufferPointer()[i] = L->GetBufferPointer()[i] && std::abs(w[i] - st.median) < 2.0 * st.sd;
    auto B = localMean(W, paren, 15.0, static_cast<float>(st.median));
    auto F = newFloat(W);
    for (size_t i = 0; i < total; ++i)
        F->GetBufferPointer()[i] = R->GetBufferPointer()[i] ? w[i] : B->GetBufferPointer()[i];
    progress.update(0.2, "lesions: scale space");

    const size_t ns = o.scales_mm.size();
    std::vector<FloatImage::Pointer> resp(ns);
    for (size_t k = 0; k < ns; ++k) {
        progress.checkCancel();
        auto g1 = gaussianSmooth(F, o.scales_mm[k]);
        auto g2 = gaussianSmooth(F, 1.6 * o.scales_mm[k]);
        float* a = g1->GetBufferPointer();
        const float* b = g2->GetBufferPointer();
        std::vector<float> coreValues;
        for (size_t i = 0; i < total; ++i) {
            a[i] -= b[i];
            if (core->GetBufferPointer()[i] && i % 3 == 0) coreValues.push_back(a[i]);
        }
        const RobustStats ds = robustStats(coreValues);
        const float mu = static_cast<float>(ds.median), inv = static_cast<float>(1.0 / std::max(ds.sd, 1e-6));
        for (size_t i = 0; i < total; ++i) a[i] = (a[i] - mu) * inv;
        f.noisePerScale.push_back(ds.sd);
        resp[k] = g1;
        progress.update(0.2 + 0.6 * double(k + 1) / double(ns), "lesions: scale space");
    }
    auto depth = distanceToOff(R);
    std::vector<BlobCandidate> out;
    const float thr = static_cast<float>(o.threshold);
    for (size_t k = 0; k < ns; ++k) {
        const float* c = resp[k]->GetBufferPointer();
        for (size_t z = 1; z + 1 < n[2]; ++z)
            for (size_t y = 1; y + 1 < n[1]; ++y)
                for (size_t x = 1; x + 1 < n[0]; ++x) {
                    const size_t i = linearIndex(n, x, y, z);
                    const float v = c[i];
                    if (std::abs(v) <= thr || depth->GetBufferPointer()[i] < o.minDepth_mm) continue;
                    const float sgn = v > 0 ? 1.0f : -1.0f;
                    bool isMax = true;
                    for (long kk = long(k) - 1; kk <= long(k) + 1 && isMax; ++kk) {
                        if (kk < 0 || kk >= long(ns)) continue;
                        const float* cc = resp[size_t(kk)]->GetBufferPointer();
                        for (int dz = -1; dz <= 1 && isMax; ++dz)
                            for (int dy = -1; dy <= 1 && isMax; ++dy)
                                for (int dx = -1; dx <= 1; ++dx) {
                                    if (kk == long(k) && !dx && !dy && !dz) continue;
                                    const size_t j = linearIndex(n, size_t(long(x) + dx), size_t(long(y) + dy), size_t(long(z) + dz));
                                    if (sgn * cc[j] > sgn * v) {
                                        isMax = false;
                                        break;
                                    }
                                }
                    }
                    if (!isMax) continue;
                    out.push_back({indexToPoint(W, {double(x), double(y), double(z)}), o.scales_mm[k], double(v)});
                }
    }
    // One candidate per blob: a weaker one within 1.5 scales of a stronger one of the same sign goes.
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return std::abs(a.response) > std::abs(b.response); });
    std::vector<BlobCandidate> kept;
    for (const auto& c : out) {
        bool near = false;
        for (const auto& k : kept)
            if ((k.response > 0) == (c.response > 0) &&
                distance(k.centre_mm, c.centre_mm) < 1.5 * std::max(k.scale_mm, c.scale_mm) + 2.0)
                near = true;
        if (!near) kept.push_back(c);
    }
    if (field) *field = f;
    progress.update(1.0, "lesions: candidates");
    return kept;
}

} // namespace irplan::seg
