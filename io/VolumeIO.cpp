#include "io/VolumeIO.h"

#include "core/Error.h"
#include "core/Files.h"
#include "io/DicomSeries.h"

#include <itkImageFileReader.h>
#include <itkImageFileWriter.h>
#include <itkIOCommon.h>
#include <itkMetaDataObject.h>
#include <itkMetaImageIO.h>
#include <itkNiftiImageIO.h>
#include <itkNrrdImageIO.h>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace irplan {
namespace fs = std::filesystem;

namespace {

enum class FileFormat { None, Nifti, Nrrd, Meta };

FileFormat formatOf(const fs::path& p) {
    const std::string ext = files::extensionOf(p);
    if (ext == ".nii" || ext == ".nii.gz") return FileFormat::Nifti;
    if (ext == ".nrrd" || ext == ".nhdr") return FileFormat::Nrrd;
    if (ext == ".mha" || ext == ".mhd") return FileFormat::Meta;
    return FileFormat::None;
}

const char* formatName(FileFormat f) {
    switch (f) {
    case FileFormat::Nifti: return "nifti";
    case FileFormat::Nrrd: return "nrrd";
    case FileFormat::Meta: return "metaimage";
    default: return "unknown";
    }
}

itk::ImageIOBase::Pointer makeIO(FileFormat f) {
    switch (f) {
    case FileFormat::Nifti: return itk::NiftiImageIO::New().GetPointer();
    case FileFormat::Nrrd: return itk::NrrdImageIO::New().GetPointer();
    case FileFormat::Meta: return itk::MetaImageIO::New().GetPointer();
    default: return nullptr;
    }
}

// ITK's description on one line (the CLI prints an error as one line), without
// the "ITK ERROR: NrrdImageIO(0x55d0...): " object prefix.
std::string itkReason(const itk::ExceptionObject& e) {
    std::string d = e.GetDescription();
    if (d.rfind("ITK ERROR: ", 0) == 0) {
        const auto close = d.find("): ");
        if (close != std::string::npos) d = d.substr(close + 3);
    }
    std::string out;
    bool space = false;
    for (char c : d) {
        if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string fmt(double v) {
    std::ostringstream s;
    s.precision(6);
    s << v;
    return s.str();
}

const char* kUnitsKey = "irplan_units";
const char* kModalityKey = "irplan_modality";
const char* kNiftiAuxPrefix = "irplan:"; // NIfTI aux_file: "irplan:UNITS[:MODALITY]"

// ---- What ITK's readers let through ------------------------------------------
// nifti1_io (inside ITK) silently replaces a zero pixdim by 1, fills a data
// block that is too short with zeros and turns NaN/Inf floats into 0; MetaIO
// prints "data not read completely" and returns a half-filled volume. These
// checks read the file's own header and data length so such files are refused
// (and NaNs counted) instead of being shown as plausible volumes.

std::string bytesText(double b) {
    std::ostringstream s;
    s.precision(15);
    s << b;
    return s.str();
}

Error truncated(const fs::path& path, double have, double want) {
    return Error(path.string() + " is truncated or damaged: it holds " + bytesText(std::max(0.0, have)) +
                 " of the " + bytesText(want) + " bytes of voxel data its header announces");
}

class GzReader {
public:
    explicit GzReader(const fs::path& p) : f_(gzopen(p.string().c_str(), "rb")) {}
    ~GzReader() {
        if (f_) gzclose(f_);
    }
    GzReader(const GzReader&) = delete;
    GzReader& operator=(const GzReader&) = delete;
    explicit operator bool() const { return f_ != nullptr; }
    // Bytes read (fewer at the end of the data or of a damaged stream).
    size_t read(void* buf, size_t n) {
        const int r = gzread(f_, buf, static_cast<unsigned>(n));
        return r > 0 ? static_cast<size_t>(r) : 0;
    }
    bool skip(double offset) { return gzseek(f_, static_cast<z_off_t>(offset), SEEK_SET) >= 0; }

private:
    gzFile f_;
};

// Checks a NIfTI-1 file (.nii or .nii.gz) against its own header; returns the
// number of NaN/Inf voxels (which the reader will have turned into 0).
size_t checkNifti(const fs::path& path) {
    GzReader in(path); // reads .nii transparently
    if (!in) throw Error("cannot open " + path.string());
    unsigned char h[348];
    if (in.read(h, sizeof h) != sizeof h) throw Error(path.string() + " is truncated: its NIfTI header is incomplete");
    int32_t sizeofHdr;
    std::memcpy(&sizeofHdr, h, 4);
    const bool swap = sizeofHdr != 348;
    auto fix = [swap](unsigned char* p, size_t n) {
        if (swap) std::reverse(p, p + n);
    };
    fix(reinterpret_cast<unsigned char*>(&sizeofHdr), 4);
    if (sizeofHdr != 348) return 0; // not NIfTI-1: ITK decides
    auto i16 = [&](size_t off) {
        unsigned char b[2] = {h[off], h[off + 1]};
        fix(b, 2);
        int16_t v;
        std::memcpy(&v, b, 2);
        return static_cast<int>(v);
    };
    auto f32 = [&](size_t off) {
        unsigned char b[4] = {h[off], h[off + 1], h[off + 2], h[off + 3]};
        fix(b, 4);
        float v;
        std::memcpy(&v, b, 4);
        return v;
    };
    const int nd = i16(40);
    if (nd < 1 || nd > 7) return 0;
    double voxels = 1;
    for (int i = 1; i <= nd; ++i) {
        if (i16(40 + 2 * i) < 1) return 0;
        voxels *= i16(40 + 2 * i);
    }
    for (int i = 1; i <= std::min(nd, 3); ++i) {
        const float p = f32(76 + 4 * i);
        if (p == 0 || !std::isfinite(p))
            throw Error(path.string() + " has spacing " + fmt(p) + " mm along axis " + std::to_string(i - 1) +
                        " (pixdim[" + std::to_string(i) + "] of its NIfTI header); voxel sizes must be positive");
    }
    const int datatype = i16(70), bitpix = i16(72);
    const double voxOffset = std::max<double>(f32(108), 348.0);
    const double want = voxels * bitpix / 8.0;
    // DT_FLOAT32, DT_COMPLEX64, DT_FLOAT64, DT_COMPLEX128.
    const int floatBytes = (datatype == 16 || datatype == 32) ? 4 : (datatype == 64 || datatype == 1792) ? 8 : 0;
    std::error_code ec;
    const double fileSize = static_cast<double>(fs::file_size(path, ec));
    const bool gz = files::extensionOf(path) == ".nii.gz";
    if (floatBytes == 0) {
        if (!gz) {
            if (fileSize - voxOffset < want) throw truncated(path, fileSize - voxOffset, want);
            return 0;
        }
        // gzip keeps the uncompressed length (mod 2^32) in its last 4 bytes.
        std::ifstream raw(path, std::ios::binary);
        unsigned char t[4] = {0, 0, 0, 0};
        raw.seekg(-4, std::ios::end);
        raw.read(reinterpret_cast<char*>(t), 4);
        const uint32_t isize = t[0] | (t[1] << 8) | (t[2] << 16) | (static_cast<uint32_t>(t[3]) << 24);
        if (raw && isize == static_cast<uint32_t>(static_cast<uint64_t>(voxOffset + want))) return 0;
        // Otherwise (several gzip members, or damage): count the bytes below.
    }
    if (!in.skip(voxOffset)) throw truncated(path, 0, want);
    std::vector<unsigned char> buf(1 << 20);
    double have = 0;
    size_t nonFinite = 0;
    while (have < want) {
        const size_t n = in.read(buf.data(), static_cast<size_t>(std::min<double>(buf.size(), want - have)));
        if (n == 0) break;
        for (size_t i = 0; floatBytes && i + floatBytes <= n; i += floatBytes) {
            fix(&buf[i], floatBytes);
            if (floatBytes == 4) {
                float v;
                std::memcpy(&v, &buf[i], 4);
                nonFinite += !std::isfinite(v);
            } else {
                double v;
                std::memcpy(&v, &buf[i], 8);
                nonFinite += !std::isfinite(v);
            }
        }
        have += static_cast<double>(n);
    }
    if (have < want) throw truncated(path, have, want);
    return nonFinite;
}

// Checks that a MetaImage's data (LOCAL or a separate file) is as long as its
// header says; list and pattern data files are left to ITK.
void checkMetaImage(const fs::path& path, const itk::ImageIOBase* io) {
    std::ifstream in(path, std::ios::binary);
    std::string line, dataFile;
    double headerEnd = 0, compressedSize = -1;
    long skip = 0;
    bool compressed = false;
    while (std::getline(in, line)) {
        headerEnd += static_cast<double>(line.size() + 1);
        if (headerEnd > (1 << 20)) return; // no sane header
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        auto trimmed = [](std::string t) {
            const char* ws = " \t\r";
            t.erase(0, t.find_first_not_of(ws));
            t.erase(t.find_last_not_of(ws) + 1);
            return t;
        };
        const std::string key = trimmed(line.substr(0, eq)), value = trimmed(line.substr(eq + 1));
        if (key == "CompressedData") compressed = value == "True" || value == "true" || value == "1";
        if (key == "CompressedDataSize") compressedSize = std::atof(value.c_str());
        if (key == "HeaderSize") skip = std::atol(value.c_str());
        if (key == "ElementDataFile") {
            dataFile = value;
            break;
        }
    }
    if (dataFile.empty() || dataFile.rfind("LIST", 0) == 0 || dataFile.find('%') != std::string::npos) return;
    double want = 1;
    for (unsigned i = 0; i < io->GetNumberOfDimensions(); ++i) want *= static_cast<double>(io->GetDimensions(i));
    want *= static_cast<double>(io->GetComponentSize() * io->GetNumberOfComponents());
    if (compressed) {
        if (compressedSize <= 0) return; // length unknown
        want = compressedSize;
    }
    std::error_code ec;
    double have;
    if (dataFile == "LOCAL") {
        have = static_cast<double>(fs::file_size(path, ec)) - headerEnd;
    } else {
        fs::path df = dataFile;
        if (df.is_relative()) df = path.parent_path() / df;
        if (!fs::is_regular_file(df, ec))
            throw Error(path.string() + " names the data file " + df.string() + ", which does not exist");
        have = static_cast<double>(fs::file_size(df, ec)) - static_cast<double>(std::max(0L, skip));
    }
    if (have < want) throw truncated(path, have, want);
}

// Opens the header, checks it describes one scalar 3D volume of sane size.
// For NIfTI, *niftiNonFinite receives the number of NaN/Inf voxels in the file.
itk::ImageIOBase::Pointer openHeader(const fs::path& path, bool requireInteger, size_t* niftiNonFinite = nullptr) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw Error("no such file or directory: " + path.string());
    if (!fs::is_regular_file(path, ec)) throw Error(path.string() + " is not a regular file");
    if (fs::file_size(path, ec) == 0) throw Error(path.string() + " is empty");
    const FileFormat format = formatOf(path);
    if (format == FileFormat::None)
        throw Error(path.string() + ": unsupported file type (IRPlan reads DICOM directories, .nii, .nii.gz, "
                                    ".nrrd, .nhdr, .mha and .mhd)");
    auto io = makeIO(format);
    if (!io->CanReadFile(path.string().c_str()))
        throw Error(path.string() + " is not a readable " + formatName(format) + " file (damaged or not that format)");
    io->SetFileName(path.string());
    try {
        io->ReadImageInformation();
    } catch (const itk::ExceptionObject& e) {
        throw Error(path.string() + " has a damaged header: " + itkReason(e));
    }
    const unsigned nd = io->GetNumberOfDimensions();
    std::vector<size_t> dims;
    for (unsigned i = 0; i < nd; ++i) dims.push_back(io->GetDimensions(i));
    auto sizeText = [&] {
        std::string s;
        for (size_t i = 0; i < dims.size(); ++i) s += (i ? " x " : "") + std::to_string(dims[i]);
        return s;
    };
    if (nd < 3 || dims[2] <= 1)
        throw Error(path.string() + " is a 2D image (" + sizeText() + "); IRPlan needs a 3D volume");
    for (unsigned i = 3; i < nd; ++i)
        if (dims[i] > 1)
            throw Error(path.string() + " has " + std::to_string(nd) + " dimensions (" + sizeText() +
                        "); IRPlan reads one 3D volume, not a time series");
    if (io->GetNumberOfComponents() != 1)
        throw Error(path.string() + " has " + std::to_string(io->GetNumberOfComponents()) +
                    " values per voxel; IRPlan reads scalar volumes");
    double voxels = 1;
    for (unsigned i = 0; i < 3; ++i) voxels *= static_cast<double>(dims[i]);
    if (voxels > 2.0e9) throw Error(path.string() + " claims " + sizeText() + " voxels, which is implausible");
    for (unsigned i = 0; i < 3; ++i) {
        const double s = io->GetSpacing(i);
        if (!(s > 0) || !std::isfinite(s))
            throw Error(path.string() + " has spacing " + fmt(s) + " mm along axis " + std::to_string(i) +
                        "; voxel sizes must be positive");
    }
    if (format == FileFormat::Nifti) {
        const size_t bad = checkNifti(path);
        if (niftiNonFinite) *niftiNonFinite = bad;
    } else if (format == FileFormat::Meta) {
        checkMetaImage(path, io);
    }
    if (requireInteger) {
        using C = itk::IOComponentEnum;
        const C c = io->GetComponentType();
        if (c == C::FLOAT || c == C::DOUBLE)
            throw Error(path.string() + " stores floating-point values; a label map must hold integer labels");
    }
    return io;
}

template <class TImage>
typename TImage::Pointer readWithIO(const fs::path& path, itk::ImageIOBase* io) {
    auto reader = itk::ImageFileReader<TImage>::New();
    reader->SetFileName(path.string());
    reader->SetImageIO(io);
    try {
        reader->Update();
    } catch (const itk::ExceptionObject& e) {
        throw Error(path.string() + " could not be read (truncated or damaged?): " + itkReason(e));
    } catch (const std::bad_alloc&) {
        throw Error("not enough memory to read " + path.string());
    }
    typename TImage::Pointer image = reader->GetOutput();
    image->DisconnectPipeline();
    return image;
}

void parseNotes(const itk::MetaDataDictionary& dict, VolumeMeta& meta) {
    std::string units, modality, notes;
    itk::ExposeMetaData<std::string>(dict, kUnitsKey, units);
    itk::ExposeMetaData<std::string>(dict, kModalityKey, modality);
    std::string aux;
    if (itk::ExposeMetaData<std::string>(dict, "aux_file", aux) && aux.rfind(kNiftiAuxPrefix, 0) == 0) {
        aux = aux.substr(std::string(kNiftiAuxPrefix).size());
        const auto colon = aux.find(':');
        units = aux.substr(0, colon);
        if (colon != std::string::npos) modality = aux.substr(colon + 1);
    }
    if (itk::ExposeMetaData<std::string>(dict, itk::ITK_FileNotes, notes) && notes.rfind("irplan ", 0) == 0) {
        std::istringstream in(notes.substr(7));
        std::string kv;
        while (in >> kv) {
            const auto eq = kv.find('=');
            if (eq == std::string::npos) continue;
            const std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
            if (k == "units") units = v;
            if (k == "modality") modality = v;
        }
    }
    if (!units.empty()) {
        try {
            meta.units = unitsFromName(units);
        } catch (const Error&) {
            meta.warnings.push_back("unknown units '" + units + "' in the header; treated as unknown");
        }
    }
    meta.modality = modality;
    if (meta.units == Units::SUVbw) {
        meta.suv.available = true;
        meta.suv.alreadySuv = true;
        meta.suv.factor = 1.0;
    } else if (meta.units == Units::BQML) {
        meta.suv.reason = "the file stores Bq/mL without the DICOM tags needed for SUV; showing Bq/mL";
    } else {
        meta.suv.reason = "the file does not say its values are SUV";
    }
}

size_t countNonFinite(const FloatImage* image) {
    const float* p = image->GetBufferPointer();
    const size_t n = image->GetBufferedRegion().GetNumberOfPixels();
    size_t bad = 0;
    for (size_t i = 0; i < n; ++i) bad += !std::isfinite(p[i]);
    return bad;
}

template <class TOut>
typename itk::Image<TOut, 3>::Pointer castRounded(const FloatImage* in) {
    using Out = itk::Image<TOut, 3>;
    auto out = Out::New();
    out->CopyInformation(in);
    out->SetRegions(in->GetLargestPossibleRegion());
    out->Allocate();
    const float* p = in->GetBufferPointer();
    TOut* o = out->GetBufferPointer();
    const size_t n = in->GetBufferedRegion().GetNumberOfPixels();
    const double lo = static_cast<double>(std::numeric_limits<TOut>::lowest());
    const double hi = static_cast<double>(std::numeric_limits<TOut>::max());
    for (size_t i = 0; i < n; ++i) o[i] = static_cast<TOut>(std::clamp(std::round(static_cast<double>(p[i])), lo, hi));
    return out;
}

template <class TImage>
void writeImage(const TImage* image, const fs::path& path, bool compress, const std::string& units,
                const std::string& modality) {
    const FileFormat format = formatOf(path);
    if (format == FileFormat::None)
        throw Error("cannot write " + path.string() + ": use .nii.gz, .nii, .mha, .mhd or .nrrd");
    files::AtomicFile out(path);
    // A view sharing the voxels, so the caller's image and its dictionary stay untouched.
    auto view = TImage::New();
    view->Graft(image);
    itk::MetaDataDictionary dict;
    if (!units.empty()) {
        std::string notes = "irplan units=" + units;
        if (!modality.empty()) notes += " modality=" + modality;
        itk::EncapsulateMetaData<std::string>(dict, itk::ITK_FileNotes, notes);
        if (format != FileFormat::Nifti) {
            itk::EncapsulateMetaData<std::string>(dict, kUnitsKey, units);
            if (!modality.empty()) itk::EncapsulateMetaData<std::string>(dict, kModalityKey, modality);
        } else {
            // ITK 5.2's NIfTI writer drops ITK_FileNotes (descrip stays empty); aux_file
            // (23 characters at most) is the one free-text field it writes.
            std::string aux = std::string(kNiftiAuxPrefix) + units;
            if (!modality.empty() && aux.size() + 1 + modality.size() <= 23) aux += ":" + modality;
            itk::EncapsulateMetaData<std::string>(dict, "aux_file", aux);
        }
    }
    view->SetMetaDataDictionary(dict);
    auto writer = itk::ImageFileWriter<TImage>::New();
    writer->SetInput(view);
    writer->SetImageIO(makeIO(format));
    writer->SetFileName(out.tempPath().string());
    writer->SetUseCompression(compress);
    try {
        writer->Update();
    } catch (const itk::ExceptionObject& e) {
        throw Error("cannot write " + path.string() + ": " + itkReason(e));
    }
    out.commit();
}

} // namespace

void validateGeometry(const itk::ImageBase<3>* image, const std::string& what) {
    const auto size = image->GetLargestPossibleRegion().GetSize();
    if (size[0] < 2 || size[1] < 2 || size[2] < 2)
        throw Error(what + " is " + std::to_string(size[0]) + " x " + std::to_string(size[1]) + " x " +
                    std::to_string(size[2]) + " voxels; IRPlan needs a 3D volume");
    for (unsigned i = 0; i < 3; ++i) {
        const double s = image->GetSpacing()[i];
        if (!(s > 0) || !std::isfinite(s))
            throw Error(what + " has spacing " + fmt(s) + " mm along axis " + std::to_string(i) +
                        "; voxel sizes must be positive");
        if (!std::isfinite(image->GetOrigin()[i])) throw Error(what + " has a non-finite origin");
    }
    const auto& d = image->GetDirection();
    for (unsigned c = 0; c < 3; ++c)
        for (unsigned c2 = 0; c2 < 3; ++c2) {
            double dotp = 0;
            for (unsigned r = 0; r < 3; ++r) {
                if (!std::isfinite(d(r, c))) throw Error(what + " has a non-finite direction matrix");
                dotp += d(r, c) * d(r, c2);
            }
            if (std::abs(dotp - (c == c2 ? 1.0 : 0.0)) > 1e-3)
                throw Error(what + " has a direction matrix whose axes are not orthonormal; its orientation "
                                   "cannot be trusted");
        }
}

bool isImageFilePath(const fs::path& path) { return formatOf(path) != FileFormat::None; }

Volume readVolume(const fs::path& path, const ReadOptions& options) {
    std::error_code ec;
    if (path.empty()) throw Error("no input path given");
    if (!fs::exists(path, ec)) throw Error("no such file or directory: " + path.string());
    Volume v;
    if (fs::is_directory(path, ec)) {
        files::registerInput(path);
        v = readDicomDirectory(path, options.seriesUid, options.progress);
    } else if (formatOf(path) == FileFormat::None) {
        if (!isDicomFile(path))
            throw Error(path.string() + " is neither DICOM nor a supported image file (.nii, .nii.gz, .nrrd, "
                                        ".nhdr, .mha, .mhd)");
        // One file of a series: read the series it belongs to from its directory
        // ("." for a bare file name).
        const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
        files::registerInput(dir);
        const std::string uid = options.seriesUid.empty() ? seriesUidOfFile(path) : options.seriesUid;
        v = readDicomDirectory(dir, uid, options.progress);
    } else {
        files::registerInput(path);
        if (formatOf(path) == FileFormat::Meta && files::extensionOf(path) == ".mhd") {
            // The .raw companion is an input too.
            files::registerInput(fs::path(path).replace_extension(".raw"));
            files::registerInput(fs::path(path).replace_extension(".zraw"));
        }
        size_t niftiNonFinite = 0;
        auto io = openHeader(path, false, &niftiNonFinite);
        if (niftiNonFinite > 0) {
            if (!options.allowNonFinite)
                throw Error(path.string() + " has " + std::to_string(niftiNonFinite) +
                            " voxels that are NaN or infinite; IRPlan will not guess values for them");
            v.meta.warnings.push_back(std::to_string(niftiNonFinite) +
                                      " voxels are NaN or infinite in the file; the NIfTI reader stores them as 0");
        }
        options.progress.update(0.1, "reading " + path.filename().string());
        v.image = readWithIO<FloatImage>(path, io);
        v.meta.format = formatName(formatOf(path));
        parseNotes(io->GetMetaDataDictionary(), v.meta);
        validateGeometry(v.image, path.string());
    }
    v.meta.sourcePath = path.string();
    if (!options.allowNonFinite) {
        const size_t bad = countNonFinite(v.image);
        if (bad > 0)
            throw Error(path.string() + " has " + std::to_string(bad) +
                        " voxels that are NaN or infinite; IRPlan will not guess values for them");
    }
    options.progress.update(1.0, "read " + path.filename().string());
    return v;
}

LabelImage::Pointer readLabelMap(const fs::path& path) {
    auto io = openHeader(path, true);
    files::registerInput(path);
    // Read as float first to reject negative or out-of-range labels instead of wrapping them.
    FloatImage::Pointer f = readWithIO<FloatImage>(path, io);
    validateGeometry(f, path.string());
    auto labels = LabelImage::New();
    labels->CopyInformation(f);
    labels->SetRegions(f->GetLargestPossibleRegion());
    labels->Allocate();
    const float* p = f->GetBufferPointer();
    auto* o = labels->GetBufferPointer();
    const size_t n = f->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < n; ++i) {
        if (!(p[i] >= 0) || p[i] > 65535 || p[i] != std::floor(p[i]))
            throw Error(path.string() + " is not a label map: it holds the value " + fmt(p[i]));
        o[i] = static_cast<LabelImage::PixelType>(p[i]);
    }
    return labels;
}

void writeVolume(const Volume& volume, const fs::path& path, const WriteOptions& options) {
    if (!volume.image) throw Error("cannot write " + path.string() + ": no image");
    const std::string units = unitsName(volume.meta.units);
    const std::string& modality = volume.meta.modality;
    switch (options.pixelType) {
    case PixelType::Float32: {
        writeImage<FloatImage>(volume.image.GetPointer(), path, options.compress, units, modality);
        break;
    }
    case PixelType::Int16: {
        auto img = castRounded<int16_t>(volume.image);
        writeImage(img.GetPointer(), path, options.compress, units, modality);
        break;
    }
    case PixelType::UInt8: {
        auto img = castRounded<uint8_t>(volume.image);
        writeImage(img.GetPointer(), path, options.compress, units, modality);
        break;
    }
    case PixelType::UInt16: {
        auto img = castRounded<uint16_t>(volume.image);
        writeImage(img.GetPointer(), path, options.compress, units, modality);
        break;
    }
    }
}

void writeLabelMap(const LabelImage* labels, const fs::path& path) {
    if (!labels) throw Error("cannot write " + path.string() + ": no label map");
    writeImage(labels, path, true, "", "");
}

void writeMask(const MaskImage* mask, const fs::path& path) {
    if (!mask) throw Error("cannot write " + path.string() + ": no mask");
    writeImage(mask, path, true, "", "");
}

} // namespace irplan
