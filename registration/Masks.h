#pragma once
// Masks for registration: which voxels elastix may sample. A liver mask grown
// by 10-20 mm makes a PET/CT registration follow the liver (breathing
// included) instead of the whole body.
#include "io/ImageTypes.h"

#include <set>

namespace irplan::registration {

// 1 where the label is in `labels` (all non-zero labels when empty), grown by
// `dilate_mm` (0: not grown). Throws irplan::Error when the result is empty.
MaskImage::Pointer maskFromLabels(const LabelImage* labelMap, const std::set<int>& labels, double dilate_mm);

// "1,100-110" -> {1, 100, ..., 110}; throws irplan::Error on bad text.
std::set<int> parseLabelList(const std::string& text);

} // namespace irplan::registration
