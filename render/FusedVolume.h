#pragma once
// The data of the fused 3D view: the CT on a (possibly coarser) copy of its own
// grid with the PET resampled onto that grid through the case transform, as one
// two-component 16-bit volume. One volume with both components lets the project's
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
    GridGeometry grid;                // LPS geometry of the 3D grid
    std::vector<std::uint16_t> voxels; // interleaved: component 0 = CT, 1 = PET
    // CT component: HU = raw - ctOffset (clamped to [-1024, 3071]).
    double ctOffset = 1024;
    // PET component: display value (SUV or the PET's unit) = raw * petScale; 0 when no PET.
    double petScale = 0;
    bool hasCt = false;
    bool hasPet = false;
    std::string petUnit;
    int downsample = 1; // CT voxels per 3D voxel along each axis
};

// `maxDimension` caps the 3D grid (per axis); llvmpipe renders ~256^3 interactively.
FusedVolumeData buildFusedVolume(const Scene& scene, int maxDimension = 256, const Progress& progress = {});

} // namespace irplan::render
