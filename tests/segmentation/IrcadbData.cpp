#include "tests/segmentation/IrcadbData.h"

#include "core/Error.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "segmentation/ImageOps.h"

#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <sstream>

namespace irplan::test {

namespace {

std::string attribute(const std::string& text, size_t from, const std::string& name) {
    const std::string key = name + "=\"";
    const size_t a = text.find(key, from);
    if (a == std::string::npos) return "";
    const size_t b = text.find('"', a + key.size());
    return text.substr(a + key.size(), b - a - key.size());
}

std::vector<unsigned char> base64(const std::string& s, size_t begin, size_t end) {
    static int table[256];
    static bool init = false;
    if (!init) {
        for (int& t : table) t = -1;
        const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(alphabet[i])] = i;
        init = true;
    }
    std::vector<unsigned char> out;
    unsigned buffer = 0;
    int bits = 0;
    for (size_t i = begin; i < end; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '=') break;
        if (table[c] < 0) continue; // whitespace
        buffer = (buffer << 6) | unsigned(table[c]);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<unsigned char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

// Base64 characters (skipping whitespace) needed for `bytes` bytes, padded.
size_t encodedEnd(const std::string& s, size_t begin, size_t bytes) {
    size_t need = (bytes + 2) / 3 * 4, i = begin;
    while (need > 0 && i < s.size()) {
        if (!std::isspace(static_cast<unsigned char>(s[i]))) --need;
        ++i;
    }
    return i;
}

} // namespace

VtiVolume readVti(const std::filesystem::path& file) {
    const std::string text = files::readText(file);
    const std::string where = file.string();
    if (text.find("type=\"ImageData\"") == std::string::npos) throw Error(where + " is not VTK ImageData");
    const size_t image = text.find("<ImageData");
    VtiVolume v;
    {
        std::istringstream ext(attribute(text, image, "WholeExtent")), sp(attribute(text, image, "Spacing")),
            org(attribute(text, image, "Origin"));
        int e[6];
        for (int& x : e) ext >> x;
        for (int a = 0; a < 3; ++a) {
            v.size[a] = e[2 * a + 1] - e[2 * a] + 1;
            sp >> v.spacing[a];
            org >> v.origin[a];
        }
    }
    const size_t array = text.find("<DataArray", image);
    const std::string type = attribute(text, array, "type");
    if (type != "Int16" && type != "UInt16") throw Error(where + ": only 16-bit arrays are read (found " + type + ")");
    if (attribute(text, array, "format") != "appended") throw Error(where + ": only appended data is read");
    const bool compressed = text.find("vtkZLibDataCompressor") != std::string::npos;
    const bool wide = attribute(text, 0, "header_type") == "UInt64";
    const size_t headerWord = wide ? 8 : 4;
    const size_t appended = text.find("<AppendedData");
    if (attribute(text, appended, "encoding") != "base64") throw Error(where + ": only base64 appended data is read");
    const size_t start = text.find('_', appended) + 1 + std::stoul(attribute(text, array, "offset"));
    const size_t count = size_t(v.size[0]) * size_t(v.size[1]) * size_t(v.size[2]);
    std::vector<unsigned char> raw;
    auto word = [&](const std::vector<unsigned char>& b, size_t i) {
        std::uint64_t w = 0;
        std::memcpy(&w, b.data() + i * headerWord, headerWord);
        return size_t(w);
    };
    if (compressed) {
        // Header (block count, block size, last block size, compressed sizes), encoded on its own.
        const auto first = base64(text, start, encodedEnd(text, start, headerWord));
        const size_t blocks = word(first, 0);
        const size_t headerBytes = headerWord * (3 + blocks);
        const size_t headerEnd = encodedEnd(text, start, headerBytes);
        const auto header = base64(text, start, headerEnd);
        const size_t blockSize = word(header, 1), lastSize = word(header, 2);
        const auto body = base64(text, headerEnd, text.find("</AppendedData>", headerEnd));
        size_t offset = 0;
        for (size_t b = 0; b < blocks; ++b) {
            const size_t csize = word(header, 3 + b);
            uLongf usize = (b + 1 == blocks && lastSize) ? lastSize : blockSize;
            const size_t at = raw.size();
            raw.resize(at + usize);
            if (offset + csize > body.size() ||
                uncompress(raw.data() + at, &usize, body.data() + offset, uLong(csize)) != Z_OK)
                throw Error(where + ": a compressed block does not decompress");
            raw.resize(at + usize);
            offset += csize;
        }
    } else {
        const auto all = base64(text, start, text.find("</AppendedData>", start));
        raw.assign(all.begin() + long(headerWord), all.end());
    }
    if (raw.size() != 2 * count) throw Error(where + ": the data holds " + std::to_string(raw.size()) + " bytes, not " +
                                             std::to_string(2 * count));
    v.values.resize(count);
    for (size_t i = 0; i < count; ++i) {
        const unsigned u = unsigned(raw[2 * i]) | (unsigned(raw[2 * i + 1]) << 8);
        v.values[i] = type == "Int16" ? int(std::int16_t(u)) : int(u);
    }
    return v;
}

Ircadb loadIrcadb(const std::filesystem::path& dicomDir, const std::filesystem::path& vtiFile) {
    Ircadb d;
    d.ct = readVolume(dicomDir);
    const VtiVolume v = readVti(vtiFile);
    const auto n = seg::dims(d.ct.image);
    const auto& sp = d.ct.image->GetSpacing();
    for (int a = 0; a < 3; ++a)
        if (size_t(v.size[a]) != n[size_t(a)] || std::abs(v.spacing[a] - sp[unsigned(a)]) > 1e-3)
            throw Error("ircadb-01: the label map's grid does not match the CT's");
    // VTI index (x, y, z) = DICOM (column, row, slice sorted by position), no flips (README).
    d.labels = seg::newLabels(d.ct.image);
    d.liver = seg::newMask(d.ct.image);
    d.portal = seg::newMask(d.ct.image);
    d.venous = seg::newMask(d.ct.image);
    d.tumours = seg::newMask(d.ct.image);
    for (size_t i = 0; i < v.values.size(); ++i) {
        const int x = v.values[i];
        d.labels->GetBufferPointer()[i] = static_cast<LabelImage::PixelType>(std::max(0, x));
        d.liver->GetBufferPointer()[i] = ((x >> 6) & 7) == 7;
        d.portal->GetBufferPointer()[i] = (x & 16) != 0;
        d.venous->GetBufferPointer()[i] = (x & 32) != 0;
        d.tumours->GetBufferPointer()[i] = (x & 2) != 0;
    }
    return d;
}

} // namespace irplan::test
