#include "io/DicomWriter.h"

#include "core/Error.h"
#include "core/Files.h"
#include "io/DicomTags.h"

#include <gdcmAttribute.h>
#include <gdcmImageWriter.h>
#include <gdcmItem.h>
#include <gdcmSequenceOfItems.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace irplan {
namespace fs = std::filesystem;

namespace {

void put(gdcm::DataSet& ds, uint16_t group, uint16_t element, const char* vr, std::string value) {
    if (value.size() % 2) value += (std::string(vr) == "UI") ? '\0' : ' ';
    gdcm::DataElement de(gdcm::Tag(group, element));
    de.SetVR(gdcm::VR::GetVRType(vr));
    de.SetByteValue(value.data(), static_cast<uint32_t>(value.size()));
    ds.Replace(de);
}

std::string num(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    std::string s = buf;
    if (s.size() > 16) { // DS holds at most 16 characters
        std::snprintf(buf, sizeof buf, "%.8g", v);
        s = buf;
    }
    return s;
}

std::string sopClassFor(const std::string& modality) {
    if (modality == "CT") return "1.2.840.10008.5.1.4.1.1.2";
    if (modality == "PT") return "1.2.840.10008.5.1.4.1.1.128";
    if (modality == "MR") return "1.2.840.10008.5.1.4.1.1.4";
    throw Error("cannot write DICOM for modality '" + modality + "'");
}

} // namespace

std::string dicomUidFor(const std::string& text) {
    // Two independent 64-bit hashes make a ~128-bit integer, written in decimal.
    const uint64_t h1 = std::hash<std::string>{}("irplan-a:" + text);
    const uint64_t h2 = std::hash<std::string>{}("irplan-b:" + text);
    char buf[64];
    std::snprintf(buf, sizeof buf, "2.25.%llu%019llu", static_cast<unsigned long long>(h1 % 9000000000000000000ull + 1000000000000000000ull),
                  static_cast<unsigned long long>(h2 % 10000000000000000000ull));
    return buf;
}

void writeDicomSeries(const FloatImage* image, const fs::path& dir, const DicomSeriesSpec& spec, const Progress& progress) {
    dicom::quietGdcm(); // no GDCM chatter on stderr
    files::ensureDirectory(dir);
    const auto size = image->GetLargestPossibleRegion().GetSize();
    const size_t nx = size[0], ny = size[1], nz = size[2];
    const auto& sp = image->GetSpacing();
    const auto& dir3 = image->GetDirection();
    const std::string sopClass = sopClassFor(spec.modality);
    const bool isCt = spec.modality == "CT";
    const bool isMr = spec.modality == "MR";
    const float* data = image->GetBufferPointer();

    for (size_t k = 0; k < nz; ++k) {
        progress.update(static_cast<double>(k) / nz, "writing DICOM " + spec.modality);
        const float* slice = data + k * nx * ny;
        // Rescale: CT as HU + 1024 (uint16, intercept -1024); others int16 with a per-slice slope.
        double slope = 1.0, intercept = 0.0;
        std::vector<uint16_t> stored(nx * ny);
        gdcm::PixelFormat pf = gdcm::PixelFormat::UINT16;
        if (isCt) {
            // Signed, so air below -1024 HU (noise) is kept rather than clipped.
            pf = gdcm::PixelFormat::INT16;
            intercept = -1024.0;
            for (size_t i = 0; i < nx * ny; ++i)
                stored[i] = static_cast<uint16_t>(static_cast<int16_t>(std::clamp(std::lround(slice[i] + 1024.0), -32768L, 32767L)));
        } else if (isMr) {
            // The legacy MR IOD has no rescale (GDCM would turn the object into an
            // Enhanced MR): unsigned values as they are.
            for (size_t i = 0; i < nx * ny; ++i)
                stored[i] = static_cast<uint16_t>(std::clamp(std::lround(slice[i]), 0L, 65535L));
        } else {
            pf = gdcm::PixelFormat::INT16;
            float maxAbs = 0;
            for (size_t i = 0; i < nx * ny; ++i) maxAbs = std::max(maxAbs, std::abs(slice[i]));
            slope = maxAbs > 0 ? maxAbs / 32000.0 : 1.0;
            for (size_t i = 0; i < nx * ny; ++i)
                stored[i] = static_cast<uint16_t>(static_cast<int16_t>(std::lround(slice[i] / slope)));
        }

        gdcm::ImageWriter writer;
        gdcm::Image& img = writer.GetImage();
        img.SetNumberOfDimensions(2);
        img.SetDimension(0, static_cast<unsigned>(nx));
        img.SetDimension(1, static_cast<unsigned>(ny));
        img.SetSpacing(0, sp[0]);
        img.SetSpacing(1, sp[1]);
        img.SetSpacing(2, sp[2]);
        itk::ContinuousIndex<double, 3> idx;
        idx[0] = 0;
        idx[1] = 0;
        idx[2] = static_cast<double>(k);
        FloatImage::PointType origin;
        image->TransformContinuousIndexToPhysicalPoint(idx, origin);
        const double o[3] = {origin[0], origin[1], origin[2]};
        // SetOrigin(const double*) keeps only NumberOfDimensions (2) values, which
        // left z = 0 in every ImagePositionPatient; set the three one by one.
        for (unsigned i = 0; i < 3; ++i) img.SetOrigin(i, o[i]);
        const double cosines[6] = {dir3(0, 0), dir3(1, 0), dir3(2, 0), dir3(0, 1), dir3(1, 1), dir3(2, 1)};
        img.SetDirectionCosines(cosines);
        img.SetPixelFormat(pf);
        img.SetPhotometricInterpretation(gdcm::PhotometricInterpretation::MONOCHROME2);
        img.SetSlope(slope);
        img.SetIntercept(intercept);
        gdcm::DataElement pixels(gdcm::Tag(0x7fe0, 0x0010));
        pixels.SetByteValue(reinterpret_cast<const char*>(stored.data()), static_cast<uint32_t>(stored.size() * 2));
        img.SetDataElement(pixels);

        gdcm::DataSet& ds = writer.GetFile().GetDataSet();
        const std::string sopInstance = dicomUidFor(spec.uidSeed + "/" + spec.seriesInstanceUid + "/" + std::to_string(k));
        put(ds, 0x0008, 0x0016, "UI", sopClass);
        put(ds, 0x0008, 0x0018, "UI", sopInstance);
        put(ds, 0x0008, 0x0008, "CS", "ORIGINAL\\PRIMARY\\AXIAL");
        put(ds, 0x0008, 0x0020, "DA", spec.studyDate);
        put(ds, 0x0008, 0x0021, "DA", spec.seriesDate);
        put(ds, 0x0008, 0x0022, "DA", spec.seriesDate);
        put(ds, 0x0008, 0x0030, "TM", spec.seriesTime);
        put(ds, 0x0008, 0x0031, "TM", spec.seriesTime);
        put(ds, 0x0008, 0x0032, "TM", spec.seriesTime);
        put(ds, 0x0008, 0x0060, "CS", spec.modality);
        put(ds, 0x0008, 0x0070, "LO", "IRPlan");
        put(ds, 0x0008, 0x103e, "LO", spec.seriesDescription.substr(0, 64));
        put(ds, 0x0010, 0x0010, "PN", spec.patientName);
        put(ds, 0x0010, 0x0020, "LO", spec.patientId);
        put(ds, 0x0010, 0x0040, "CS", spec.patientSex);
        if (spec.patientWeightKg > 0) put(ds, 0x0010, 0x1030, "DS", num(spec.patientWeightKg));
        if (spec.patientSizeM > 0) put(ds, 0x0010, 0x1020, "DS", num(spec.patientSizeM));
        put(ds, 0x0018, 0x0050, "DS", num(sp[2]));
        put(ds, 0x0018, 0x0088, "DS", num(sp[2]));
        put(ds, 0x0020, 0x000d, "UI", spec.studyInstanceUid);
        put(ds, 0x0020, 0x000e, "UI", spec.seriesInstanceUid);
        put(ds, 0x0020, 0x0052, "UI", spec.frameOfReferenceUid);
        put(ds, 0x0020, 0x0011, "IS", std::to_string(spec.seriesNumber));
        put(ds, 0x0020, 0x0013, "IS", std::to_string(k + 1));
        if (!isMr) {
            put(ds, 0x0028, 0x1052, "DS", num(intercept));
            put(ds, 0x0028, 0x1053, "DS", num(slope));
        }
        if (isCt) put(ds, 0x0028, 0x1054, "LO", "HU");
        if (spec.pet) {
            const PetSeriesTags& pet = *spec.pet;
            put(ds, 0x0054, 0x1001, "CS", pet.units);
            put(ds, 0x0054, 0x1102, "CS", pet.decayCorrection);
            put(ds, 0x0054, 0x1006, "CS", "BW");
            gdcm::SmartPointer<gdcm::SequenceOfItems> sq = new gdcm::SequenceOfItems;
            sq->SetLengthToUndefined();
            gdcm::Item item;
            item.SetVLToUndefined();
            gdcm::DataSet& nested = item.GetNestedDataSet();
            put(nested, 0x0018, 0x0031, "LO", pet.radiopharmaceutical);
            if (pet.startDateTime.size() > 8) { // YYYYMMDDHHMMSS; omitted (not invented) when unknown
                put(nested, 0x0018, 0x1072, "TM", pet.startDateTime.substr(8));
                put(nested, 0x0018, 0x1078, "DT", pet.startDateTime);
            }
            put(nested, 0x0018, 0x1074, "DS", num(pet.totalDoseBq));
            put(nested, 0x0018, 0x1075, "DS", num(pet.halfLifeSeconds));
            if (!pet.radionuclideCodeMeaning.empty()) {
                gdcm::SmartPointer<gdcm::SequenceOfItems> code = new gdcm::SequenceOfItems;
                code->SetLengthToUndefined();
                gdcm::Item codeItem;
                codeItem.SetVLToUndefined();
                put(codeItem.GetNestedDataSet(), 0x0008, 0x0104, "LO", pet.radionuclideCodeMeaning);
                code->AddItem(codeItem);
                gdcm::DataElement codeDe(gdcm::Tag(0x0054, 0x0300));
                codeDe.SetVR(gdcm::VR::SQ);
                codeDe.SetValue(*code);
                codeDe.SetVLToUndefined();
                nested.Replace(codeDe);
            }
            sq->AddItem(item);
            gdcm::DataElement de(gdcm::Tag(0x0054, 0x0016));
            de.SetVR(gdcm::VR::SQ);
            de.SetValue(*sq);
            de.SetVLToUndefined();
            ds.Replace(de);
        }

        char name[32];
        std::snprintf(name, sizeof name, "slice%04zu.dcm", k + 1);
        files::AtomicFile out(dir / name);
        writer.SetFileName(out.tempPath().string().c_str());
        if (!writer.Write()) throw Error("cannot write DICOM file " + (dir / name).string());
        out.commit();
    }
    progress.update(1.0, "DICOM written");
}

} // namespace irplan
