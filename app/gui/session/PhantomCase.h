#pragma once
// The built-in phantom as a case the viewer opens: generated, written to a
// directory, with the phantom's known CT->PET alignment inside the liver stored
// as an affine transform labelled "phantom ground truth" so the fused views line
// up until the registration module computes a real one.
#include "core/Progress.h"

#include <filesystem>
#include <optional>

namespace irplan::viewer {

struct PhantomCaseOptions {
    uint64_t seed = 1;
    std::optional<double> spacing_mm; // isotropic CT voxel size; default grid when empty
    bool clinical = false;            // 512 x 512 x 300 CT
};

// Returns the case file (dir/case.json).
std::filesystem::path writePhantomCase(const std::filesystem::path& dir, const PhantomCaseOptions& options,
                                       const Progress& progress = {});

} // namespace irplan::viewer
