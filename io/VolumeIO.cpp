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

#include <algorithm>
#include <cmath>
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

std::string itkReason(const itk::ExceptionObject& e) {
    std::string d = e.GetDescription();
    while (!d.empty() && (d.back() == '\n' || d.back() == ' ')) d.pop_back();
    return d;
}

std::string fmt(double v) {
    std::ostringstream s;
    s.precision(6);
    s << v;
    return s.str();
}

const char* kUnitsKey = "irplan_units";
const char* kModalityKey = "irplan_modality";

// Opens the header, checks it describes one scalar 3D volume of sane size.
itk::ImageIOBase::Pointer openHeader(const fs::path& path, bool requireInteger) {
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
        // One file of a series: read the series it belongs to from its directory.
        files::registerInput(path.parent_path());
        const std::string uid = options.seriesUid.empty() ? seriesUidOfFile(path) : options.seriesUid;
        v = readDicomDirectory(path.parent_path(), uid, options.progress);
    } else {
        files::registerInput(path);
        if (formatOf(path) == FileFormat::Meta && files::extensionOf(path) == ".mhd") {
            // The .raw companion is an input too.
            files::registerInput(fs::path(path).replace_extension(".raw"));
            files::registerInput(fs::path(path).replace_extension(".zraw"));
        }
        auto io = openHeader(path, false);
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
