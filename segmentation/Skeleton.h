#pragma once
// Curve skeleton of a binary 3D object by distance-ordered homotopic thinning
// (Pudney, CVIU 1998): voxels are peeled in order of their Euclidean distance
// (mm) to the background while they are simple points (their removal changes
// neither the 26-connected object nor the 6-connected background: Bertrand &
// Malandain's topological numbers T26 = T6 = 1) and not curve end points.
// Peeling by distance rather than by voxel direction keeps the curve on the
// medial axis on anisotropic voxels and oblique vessels.
#include "core/Progress.h"
#include "io/ImageTypes.h"

namespace irplan::seg {

// The skeleton (0/1) of `mask`; components and tunnels are preserved.
MaskImage::Pointer skeletonize(const MaskImage* mask, const Progress& progress = {});

// Whether the centre of a 3x3x3 neighbourhood (27 values, index x + 3y + 9z,
// centre 13) is a simple point.
bool isSimplePoint(const bool neighbourhood[27]);

} // namespace irplan::seg
