#pragma once
// Helpers shared by the io/ and CLI tests: synthetic images with known
// geometry, byte snapshots of files and directories, DICOM slice copies.
#include "core/Geometry.h"
#include "io/DicomTags.h"
#include "io/ImageTypes.h"
#include "tests/support/TestSupport.h"

#include <gdcmReader.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace irplan::test {

// A float image of `size` with the given geometry; voxel (i,j,k) = value(i,j,k).
inline FloatImage::Pointer makeImage(std::array<unsigned, 3> size, std::array<double, 3> spacing,
                                     std::array<double, 3> origin, const Mat3& direction,
                                     const std::function<float(unsigned, unsigned, unsigned)>& value) {
    auto img = FloatImage::New();
    FloatImage::RegionType region;
    region.SetSize({{size[0], size[1], size[2]}});
    img->SetRegions(region);
    img->SetSpacing(spacing.data());
    FloatImage::PointType o;
    for (int i = 0; i < 3; ++i) o[i] = origin[static_cast<size_t>(i)];
    img->SetOrigin(o);
    FloatImage::DirectionType d;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) d(r, c) = direction(r, c);
    img->SetDirection(d);
    img->Allocate();
    float* p = img->GetBufferPointer();
    for (unsigned k = 0; k < size[2]; ++k)
        for (unsigned j = 0; j < size[1]; ++j)
            for (unsigned i = 0; i < size[0]; ++i) *p++ = value(i, j, k);
    return img;
}

inline std::string fileBytes(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline void writeBytes(const fs::path& p, const std::string& bytes) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Deterministic pseudo-random bytes.
inline std::string randomBytes(size_t n, unsigned seed) {
    std::mt19937 rng(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xff);
    return s;
}

// Every regular file below `root` (or `root` itself) with a hash of its bytes
// and its size: equal snapshots mean nothing was changed, added or removed.
inline std::map<std::string, std::pair<size_t, size_t>> snapshot(const fs::path& root) {
    std::map<std::string, std::pair<size_t, size_t>> out;
    auto add = [&](const fs::path& p) {
        const std::string b = fileBytes(p);
        out[fs::relative(p, root.parent_path()).string()] = {std::hash<std::string>{}(b), b.size()};
    };
    std::error_code ec;
    if (fs::is_directory(root, ec)) {
        for (auto& e : fs::recursive_directory_iterator(root))
            if (e.is_regular_file()) add(e.path());
            else if (e.is_directory()) out[fs::relative(e.path(), root.parent_path()).string() + "/"] = {0, 0};
    } else if (fs::exists(root, ec)) {
        add(root);
    }
    return out;
}

inline int countEntries(const fs::path& dir) {
    int n = 0;
    for (auto& e : fs::directory_iterator(dir)) {
        (void)e;
        ++n;
    }
    return n;
}

// Copies (real copies, never links: the tests edit them) the files of `from`
// whose names pass `keep` into `to`, sorted by name; returns the copies.
inline std::vector<fs::path> copyFiles(const fs::path& from, const fs::path& to,
                                       const std::function<bool(size_t index, const fs::path&)>& keep = nullptr) {
    std::vector<fs::path> names;
    for (auto& e : fs::directory_iterator(from))
        if (e.is_regular_file()) names.push_back(e.path());
    std::sort(names.begin(), names.end());
    std::vector<fs::path> out;
    fs::create_directories(to);
    for (size_t i = 0; i < names.size(); ++i) {
        if (keep && !keep(i, names[i])) continue;
        const fs::path dst = to / names[i].filename();
        fs::copy_file(names[i], dst, fs::copy_options::overwrite_existing);
        out.push_back(dst);
    }
    return out;
}

inline std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

// Runs dcmodify (DCMTK) with `args` on `files_` without .bak copies; true on success.
inline bool dcmodify(const std::string& args, const std::vector<fs::path>& files_) {
    std::string cmd = "dcmodify -q -nb " + args;
    for (const auto& f : files_) cmd += " " + shellQuote(f.string());
    return std::system(cmd.c_str()) == 0;
}

inline bool haveDcmodify() { return std::system("command -v dcmodify >/dev/null 2>&1") == 0; }

inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l)) out.push_back(l);
    return out;
}

// Physical position (LPS mm) of voxel centre (i, j, k).
template <class TImage>
Vec3 voxelCentre(const TImage* img, long i, long j, long k) {
    typename TImage::IndexType idx{{i, j, k}};
    typename TImage::PointType p;
    img->TransformIndexToPhysicalPoint(idx, p);
    return {p[0], p[1], p[2]};
}

// The 8 corner voxel centres of an image.
template <class TImage>
std::vector<Vec3> cornerCentres(const TImage* img) {
    const auto s = img->GetLargestPossibleRegion().GetSize();
    std::vector<Vec3> out;
    for (int c = 0; c < 8; ++c)
        out.push_back(voxelCentre(img, (c & 1) ? static_cast<long>(s[0]) - 1 : 0,
                                  (c & 2) ? static_cast<long>(s[1]) - 1 : 0,
                                  (c & 4) ? static_cast<long>(s[2]) - 1 : 0));
    return out;
}

// ImagePositionPatient (0020,0032) of one DICOM file; NaNs when absent.
inline Vec3 ippOf(const fs::path& file) {
    gdcm::Reader r;
    r.SetFileName(file.string().c_str());
    if (!r.ReadUpToTag(gdcm::Tag(0x0020, 0x0033))) return {NAN, NAN, NAN};
    auto v = dicom::getNumbers(r.GetFile().GetDataSet(), gdcm::Tag(0x0020, 0x0032));
    if (!v || v->size() != 3) return {NAN, NAN, NAN};
    return {(*v)[0], (*v)[1], (*v)[2]};
}

} // namespace irplan::test
