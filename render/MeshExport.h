#pragma once
// Surfaces for other tools (3D printing, Slicer, CAD, navigation systems):
// label-map structures (liver, lesions, vessels, ablation zones) and
// applicators as triangle meshes in LPS millimetres (DICOM patient space, the
// same coordinates as every IRPlan file; no RAS flip), written as STL (header
// "SPACE=LPS"), PLY (comment "SPACE=LPS") or VTP (field data "SPACE" = "LPS").
// Built on the label map's own grid (no coarsening) so volumes stay right.
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/ImageTypes.h"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace irplan::render {

enum class MeshFormat { Stl, Ply, Vtp };
// "stl,ply,vtp" -> formats; throws irplan::Error for an unknown one.
std::vector<MeshFormat> meshFormatsFromList(const std::string& list);
const char* meshFormatExtension(MeshFormat f); // "stl", "ply", "vtp"

struct MeshInfo {
    std::string name;  // file stem, e.g. "lesion_1", "liver", "zone_lesion1", "applicator_lesion1_p1"
    int label = 0;     // label value it came from (0 for applicators)
    std::vector<std::filesystem::path> files;
    size_t triangles = 0;
    double volume_ml = 0;   // enclosed volume (vtkMassProperties)
    double area_mm2 = 0;
    Vec3 centroid_mm;       // centroid of the enclosed volume, LPS mm
};

struct MeshOptions {
    std::vector<MeshFormat> formats{MeshFormat::Stl};
    int smoothingIterations = 15; // windowed sinc: removes the voxel steps, keeps the volume
    double passBand = 0.1;
    Progress progress;
};

// One mesh per label in `names` (label -> file stem) that is present in `labels`.
std::vector<MeshInfo> exportLabelMeshes(const LabelImage* labels, const std::map<int, std::string>& names,
                                        const std::filesystem::path& dir, const MeshOptions& options);

// A needle as a capped cylinder of `diameter_mm` from tip to entry.
MeshInfo exportNeedleMesh(const std::string& name, const Vec3& tip_mm, const Vec3& entry_mm, double diameter_mm,
                          const std::filesystem::path& dir, const MeshOptions& options);

} // namespace irplan::render
