#pragma once
// Helpers for tests that render: skip without an X display, compare with the
// committed baselines (tests/render/baselines), and write the render and the
// difference next to the test output when a comparison fails.
#include "render/ImageFiles.h"
#include "render/ViewCanvas.h"

#include <gtest/gtest.h>

#include <string>

namespace irplan::test {

#define IRPLAN_NEED_DISPLAY()                                                                                      \
    if (!::irplan::render::displayAvailable())                                                                    \
    GTEST_SKIP() << "no X display: run under xvfb-run (scripts/test.sh does)"

// What a render may differ from its baseline (calibration in tests/render/README.md):
// vtkImageDifference's thresholded error (per-channel threshold 16, one-pixel shifts
// allowed), and the fraction of pixels with a channel more than 16 levels off.
constexpr double kBaselineTolerance = 0.5;
constexpr double kBaselineMaxDifferingPixels = 0.02;

// Compares `image` with baselines/<name>.png. IRPLAN_UPDATE_BASELINES=1 rewrites the baseline.
void expectMatchesBaseline(const render::RgbaImage& image, const std::string& name);

// Where renders of failed comparisons go.
std::string renderOutputDir();

} // namespace irplan::test
