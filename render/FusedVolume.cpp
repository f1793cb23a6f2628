#include "render/FusedVolume.h"

#include "core/Parallel.h"

#include <array>
#include <atomic>

#include <algorithm>
#include <cmath>

namespace irplan::render {

Vec3 lightDirection() { return normalized(Vec3{0.3, -1.0, 0.6}); }

namespace {
// Component 2: |n . L| for the CT's gradient direction n (central differences in
// patient space), 1 where the CT is nearly flat (< 20 HU/mm: inside organs).
void computeLight(FusedVolumeData& v) {
    constexpr int C = FusedVolumeData::kComponents;
    const int nx = v.grid.size[0], ny = v.grid.size[1], nz = v.grid.size[2];
    const Vec3 light = lightDirection();
    auto ct = [&](int i, int j, int k) {
        i = std::clamp(i, 0, nx - 1);
        j = std::clamp(j, 0, ny - 1);
        k = std::clamp(k, 0, nz - 1);
        return static_cast<double>(v.voxels[C * (static_cast<size_t>(i) + static_cast<size_t>(nx) * (static_cast<size_t>(j) + static_cast<size_t>(ny) * k))]);
    };
    parallelFor(0, static_cast<size_t>(nz), [&](size_t kk) {
        const int k = static_cast<int>(kk);
        for (int j = 0; j < ny; ++j)
            for (int i = 0; i < nx; ++i) {
                const Vec3 gi{(ct(i + 1, j, k) - ct(i - 1, j, k)) / (2 * v.grid.spacing.x),
                              (ct(i, j + 1, k) - ct(i, j - 1, k)) / (2 * v.grid.spacing.y),
                              (ct(i, j, k + 1) - ct(i, j, k - 1)) / (2 * v.grid.spacing.z)};
                const Vec3 g = v.grid.direction * gi; // HU per mm in patient space
                const double len = norm(g);
                const double lit = len < 20.0 ? 1.0 : std::abs(dot(g / len, light));
                v.voxels[C * (static_cast<size_t>(i) + static_cast<size_t>(nx) * (static_cast<size_t>(j) + static_cast<size_t>(ny) * k)) + 2] =
                    static_cast<std::uint16_t>(lit * 65535.0 + 0.5);
            }
    }, 0, 1);
}
} // namespace

FusedVolumeData buildFusedVolume(const Scene& scene, int maxDimension, const Progress& progress) {
    FusedVolumeData out;
    const FloatImage* ref = scene.ct ? scene.ct->image.GetPointer()
                                     : (scene.pet.volume ? scene.pet.volume->image.GetPointer() : nullptr);
    if (!ref) return out;
    const GridGeometry full = GridGeometry::of(ref);
    // Crop to the patient: rays through the air around the body only cost time.
    GridGeometry src = full;
    if (scene.ct) {
        std::array<int, 3> lo{full.size[0], full.size[1], full.size[2]}, hi{-1, -1, -1};
        const float* p = ref->GetBufferPointer();
        size_t n = 0;
        for (int k = 0; k < full.size[2]; ++k)
            for (int j = 0; j < full.size[1]; ++j)
                for (int i = 0; i < full.size[0]; ++i, ++n)
                    if (p[n] > -500) { // denser than lung: the patient (and the table)
                        lo = {std::min(lo[0], i), std::min(lo[1], j), std::min(lo[2], k)};
                        hi = {std::max(hi[0], i), std::max(hi[1], j), std::max(hi[2], k)};
                    }
        if (hi[0] >= 0) {
            for (int a = 0; a < 3; ++a) {
                const size_t ua = static_cast<size_t>(a);
                lo[ua] = std::max(0, lo[ua] - 2);
                hi[ua] = std::min(full.size[ua] - 1, hi[ua] + 2);
                src.size[ua] = hi[ua] - lo[ua] + 1;
            }
            src.origin = full.point({static_cast<double>(lo[0]), static_cast<double>(lo[1]), static_cast<double>(lo[2])});
        }
    }
    int factor = 1;
    while (std::max({src.size[0], src.size[1], src.size[2]}) > factor * maxDimension) ++factor;
    out.downsample = factor;
    out.grid = src;
    for (int a = 0; a < 3; ++a) {
        const size_t ua = static_cast<size_t>(a);
        out.grid.size[ua] = std::max(1, (src.size[ua] + factor - 1) / factor);
        // Same physical extent: the new voxels tile the old ones.
        out.grid.spacing[a] = src.spacing[a] * src.size[ua] / out.grid.size[ua];
    }
    // Voxel 0 of the new grid is centred on the first block of old voxels.
    Vec3 firstCentre;
    for (int a = 0; a < 3; ++a) {
        const size_t ua = static_cast<size_t>(a);
        const double ratio = static_cast<double>(src.size[ua]) / out.grid.size[ua];
        firstCentre[a] = 0.5 * ratio - 0.5;
    }
    out.grid.origin = src.point(firstCentre);

    VolumeSampler ct(scene.ct ? scene.ct->image.GetPointer() : nullptr);
    out.hasCt = ct.valid();
    VolumeSampler pet(scene.pet.volume ? scene.pet.volume->image.GetPointer() : nullptr);
    out.hasPet = pet.valid();
    Affine petIndex;
    double petFactor = 1;
    if (out.hasPet) {
        petIndex = pet.indexFromLps();
        if (scene.pet.ctToPet) petIndex = petIndex * *scene.pet.ctToPet;
        const PetQuantity q = petQuantity(scene.pet.volume->meta);
        petFactor = q.factor;
        out.petUnit = q.unit;
        // 16 bits over [0, max display value]: SUV to ~0.001 for a max of 60.
        const float* p = scene.pet.volume->image->GetBufferPointer();
        const size_t n = scene.pet.volume->image->GetBufferedRegion().GetNumberOfPixels();
        double maxValue = 0;
        for (size_t i = 0; i < n; ++i)
            if (std::isfinite(p[i])) maxValue = std::max(maxValue, static_cast<double>(p[i]) * petFactor);
        out.petScale = maxValue > 0 ? maxValue / 65535.0 : 1.0;
    }
    const Affine ctIndex = out.hasCt ? ct.indexFromLps() : Affine{};
    out.voxels.assign(out.grid.voxels() * FusedVolumeData::kComponents, 0);
    const int nx = out.grid.size[0], ny = out.grid.size[1], nz = out.grid.size[2];
    const Vec3 dx = out.grid.direction.column(0) * out.grid.spacing.x;
    std::atomic<int> done{0};
    parallelFor(0, static_cast<size_t>(nz), [&](size_t kk) {
        progress.checkCancel();
        const int k = static_cast<int>(kk);
        for (int j = 0; j < ny; ++j) {
            const Vec3 rowStart = out.grid.point({0, static_cast<double>(j), static_cast<double>(k)});
            Vec3 ciCt = ctIndex.apply(rowStart);
            const Vec3 dCt = ctIndex.applyToVector(dx);
            Vec3 ciPet = petIndex.apply(rowStart);
            const Vec3 dPet = petIndex.applyToVector(dx);
            std::uint16_t* dst = out.voxels.data() + FusedVolumeData::kComponents * (static_cast<size_t>(k) * nx * ny + static_cast<size_t>(j) * nx);
            for (int i = 0; i < nx; ++i, ciCt += dCt, ciPet += dPet) {
                if (out.hasCt && ct.grid().inside(ciCt)) {
                    const double hu = ct.linearAtIndex(ciCt);
                    dst[FusedVolumeData::kComponents * i] = static_cast<std::uint16_t>(std::clamp(hu + out.ctOffset, 0.0, 4095.0) + 0.5);
                }
                if (out.hasPet && pet.grid().inside(ciPet)) {
                    const double v = pet.linearAtIndex(ciPet) * petFactor / out.petScale;
                    dst[FusedVolumeData::kComponents * i + 1] = static_cast<std::uint16_t>(std::clamp(v, 0.0, 65535.0) + 0.5);
                }
            }
        }
        const int d = ++done;
        if (d % 8 == 0) progress.update(static_cast<double>(d) / nz, "building the 3D volume");
    }, 0, 1);
    progress.update(0.9, "shading the 3D volume");
    computeLight(out);
    progress.update(1.0, "3D volume ready");
    return out;
}

} // namespace irplan::render
