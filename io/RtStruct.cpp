#include "io/RtStruct.h"

#include "core/Error.h"
#include "core/Files.h"
#include "io/DicomSeries.h"
#include "io/DicomTags.h"

#include <gdcmReader.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

namespace irplan {
namespace fs = std::filesystem;

namespace {
const gdcm::Tag kModality(0x0008, 0x0060), kSeriesUid(0x0020, 0x000e), kLabel(0x3006, 0x0002),
    kRoiSeq(0x3006, 0x0020), kRoiNumber(0x3006, 0x0022), kRoiName(0x3006, 0x0026), kRoiFrame(0x3006, 0x0024),
    kContourRoiSeq(0x3006, 0x0039), kRefRoiNumber(0x3006, 0x0084), kContourSeq(0x3006, 0x0040),
    kGeomType(0x3006, 0x0042), kContourData(0x3006, 0x0050);

fs::path findRtStructFile(const fs::path& dir) {
    const DicomScan scan = scanDicomDirectory(dir);
    std::vector<fs::path> found;
    for (const auto& s : scan.series)
        if (s.modality == "RTSTRUCT")
            for (const auto& f : s.files) found.push_back(f);
    if (found.empty()) throw Error("no RTSTRUCT in " + dir.string() + "; it holds: " + scan.listingOneLine());
    if (found.size() > 1)
        throw Error(dir.string() + " holds " + std::to_string(found.size()) + " RTSTRUCT files; name one of them");
    return found.front();
}

// Even-odd scanline fill of one polygon (in continuous index coordinates) into
// a parity buffer for slice k: pixel centres at integer (i, j).
void togglePolygon(const std::vector<std::pair<double, double>>& poly, std::vector<uint8_t>& parity, long nx, long ny) {
    double minY = poly[0].second, maxY = poly[0].second;
    for (const auto& p : poly) {
        minY = std::min(minY, p.second);
        maxY = std::max(maxY, p.second);
    }
    const long j0 = std::max(0L, static_cast<long>(std::ceil(minY)));
    const long j1 = std::min(ny - 1, static_cast<long>(std::floor(maxY)));
    std::vector<double> xs;
    for (long j = j0; j <= j1; ++j) {
        xs.clear();
        const double y = static_cast<double>(j);
        for (size_t e = 0; e < poly.size(); ++e) {
            const auto& a = poly[e];
            const auto& b = poly[(e + 1) % poly.size()];
            if ((a.second <= y && y < b.second) || (b.second <= y && y < a.second))
                xs.push_back(a.first + (y - a.second) * (b.first - a.first) / (b.second - a.second));
        }
        std::sort(xs.begin(), xs.end());
        for (size_t q = 0; q + 1 < xs.size(); q += 2) {
            const long i0 = std::max(0L, static_cast<long>(std::ceil(xs[q])));
            const long i1 = std::min(nx - 1, static_cast<long>(std::ceil(xs[q + 1])) - 1);
            for (long i = i0; i <= i1; ++i) parity[static_cast<size_t>(j * nx + i)] ^= 1;
        }
    }
}

std::string fmt(double v) {
    std::ostringstream s;
    s.precision(4);
    s << v;
    return s.str();
}

} // namespace

const RtRoi& RtStructSet::roi(const std::string& name) const {
    for (const auto& r : rois)
        if (r.name == name) return r;
    std::string names;
    for (const auto& r : rois) names += (names.empty() ? "" : ", ") + ("'" + r.name + "'");
    throw Error("RTSTRUCT " + path.string() + " has no ROI named '" + name + "'; it has " + names);
}

std::vector<std::string> RtStructSet::roiNames() const {
    std::vector<std::string> out;
    for (const auto& r : rois) out.push_back(r.name);
    return out;
}

RtStructSet readRtStruct(const fs::path& pathIn) {
    dicom::quietGdcm();
    std::error_code ec;
    if (!fs::exists(pathIn, ec)) throw Error("no such file or directory: " + pathIn.string());
    const fs::path file = fs::is_directory(pathIn, ec) ? findRtStructFile(pathIn) : pathIn;
    files::registerInput(file);
    gdcm::Reader reader;
    reader.SetFileName(file.string().c_str());
    if (!reader.Read()) throw Error(file.string() + " is not a readable DICOM file");
    const gdcm::DataSet& ds = reader.GetFile().GetDataSet();
    if (dicom::getString(ds, kModality).value_or("") != "RTSTRUCT")
        throw Error(file.string() + " is not an RTSTRUCT (Modality " + dicom::getString(ds, kModality).value_or("?") +
                    ")");
    RtStructSet set;
    set.path = file;
    set.seriesUid = dicom::getString(ds, kSeriesUid).value_or("");
    set.label = dicom::getString(ds, kLabel).value_or("");

    std::map<int, size_t> byNumber;
    for (const auto& item : dicom::items(ds, kRoiSeq)) {
        RtRoi roi;
        auto num = dicom::getNumber(item, kRoiNumber);
        if (!num) continue;
        roi.number = static_cast<int>(*num);
        roi.name = dicom::getString(item, kRoiName).value_or("ROI " + std::to_string(roi.number));
        roi.frameOfReferenceUid = dicom::getString(item, kRoiFrame).value_or("");
        byNumber[roi.number] = set.rois.size();
        set.rois.push_back(std::move(roi));
    }
    for (const auto& item : dicom::items(ds, kContourRoiSeq)) {
        auto ref = dicom::getNumber(item, kRefRoiNumber);
        if (!ref || !byNumber.count(static_cast<int>(*ref))) continue;
        RtRoi& roi = set.rois[byNumber[static_cast<int>(*ref)]];
        for (const auto& c : dicom::items(item, kContourSeq)) {
            RtContour contour;
            contour.geometricType = dicom::getString(c, kGeomType).value_or("CLOSED_PLANAR");
            auto data = dicom::getNumbers(c, kContourData);
            if (!data || data->size() % 3 != 0)
                throw Error("RTSTRUCT " + file.string() + ": a contour of ROI '" + roi.name +
                            "' has malformed ContourData (3006,0050)");
            for (size_t i = 0; i + 2 < data->size(); i += 3)
                contour.points.push_back({(*data)[i], (*data)[i + 1], (*data)[i + 2]});
            roi.contours.push_back(std::move(contour));
        }
    }
    if (set.rois.empty()) throw Error("RTSTRUCT " + file.string() + " defines no ROI");
    return set;
}

MaskImage::Pointer rasterizeRoi(const RtRoi& roi, const itk::ImageBase<3>* grid, const std::string& gridFrame,
                                RasterizeReport* reportOut) {
    RasterizeReport report;
    if (!gridFrame.empty() && !roi.frameOfReferenceUid.empty() && gridFrame != roi.frameOfReferenceUid)
        throw Error("ROI '" + roi.name + "' is drawn in frame of reference " + roi.frameOfReferenceUid +
                    " but the volume is in " + gridFrame + "; register them first");
    const auto size = grid->GetLargestPossibleRegion().GetSize();
    const long nx = static_cast<long>(size[0]), ny = static_cast<long>(size[1]), nz = static_cast<long>(size[2]);

    // Contours in continuous index space, grouped by plane.
    struct Plane {
        double k;
        std::vector<std::vector<std::pair<double, double>>> polygons;
    };
    std::vector<Plane> planes;
    for (const auto& c : roi.contours) {
        if (c.geometricType != "CLOSED_PLANAR" || c.points.size() < 3) {
            ++report.contoursSkipped;
            continue;
        }
        std::vector<std::pair<double, double>> poly;
        double kmin = 1e300, kmax = -1e300, ksum = 0;
        for (const auto& p : c.points) {
            itk::Point<double, 3> pt;
            pt[0] = p.x;
            pt[1] = p.y;
            pt[2] = p.z;
            itk::ContinuousIndex<double, 3> ci;
            grid->TransformPhysicalPointToContinuousIndex(pt, ci);
            poly.emplace_back(ci[0], ci[1]);
            kmin = std::min(kmin, ci[2]);
            kmax = std::max(kmax, ci[2]);
            ksum += ci[2];
            if (ci[0] < -0.5 || ci[1] < -0.5 || ci[0] > nx - 0.5 || ci[1] > ny - 0.5) ++report.pointsOutsideGrid;
        }
        if (kmax - kmin > 0.5)
            throw Error("ROI '" + roi.name + "' has a contour that is not parallel to the volume's slices (it spans " +
                        fmt(kmax - kmin) + " slices); IRPlan cannot rasterise it on this grid");
        const double k = ksum / static_cast<double>(c.points.size());
        auto it = std::find_if(planes.begin(), planes.end(), [&](const Plane& pl) { return std::abs(pl.k - k) < 0.05; });
        if (it == planes.end()) {
            planes.push_back({k, {}});
            it = planes.end() - 1;
        }
        it->polygons.push_back(std::move(poly));
        ++report.contoursUsed;
    }
    if (planes.empty()) throw Error("ROI '" + roi.name + "' has no closed planar contour to rasterise");
    std::sort(planes.begin(), planes.end(), [](const Plane& a, const Plane& b) { return a.k < b.k; });
    double gap = 1.0;
    if (planes.size() > 1) {
        std::vector<double> gaps;
        for (size_t i = 1; i < planes.size(); ++i) gaps.push_back(planes[i].k - planes[i - 1].k);
        std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
        gap = std::max(1e-6, gaps[gaps.size() / 2]);
    }
    const double reach = 0.5 * std::max(gap, 1.0) + 1e-6;

    auto mask = MaskImage::New();
    mask->CopyInformation(grid);
    mask->SetRegions(grid->GetLargestPossibleRegion());
    mask->Allocate(true);
    std::vector<uint8_t> parity(static_cast<size_t>(nx * ny));
    size_t p = 0;
    for (long k = 0; k < nz; ++k) {
        const double kk = static_cast<double>(k);
        while (p + 1 < planes.size() && std::abs(planes[p + 1].k - kk) < std::abs(planes[p].k - kk)) ++p;
        if (std::abs(planes[p].k - kk) > reach) continue;
        std::fill(parity.begin(), parity.end(), 0);
        for (const auto& poly : planes[p].polygons) togglePolygon(poly, parity, nx, ny);
        std::copy(parity.begin(), parity.end(), mask->GetBufferPointer() + static_cast<size_t>(k * nx * ny));
    }
    if (report.pointsOutsideGrid > 0)
        report.warnings.push_back("ROI '" + roi.name + "': " + std::to_string(report.pointsOutsideGrid) +
                                  " contour points lie outside the volume and were clipped");
    if (reportOut) *reportOut = report;
    return mask;
}

} // namespace irplan
