#pragma once
// The data of the fused 3D view: the CT on a (possibly coarser) copy of its own
// grid with the PET resampled onto that grid through the case transform, as one
// multi-component 16-bit volume. One volume with both components lets the project's
// own ray-cast shader (shaders/fused_raycast.glsl) composite CT and PET in a
// single pass; vtkMultiVolume with two volumes is ~4x slower on llvmpipe
// (MEASURED.md). Built off the UI thread; pure C++.
#include "core/Progress.h"
#include "render/Scene.h"
#include "render/VolumeSampler.h"

#include <cstdint>
#include <vector>

namespace irplan::render {

struct FusedVolumeData {
    static constexpr int kComponents = 3;
    GridGeometry grid;                // LPS geometry of the 3D grid
    // Interleaved: 0 = CT, 1 = PET, 2 = diffuse light of the CT's surfaces (65535 = lit
    // or flat): a light fixed to the patient, from the front and above, so the shader
    // needs no gradient (see shaders/fused_raycast.glsl).
    std::vector<std::uint16_t> voxels;
    // CT component: HU = raw - ctOffset (clamped to [-1024, 3071]).
    double ctOffset = 1024;
    // PET component: display value (SUV or the PET's unit) = raw * petScale; 0 when no PET.
    double petScale = 0;
    bool hasCt = false;
    bool hasPet = false;
    std::string petUnit;
    int downsample = 1; // CT voxels per 3D voxel along each axis
};

// The grid covers the CT's voxels denser than -500 HU (the patient), or the whole
// reference image without a CT. `maxDimension` caps it per axis (llvmpipe).
// The light direction (LPS) of the precomputed shading: from the front, above, a little from the left.
Vec3 lightDirection();
FusedVolumeData buildFusedVolume(const Scene& scene, int maxDimension = 256, const Progress& progress = {});

} // namespace irplan::render
