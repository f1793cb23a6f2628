#include "phantom/PhantomDicom.h"

#include "io/DicomWriter.h"

#include <itkImageDuplicator.h>

#include <cmath>

namespace irplan::phantom {
namespace fs = std::filesystem;

double PhantomPetAcquisition::suvFactor() const {
    const double decayed = doseBq * std::exp(-std::log(2.0) * uptakeSeconds / halfLifeSeconds);
    return weightKg * 1000.0 / decayed;
}

void writePhantomDicom(const PhantomCase& p, const fs::path& dir, const Progress& progress) {
    const std::string seed = "irplan-phantom-" + std::to_string(p.options.seed) + (p.options.clinical ? "-clinical" : "");
    DicomSeriesSpec base;
    base.uidSeed = seed;
    base.studyInstanceUid = dicomUidFor(seed + "/study");
    base.patientId = "IRPLAN-PHANTOM-" + std::to_string(p.options.seed);
    base.patientSex = "M";
    const PhantomPetAcquisition acq;
    base.patientWeightKg = acq.weightKg;
    base.patientSizeM = acq.heightM;
    // One PET/CT: CT phases and PET share a frame of reference; the MR has its own.
    const std::string petCtFrame = dicomUidFor(seed + "/frame/petct");

    DicomSeriesSpec ctA = base;
    ctA.modality = "CT";
    ctA.seriesDescription = "CT late arterial";
    ctA.seriesInstanceUid = dicomUidFor(seed + "/series/ct_arterial");
    ctA.frameOfReferenceUid = petCtFrame;
    ctA.seriesNumber = 2;
    ctA.seriesTime = "105000";
    writeDicomSeries(p.ctArterial.image, dir / "ct_arterial", ctA, progress.sub(0.0, 0.35));

    DicomSeriesSpec ctP = ctA;
    ctP.seriesDescription = "CT portal venous";
    ctP.seriesInstanceUid = dicomUidFor(seed + "/series/ct_portal");
    ctP.seriesNumber = 3;
    ctP.seriesTime = "105040";
    writeDicomSeries(p.ctPortal.image, dir / "ct_portal", ctP, progress.sub(0.35, 0.7));

    // PET voxels back to Bq/mL: SUV / factor.
    auto dup = itk::ImageDuplicator<FloatImage>::New();
    dup->SetInputImage(p.pet.image);
    dup->Update();
    FloatImage::Pointer bqml = dup->GetOutput();
    const double factor = acq.suvFactor();
    float* v = bqml->GetBufferPointer();
    for (size_t i = 0; i < bqml->GetBufferedRegion().GetNumberOfPixels(); ++i) v[i] = static_cast<float>(v[i] / factor);
    DicomSeriesSpec pet = base;
    pet.modality = "PT";
    pet.seriesDescription = "PET 68Ga-DOTATATE AC";
    pet.seriesInstanceUid = dicomUidFor(seed + "/series/pet");
    pet.frameOfReferenceUid = petCtFrame;
    pet.seriesNumber = 4;
    pet.seriesTime = "110000";
    PetSeriesTags tags;
    tags.totalDoseBq = acq.doseBq;
    tags.halfLifeSeconds = acq.halfLifeSeconds;
    tags.startDateTime = "20260101100000";
    tags.radiopharmaceutical = "Ga-68 DOTATATE";
    tags.radionuclideCodeMeaning = "^68^Gallium";
    pet.pet = tags;
    writeDicomSeries(bqml, dir / "pet", pet, progress.sub(0.7, 0.85));

    if (p.options.mr) {
        DicomSeriesSpec mr = base;
        mr.modality = "MR";
        mr.seriesDescription = "T1 VIBE fs late arterial";
        mr.studyInstanceUid = dicomUidFor(seed + "/study/mr");
        mr.seriesInstanceUid = dicomUidFor(seed + "/series/mr");
        mr.frameOfReferenceUid = dicomUidFor(seed + "/frame/mr");
        mr.seriesNumber = 5;
        mr.studyDate = mr.seriesDate = "20251228";
        writeDicomSeries(p.mr.image, dir / "mr", mr, progress.sub(0.85, 1.0));
    }
}

} // namespace irplan::phantom
