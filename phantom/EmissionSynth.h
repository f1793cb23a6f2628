#pragma once
// PET and MR of the phantom, each on its own grid, made by looking up the CT
// label map at the anatomy each voxel sees (through the PET's motion or the
// MR's pose), with supersampling for partial volume.
#include "core/Progress.h"
#include "phantom/CtSynth.h"
#include "phantom/Motion.h"

namespace irplan::phantom {

// Scanner resolution of 68Ga PET: ~6 mm FWHM (the box average of the 4 mm
// voxel adds to it). Noise: Poisson-like, 10% CV at liver uptake (SUV 7).
constexpr double kPetFwhmMm = 6.0;

FloatImage::Pointer synthesizePet(const Anatomy& anatomy, const CtImages& ct, const Grid& ctGrid, const Grid& petGrid,
                                  const PetMotion& motion, uint64_t seed, const Progress& progress);

FloatImage::Pointer synthesizeMr(const Anatomy& anatomy, const CtImages& ct, const Grid& ctGrid, const Grid& mrGrid,
                                 const Affine& ctToMr, uint64_t seed, const Progress& progress);

// Separable Gaussian blur with a physical sigma (mm), in place.
void gaussianBlur(FloatImage* image, double sigma_mm);

} // namespace irplan::phantom
