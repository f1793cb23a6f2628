#include "RenderTestSupport.h"

#include "core/Files.h"
#include "tests/support/TestSupport.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace irplan::test {

namespace fs = std::filesystem;

std::string renderOutputDir() {
    const fs::path dir = fs::path(IRPLAN_TEST_BUILD_DIR) / "render_output";
    files::ensureDirectory(dir);
    return dir.string();
}

void expectMatchesBaseline(const render::RgbaImage& image, const std::string& name) {
    const fs::path baseline = fs::path(IRPLAN_SOURCE_DIR) / "tests" / "render" / "baselines" / (name + ".png");
    const fs::path out = fs::path(renderOutputDir());
    if (const char* u = std::getenv("IRPLAN_UPDATE_BASELINES"); u && std::string(u) == "1") {
        render::writePng(image, baseline);
        std::printf("baseline %s rewritten\n", baseline.string().c_str());
        return;
    }
    std::error_code ec;
    if (!fs::exists(baseline, ec)) {
        render::writePng(image, out / (name + ".png"));
        ADD_FAILURE() << "no baseline " << baseline << "; the render is in " << (out / (name + ".png"))
                      << " (IRPLAN_UPDATE_BASELINES=1 creates baselines)";
        return;
    }
    const render::ImageComparison c = render::compareImages(image, render::readPng(baseline));
    std::printf("%s: vtkImageDifference thresholded error %.3f, largest channel difference %.0f, %.4f%% of pixels differ\n",
                name.c_str(), c.error, c.maxChannelDiff, 100 * c.differingPixels);
    if (c.error > kBaselineTolerance || c.differingPixels > kBaselineMaxDifferingPixels) {
        render::writePng(image, out / (name + ".png"));
        render::writePng(c.diff, out / (name + "_diff.png"));
        ADD_FAILURE() << name << " differs from its baseline (error " << c.error << ", tolerance " << kBaselineTolerance
                      << "; " << 100 * c.differingPixels << "% of pixels differ, tolerance "
                      << 100 * kBaselineMaxDifferingPixels << "%); render and difference written to " << out;
    }
}

} // namespace irplan::test
