#include "io/DicomSeries.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/Geometry.h"
#include "core/Log.h"
#include "io/DicomTags.h"
#include "io/VolumeIO.h"

#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmReader.h>
#include <gdcmScanner.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace irplan {
namespace fs = std::filesystem;

namespace {

const gdcm::Tag kSeriesUid(0x0020, 0x000e), kModality(0x0008, 0x0060), kSeriesDescription(0x0008, 0x103e),
    kFrameOfReference(0x0020, 0x0052), kIpp(0x0020, 0x0032), kIop(0x0020, 0x0037), kPixelSpacing(0x0028, 0x0030),
    kSlope(0x0028, 0x1053), kIntercept(0x0028, 0x1052), kAcqDate(0x0008, 0x0022), kAcqTime(0x0008, 0x0032),
    kFrames(0x0028, 0x0008), kStudyUid(0x0020, 0x000d), kPatientId(0x0010, 0x0020), kUnits(0x0054, 0x1001),
    kSuvType(0x0054, 0x1006), kDecayCorrection(0x0054, 0x1102), kRadioSeq(0x0054, 0x0016),
    kTotalDose(0x0018, 0x1074), kStartTime(0x0018, 0x1072), kStartDateTime(0x0018, 0x1078),
    kHalfLife(0x0018, 0x1075), kRadiopharmaceutical(0x0018, 0x0031), kNuclideCodeSeq(0x0054, 0x0300),
    kCodeMeaning(0x0008, 0x0104), kWeight(0x0010, 0x1030), kHeight(0x0010, 0x1020), kSex(0x0010, 0x0040),
    kSeriesDate(0x0008, 0x0021), kSeriesTime(0x0008, 0x0031), kPhotometric(0x0028, 0x0004),
    kContrastAgent(0x0018, 0x0010);

std::string scannerValue(const gdcm::Scanner& s, const std::string& file, const gdcm::Tag& tag) {
    const char* v = s.GetValue(file.c_str(), tag);
    return v ? dicom::trim(v) : std::string();
}

std::string fmt(double v, int precision = 4) {
    std::ostringstream s;
    s.precision(precision);
    s << v;
    return s.str();
}

struct Slice {
    fs::path file;
    Vec3 ipp;
    double position = 0; // along the slice normal
    double slope = 1, intercept = 0;
    std::string acqDate, acqTime;
};

// Converts a GDCM pixel buffer to float with this slice's rescale.
template <class T>
void convert(const char* raw, size_t n, double slope, double intercept, float* out, int bitsStored, bool isSigned) {
    const T* p = reinterpret_cast<const T*>(raw);
    const int bits = static_cast<int>(sizeof(T) * 8);
    const bool clean = bitsStored > 0 && bitsStored < bits;
    for (size_t i = 0; i < n; ++i) {
        double v;
        if (clean) {
            // Keep only BitsStored bits (overlays may sit in the high bits), sign-extended.
            using U = typename std::make_unsigned<T>::type;
            U u = static_cast<U>(p[i]) & static_cast<U>((U(1) << bitsStored) - 1);
            if (isSigned && (u >> (bitsStored - 1)) & 1) v = static_cast<double>(u) - static_cast<double>(U(1) << bitsStored);
            else v = static_cast<double>(u);
        } else {
            v = static_cast<double>(p[i]);
        }
        out[i] = static_cast<float>(v * slope + intercept);
    }
}

void decodeSlice(const gdcm::Image& img, const std::vector<char>& buf, size_t count, double slope, double intercept,
                 float* out, const std::string& file) {
    const gdcm::PixelFormat pf = img.GetPixelFormat();
    if (pf.GetSamplesPerPixel() != 1)
        throw Error("DICOM file " + file + " holds a colour image; IRPlan reads greyscale volumes only");
    const int stored = pf.GetBitsStored();
    const bool sgn = pf.GetPixelRepresentation() == 1;
    switch (pf.GetScalarType()) {
    case gdcm::PixelFormat::UINT8: convert<uint8_t>(buf.data(), count, slope, intercept, out, stored, false); break;
    case gdcm::PixelFormat::INT8: convert<int8_t>(buf.data(), count, slope, intercept, out, stored, true); break;
    case gdcm::PixelFormat::UINT12:
    case gdcm::PixelFormat::UINT16: convert<uint16_t>(buf.data(), count, slope, intercept, out, stored, false); break;
    case gdcm::PixelFormat::INT12:
    case gdcm::PixelFormat::INT16: convert<int16_t>(buf.data(), count, slope, intercept, out, stored, sgn); break;
    case gdcm::PixelFormat::UINT32: convert<uint32_t>(buf.data(), count, slope, intercept, out, stored, false); break;
    case gdcm::PixelFormat::INT32: convert<int32_t>(buf.data(), count, slope, intercept, out, stored, true); break;
    case gdcm::PixelFormat::FLOAT32: {
        const float* p = reinterpret_cast<const float*>(buf.data());
        for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(p[i] * slope + intercept);
        break;
    }
    case gdcm::PixelFormat::FLOAT64: {
        const double* p = reinterpret_cast<const double*>(buf.data());
        for (size_t i = 0; i < count; ++i) out[i] = static_cast<float>(p[i] * slope + intercept);
        break;
    }
    default: throw Error("DICOM file " + file + " has a pixel format IRPlan cannot read");
    }
}

Units unitsFor(const std::string& modality, const gdcm::DataSet& ds) {
    if (modality == "CT") return Units::HU;
    if (modality == "MR") return Units::Signal;
    if (modality == "PT" || modality == "NM") {
        const std::string u = dicom::getString(ds, kUnits).value_or("");
        if (u == "BQML") return Units::BQML;
        if (u == "GML" && dicom::getString(ds, kSuvType).value_or("BW") == "BW") return Units::SUVbw;
        if (u == "CNTS") return Units::Counts;
    }
    return Units::Unknown;
}

PetTags petTags(const gdcm::DataSet& ds, const std::vector<Slice>& slices) {
    PetTags t;
    t.units = dicom::getString(ds, kUnits);
    t.suvType = dicom::getString(ds, kSuvType);
    t.decayCorrection = dicom::getString(ds, kDecayCorrection);
    if (auto item = dicom::firstItem(ds, kRadioSeq)) {
        t.totalDoseBq = dicom::getNumber(*item, kTotalDose);
        t.startTime = dicom::getString(*item, kStartTime);
        t.startDateTime = dicom::getString(*item, kStartDateTime);
        t.halfLifeSeconds = dicom::getNumber(*item, kHalfLife);
        t.radionuclide = dicom::getString(*item, kRadiopharmaceutical);
        if (auto code = dicom::firstItem(*item, kNuclideCodeSeq)) {
            auto meaning = dicom::getString(*code, kCodeMeaning);
            if (meaning) t.radionuclide = t.radionuclide ? *t.radionuclide + " (" + *meaning + ")" : *meaning;
        }
    }
    t.weightKg = dicom::getNumber(ds, kWeight);
    t.heightM = dicom::getNumber(ds, kHeight);
    t.sex = dicom::getString(ds, kSex);
    t.seriesDate = dicom::getString(ds, kSeriesDate);
    t.seriesTime = dicom::getString(ds, kSeriesTime);
    // Earliest acquisition over the slices.
    std::optional<double> best;
    for (const auto& s : slices) {
        if (s.acqTime.empty()) continue;
        auto v = dicomDateTimeSeconds(s.acqDate, s.acqTime);
        if (v && (!best || *v < *best)) {
            best = v;
            t.acquisitionDate = s.acqDate.empty() ? std::nullopt : std::optional<std::string>(s.acqDate);
            t.acquisitionTime = s.acqTime;
        }
    }
    return t;
}

void fillMeta(VolumeMeta& meta, const gdcm::DataSet& ds, const DicomSeriesSummary& series,
              const std::vector<Slice>& slices) {
    meta.modality = series.modality;
    meta.format = "dicom";
    meta.seriesInstanceUid = series.seriesUid;
    meta.seriesDescription = series.description;
    meta.frameOfReferenceUid = series.frameOfReferenceUid;
    meta.studyInstanceUid = dicom::getString(ds, kStudyUid).value_or("");
    meta.patientId = dicom::getString(ds, kPatientId).value_or("");
    meta.contrastAgent = dicom::getString(ds, kContrastAgent).value_or("");
    meta.units = unitsFor(series.modality, ds);
    if (dicom::getString(ds, kPhotometric).value_or("") == "MONOCHROME1")
        meta.warnings.push_back("PhotometricInterpretation is MONOCHROME1 (inverted grey scale); values are kept as stored");
    if (series.modality == "PT" || series.modality == "NM") {
        meta.suv = computeSuv(petTags(ds, slices));
        if (!meta.suv.available) meta.warnings.push_back(meta.suv.reason);
        if (!meta.suv.warning.empty()) meta.warnings.push_back(meta.suv.warning);
    }
}

// Reads one multi-frame file (NM/enhanced objects) with GDCM's own geometry.
Volume readMultiFrame(const DicomSeriesSummary& series, const Progress& progress) {
    const fs::path& file = series.files.front();
    gdcm::ImageReader reader;
    reader.SetFileName(file.string().c_str());
    if (!reader.Read()) throw Error("cannot read the pixel data of DICOM file " + file.string());
    const gdcm::Image& img = reader.GetImage();
    const unsigned* dims = img.GetDimensions();
    if (img.GetNumberOfDimensions() != 3 || dims[2] < 2)
        throw Error("DICOM file " + file.string() + " is a single 2D image; IRPlan needs a 3D volume");
    std::vector<char> buf(img.GetBufferLength());
    if (!img.GetBuffer(buf.data())) throw Error("cannot decode the pixel data of " + file.string());
    progress.update(0.5, "decoding");

    auto image = FloatImage::New();
    FloatImage::RegionType region;
    region.SetSize({{dims[0], dims[1], dims[2]}});
    image->SetRegions(region);
    const double* sp = img.GetSpacing();
    const double* org = img.GetOrigin();
    const double* dc = img.GetDirectionCosines();
    image->SetSpacing(FloatImage::SpacingType(std::array<double, 3>{sp[0], sp[1], sp[2]}.data()));
    FloatImage::PointType origin;
    for (int i = 0; i < 3; ++i) origin[i] = org[i];
    image->SetOrigin(origin);
    Vec3 row{dc[0], dc[1], dc[2]}, col{dc[3], dc[4], dc[5]};
    Vec3 normal = cross(row, col);
    FloatImage::DirectionType dir;
    for (int i = 0; i < 3; ++i) {
        dir(i, 0) = row[i];
        dir(i, 1) = col[i];
        dir(i, 2) = normal[i];
    }
    image->SetDirection(dir);
    image->Allocate();
    const size_t count = static_cast<size_t>(dims[0]) * dims[1] * dims[2];
    decodeSlice(img, buf, count, img.GetSlope(), img.GetIntercept(), image->GetBufferPointer(), file.string());

    gdcm::Reader headerReader;
    headerReader.SetFileName(file.string().c_str());
    headerReader.Read();
    Volume v;
    v.image = image;
    fillMeta(v.meta, headerReader.GetFile().GetDataSet(), series, {});
    v.meta.warnings.push_back("multi-frame DICOM: slice positions come from the file's shared geometry");
    return v;
}

} // namespace

std::vector<const DicomSeriesSummary*> DicomScan::imageSeries() const {
    std::vector<const DicomSeriesSummary*> out;
    for (const auto& s : series)
        if (s.isImage) out.push_back(&s);
    return out;
}

std::string DicomScan::listing() const {
    std::ostringstream out;
    for (const auto& s : series) {
        out << "  " << s.seriesUid << "  " << (s.modality.empty() ? "?" : s.modality) << "  " << s.files.size()
            << " file" << (s.files.size() == 1 ? "" : "s");
        if (!s.description.empty()) out << "  \"" << s.description << "\"";
        if (!s.isImage) out << "  (no image)";
        out << "\n";
    }
    return out.str();
}

std::string DicomScan::listingOneLine() const {
    std::ostringstream out;
    for (size_t i = 0; i < series.size(); ++i) {
        const auto& s = series[i];
        out << (i ? "; " : "") << s.seriesUid << " (" << (s.modality.empty() ? "?" : s.modality) << ", "
            << s.files.size() << " file" << (s.files.size() == 1 ? "" : "s");
        if (!s.description.empty()) out << ", \"" << s.description << "\"";
        if (!s.isImage) out << ", no image";
        out << ")";
    }
    return out.str();
}

bool isDicomFile(const fs::path& file) {
    // GDCM's CanRead accepts an empty file; no DICOM object is empty.
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec || size == 0) return false;
    dicom::quietGdcm();
    gdcm::Reader r;
    r.SetFileName(file.string().c_str());
    return r.CanRead();
}

std::string seriesUidOfFile(const fs::path& file) {
    dicom::quietGdcm();
    gdcm::Reader r;
    r.SetFileName(file.string().c_str());
    if (!r.ReadUpToTag(gdcm::Tag(0x7fe0, 0x0010))) return {};
    return dicom::getString(r.GetFile().GetDataSet(), kSeriesUid).value_or("");
}

DicomScan scanDicomDirectory(const fs::path& dir, const Progress& progress) {
    dicom::quietGdcm();
    std::error_code ec;
    if (!fs::exists(dir, ec)) throw Error("no such file or directory: " + dir.string());
    if (!fs::is_directory(dir, ec)) throw Error(dir.string() + " is not a directory");
    DicomScan scan;
    scan.directory = dir;
    std::vector<std::string> names;
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec)) names.push_back(it->path().string());
    }
    if (ec) throw Error("cannot list " + dir.string() + ": " + ec.message());
    std::sort(names.begin(), names.end());
    scan.filesSeen = names.size();
    if (names.empty()) throw Error("no files in " + dir.string() + " (expected a DICOM series)");
    progress.update(0.0, "scanning DICOM files");

    gdcm::Scanner scanner;
    for (const auto& t : {kSeriesUid, kModality, kSeriesDescription, kFrameOfReference, kIpp, kFrames})
        scanner.AddTag(t);
    if (!scanner.Scan(names)) throw Error("cannot scan DICOM files in " + dir.string());

    std::map<std::string, DicomSeriesSummary> bySeries;
    for (const auto& n : names) {
        if (!scanner.IsKey(n.c_str())) {
            ++scan.nonDicomFiles;
            continue;
        }
        const std::string uid = scannerValue(scanner, n, kSeriesUid);
        auto& s = bySeries[uid];
        if (s.files.empty()) {
            s.seriesUid = uid;
            s.modality = scannerValue(scanner, n, kModality);
            s.description = scannerValue(scanner, n, kSeriesDescription);
            s.frameOfReferenceUid = scannerValue(scanner, n, kFrameOfReference);
        }
        const bool hasGeometry = !scannerValue(scanner, n, kIpp).empty();
        const std::string frames = scannerValue(scanner, n, kFrames);
        if (hasGeometry || (!frames.empty() && std::atoi(frames.c_str()) > 1)) s.isImage = true;
        s.files.push_back(n);
    }
    for (auto& [uid, s] : bySeries) scan.series.push_back(std::move(s));
    if (scan.series.empty())
        throw Error("no DICOM files in " + dir.string() + " (" + std::to_string(scan.filesSeen) +
                    " files looked at, none is DICOM)");
    if (scan.nonDicomFiles > 0)
        log::info(std::to_string(scan.nonDicomFiles) + " of " + std::to_string(scan.filesSeen) + " files in " +
                  dir.string() + " are not DICOM and were ignored");
    return scan;
}

Volume readDicomDirectory(const fs::path& dir, const std::string& seriesUid, const Progress& progress) {
    const DicomScan scan = scanDicomDirectory(dir, progress.sub(0.0, 0.05));
    const DicomSeriesSummary* chosen = nullptr;
    if (!seriesUid.empty()) {
        for (const auto& s : scan.series)
            if (s.seriesUid == seriesUid) chosen = &s;
        if (!chosen)
            throw Error("series " + seriesUid + " is not in " + dir.string() + "; the directory holds: " +
                        scan.listingOneLine());
        if (!chosen->isImage)
            throw Error("series " + seriesUid + " (" + chosen->modality + ") in " + dir.string() +
                        " is not an image series");
    } else {
        const auto images = scan.imageSeries();
        if (images.empty())
            throw Error("no image series in " + dir.string() + "; it holds: " + scan.listingOneLine());
        if (images.size() > 1)
            throw Error(dir.string() + " holds " + std::to_string(images.size()) +
                        " image series; choose one with --series UID: " + scan.listingOneLine());
        chosen = images.front();
    }
    Volume v = readDicomSeries(*chosen, progress.sub(0.05, 1.0));
    v.meta.sourcePath = dir.string();
    return v;
}

Volume readDicomSeries(const DicomSeriesSummary& series, const Progress& progress) {
    dicom::quietGdcm();
    if (series.files.size() == 1) {
        Volume v = readMultiFrame(series, progress);
        validateGeometry(v.image, "DICOM series " + series.seriesUid);
        return v;
    }

    gdcm::Scanner scanner;
    for (const auto& t : {kIpp, kIop, kPixelSpacing, kSlope, kIntercept, kAcqDate, kAcqTime, kFrames})
        scanner.AddTag(t);
    std::vector<std::string> names;
    for (const auto& f : series.files) names.push_back(f.string());
    scanner.Scan(names);

    // Geometry per slice, with checks that the files form one volume.
    std::vector<Slice> slices;
    std::vector<double> iop0, spacing0;
    for (const auto& n : names) {
        const std::string frames = scannerValue(scanner, n, kFrames);
        if (!frames.empty() && std::atoi(frames.c_str()) > 1)
            throw Error("series " + series.seriesUid + " mixes multi-frame and single-frame files; IRPlan cannot "
                        "assemble it");
        auto ipp = dicom::parseNumbers(scannerValue(scanner, n, kIpp));
        auto iop = dicom::parseNumbers(scannerValue(scanner, n, kIop));
        auto ps = dicom::parseNumbers(scannerValue(scanner, n, kPixelSpacing));
        if (ipp.size() != 3)
            throw Error("DICOM file " + n + " lacks ImagePositionPatient (0020,0032); cannot place the slice");
        if (iop.size() != 6)
            throw Error("DICOM file " + n + " lacks ImageOrientationPatient (0020,0037); cannot orient the slice");
        if (ps.size() != 2 || ps[0] <= 0 || ps[1] <= 0)
            throw Error("DICOM file " + n + " lacks a valid PixelSpacing (0028,0030)");
        if (iop0.empty()) {
            iop0 = iop;
            spacing0 = ps;
        } else {
            for (size_t i = 0; i < 6; ++i)
                if (std::abs(iop[i] - iop0[i]) > 1e-3)
                    throw Error("series " + series.seriesUid +
                                " mixes slice orientations (a localizer or several stacks in one series); "
                                "IRPlan cannot make one volume of it");
            if (std::abs(ps[0] - spacing0[0]) > 1e-4 || std::abs(ps[1] - spacing0[1]) > 1e-4)
                throw Error("series " + series.seriesUid + " mixes pixel spacings (" + fmt(spacing0[0]) + " and " +
                            fmt(ps[0]) + " mm)");
        }
        Slice s;
        s.file = n;
        s.ipp = {ipp[0], ipp[1], ipp[2]};
        const std::string slope = scannerValue(scanner, n, kSlope), intercept = scannerValue(scanner, n, kIntercept);
        if (!slope.empty()) {
            auto v = dicom::parseNumbers(slope);
            if (v.empty() || v[0] == 0 || !std::isfinite(v[0]))
                throw Error("DICOM file " + n + " has an invalid RescaleSlope '" + slope + "'");
            s.slope = v[0];
        }
        if (!intercept.empty()) {
            auto v = dicom::parseNumbers(intercept);
            if (v.empty() || !std::isfinite(v[0]))
                throw Error("DICOM file " + n + " has an invalid RescaleIntercept '" + intercept + "'");
            s.intercept = v[0];
        }
        s.acqDate = scannerValue(scanner, n, kAcqDate);
        s.acqTime = scannerValue(scanner, n, kAcqTime);
        slices.push_back(std::move(s));
    }

    const Vec3 row = normalized({iop0[0], iop0[1], iop0[2]});
    const Vec3 col = normalized({iop0[3], iop0[4], iop0[5]});
    if (std::abs(dot(row, col)) > 1e-3 || norm(Vec3{iop0[0], iop0[1], iop0[2]}) < 0.5)
        throw Error("series " + series.seriesUid + " has an invalid ImageOrientationPatient");
    const Vec3 normal = normalized(cross(row, col));
    for (auto& s : slices) s.position = dot(s.ipp, normal);
    std::sort(slices.begin(), slices.end(), [](const Slice& a, const Slice& b) { return a.position < b.position; });

    const size_t n = slices.size();
    std::vector<double> steps;
    for (size_t k = 1; k < n; ++k) steps.push_back(slices[k].position - slices[k - 1].position);
    const double minStep = *std::min_element(steps.begin(), steps.end());
    const double maxStep = *std::max_element(steps.begin(), steps.end());
    if (minStep < 1e-3) {
        size_t dup = 0;
        for (double s : steps) dup += s < 1e-3;
        throw Error("series " + series.seriesUid + " has " + std::to_string(dup + 1) +
                    " slices at the same position (several phases, echoes or time frames in one series); "
                    "IRPlan cannot make one volume of it");
    }

    Volume v;
    std::vector<std::string>& warnings = v.meta.warnings;
    // Slices should stack along the normal; a sideways drift means gantry tilt.
    double shear = 0;
    for (const auto& s : slices) {
        const Vec3 d = s.ipp - slices.front().ipp;
        shear = std::max(shear, norm(d - normal * dot(d, normal)));
    }
    if (shear > 0.5)
        warnings.push_back("slice positions drift sideways by up to " + fmt(shear, 3) +
                           " mm (gantry tilt?); slices are stacked along the normal, so positions may be off by that much");

    const double span = slices.back().position - slices.front().position;
    const double meanStep = span / static_cast<double>(n - 1);
    double maxDeviation = 0;
    for (size_t k = 0; k < n; ++k)
        maxDeviation = std::max(maxDeviation, std::abs(slices[k].position - (slices.front().position + k * meanStep)));
    // Uneven spacing: within a tenth of a slice the uniform grid is kept (and said);
    // beyond that the slices are resampled onto the median step.
    bool resample = false;
    double step = meanStep;
    if (maxStep - minStep > 0.01) {
        if (maxDeviation <= 0.1 * meanStep) {
            warnings.push_back("slice spacing is not uniform: steps from " + fmt(minStep) + " to " + fmt(maxStep) +
                               " mm; every slice lies within " + fmt(maxDeviation, 3) + " mm of a uniform " +
                               fmt(meanStep, 6) + " mm grid, which is used");
        } else {
            resample = true;
            std::vector<double> sorted = steps;
            std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
            step = sorted[sorted.size() / 2];
            warnings.push_back("slice spacing is not uniform: steps from " + fmt(minStep) + " to " + fmt(maxStep) +
                               " mm (a slice is up to " + fmt(maxDeviation, 3) +
                               " mm off a uniform grid); resampled linearly onto " + fmt(step) + " mm slices");
        }
    }

    // Decode all slices (in parallel; each reader is independent).
    gdcm::ImageReader probe;
    probe.SetFileName(slices.front().file.string().c_str());
    if (!probe.Read()) throw Error("cannot read the pixel data of DICOM file " + slices.front().file.string());
    const unsigned cols = probe.GetImage().GetDimensions()[0];
    const unsigned rows = probe.GetImage().GetDimensions()[1];
    const size_t perSlice = static_cast<size_t>(cols) * rows;

    auto stack = FloatImage::New();
    FloatImage::RegionType region;
    region.SetSize({{cols, rows, static_cast<itk::SizeValueType>(n)}});
    stack->SetRegions(region);
    try {
        stack->Allocate();
    } catch (const std::exception&) {
        throw Error("not enough memory for a " + std::to_string(cols) + " x " + std::to_string(rows) + " x " +
                    std::to_string(n) + " volume");
    }

    std::atomic<size_t> next{0}, done{0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto worker = [&](bool reports) {
        std::vector<char> buf;
        for (;;) {
            const size_t k = next.fetch_add(1);
            if (k >= n) return;
            try {
                if (progress.cancelled()) throw Cancelled();
                gdcm::ImageReader r;
                const std::string file = slices[k].file.string();
                r.SetFileName(file.c_str());
                if (!r.Read()) throw Error("cannot read the pixel data of DICOM file " + file);
                const gdcm::Image& img = r.GetImage();
                if (img.GetDimensions()[0] != cols || img.GetDimensions()[1] != rows)
                    throw Error("series " + series.seriesUid + " mixes image sizes (" + std::to_string(cols) + " x " +
                                std::to_string(rows) + " and " + std::to_string(img.GetDimensions()[0]) + " x " +
                                std::to_string(img.GetDimensions()[1]) + ")");
                buf.resize(img.GetBufferLength());
                if (!img.GetBuffer(buf.data())) throw Error("cannot decode the pixel data of DICOM file " + file);
                decodeSlice(img, buf, perSlice, slices[k].slope, slices[k].intercept,
                            stack->GetBufferPointer() + k * perSlice, file);
                const size_t d = ++done;
                if (reports) progress.update(0.9 * static_cast<double>(d) / n, "reading DICOM slices");
            } catch (...) {
                std::lock_guard<std::mutex> lock(failureMutex);
                if (!failure) failure = std::current_exception();
                next.store(n);
                return;
            }
        }
    };
    const unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker, false);
    worker(true);
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);

    // Geometry.
    FloatImage::DirectionType dir;
    for (int i = 0; i < 3; ++i) {
        dir(i, 0) = row[i];
        dir(i, 1) = col[i];
        dir(i, 2) = normal[i];
    }
    FloatImage::PointType origin;
    for (int i = 0; i < 3; ++i) origin[i] = slices.front().ipp[i];
    // PixelSpacing is (row spacing = between rows = y, column spacing = x).
    FloatImage::SpacingType spacing;
    spacing[0] = spacing0[1];
    spacing[1] = spacing0[0];
    spacing[2] = step;

    FloatImage::Pointer image = stack;
    if (resample) {
        const size_t m = static_cast<size_t>(std::floor(span / step + 1e-6)) + 1;
        auto out = FloatImage::New();
        FloatImage::RegionType r2;
        r2.SetSize({{cols, rows, static_cast<itk::SizeValueType>(m)}});
        out->SetRegions(r2);
        out->Allocate();
        size_t k = 0;
        for (size_t j = 0; j < m; ++j) {
            const double t = slices.front().position + j * step;
            while (k + 2 < n && slices[k + 1].position < t) ++k;
            const double p0 = slices[k].position, p1 = slices[k + 1].position;
            const float w = static_cast<float>(std::clamp((t - p0) / (p1 - p0), 0.0, 1.0));
            const float* a = stack->GetBufferPointer() + k * perSlice;
            const float* b = a + perSlice;
            float* o = out->GetBufferPointer() + j * perSlice;
            for (size_t i = 0; i < perSlice; ++i) o[i] = a[i] + w * (b[i] - a[i]);
        }
        image = out;
    }
    image->SetSpacing(spacing);
    image->SetOrigin(origin);
    image->SetDirection(dir);

    gdcm::Reader headerReader;
    headerReader.SetFileName(slices.front().file.string().c_str());
    if (!headerReader.Read()) throw Error("cannot read the header of " + slices.front().file.string());
    v.image = image;
    fillMeta(v.meta, headerReader.GetFile().GetDataSet(), series, slices);
    validateGeometry(v.image, "DICOM series " + series.seriesUid);
    progress.update(1.0, "DICOM series read");
    return v;
}

} // namespace irplan
