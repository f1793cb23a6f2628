#pragma once
// The liver window follows the measured parenchyma: a portal-venous liver at
// 110 HU under a fixed level of 30 HU is a white sheet in which no lesion can
// be seen. The level is the case's measured liver HU (the contrast-phase
// evidence `irplan run` stores with each CT), else the median of the CT over
// the label map's liver label.
#include "core/Case.h"
#include "render/Scene.h"

#include <optional>
#include <string>

namespace irplan::viewer {

std::optional<double> measuredLiverHu(const Case& c, const std::string& ctId, const Volume* ct,
                                      const render::LabelLayer& labels);

// W 150 centred on the parenchyma: lesions 40-70 HU darker and vessels 60 HU
// brighter both stay inside the grey scale.
render::WindowLevel liverWindow(double liverHu);

} // namespace irplan::viewer
