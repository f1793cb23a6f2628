#pragma once
// Curve skeleton of a binary 3D object by topology-preserving thinning.
//
// Voxels are peeled in order of their Euclidean distance (mm) to the
// background, as in distance-ordered homotopic thinning (Pudney, CVIU 1998), so
// the curve stays on the medial axis on anisotropic voxels and oblique
// vessels. Voxels at the same distance are peeled from the six directions in
// turn, and only where the opposite neighbour is object (a one-sided border),
// so a plateau one or two voxels thick is thinned to its middle instead of
// being eaten from one end. A voxel goes only if it is a simple point (its
// removal changes neither the 26-connected object nor the 6-connected
// background: Bertrand & Malandain's topological numbers T26 = T6 = 1) and not
// a curve end point; a last pass removes the redundant corners of 26-connected
// staircases.
#include "core/Progress.h"
#include "io/ImageTypes.h"

namespace irplan::seg {

// The skeleton (0/1) of `mask`; components and tunnels are preserved.
MaskImage::Pointer skeletonize(const MaskImage* mask, const Progress& progress = {});

// Whether the centre of a 3x3x3 neighbourhood (27 values, index x + 3y + 9z,
// centre 13) is a simple point.
bool isSimplePoint(const bool neighbourhood[27]);

} // namespace irplan::seg
