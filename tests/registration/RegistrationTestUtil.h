#pragma once
// Helpers for the registration tests: small synthetic volumes, planted
// failures (a PET flipped, axis-swapped, turned or moved in its header's frame),
// target registration error against the phantom's truth.
#include "core/Geometry.h"
#include "io/Volume.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan::test {

// A 40 x 40 x 40 volume (2 mm) with two blobs of different brightness.
Volume blobVolume(const Vec3& shift_mm = {});

// Voxels reordered in memory, geometry (origin, spacing, direction) kept: what a
// wrong header or a bad conversion does to a PET.
enum class Plant { MirrorLeftRight, SwapXY, Rotate90AboutZ };
Volume planted(const Volume& v, Plant how);
// The same voxels with the origin moved by `offset_mm`.
Volume shifted(const Volume& v, const Vec3& offset_mm);

// Mean and maximum distance between `mapped` and `truth`.
struct Tre {
    double mean = 0, max = 0;
};
Tre targetRegistrationError(const std::vector<Vec3>& mapped, const std::vector<Vec3>& truth);

// Names of the files directly in `dir` (for "no temporary files left" checks).
std::vector<std::string> listDir(const std::filesystem::path& dir);

// An executable shell script at `path`.
void writeScript(const std::filesystem::path& path, const std::string& body);

} // namespace irplan::test
