#pragma once
// The moving image seen on the fixed grid through a registration: linear
// interpolation for intensities (PET, MR, CT), nearest neighbour for label maps
// and masks. Segmentation uses it to put the PET on the CT grid; the viewer to
// fuse. Linear results are resampled in-process; deformable ones by transformix.
#include "core/Progress.h"
#include "io/ImageTypes.h"
#include "io/Volume.h"
#include "registration/ElastixSettings.h"
#include "registration/Registration.h"

namespace irplan::registration {

enum class Interpolation { Linear, Nearest };

struct ResampleOptions {
    // Target grid; null = the registration's fixed grid.
    const itk::ImageBase<3>* referenceGrid = nullptr;
    float outsideValue = 0.0f; // where the moving image has no data
    ElastixSettings elastix;
    Progress progress;
};

FloatImage::Pointer resampleToFixed(const Registration& registration, const FloatImage* moving,
                                    Interpolation interpolation, const ResampleOptions& options = {});
// Keeps the volume's metadata (units, SUV factor, modality), so a resampled PET
// is still labelled SUV or Bq/mL exactly as the original.
Volume resampleVolumeToFixed(const Registration& registration, const Volume& moving,
                             const ResampleOptions& options = {});
LabelImage::Pointer resampleLabelsToFixed(const Registration& registration, const LabelImage* labels,
                                          const ResampleOptions& options = {});

} // namespace irplan::registration
