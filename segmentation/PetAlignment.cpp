#include "segmentation/PetAlignment.h"

#include "core/Case.h"
#include "core/Error.h"
#include "core/Files.h"
#include "core/JsonFile.h"
#include "core/Parallel.h"
#include "io/VolumeIO.h"
#include "segmentation/ImageOps.h"

#include <cmath>

namespace irplan::seg {

namespace fs = std::filesystem;

namespace {

const char* kRegisterFirst =
    "register it first (irplan register --fixed CT --moving PET --out DIR) and pass --registration DIR, or pass "
    "--same-frame if both come from one hybrid PET/CT acquisition";

std::string verdictOf(const Json& j) {
    for (const char* key : {"qa_verdict", "verdict"})
        if (j.contains(key) && j[key].is_string()) return j[key].get<std::string>();
    if (j.contains("qa") && j["qa"].is_object()) return verdictOf(j["qa"]);
    return "";
}

} // namespace

std::optional<Affine> readRegistrationMatrix(const fs::path& dir) {
    const fs::path file = dir / "result.json";
    std::error_code ec;
    if (!fs::exists(file, ec)) throw Error("no registration result in " + dir.string() + " (result.json is missing)");
    files::registerInput(file);
    const Json j = parseJsonFile(file);
    const std::string verdict = verdictOf(j);
    if (verdict == "fail")
        throw Error("the registration in " + dir.string() +
                    " failed its quality check (verdict 'fail'); PET values on the CT would be misplaced");
    if (!j.contains("matrix_fixed_to_moving_lps")) return std::nullopt;
    const Json& m = j["matrix_fixed_to_moving_lps"];
    if (!m.is_array() || m.size() != 16)
        throw Error(file.string() + ": matrix_fixed_to_moving_lps must hold 16 numbers (row-major 4x4)");
    std::array<double, 16> a{};
    for (size_t i = 0; i < 16; ++i) {
        if (!m[i].is_number()) throw Error(file.string() + ": matrix_fixed_to_moving_lps holds a non-number");
        a[i] = m[i].get<double>();
        if (!std::isfinite(a[i])) throw Error(file.string() + ": matrix_fixed_to_moving_lps holds a non-finite number");
    }
    if (std::abs(a[12]) > 1e-6 || std::abs(a[13]) > 1e-6 || std::abs(a[14]) > 1e-6 || std::abs(a[15] - 1.0) > 1e-6)
        throw Error(file.string() + ": the last row of matrix_fixed_to_moving_lps must be 0 0 0 1");
    const Affine A = Affine::fromRowMajor4x4(a);
    if (std::abs(A.A.determinant()) < 1e-6) throw Error(file.string() + ": matrix_fixed_to_moving_lps is singular");
    return A;
}

FloatImage::Pointer resampleOnGrid(const FloatImage* moving, const itk::ImageBase<3>* grid,
                                   const std::optional<Affine>& gridToMoving) {
    auto out = newFloat(grid, 0.0f);
    const auto n = dims(grid);
    const auto nm = dims(moving);
    const float* src = moving->GetBufferPointer();
    float* dst = out->GetBufferPointer();
    // The mapping is affine, so along a row of the grid the moving index
    // advances by a constant step: two matrix products per row, not per voxel.
    auto movingIndexOf = [&](const Vec3& gridIndex) {
        Vec3 p = indexToPoint(grid, gridIndex);
        if (gridToMoving) p = gridToMoving->apply(p);
        return pointToIndex(moving, p);
    };
    parallelFor(0, n[2], [&](size_t k) {
        for (size_t j = 0; j < n[1]; ++j) {
            const Vec3 q0 = movingIndexOf({0.0, double(j), double(k)});
            const Vec3 dq = movingIndexOf({1.0, double(j), double(k)}) - q0;
            for (size_t i = 0; i < n[0]; ++i) {
                const Vec3 q = q0 + dq * double(i);
                bool inside = true;
                for (int a = 0; a < 3; ++a)
                    if (q[a] < -0.5 || q[a] > double(nm[static_cast<size_t>(a)]) - 0.5) inside = false;
                if (inside) dst[linearIndex(n, i, j, k)] = static_cast<float>(sampleLinear(src, nm, q));
            }
        }
    });
    return out;
}

AlignedPet alignPetToCt(const Volume& pet, const Volume& ct, const PetAlignmentOptions& options) {
    if (!pet.image || !ct.image) throw Error("PET alignment: missing image");
    AlignedPet out;
    out.pet.meta = pet.meta;
    if (sameGrid(pet.image, ct.image)) {
        out.pet = pet;
        out.method = "same grid as the CT";
        return out;
    }
    std::optional<Affine> transform;
    if (!options.registrationDir.empty()) {
        transform = readRegistrationMatrix(options.registrationDir);
        if (!transform) {
            const fs::path resampled = options.registrationDir / "moving_resampled.nii.gz";
            std::error_code ec;
            if (!fs::exists(resampled, ec))
                throw Error("the registration in " + options.registrationDir.string() +
                            " has neither matrix_fixed_to_moving_lps nor moving_resampled.nii.gz");
            Volume v = readVolume(resampled);
            if (!sameGrid(v.image, ct.image))
                throw Error(resampled.string() + " is not on the CT's grid: it was registered to another image");
            if (v.meta.units == Units::Unknown) {
                v.meta.units = pet.meta.units;
                v.meta.suv = pet.meta.suv;
                out.warnings.push_back(resampled.string() + " does not state its units; taken from " + pet.meta.sourcePath);
            }
            out.pet = v;
            out.method = "resampled by the registration in " + options.registrationDir.string();
            return out;
        }
        out.method = "registration matrix from " + options.registrationDir.string();
        out.ctToPet = transform;
    } else {
        const std::string& a = pet.meta.frameOfReferenceUid;
        const std::string& b = ct.meta.frameOfReferenceUid;
        if (!a.empty() && !b.empty() && a == b) {
            out.method = "same frame of reference (" + a + "), resampled in physical space";
        } else if (options.assumeSameFrame) {
            out.method = "same frame of reference as stated by the user (--same-frame), resampled in physical space";
            out.warnings.push_back("the PET is assumed to share the CT's frame of reference; breathing or patient "
                                   "motion between them is not corrected");
        } else if (!a.empty() && !b.empty()) {
            throw Error("PET is not on the CT grid and its frame of reference (" + a + ") differs from the CT's (" + b +
                        "): " + kRegisterFirst);
        } else {
            throw Error(std::string("PET is not on the CT grid and nothing says they share a frame of reference: ") +
                        kRegisterFirst);
        }
    }
    out.pet.image = resampleOnGrid(pet.image, ct.image, transform);
    // Nothing of the PET on the CT: the mapping is wrong or the scans do not overlap.
    const float* p = out.pet.image->GetBufferPointer();
    const size_t n = out.pet.image->GetBufferedRegion().GetNumberOfPixels();
    size_t nonzero = 0;
    for (size_t i = 0; i < n; i += 13) nonzero += p[i] != 0.0f;
    if (nonzero == 0)
        throw Error("the PET does not overlap the CT after alignment (" + out.method + "): check the registration");
    return out;
}

} // namespace irplan::seg
