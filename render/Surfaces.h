#pragma once
// Surfaces for the 3D view, built off the UI thread: smoothed surfaces of
// label-map structures (liver, lesions, vessels) and vessel trees as tubes
// coloured by diameter. The types are opaque here (VTK polygons inside).
#include "core/Progress.h"
#include "render/Colormaps.h"
#include "render/Scene.h"

#include <memory>
#include <vector>

namespace irplan::render {

class LabelSurfaces; // per-label polygon meshes
class VesselTubes;   // tubes along vessel centrelines

// Surfaces of the labels present among `labels` (e.g. liver, lesions, vessels),
// from a label map coarsened to at most `maxDimension` voxels per axis.
std::shared_ptr<const LabelSurfaces> buildLabelSurfaces(const LabelImage* labelMap, const std::vector<int>& labels,
                                                        int maxDimension = 192, const Progress& progress = {});
// Labels the surfaces cover.
std::vector<int> surfaceLabels(const LabelSurfaces& surfaces);
size_t surfaceTriangles(const LabelSurfaces& surfaces);

// Vessel trees. With kinds: portal veins orange, hepatic veins blue, the IVC
// purple, arteries red, unknown yellow; branches under 3 mm pale (no heat
// sink). Without kinds: diameter < 3 mm in a muted blue, >= 3 mm from orange
// to red (the heat-sink threshold of DOMAIN.md: sink seen at >= 3 mm, not below).
std::shared_ptr<const VesselTubes> buildVesselTubes(const std::vector<VesselBranchShape>& branches);
constexpr double kHeatSinkDiameter_mm = 3.0; // DOMAIN.md "Heat sink": vessels >= 3 mm cool the zone
Rgb vesselColour(double diameter_mm);
Rgb vesselKindColour(const std::string& kind, bool atLeast3mm);
// The legend line of the kind colours.
std::string vesselKindLegend();

} // namespace irplan::render
