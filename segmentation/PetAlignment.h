#pragma once
// Bringing a PET (or SPECT) onto a CT's grid, only when it is known where the
// PET lies relative to the CT:
//  - already on the CT's grid (same size, spacing, origin, direction);
//  - same frame of reference (both DICOM FrameOfReferenceUIDs equal, or the
//    user says so for a hybrid PET/CT): resampled in physical space;
//  - a registration result (irplan register's DIR/result.json with
//    matrix_fixed_to_moving_lps, the CT being fixed and the PET moving): each
//    CT point x is looked up in the PET at A x, or its DIR/moving_resampled.nii.gz
//    when that already lies on the CT's grid.
// Anything else is refused with a message saying how to register first.
// Units and SUV information travel with the volume, so Bq/mL stays Bq/mL.
#include "core/Geometry.h"
#include "io/Volume.h"

#include <filesystem>
#include <optional>
#include <string>

namespace irplan::seg {

struct PetAlignmentOptions {
    std::filesystem::path registrationDir; // irplan register output (optional)
    bool assumeSameFrame = false;          // the user vouches for one scanner frame (hybrid PET/CT)
};

struct AlignedPet {
    Volume pet;              // on the CT's grid
    std::string method;      // "same grid", "same frame of reference", "registration matrix", ...
    std::optional<Affine> ctToPet;
    std::vector<std::string> warnings;
};

// Throws irplan::Error when the PET cannot be placed on the CT.
AlignedPet alignPetToCt(const Volume& pet, const Volume& ct, const PetAlignmentOptions& options);

// Resamples `moving` onto the grid of `grid` (trilinear; 0 outside), looking
// each grid point x up at ctToMoving(x) (identity when absent).
FloatImage::Pointer resampleOnGrid(const FloatImage* moving, const itk::ImageBase<3>* grid,
                                   const std::optional<Affine>& gridToMoving);

// Reads matrix_fixed_to_moving_lps from DIR/result.json; nullopt when absent.
std::optional<Affine> readRegistrationMatrix(const std::filesystem::path& registrationDir);

} // namespace irplan::seg
