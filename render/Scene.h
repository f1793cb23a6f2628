#pragma once
// What the viewer shows: the loaded images and the case items drawn over them,
// plus how they are displayed. Plain data (ITK images, no VTK) so the viewer's
// command layer can build it off the UI thread and tests can build it by hand.
#include "core/Geometry.h"
#include "io/Volume.h"
#include "render/Colormaps.h"
#include "render/RenderTypes.h"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace irplan::render {

// What a PET voxel value means on screen. SUV only when the volume says so:
// a Bq/mL value is never labelled SUV.
struct PetQuantity {
    bool isSuv = false;
    double factor = 1.0;       // display value = voxel value * factor
    std::string unit;          // "SUVbw", "Bq/mL", "counts", "units unknown"
    std::string why;           // why SUV is unavailable (empty when it is)
};
PetQuantity petQuantity(const VolumeMeta& meta);

struct PetLayer {
    std::shared_ptr<const Volume> volume;
    // Maps a CT point (fixed) to the PET (moving), elastix's convention; empty
    // when the PET is shown in scanner coordinates (no registration).
    std::optional<Affine> ctToPet;
    std::string alignment; // shown to the user: which transform (or none) places the PET
};

struct LabelLayer {
    LabelImage::Pointer labels;
    std::map<int, std::string> legend;
};

// An applicator (RFA electrode, MWA antenna, IRE needle) from the case.
struct ProbeShape {
    std::string id;
    Vec3 tip_mm;
    Vec3 entry_mm;
    double shaftDiameter_mm = 1.5; // drawing only; a 15-17 G shaft is 1.5-1.8 mm (DOMAIN.md: MWA 14.5-17 G)
    bool selected = false;
};

// A vessel branch as a centreline with radii (the phantom's truth.json and the
// segmentation's vessel table use this form).
struct VesselBranchShape {
    int id = 0;
    std::vector<Vec3> points_mm;
    std::vector<double> radii_mm;
    double diameter_mm = 0;
    std::string kind;  // "portal", "hepatic", "ivc", "artery", "aorta"; "" or "unknown" when not known
    int ge3mm = -1;    // the file's >= 3 mm (heat-sink) flag; -1: from diameter_mm
};

struct MeasurementShape {
    std::string id;
    bool ruler = false; // ruler a-b, or a point at a
    Vec3 a, b;
    std::string text;   // what the viewer writes next to it ("23.4 mm", "HU 55 | SUVbw 8.1")
};

// An ablation zone drawn as its outline: the zone is where `field` >= 0 (a
// margin map in mm, or a zone model's own field); outside the field's grid
// nothing is ablated. Plain data so planning stays free of VTK.
struct ZoneOverlay {
    std::string id;
    FloatImage::ConstPointer field;
    Rgb colour{1.0f, 0.0f, 0.55f};
    std::string label; // drawn beside the outline ("MWA 100 W 5 min, chart")
};

// A point that needs the planner's attention (a heat-sink vessel next to the lesion).
struct MarkerShape {
    Vec3 p_mm;
    std::string text;
    Rgb colour{1.0f, 0.55f, 0.1f};
};

struct Scene {
    std::shared_ptr<const Volume> ct; // the reference image (CT or MR)
    PetLayer pet;
    LabelLayer labels;
    std::vector<ProbeShape> probes;
    std::vector<VesselBranchShape> vessels;
    std::string vesselSource; // e.g. "phantom ground truth centrelines"
    std::vector<MeasurementShape> measurements;
    std::vector<ZoneOverlay> zones;
    std::vector<MarkerShape> markers;

    // The grid that sets slice extents and spacing: the CT, else the PET, else the labels.
    bool hasImage() const { return ct || pet.volume || labels.labels; }
};

struct DisplaySettings {
    WindowLevel window{400, 50, "abdomen"};
    bool petVisible = true;
    Colormap petColormap = Colormap::Hot;
    double petOpacity = 0.5; // linear blend: shown = (1 - a) CT + a PET colour, for values above petLow
    // Display window of the PET in its display unit (SUVbw when known). SSTR PET
    // (68Ga-DOTATATE): normal liver SUV ~7, spleen ~20, NET lesions 20-40 (DOMAIN.md,
    // phantom/README): 2..20 hides blood pool/fat and keeps lesions above the liver.
    double petLow = 2.0;
    double petHigh = 20.0;
    // Registration check: > 0 shows fixed (CT) and moving (PET, opaque) in
    // alternating square tiles of this size (mm) instead of the blend.
    double checkerboard_mm = 0;
    Colormap mipColormap = Colormap::InvertedGray; // nuclear-medicine habit for MIPs
    LabelStyle labelStyle = LabelStyle::Outline;
    double labelFillOpacity = 0.35;
    std::set<int> hiddenLabels;
    bool crosshair = true;
    Volume3dPreset preset3d = Volume3dPreset::Vessels;
    bool pet3d = true;
    bool surfaces3d = true;
    bool shading3d = true;
};

// The PET window in display units a new PET gets: the SSTR default for SUV,
// else derived from the data (99.5th percentile), since Bq/mL scales vary.
void defaultPetWindow(const Volume& pet, double& low, double& high);

} // namespace irplan::render
