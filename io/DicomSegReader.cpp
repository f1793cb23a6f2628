// DICOM SEG import: segments with their names, codes and colours, frames placed
// by their plane positions onto a label map.
#include "core/Files.h"
#include "io/DcmtkSupport.h"
#include "io/DicomExport.h"

#include <algorithm>
#include <cmath>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmfg/fgseg.h>
#include <dcmtk/dcmiod/cielabutil.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>
#include <dcmtk/dcmseg/segutils.h>
#include <map>
#include <memory>
#include <set>

namespace irplan {
namespace fs = std::filesystem;

namespace {

std::string str(DcmItem& item, const DcmTagKey& key) {
    OFString v;
    item.findAndGetOFString(key, v);
    return v.c_str();
}

CodedConcept concept(CodeSequenceMacro& c) {
    OFString v, s, m;
    c.getCodeValue(v);
    c.getCodingSchemeDesignator(s);
    c.getCodeMeaning(m);
    return {v.c_str(), s.c_str(), m.c_str()};
}

} // namespace

DicomReferences readDicomReferences(const fs::path& file) {
    dcmtk::prepare();
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) throw Error("no such DICOM file: " + file.string());
    DcmFileFormat ff;
    dcmtk::check(ff.loadFile(file.string().c_str(), EXS_Unknown, EGL_noChange, 4096),
                 file.string() + " is not readable DICOM");
    DcmDataset& d = *ff.getDataset();
    DicomReferences r;
    r.modality = str(d, DCM_Modality);
    r.patientId = str(d, DCM_PatientID);
    r.studyInstanceUid = str(d, DCM_StudyInstanceUID);
    r.seriesInstanceUid = str(d, DCM_SeriesInstanceUID);
    r.sopInstanceUid = str(d, DCM_SOPInstanceUID);
    r.frameOfReferenceUid = str(d, DCM_FrameOfReferenceUID);
    std::set<std::string> seenSeries, seenSop;
    auto addSeries = [&](const std::string& uid) {
        if (!uid.empty() && seenSeries.insert(uid).second) r.referencedSeriesUids.push_back(uid);
    };
    auto addSop = [&](const std::string& uid) {
        if (!uid.empty() && seenSop.insert(uid).second) r.referencedSopInstanceUids.push_back(uid);
    };
    // SEG: Common Instance Reference module.
    DcmItem* series = nullptr;
    for (long i = 0; d.findAndGetSequenceItem(DCM_ReferencedSeriesSequence, series, i).good(); ++i) {
        addSeries(str(*series, DCM_SeriesInstanceUID));
        DcmItem* inst = nullptr;
        for (long k = 0; series->findAndGetSequenceItem(DCM_ReferencedInstanceSequence, inst, k).good(); ++k)
            addSop(str(*inst, DCM_ReferencedSOPInstanceUID));
    }
    // RTSTRUCT: Referenced Frame of Reference > RT Referenced Study > RT Referenced Series > Contour Image.
    DcmItem* frame = nullptr;
    for (long f = 0; d.findAndGetSequenceItem(DCM_ReferencedFrameOfReferenceSequence, frame, f).good(); ++f) {
        if (r.frameOfReferenceUid.empty()) r.frameOfReferenceUid = str(*frame, DCM_FrameOfReferenceUID);
        DcmItem* study = nullptr;
        for (long s = 0; frame->findAndGetSequenceItem(DCM_RTReferencedStudySequence, study, s).good(); ++s) {
            DcmItem* rs = nullptr;
            for (long q = 0; study->findAndGetSequenceItem(DCM_RTReferencedSeriesSequence, rs, q).good(); ++q) {
                addSeries(str(*rs, DCM_SeriesInstanceUID));
                DcmItem* img = nullptr;
                for (long k = 0; rs->findAndGetSequenceItem(DCM_ContourImageSequence, img, k).good(); ++k)
                    addSop(str(*img, DCM_ReferencedSOPInstanceUID));
            }
        }
    }
    return r;
}

SegImport readDicomSeg(const fs::path& file, const itk::ImageBase<3>* grid) {
    dcmtk::prepare();
    SegImport out;
    out.file = file;
    out.references = readDicomReferences(file);
    if (out.references.modality != "SEG")
        throw Error(file.string() + " is not a DICOM SEG (Modality " +
                    (out.references.modality.empty() ? std::string("missing") : out.references.modality) + ")");
    files::registerInput(file);
    DcmFileFormat ff;
    dcmtk::check(ff.loadFile(file.string().c_str()), "cannot read " + file.string());
    DcmDataset& d = *ff.getDataset();
    Uint16 rows = 0, cols = 0;
    d.findAndGetUint16(DCM_Rows, rows);
    d.findAndGetUint16(DCM_Columns, cols);
    DcmSegmentation* raw = nullptr;
    dcmtk::check(DcmSegmentation::loadDataset(d, raw), file.string() + " is not a readable DICOM SEG");
    std::unique_ptr<DcmSegmentation> seg(raw);
    const bool fractional = seg->getSegmentationType() == DcmSegTypes::ST_FRACTIONAL;
    Uint16 maxFraction = 255;
    if (fractional) {
        d.findAndGetUint16(DCM_MaximumFractionalValue, maxFraction);
        out.warnings.push_back("fractional SEG: voxels of 50% or more are taken as inside");
    }

    // Segments and their label values.
    const size_t nSeg = seg->getNumberOfSegments();
    bool allTagged = true;
    std::set<int> taggedValues;
    for (size_t n = 1; n <= nSeg; ++n) {
        DcmSegment* s = seg->getSegment(n);
        if (!s) throw Error(file.string() + ": segment " + std::to_string(n) + " is missing");
        SegSegment e;
        e.number = static_cast<int>(n);
        OFString v;
        s->getSegmentLabel(v);
        e.name = v.c_str();
        e.category = concept(s->getSegmentedPropertyCategoryCode());
        e.type = concept(s->getSegmentedPropertyTypeCode());
        Uint16 L = 0, a = 0, b = 0;
        if (s->getRecommendedDisplayCIELabValue(L, a, b).good()) {
            double R = 0, G = 0, B = 0;
            IODCIELabUtil::dicomLab2RGB(R, G, B, L, a, b);
            auto byte = [](double x) {
                return static_cast<unsigned char>(std::clamp(std::lround(x * 255.0), 0L, 255L));
            };
            e.rgb = {{byte(R), byte(G), byte(B)}};
        }
        OFString desc;
        s->getSegmentDescription(desc);
        const std::string prefix = "IRPlan label value ";
        const std::string ds = desc.c_str();
        int value = 0;
        if (ds.rfind(prefix, 0) == 0) value = std::atoi(ds.c_str() + prefix.size());
        if (value > 0 && value <= 65535 && taggedValues.insert(value).second)
            e.label = value;
        else
            allTagged = false;
        out.segments.push_back(e);
    }
    for (auto& s : out.segments)
        if (!allTagged) s.label = s.number;

    // Geometry from the functional groups.
    FGInterface& fg = seg->getFunctionalGroups();
    const size_t nFrames = seg->getNumberOfFrames();
    if (nFrames == 0) throw Error(file.string() + " holds no frame");
    auto* orient = dynamic_cast<FGPlaneOrientationPatient*>(fg.get(0, DcmFGTypes::EFG_PLANEORIENTPATIENT));
    auto* measures = dynamic_cast<FGPixelMeasures*>(fg.get(0, DcmFGTypes::EFG_PIXELMEASURES));
    if (!orient || !measures)
        throw Error(file.string() + " lacks the plane orientation or pixel measures of its frames");
    Float64 rx = 0, ry = 0, rz = 0, cx = 0, cy = 0, cz = 0;
    dcmtk::check(orient->getImageOrientationPatient(rx, ry, rz, cx, cy, cz),
                 file.string() + ": ImageOrientationPatient");
    const Vec3 rowDir = normalized({rx, ry, rz});
    const Vec3 colDir = normalized({cx, cy, cz});
    const Vec3 normal = cross(rowDir, colDir);
    Float64 rowSpacing = 0, colSpacing = 0, between = 0;
    measures->getPixelSpacing(rowSpacing, 0);
    measures->getPixelSpacing(colSpacing, 1);
    measures->getSpacingBetweenSlices(between);
    if (!(rowSpacing > 0) || !(colSpacing > 0)) throw Error(file.string() + " has no valid PixelSpacing");

    struct FrameInfo {
        Vec3 position;
        int segment = 0;
    };
    std::vector<FrameInfo> frames(nFrames);
    for (size_t f = 0; f < nFrames; ++f) {
        auto* pos = dynamic_cast<FGPlanePosPatient*>(fg.get(static_cast<Uint32>(f), DcmFGTypes::EFG_PLANEPOSPATIENT));
        auto* sid = dynamic_cast<FGSegmentation*>(fg.get(static_cast<Uint32>(f), DcmFGTypes::EFG_SEGMENTATION));
        if (!pos || !sid)
            throw Error(file.string() + ": frame " + std::to_string(f + 1) + " lacks its position or segment");
        Float64 x = 0, y = 0, z = 0;
        pos->getImagePositionPatient(x, y, z);
        Uint16 s = 0;
        sid->getReferencedSegmentNumber(s);
        if (s < 1 || s > nSeg)
            throw Error(file.string() + ": frame " + std::to_string(f + 1) + " refers to segment " + std::to_string(s) +
                        ", which does not exist");
        frames[f] = {{x, y, z}, s};
    }

    // The target grid: the caller's, or one built from the frames.
    auto labels = LabelImage::New();
    if (grid) {
        labels->CopyInformation(grid);
        labels->SetRegions(grid->GetLargestPossibleRegion());
        const auto& gd = grid->GetDirection();
        const auto& gs = grid->GetSpacing();
        if (dot({gd(0, 0), gd(1, 0), gd(2, 0)}, rowDir) < 1 - 1e-4 ||
            dot({gd(0, 1), gd(1, 1), gd(2, 1)}, colDir) < 1 - 1e-4 || std::abs(gs[0] - colSpacing) > 1e-3 * gs[0] ||
            std::abs(gs[1] - rowSpacing) > 1e-3 * gs[1])
            throw Error(file.string() + ": the SEG frames are not on the grid of the given volume (orientation or "
                                        "pixel spacing differ); import it without a volume to keep its own grid");
    } else {
        std::vector<double> ts;
        for (const auto& f : frames)
            ts.push_back(dot(f.position, normal));
        std::sort(ts.begin(), ts.end());
        double step = between > 0 ? between : 0;
        if (!(step > 0)) {
            for (size_t i = 1; i < ts.size(); ++i)
                if (ts[i] - ts[i - 1] > 1e-3 && (step == 0 || ts[i] - ts[i - 1] < step)) step = ts[i] - ts[i - 1];
            if (!(step > 0)) step = 1.0;
        }
        const size_t nz = static_cast<size_t>(std::lround((ts.back() - ts.front()) / step)) + 1;
        const FrameInfo* first = &frames.front();
        for (const auto& f : frames)
            if (dot(f.position, normal) < dot(first->position, normal)) first = &f;
        LabelImage::RegionType region;
        region.SetSize({{cols, rows, nz}});
        labels->SetRegions(region);
        LabelImage::SpacingType sp;
        sp[0] = colSpacing;
        sp[1] = rowSpacing;
        sp[2] = step;
        labels->SetSpacing(sp);
        LabelImage::PointType o;
        o[0] = first->position.x;
        o[1] = first->position.y;
        o[2] = first->position.z;
        labels->SetOrigin(o);
        LabelImage::DirectionType dir;
        for (int r = 0; r < 3; ++r) {
            dir(static_cast<unsigned>(r), 0) = rowDir[r];
            dir(static_cast<unsigned>(r), 1) = colDir[r];
            dir(static_cast<unsigned>(r), 2) = normal[r];
        }
        labels->SetDirection(dir);
    }
    labels->Allocate(true);
    const auto size = labels->GetLargestPossibleRegion().GetSize();
    const long nx = static_cast<long>(size[0]), ny = static_cast<long>(size[1]), nz = static_cast<long>(size[2]);
    auto* lab = labels->GetBufferPointer();

    size_t outside = 0;
    for (size_t f = 0; f < nFrames; ++f) {
        const DcmIODTypes::Frame* frame = seg->getFrame(f);
        if (!frame) throw Error(file.string() + ": frame " + std::to_string(f + 1) + " has no pixel data");
        std::unique_ptr<DcmIODTypes::Frame> unpacked;
        const Uint8* px = frame->pixData;
        if (!fractional) {
            unpacked.reset(DcmSegUtils::unpackBinaryFrame(frame, rows, cols));
            if (!unpacked) throw Error(file.string() + ": cannot unpack frame " + std::to_string(f + 1));
            px = unpacked->pixData;
        }
        itk::Point<double, 3> p;
        p[0] = frames[f].position.x;
        p[1] = frames[f].position.y;
        p[2] = frames[f].position.z;
        itk::ContinuousIndex<double, 3> ci;
        labels->TransformPhysicalPointToContinuousIndex(p, ci);
        const long i0 = std::lround(ci[0]), j0 = std::lround(ci[1]), k = std::lround(ci[2]);
        if (std::abs(ci[0] - i0) > 0.1 || std::abs(ci[1] - j0) > 0.1 || std::abs(ci[2] - k) > 0.2)
            throw Error(file.string() + ": frame " + std::to_string(f + 1) +
                        " does not lie on a slice of the target grid; resampling SEG frames is not supported");
        SegSegment& s = out.segments[static_cast<size_t>(frames[f].segment - 1)];
        ++s.frames;
        const auto value = static_cast<LabelImage::PixelType>(s.label);
        for (long r = 0; r < rows; ++r)
            for (long c = 0; c < cols; ++c) {
                const Uint8 v = px[static_cast<size_t>(r) * cols + static_cast<size_t>(c)];
                const bool in = fractional ? 2u * v >= maxFraction : v != 0;
                if (!in) continue;
                const long i = i0 + c, j = j0 + r;
                if (k < 0 || k >= nz || i < 0 || i >= nx || j < 0 || j >= ny) {
                    ++outside;
                    continue;
                }
                auto& dst = lab[static_cast<size_t>((k * ny + j) * nx + i)];
                if (dst && dst != value) ++out.overlappingVoxels;
                dst = value;
            }
    }
    for (auto& s : out.segments) {
        const auto value = static_cast<LabelImage::PixelType>(s.label);
        for (size_t i = 0; i < labels->GetBufferedRegion().GetNumberOfPixels(); ++i)
            s.voxels += lab[i] == value;
    }
    if (outside)
        out.warnings.push_back(std::to_string(outside) +
                               " segmented pixels lie outside the target grid and were dropped");
    if (out.overlappingVoxels)
        out.warnings.push_back(std::to_string(out.overlappingVoxels) +
                               " voxels belong to several segments; the label map keeps the later segment");
    out.labels = labels;
    return out;
}

} // namespace irplan
