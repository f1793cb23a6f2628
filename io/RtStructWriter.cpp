// RTSTRUCT export with DCMTK's dcmrt: each label becomes an ROI with closed
// planar contours along its pixel edges on every CT slice it covers (so the
// contours fill back to the same voxels), each contour tied to its CT image.
#include "core/Files.h"
#include "io/DcmtkSupport.h"
#include "io/DicomExport.h"
#include "io/LabelContours.h"

#include <cstdio>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmrt/drtstrct.h>
#include <string>

namespace irplan {
namespace {

std::string num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.4f", v); // 0.1 um: far below any voxel, at most 16 characters
    return b;
}

// DICOM defined terms of RTROIInterpretedType that IRPlan uses.
void checkInterpretedType(const std::string& t) {
    for (const char* ok : {"ORGAN", "GTV", "CTV", "PTV", "TREATED_VOLUME", "AVOIDANCE", "CONTROL", "EXTERNAL"})
        if (t == ok) return;
    throw Error("'" + t + "' is not an RT ROI interpreted type IRPlan writes");
}

} // namespace

DicomExportReport writeRtStructFromLabels(const LabelImage* labels, const std::vector<StructureStyle>& structures,
                                          const ReferencedSeries& ref, const std::filesystem::path& file,
                                          const DicomExportOptions& options) {
    dcmtk::prepare();
    if (structures.empty()) throw Error("nothing to export: no label selected");
    if (options.algorithmType != "AUTOMATIC" && options.algorithmType != "SEMIAUTOMATIC" &&
        options.algorithmType != "MANUAL")
        throw Error("ROI generation algorithm must be AUTOMATIC, SEMIAUTOMATIC or MANUAL, not '" +
                    options.algorithmType + "'");
    if (ref.frameOfReferenceUid.empty())
        throw Error("series " + ref.seriesInstanceUid +
                    " has no FrameOfReferenceUID (0020,0052): an RTSTRUCT needs one");
    const std::vector<const ReferencedSlice*> slices = matchGridToSeries(ref, labels, "the label map");
    const auto size = labels->GetLargestPossibleRegion().GetSize();
    const size_t nx = size[0], ny = size[1], nz = size[2], plane = nx * ny;
    const auto* lab = labels->GetBufferPointer();
    const auto& sp = labels->GetSpacing();

    DicomExportReport report;
    report.file = file;
    report.seriesInstanceUid = dcmtk::exportUid("rt-series", ref.seriesInstanceUid, lab, nz * plane * sizeof(*lab),
                                                std::to_string(structures.size()));
    report.sopInstanceUid = dcmtk::exportUid("rt-instance", ref.seriesInstanceUid, lab, nz * plane * sizeof(*lab),
                                             std::to_string(structures.size()));

    DRTStructureSetIOD rt;
    auto set = [](const OFCondition& c, const char* what) { dcmtk::check(c, std::string("RTSTRUCT ") + what); };
    set(rt.setSpecificCharacterSet("ISO_IR 100"), "character set");
    set(rt.setSOPClassUID(UID_RTStructureSetStorage), "SOP class");
    set(rt.setSOPInstanceUID(report.sopInstanceUid.c_str()), "SOP instance");
    set(rt.setPatientName(ref.patientName.c_str()), "patient name");
    set(rt.setPatientID(ref.patientId.c_str()), "patient ID");
    set(rt.setPatientBirthDate(ref.patientBirthDate.c_str()), "birth date");
    set(rt.setPatientSex(ref.patientSex.c_str()), "sex");
    set(rt.setStudyInstanceUID(ref.studyInstanceUid.c_str()), "study UID");
    set(rt.setStudyDate(ref.studyDate.c_str()), "study date");
    set(rt.setStudyTime(ref.studyTime.c_str()), "study time");
    set(rt.setStudyID(ref.studyId.c_str()), "study ID");
    set(rt.setAccessionNumber(ref.accessionNumber.c_str()), "accession number");
    set(rt.setReferringPhysicianName(ref.referringPhysicianName.c_str()), "referring physician");
    set(rt.setStudyDescription(ref.studyDescription.c_str()), "study description");
    set(rt.setModality("RTSTRUCT"), "modality");
    set(rt.setSeriesInstanceUID(report.seriesInstanceUid.c_str()), "series UID");
    set(rt.setSeriesNumber(std::to_string(options.seriesNumber ? options.seriesNumber : 301).c_str()), "series number");
    set(rt.setSeriesDescription(
            (options.seriesDescription.empty() ? std::string("IRPlan structures") : options.seriesDescription)
                .substr(0, 64)
                .c_str()),
        "series description");
    set(rt.setManufacturer("IRPlan"), "manufacturer");
    set(rt.setSoftwareVersions("0.1.0"), "software version");
    set(rt.setInstanceNumber("1"), "instance number");
    set(rt.setStructureSetLabel("IRPlan"), "label");
    set(rt.setStructureSetName("IRPlan label map"), "name");
    set(rt.setStructureSetDate(dcmtk::today().c_str()), "date");
    set(rt.setStructureSetTime(dcmtk::now().c_str()), "time");

    // The referenced CT: frame of reference > study > series > every slice.
    DRTReferencedFrameOfReferenceSequence::Item* frameItem = nullptr;
    set(rt.getReferencedFrameOfReferenceSequence().addItem(frameItem), "referenced frame of reference");
    set(frameItem->setFrameOfReferenceUID(ref.frameOfReferenceUid.c_str()), "frame of reference UID");
    DRTRTReferencedStudySequence::Item* studyItem = nullptr;
    set(frameItem->getRTReferencedStudySequence().addItem(studyItem), "referenced study");
    // The conventional (retired) Detached Study Management SOP class for the study reference.
    set(studyItem->setReferencedSOPClassUID("1.2.840.10008.3.1.2.3.1"), "referenced study class");
    set(studyItem->setReferencedSOPInstanceUID(ref.studyInstanceUid.c_str()), "referenced study UID");
    DRTRTReferencedSeriesSequence::Item* seriesItem = nullptr;
    set(studyItem->getRTReferencedSeriesSequence().addItem(seriesItem), "referenced series");
    set(seriesItem->setSeriesInstanceUID(ref.seriesInstanceUid.c_str()), "referenced series UID");
    for (const auto& s : ref.slices) {
        DRTContourImageSequence::Item* img = nullptr;
        set(seriesItem->getContourImageSequence().addItem(img), "contour image");
        set(img->setReferencedSOPClassUID(s.sopClassUid.c_str()), "contour image class");
        set(img->setReferencedSOPInstanceUID(s.sopInstanceUid.c_str()), "contour image UID");
    }
    report.referencedImages = ref.slices.size();

    std::vector<std::uint8_t> mask(plane);
    int observation = 0;
    for (const auto& s : structures) {
        checkInterpretedType(s.rtInterpretedType);
        const std::string roiNumber = std::to_string(s.label);
        DRTStructureSetROISequence::Item* roi = nullptr;
        set(rt.getStructureSetROISequence().addItem(roi), "ROI");
        set(roi->setROINumber(roiNumber.c_str()), "ROI number");
        set(roi->setReferencedFrameOfReferenceUID(ref.frameOfReferenceUid.c_str()), "ROI frame of reference");
        set(roi->setROIName(s.name.substr(0, 64).c_str()), "ROI name");
        set(roi->setROIGenerationAlgorithm(options.algorithmType.c_str()), "ROI generation algorithm");
        set(roi->setROIDescription(("IRPlan label value " + roiNumber).c_str()), "ROI description");

        DRTROIContourSequence::Item* roiContour = nullptr;
        set(rt.getROIContourSequence().addItem(roiContour), "ROI contour");
        set(roiContour->setReferencedROINumber(roiNumber.c_str()), "ROI contour number");
        set(roiContour->setROIDisplayColor(
                (std::to_string(s.rgb[0]) + "\\" + std::to_string(s.rgb[1]) + "\\" + std::to_string(s.rgb[2])).c_str()),
            "ROI colour");
        size_t contours = 0;
        for (size_t k = 0; k < nz; ++k) {
            bool any = false;
            for (size_t i = 0; i < plane; ++i) {
                mask[i] = lab[k * plane + i] == s.label;
                any = any || mask[i];
            }
            if (!any) continue;
            const ReferencedSlice& img = *slices[k];
            for (const PixelLoop& loop : traceMaskBoundary(mask.data(), static_cast<int>(nx), static_cast<int>(ny))) {
                std::string data;
                for (const auto& [ci, cj] : loop) {
                    // On the CT image's own plane: its first pixel plus column/row steps.
                    const Vec3 p =
                        img.position_mm + ref.rowDirection * (ci * sp[0]) + ref.columnDirection * (cj * sp[1]);
                    if (!data.empty()) data += '\\';
                    data += num(p.x) + '\\' + num(p.y) + '\\' + num(p.z);
                }
                DRTContourSequence::Item* contour = nullptr;
                set(roiContour->getContourSequence().addItem(contour), "contour");
                set(contour->setContourNumber(std::to_string(++contours).c_str()), "contour number");
                set(contour->setContourGeometricType("CLOSED_PLANAR"), "contour type");
                set(contour->setNumberOfContourPoints(std::to_string(loop.size()).c_str()), "contour points");
                set(contour->setContourData(data.c_str(), OFFalse), "contour data");
                DRTContourImageSequence::Item* ci = nullptr;
                set(contour->getContourImageSequence().addItem(ci), "contour image");
                set(ci->setReferencedSOPClassUID(img.sopClassUid.c_str()), "contour image class");
                set(ci->setReferencedSOPInstanceUID(img.sopInstanceUid.c_str()), "contour image UID");
            }
        }
        if (contours == 0) throw Error("label " + roiNumber + " (" + s.name + ") is not in the label map");
        report.contours += contours;

        DRTRTROIObservationsSequence::Item* obs = nullptr;
        set(rt.getRTROIObservationsSequence().addItem(obs), "ROI observation");
        set(obs->setObservationNumber(std::to_string(++observation).c_str()), "observation number");
        set(obs->setReferencedROINumber(roiNumber.c_str()), "observation ROI");
        set(obs->setRTROIInterpretedType(s.rtInterpretedType.c_str()), "interpreted type");
        set(obs->setROIInterpreter(""), "interpreter");
        ++report.structures;
    }

    DcmFileFormat ff;
    set(rt.write(*ff.getDataset()), "dataset (a required attribute is missing)");
    files::AtomicFile out(file);
    dcmtk::check(ff.saveFile(out.tempPath().string().c_str(), EXS_LittleEndianExplicit),
                 "cannot write RTSTRUCT " + file.string());
    out.commit();
    return report;
}

} // namespace irplan
