#pragma once
// The built-in digital liver phantom: IRPlan's demo case and the ground truth
// for registration, segmentation and planning tests. Deterministic for a seed.
//
//  - two-phase contrast CT (late arterial, portal venous) on one grid,
//  - 68Ga-DOTATATE PET in SUV on a 4 mm grid, misaligned from the CT by a known
//    rigid motion plus a breathing shift of the liver,
//  - optionally a T1 MR in its own frame of reference,
//  - one label map and truth.json (legend, lesions, every vessel branch with
//    centreline and radius, the CT->PET and CT->MR mappings, landmarks).
#include "core/Case.h"
#include "core/Progress.h"
#include "io/Volume.h"
#include "phantom/Anatomy.h"
#include "phantom/Grid.h"
#include "phantom/Motion.h"

#include <filesystem>
#include <optional>

namespace irplan::phantom {

struct PhantomOptions {
    uint64_t seed = 1;
    bool clinical = false;              // 512 x 512 x 300 CT instead of ~0.8 x 0.8 x 1.5 mm
    std::optional<Vec3> spacing;        // override the CT voxel size (mm), same field of view
    bool mr = false;
    Progress progress;
};

struct PhantomCase {
    PhantomOptions options;
    Anatomy anatomy;
    Grid ctGrid, petGrid, mrGrid;
    Volume ctArterial, ctPortal, pet, mr;
    LabelImage::Pointer labels;
    PetMotion petMotion;
    Affine ctToMr;
    double seconds = 0;

    Vec3 ctToPet(const Vec3& x) const { return petMotion.ctToPet(x); }
};

Grid defaultCtGrid(bool clinical, const std::optional<Vec3>& spacing);
PhantomCase generatePhantom(const PhantomOptions& options);

// truth.json content.
Json truthJson(const PhantomCase& phantom);

struct PhantomFiles {
    std::filesystem::path ctArterial, ctPortal, pet, mr, labels, truth, caseFile;
    std::filesystem::path dicomDir; // empty unless written
};

// Writes the volumes (NIfTI), labels, truth.json and case.json into `dir`, and
// with `dicom` also DICOM series (CT phases, PET with SUV tags, MR) under dir/dicom.
PhantomFiles writePhantom(const PhantomCase& phantom, const std::filesystem::path& dir, bool dicom,
                          const Progress& progress = {});

} // namespace irplan::phantom
