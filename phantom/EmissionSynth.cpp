#include "phantom/EmissionSynth.h"

#include "core/Parallel.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace irplan::phantom {
namespace {

// The label the CT shows at x, or a generic body tissue outside the CT grid.
int labelAt(const CtImages& ct, const Grid& g, const Anatomy& a, const Vec3& x) {
    const Vec3 c = g.index(x);
    const long i = std::lround(c.x), j = std::lround(c.y), k = std::lround(c.z);
    if (i < 0 || j < 0 || k < 0 || i >= static_cast<long>(g.size[0]) || j >= static_cast<long>(g.size[1]) ||
        k >= static_cast<long>(g.size[2]))
        return a.body->sdf(x) < 0 ? kMuscle : kBackground;
    return ct.labels->GetBufferPointer()[static_cast<size_t>(i) + g.size[0] * (static_cast<size_t>(j) + g.size[1] * static_cast<size_t>(k))];
}

Tissue tissueAt(const Anatomy& a, int label) {
    if (label > kLesionBase) {
        for (const auto& l : a.lesions)
            if (kLesionBase + l.id == label) return l.tissue;
    }
    return tissueOfLabel(label);
}

// Fills an image by averaging `value(x)` over 2x2x2 sub-voxel points, where x
// is the CT-space point seen by each sub-voxel.
template <class MapToCt, class Value>
FloatImage::Pointer supersample(const Grid& g, MapToCt&& toCt, Value&& value, const Progress& progress) {
    auto img = allocate<FloatImage>(g, 0.0f);
    float* out = img->GetBufferPointer();
    const size_t nz = g.size[2];
    std::atomic<size_t> done{0};
    parallelFor(0, nz, [&](size_t k) {
        for (size_t j = 0; j < g.size[1]; ++j)
            for (size_t i = 0; i < g.size[0]; ++i) {
                double sum = 0;
                for (int s = 0; s < 8; ++s) {
                    const Vec3 y = g.point(i + ((s & 1) ? 0.25 : -0.25), j + ((s & 2) ? 0.25 : -0.25),
                                           k + ((s & 4) ? 0.25 : -0.25));
                    sum += value(toCt(y));
                }
                out[i + g.size[0] * (j + g.size[1] * k)] = static_cast<float>(sum / 8.0);
            }
        const size_t d = ++done;
        if (k % 8 == 0) progress.update(static_cast<double>(d) / nz, "sampling");
    });
    return img;
}

} // namespace

void gaussianBlur(FloatImage* image, double sigma) {
    const auto size = image->GetLargestPossibleRegion().GetSize();
    const size_t n[3] = {size[0], size[1], size[2]};
    float* data = image->GetBufferPointer();
    for (int axis = 0; axis < 3; ++axis) {
        const double s = sigma / image->GetSpacing()[static_cast<unsigned>(axis)];
        const int radius = std::max(1, static_cast<int>(std::ceil(3.0 * s)));
        std::vector<double> kernel(static_cast<size_t>(2 * radius + 1));
        double total = 0;
        for (int r = -radius; r <= radius; ++r) total += kernel[static_cast<size_t>(r + radius)] = std::exp(-0.5 * r * r / (s * s));
        for (auto& w : kernel) w /= total;
        const size_t stride = axis == 0 ? 1 : (axis == 1 ? n[0] : n[0] * n[1]);
        const size_t len = n[axis];
        const size_t lines = n[0] * n[1] * n[2] / len;
        parallelFor(0, lines, [&](size_t line) {
            // Start of this line: enumerate the two other axes.
            size_t a0, base;
            if (axis == 0) base = line * n[0];
            else if (axis == 1) {
                a0 = line % n[0];
                base = a0 + (line / n[0]) * n[0] * n[1];
            } else base = line;
            std::vector<double> buf(len);
            for (size_t q = 0; q < len; ++q) buf[q] = data[base + q * stride];
            for (size_t q = 0; q < len; ++q) {
                double v = 0;
                for (int r = -radius; r <= radius; ++r) {
                    const long idx = std::clamp(static_cast<long>(q) + r, 0L, static_cast<long>(len) - 1);
                    v += kernel[static_cast<size_t>(r + radius)] * buf[static_cast<size_t>(idx)];
                }
                data[base + q * stride] = static_cast<float>(v);
            }
        }, 0, 64);
    }
}

FloatImage::Pointer synthesizePet(const Anatomy& a, const CtImages& ct, const Grid& ctGrid, const Grid& petGrid,
                                  const PetMotion& motion, uint64_t seed, const Progress& progress) {
    auto pet = supersample(
        petGrid, [&](const Vec3& y) { return motion.petToCt(y); },
        [&](const Vec3& x) { return tissueAt(a, labelAt(ct, ctGrid, a, x)).suv; }, progress.sub(0, 0.8));
    gaussianBlur(pet, kPetFwhmMm / 2.3548);
    progress.update(0.9, "PET: noise");
    float* v = pet->GetBufferPointer();
    const size_t n = petGrid.voxels();
    std::mt19937_64 rng(seed * 0x94D049BB133111EBull + 5);
    std::normal_distribution<double> normal(0.0, 1.0);
    // Variance proportional to the signal (counting statistics): 10% CV at SUV 7.
    const double alpha = 0.7 * 0.7 / 7.0;
    for (size_t i = 0; i < n; ++i) {
        const double s = std::max(0.0, static_cast<double>(v[i]));
        v[i] = static_cast<float>(std::max(0.0, s + std::sqrt(alpha * s + 1e-4) * normal(rng)));
    }
    return pet;
}

FloatImage::Pointer synthesizeMr(const Anatomy& a, const CtImages& ct, const Grid& ctGrid, const Grid& mrGrid,
                                 const Affine& ctToMr, uint64_t seed, const Progress& progress) {
    const Affine mrToCt = ctToMr.inverse();
    auto mr = supersample(
        mrGrid, [&](const Vec3& y) { return mrToCt.apply(y); },
        [&](const Vec3& x) { return tissueAt(a, labelAt(ct, ctGrid, a, x)).mrT1; }, progress.sub(0, 0.8));
    // A smooth receive-coil bias (+-15%) and Rician noise (sigma 12).
    const Vec3 centre = mrGrid.point((mrGrid.size[0] - 1) / 2.0, (mrGrid.size[1] - 1) / 2.0, (mrGrid.size[2] - 1) / 2.0);
    std::mt19937_64 rng(seed * 0xD6E8FEB86659FD93ull + 9);
    std::normal_distribution<double> normal(0.0, 12.0);
    float* v = mr->GetBufferPointer();
    for (size_t k = 0; k < mrGrid.size[2]; ++k)
        for (size_t j = 0; j < mrGrid.size[1]; ++j)
            for (size_t i = 0; i < mrGrid.size[0]; ++i) {
                const Vec3 d = mrGrid.point(i, j, k) - centre;
                const double bias = 1.0 + 0.15 * std::tanh(d.x / 150.0) - 0.08 * std::tanh(d.y / 120.0);
                const size_t idx = i + mrGrid.size[0] * (j + mrGrid.size[1] * k);
                const double s = v[idx] * bias;
                v[idx] = static_cast<float>(std::hypot(s + normal(rng), normal(rng)));
            }
    progress.update(1.0, "MR done");
    return mr;
}

} // namespace irplan::phantom
