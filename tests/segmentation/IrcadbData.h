#pragma once
// 3D-IRCADb-01 patient 1 from ../shared/data/ircadb-01 (CC BY-NC-ND 3.0: the
// files are read where they are or unzipped into the build tree, never copied
// into the repository): the CT and the expert label map, whose VTK XML
// ImageData (.vti, appended base64, zlib) is read here without VTK so the
// segmentation tests stay free of it.
#include "io/Volume.h"

#include <filesystem>
#include <string>

namespace irplan::test {

struct Ircadb {
    Volume ct;
    LabelImage::Pointer labels; // the .vti values on the CT's grid (bit fields, README)
    MaskImage::Pointer liver;     // ((v >> 6) & 7) == 7: liver with its tumours and vessels
    MaskImage::Pointer portal;    // bit 4 (16), inside and outside the liver
    MaskImage::Pointer venous;    // bit 5 (32): hepatic veins and IVC
    MaskImage::Pointer tumours;   // bit 1 (2)
};

// Reads a VTK XML ImageData file with one Int16/UInt16 point array (raw,
// appended base64, or zlib-compressed appended base64). Returns the values
// (x fastest) and the extent; throws irplan::Error on anything else.
struct VtiVolume {
    int size[3] = {0, 0, 0};
    double spacing[3] = {1, 1, 1};
    double origin[3] = {0, 0, 0};
    std::vector<int> values;
};
VtiVolume readVti(const std::filesystem::path& file);

// The CT (DICOM from the unzipped folder) and the labels on its grid; the
// README's geometry (VTI index = DICOM column, row, slice) is checked.
Ircadb loadIrcadb(const std::filesystem::path& dicomDir, const std::filesystem::path& vtiFile);

} // namespace irplan::test
