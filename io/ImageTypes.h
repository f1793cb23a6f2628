#pragma once
// The image types every domain module shares. All carry origin, spacing and
// direction cosines in LPS millimetres (ITK's convention, the same as DICOM).
#include <itkImage.h>

#include <cstdint>

namespace irplan {

using FloatImage = itk::Image<float, 3>;      // intensities: HU, Bq/mL, SUV, MR signal
using LabelImage = itk::Image<std::uint16_t, 3>; // label maps (0 = background)
using MaskImage = itk::Image<std::uint8_t, 3>;  // binary masks (0 / 1)

} // namespace irplan
