#pragma once
// A small synthetic patient for render tests, built in memory in milliseconds:
// a body of water in air, a "liver" on the patient's right with a lesion, a spine,
// a bright marker block at the patient's left-anterior-superior corner (to check
// orientations), a PET in SUV on its own coarser grid with a hot lesion and a hot
// sphere on the patient's left, and a label map. Geometry in LPS mm.
#include "core/Geometry.h"
#include "render/Scene.h"

namespace irplan::test {

struct SyntheticPatient {
    render::Scene scene;
    Vec3 lesionCentre{-40, 0, 0};
    double lesionRadius = 12;
    Vec3 markerLo{35, -55, 20}, markerHi{55, -35, 40}; // bright block: patient left, anterior, superior
    Vec3 leftHotSpot{45, 10, -10};                     // PET-only hot sphere on the patient's left
    double leftHotRadius = 10;
};

// `flipped`: the CT is stored with direction diag(-1, -1, 1) (RAS-like voxel order)
// but the same patient-space content.
SyntheticPatient makeSyntheticPatient(bool flipped = false);

} // namespace irplan::test
