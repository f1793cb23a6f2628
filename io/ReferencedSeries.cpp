#include "io/ReferencedSeries.h"

#include "core/Error.h"
#include "core/Files.h"
#include "io/DicomSeries.h"
#include "io/DicomTags.h"

#include <algorithm>
#include <cmath>
#include <gdcmAttribute.h>
#include <gdcmReader.h>
#include <gdcmScanner.h>
#include <sstream>

namespace irplan {
namespace fs = std::filesystem;

namespace {

const gdcm::Tag kSopClass(0x0008, 0x0016), kSopInstance(0x0008, 0x0018), kIpp(0x0020, 0x0032), kIop(0x0020, 0x0037),
    kPixelSpacing(0x0028, 0x0030), kFrames(0x0028, 0x0008);

std::string scanned(const gdcm::Scanner& s, const std::string& file, const gdcm::Tag& tag) {
    const char* v = s.GetValue(file.c_str(), tag);
    return v ? dicom::trim(v) : std::string();
}

std::string fmt(double v) {
    std::ostringstream s;
    s.precision(4);
    s << v;
    return s.str();
}

template <uint16_t G, uint16_t E> unsigned readUs(const gdcm::DataSet& ds) {
    gdcm::Attribute<G, E> at;
    if (!ds.FindDataElement(at.GetTag())) return 0;
    at.SetFromDataSet(ds); // handles the byte order of the file
    return at.GetValue();
}

} // namespace

ReferencedSeries readReferencedSeries(const fs::path& dir, const std::string& seriesUid) {
    const DicomScan scan = scanDicomDirectory(dir);
    const DicomSeriesSummary* chosen = nullptr;
    if (!seriesUid.empty()) {
        for (const auto& s : scan.series)
            if (s.seriesUid == seriesUid) chosen = &s;
        if (!chosen)
            throw Error("series " + seriesUid + " is not in " + dir.string() + "; it holds: " + scan.listingOneLine());
    } else {
        const auto images = scan.imageSeries();
        if (images.empty()) throw Error("no image series in " + dir.string() + "; it holds: " + scan.listingOneLine());
        if (images.size() > 1)
            throw Error(
                dir.string() + " holds " + std::to_string(images.size()) +
                " image series; choose the one the labels were drawn on with --series UID: " + scan.listingOneLine());
        chosen = images.front();
    }
    if (!chosen->isImage)
        throw Error("series " + chosen->seriesUid + " in " + dir.string() + " is not an image series");
    files::registerInput(dir);

    std::vector<std::string> names;
    for (const auto& f : chosen->files)
        names.push_back(f.string());
    gdcm::Scanner scanner;
    for (const auto& t : {kSopClass, kSopInstance, kIpp, kIop, kPixelSpacing, kFrames})
        scanner.AddTag(t);
    if (!scanner.Scan(names)) throw Error("cannot read the DICOM headers in " + dir.string());

    ReferencedSeries r;
    r.directory = dir;
    r.seriesInstanceUid = chosen->seriesUid;
    r.modality = chosen->modality;
    r.seriesDescription = chosen->description;
    r.frameOfReferenceUid = chosen->frameOfReferenceUid;
    std::vector<double> iop0, spacing0;
    for (const auto& n : names) {
        const std::string frames = scanned(scanner, n, kFrames);
        if (!frames.empty() && std::atoi(frames.c_str()) > 1)
            throw Error("series " + r.seriesInstanceUid + " is multi-frame; exports refer to single-slice series only");
        ReferencedSlice s;
        s.file = n;
        s.sopClassUid = scanned(scanner, n, kSopClass);
        s.sopInstanceUid = scanned(scanner, n, kSopInstance);
        if (s.sopClassUid.empty() || s.sopInstanceUid.empty())
            throw Error(n + " lacks SOPClassUID/SOPInstanceUID (0008,0016/0018): an export cannot refer to it");
        const auto ipp = dicom::parseNumbers(scanned(scanner, n, kIpp));
        const auto iop = dicom::parseNumbers(scanned(scanner, n, kIop));
        const auto sp = dicom::parseNumbers(scanned(scanner, n, kPixelSpacing));
        if (ipp.size() != 3 || iop.size() != 6 || sp.size() != 2)
            throw Error(n + " lacks ImagePositionPatient, ImageOrientationPatient or PixelSpacing");
        if (iop0.empty()) {
            iop0 = iop;
            spacing0 = sp;
        } else {
            for (size_t i = 0; i < 6; ++i)
                if (std::abs(iop[i] - iop0[i]) > 1e-4)
                    throw Error("series " + r.seriesInstanceUid + " mixes slice orientations");
            for (size_t i = 0; i < 2; ++i)
                if (std::abs(sp[i] - spacing0[i]) > 1e-4)
                    throw Error("series " + r.seriesInstanceUid + " mixes pixel spacings");
        }
        s.position_mm = {ipp[0], ipp[1], ipp[2]};
        r.slices.push_back(std::move(s));
    }
    r.rowDirection = normalized(Vec3{iop0[0], iop0[1], iop0[2]});
    r.columnDirection = normalized(Vec3{iop0[3], iop0[4], iop0[5]});
    r.rowSpacing_mm = spacing0[0];
    r.columnSpacing_mm = spacing0[1];
    const Vec3 normal = cross(r.rowDirection, r.columnDirection);
    std::sort(r.slices.begin(), r.slices.end(), [&](const ReferencedSlice& a, const ReferencedSlice& b) {
        return dot(a.position_mm, normal) < dot(b.position_mm, normal);
    });

    // Patient and study identifiers from the first slice.
    gdcm::Reader reader;
    reader.SetFileName(r.slices.front().file.string().c_str());
    if (!reader.ReadUpToTag(gdcm::Tag(0x7fe0, 0x0010))) throw Error("cannot read " + r.slices.front().file.string());
    const gdcm::DataSet& ds = reader.GetFile().GetDataSet();
    auto str = [&](uint16_t g, uint16_t e) { return dicom::getString(ds, gdcm::Tag(g, e)).value_or(""); };
    r.patientName = str(0x0010, 0x0010);
    r.patientId = str(0x0010, 0x0020);
    r.patientBirthDate = str(0x0010, 0x0030);
    r.patientSex = str(0x0010, 0x0040);
    r.studyInstanceUid = str(0x0020, 0x000d);
    r.studyDate = str(0x0008, 0x0020);
    r.studyTime = str(0x0008, 0x0030);
    r.studyId = str(0x0020, 0x0010);
    r.accessionNumber = str(0x0008, 0x0050);
    r.referringPhysicianName = str(0x0008, 0x0090);
    r.studyDescription = str(0x0008, 0x1030);
    r.rows = readUs<0x0028, 0x0010>(ds);
    r.columns = readUs<0x0028, 0x0011>(ds);
    if (r.studyInstanceUid.empty())
        throw Error(r.slices.front().file.string() +
                    " lacks StudyInstanceUID (0020,000D): an export cannot refer to it");
    return r;
}

std::vector<const ReferencedSlice*> matchGridToSeries(const ReferencedSeries& s, const itk::ImageBase<3>* grid,
                                                      const std::string& what) {
    const auto size = grid->GetLargestPossibleRegion().GetSize();
    const auto& sp = grid->GetSpacing();
    const auto& d = grid->GetDirection();
    const Vec3 gi{d(0, 0), d(1, 0), d(2, 0)}, gj{d(0, 1), d(1, 1), d(2, 1)};
    const std::string where =
        what + " is not on the grid of series " + s.seriesInstanceUid + " (" + s.directory.string() + "): ";
    if (dot(gi, s.rowDirection) < 1 - 1e-4 || dot(gj, s.columnDirection) < 1 - 1e-4)
        throw Error(where + "the slice orientation differs; resample the labels onto the CT first");
    if (std::abs(sp[0] - s.columnSpacing_mm) > 1e-3 * sp[0] || std::abs(sp[1] - s.rowSpacing_mm) > 1e-3 * sp[1])
        throw Error(where + "pixel spacing " + fmt(sp[0]) + " x " + fmt(sp[1]) + " mm vs the CT's " +
                    fmt(s.columnSpacing_mm) + " x " + fmt(s.rowSpacing_mm) + " mm");
    if ((s.columns && size[0] != s.columns) || (s.rows && size[1] != s.rows))
        throw Error(where + std::to_string(size[0]) + " x " + std::to_string(size[1]) +
                    " pixels per slice vs the CT's " + std::to_string(s.columns) + " x " + std::to_string(s.rows));
    const Vec3 normal = cross(s.rowDirection, s.columnDirection);
    // Slice positions along the normal (sorted: readReferencedSeries sorts them).
    std::vector<double> along;
    for (const auto& sl : s.slices)
        along.push_back(dot(sl.position_mm, normal));
    const double tolerance = 0.2 * std::max(sp[2], 0.1);
    std::vector<const ReferencedSlice*> out(size[2], nullptr);
    for (size_t k = 0; k < size[2]; ++k) {
        itk::ContinuousIndex<double, 3> ci;
        ci[0] = 0;
        ci[1] = 0;
        ci[2] = static_cast<double>(k);
        itk::Point<double, 3> p;
        grid->TransformContinuousIndexToPhysicalPoint(ci, p);
        const Vec3 q{p[0], p[1], p[2]};
        // The image on this plane, whichever way the grid stacks its slices.
        const double t = dot(q, normal);
        auto it = std::lower_bound(along.begin(), along.end(), t);
        size_t best = s.slices.size();
        for (auto c : {it, it == along.begin() ? it : it - 1})
            if (c != along.end() && (best == s.slices.size() || std::abs(*c - t) < std::abs(along[best] - t)))
                best = static_cast<size_t>(c - along.begin());
        if (best == s.slices.size() || std::abs(along[best] - t) > tolerance)
            throw Error(where + "slice " + std::to_string(k) + " (at " + toString(q) +
                        " mm) has no CT image on its plane");
        const Vec3 off = s.slices[best].position_mm - q;
        if (std::abs(dot(off, s.rowDirection)) > 0.1 * sp[0] || std::abs(dot(off, s.columnDirection)) > 0.1 * sp[1])
            throw Error(where + "slice " + std::to_string(k) + " is shifted in-plane by " + toString(off) +
                        " mm from the CT image");
        out[k] = &s.slices[best];
    }
    return out;
}

} // namespace irplan
