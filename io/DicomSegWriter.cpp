// DICOM SEG export with DCMTK's dcmseg: one binary segment per label, one frame
// per slice that holds it, each frame tied to its CT slice (plane position and
// derivation image), shared pixel measures and orientation.
#include "core/Files.h"
#include "io/DcmtkSupport.h"
#include "io/DicomExport.h"

#include <cstdio>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmfg/fgderimg.h>
#include <dcmtk/dcmfg/fgfracon.h>
#include <dcmtk/dcmfg/fgpixmsr.h>
#include <dcmtk/dcmfg/fgplanor.h>
#include <dcmtk/dcmfg/fgplanpo.h>
#include <dcmtk/dcmiod/cielabutil.h>
#include <dcmtk/dcmiod/iodreferences.h>
#include <dcmtk/dcmseg/segdoc.h>
#include <dcmtk/dcmseg/segment.h>
#include <map>
#include <memory>

namespace irplan {
namespace {

std::string ds(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.10g", v);
    std::string s = b;
    if (s.size() > 16) { // DS holds at most 16 characters
        std::snprintf(b, sizeof b, "%.8g", v);
        s = b;
    }
    return s;
}

DcmSegTypes::E_SegmentAlgoType algoType(const std::string& t) {
    if (t == "AUTOMATIC") return DcmSegTypes::SAT_AUTOMATIC;
    if (t == "SEMIAUTOMATIC") return DcmSegTypes::SAT_SEMIAUTOMATIC;
    if (t == "MANUAL") return DcmSegTypes::SAT_MANUAL;
    throw Error("segment algorithm type must be AUTOMATIC, SEMIAUTOMATIC or MANUAL, not '" + t + "'");
}

} // namespace

DicomExportReport writeDicomSeg(const LabelImage* labels, const std::vector<StructureStyle>& structures,
                                const ReferencedSeries& ref, const std::filesystem::path& file,
                                const DicomExportOptions& options) {
    dcmtk::prepare();
    if (structures.empty()) throw Error("nothing to export: no label selected");
    const std::vector<const ReferencedSlice*> slices = matchGridToSeries(ref, labels, "the label map");
    const auto size = labels->GetLargestPossibleRegion().GetSize();
    const size_t nx = size[0], ny = size[1], nz = size[2], plane = nx * ny;
    if (nx > 65535 || ny > 65535) throw Error("slices larger than 65535 pixels cannot be stored in DICOM");
    const auto* lab = labels->GetBufferPointer();

    // Which slices hold each label.
    std::map<int, std::vector<size_t>> slicesOf;
    for (const auto& s : structures)
        slicesOf[s.label];
    for (size_t k = 0; k < nz; ++k) {
        std::vector<bool> seen(65536, false);
        for (size_t i = 0; i < plane; ++i)
            seen[lab[k * plane + i]] = true;
        for (auto& [label, ks] : slicesOf)
            if (seen[static_cast<size_t>(label)]) ks.push_back(k);
    }
    for (const auto& s : structures)
        if (slicesOf[s.label].empty())
            throw Error("label " + std::to_string(s.label) + " (" + s.name + ") is not in the label map");

    DicomExportReport report;
    report.file = file;
    report.seriesInstanceUid = dcmtk::exportUid("seg-series", ref.seriesInstanceUid, lab, nz * plane * sizeof(*lab),
                                                std::to_string(structures.size()));
    report.sopInstanceUid = dcmtk::exportUid("seg-instance", ref.seriesInstanceUid, lab, nz * plane * sizeof(*lab),
                                             std::to_string(structures.size()));

    IODGeneralEquipmentModule::EquipmentInfo equipment("IRPlan", "IRPlan", "1", "0.1.0");
    ContentIdentificationMacro content("1", "IRPLAN_LABELS", "IRPlan label map export", "IRPlan");
    DcmSegmentation* rawSeg = nullptr;
    dcmtk::check(DcmSegmentation::createBinarySegmentation(rawSeg, static_cast<Uint16>(ny), static_cast<Uint16>(nx),
                                                           equipment, content),
                 "cannot create the DICOM SEG");
    std::unique_ptr<DcmSegmentation> seg(rawSeg);
    dcmtk::check(seg->importFromSourceImage(ref.first().file.string().c_str()),
                 "cannot take patient and study from " + ref.first().file.string());
    dcmtk::check(seg->getSeries().setSeriesInstanceUID(report.seriesInstanceUid.c_str()), "SEG series UID");
    dcmtk::check(
        seg->getSeries().setSeriesNumber(std::to_string(options.seriesNumber ? options.seriesNumber : 300).c_str()),
        "SEG series number");
    dcmtk::check(
        seg->getSeries().setSeriesDescription(
            (options.seriesDescription.empty() ? std::string("IRPlan segmentation") : options.seriesDescription)
                .substr(0, 64)
                .c_str()),
        "SEG series description");
    dcmtk::check(seg->getSOPCommon().setSOPInstanceUID(report.sopInstanceUid.c_str()), "SEG SOP instance UID");
    seg->getSeries().setSeriesDate(dcmtk::today().c_str());
    seg->getSeries().setSeriesTime(dcmtk::now().c_str());

    const auto& sp = labels->GetSpacing();
    FGPixelMeasures measures;
    dcmtk::check(measures.setPixelSpacing((ds(sp[1]) + "\\" + ds(sp[0])).c_str()), "SEG pixel spacing");
    dcmtk::check(measures.setSliceThickness(ds(sp[2]).c_str()), "SEG slice thickness");
    dcmtk::check(measures.setSpacingBetweenSlices(ds(sp[2]).c_str()), "SEG slice spacing");
    dcmtk::check(seg->addForAllFrames(measures), "SEG pixel measures");
    std::unique_ptr<FGPlaneOrientationPatient> orientation(FGPlaneOrientationPatient::createMinimal(
        ds(ref.rowDirection.x).c_str(), ds(ref.rowDirection.y).c_str(), ds(ref.rowDirection.z).c_str(),
        ds(ref.columnDirection.x).c_str(), ds(ref.columnDirection.y).c_str(), ds(ref.columnDirection.z).c_str()));
    if (!orientation) throw Error("cannot write the SEG plane orientation");
    dcmtk::check(seg->addForAllFrames(*orientation), "SEG plane orientation");

    const std::string dimensionUid = dcmtk::exportUid("seg-dimensions", report.sopInstanceUid, nullptr, 0, "");
    dcmtk::check(seg->getDimensions().addDimensionIndex(DCM_ReferencedSegmentNumber, dimensionUid.c_str(),
                                                        DCM_SegmentIdentificationSequence, "ReferencedSegmentNumber"),
                 "SEG dimension (segment)");
    dcmtk::check(seg->getDimensions().addDimensionIndex(DCM_ImagePositionPatient, dimensionUid.c_str(),
                                                        DCM_PlanePositionSequence, "ImagePositionPatient"),
                 "SEG dimension (position)");

    const CodeSequenceMacro derivationCode("113076", "DCM", "Segmentation");
    const CodeSequenceMacro purpose("121322", "DCM", "Source image for image processing operation");
    std::vector<bool> referenced(nz, false);
    std::vector<Uint8> frame(plane);
    for (const auto& s : structures) {
        DcmSegment* segment = nullptr;
        dcmtk::check(
            DcmSegment::create(
                segment, s.name.substr(0, 64).c_str(),
                CodeSequenceMacro(s.category.value.c_str(), s.category.scheme.c_str(), s.category.meaning.c_str()),
                CodeSequenceMacro(s.type.value.c_str(), s.type.scheme.c_str(), s.type.meaning.c_str()),
                algoType(options.algorithmType), options.algorithmName.c_str()),
            "cannot describe segment '" + s.name + "'");
        std::unique_ptr<DcmSegment> owned(segment);
        segment->setSegmentDescription(("IRPlan label value " + std::to_string(s.label)).c_str());
        double L = 0, a = 0, b = 0;
        IODCIELabUtil::rgb2DicomLab(L, a, b, s.rgb[0] / 255.0, s.rgb[1] / 255.0, s.rgb[2] / 255.0);
        segment->setRecommendedDisplayCIELabValue(static_cast<Uint16>(L + 0.5), static_cast<Uint16>(a + 0.5),
                                                  static_cast<Uint16>(b + 0.5));
        Uint16 number = 0;
        dcmtk::check(seg->addSegment(segment, number), "cannot add segment '" + s.name + "'");
        owned.release(); // the segmentation owns it now

        for (size_t k : slicesOf[s.label]) {
            for (size_t i = 0; i < plane; ++i)
                frame[i] = lab[k * plane + i] == s.label ? 1 : 0;
            const ReferencedSlice& src = *slices[k];
            std::unique_ptr<FGPlanePosPatient> position(FGPlanePosPatient::createMinimal(
                ds(src.position_mm.x).c_str(), ds(src.position_mm.y).c_str(), ds(src.position_mm.z).c_str()));
            FGFrameContent frameContent;
            frameContent.setDimensionIndexValues(number, 0);
            frameContent.setDimensionIndexValues(static_cast<Uint32>(k + 1), 1);
            ImageSOPInstanceReferenceMacro* sourceRef = nullptr;
            dcmtk::check(
                ImageSOPInstanceReferenceMacro::create(src.sopClassUid.c_str(), src.sopInstanceUid.c_str(), sourceRef),
                "SEG source image reference");
            OFVector<ImageSOPInstanceReferenceMacro> sources;
            sources.push_back(*sourceRef);
            delete sourceRef;
            std::unique_ptr<FGDerivationImage> derivation(
                FGDerivationImage::createMinimal(sources, "Segmentation", derivationCode, purpose));
            if (!position || !derivation) throw Error("cannot describe SEG frame " + std::to_string(report.frames + 1));
            OFVector<FGBase*> perFrame;
            perFrame.push_back(position.get());
            perFrame.push_back(&frameContent);
            perFrame.push_back(derivation.get());
            dcmtk::check(seg->addFrame(frame.data(), number, perFrame), "cannot add a SEG frame for '" + s.name + "'");
            referenced[k] = true;
            ++report.frames;
        }
        ++report.structures;
    }

    IODReferences references;
    for (size_t k = 0; k < nz; ++k) {
        if (!referenced[k]) continue;
        references.add(new IODImageReference(ref.patientId.c_str(), ref.studyInstanceUid.c_str(),
                                             ref.seriesInstanceUid.c_str(), slices[k]->sopInstanceUid.c_str(),
                                             slices[k]->sopClassUid.c_str()));
        ++report.referencedImages;
    }
    seg->getCommonInstanceReference().addReferences(references, ref.studyInstanceUid.c_str());

    files::AtomicFile out(file);
    dcmtk::check(seg->saveFile(out.tempPath().string().c_str()), "cannot write DICOM SEG " + file.string());
    out.commit();
    return report;
}

} // namespace irplan
