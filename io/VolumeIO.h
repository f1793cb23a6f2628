#pragma once
// Reading and writing volumes. Every reader returns LPS geometry, checks it
// (3D, positive finite spacing, invertible direction, finite voxels) and throws
// irplan::Error with a message that names the file and the problem. Writers are
// atomic and refuse to replace an input.
#include "core/Progress.h"
#include "io/ImageTypes.h"
#include "io/Volume.h"

#include <filesystem>
#include <string>

namespace irplan {

struct ReadOptions {
    std::string seriesUid;     // DICOM: which series when the directory holds several
    bool allowNonFinite = false; // accept NaN/Inf voxels (they stay as they are)
    Progress progress;
};

// A DICOM directory (or one file of a series), NIfTI (.nii, .nii.gz), NRRD
// (.nrrd, .nhdr) or MetaImage (.mha, .mhd).
Volume readVolume(const std::filesystem::path& path, const ReadOptions& options = {});

// A label map (integer voxel values >= 0) from NIfTI/NRRD/MetaImage.
LabelImage::Pointer readLabelMap(const std::filesystem::path& path);

enum class PixelType { Float32, Int16, UInt8, UInt16 };

struct WriteOptions {
    PixelType pixelType = PixelType::Float32;
    bool compress = true;
};

// NIfTI (.nii, .nii.gz), MetaImage (.mha, .mhd) or NRRD (.nrrd). The units go
// into the header (NIfTI descrip / key-value fields) so IRPlan reads them back.
void writeVolume(const Volume& volume, const std::filesystem::path& path, const WriteOptions& options = {});
void writeLabelMap(const LabelImage* labels, const std::filesystem::path& path);
void writeMask(const MaskImage* mask, const std::filesystem::path& path);

// Throws irplan::Error when the geometry is unusable (what = name for messages).
void validateGeometry(const itk::ImageBase<3>* image, const std::string& what);

// Reads only the header of an image file and returns a short description of
// size/spacing; used by error messages and `irplan info` on labels.
bool isImageFilePath(const std::filesystem::path& path);

} // namespace irplan
