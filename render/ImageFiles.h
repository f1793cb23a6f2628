#pragma once
// PNG files and picture comparison for screenshots and render tests.
#include "render/RenderTypes.h"

#include <filesystem>

namespace irplan::render {

// Atomic (core/Files.h); throws irplan::Error with the path on failure.
void writePng(const RgbaImage& image, const std::filesystem::path& path);
RgbaImage readPng(const std::filesystem::path& path);

struct ImageComparison {
    double error = 0;        // vtkImageDifference's thresholded error (0 = identical)
    double maxChannelDiff = 0; // largest difference of one channel, 0..255
    double differingPixels = 0; // fraction of pixels with any channel differing by > 16
    RgbaImage diff;          // per-pixel difference, for inspection
};
// Compares two pictures of the same size with vtkImageDifference (per-channel
// threshold 16, shifts of one pixel allowed). Throws when the sizes differ.
ImageComparison compareImages(const RgbaImage& rendered, const RgbaImage& baseline);

// Pastes `tile` into `canvas` at (x, y).
void blit(RgbaImage& canvas, const RgbaImage& tile, int x, int y);

} // namespace irplan::render
