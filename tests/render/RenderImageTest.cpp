// Offscreen renders of the views (Xvfb + Mesa llvmpipe, anti-aliasing off)
// against committed baselines, and what a radiologist would check on them:
// orientation on screen, the applicator where the case puts it, the PET in 3D.
#include "RenderTestSupport.h"
#include "SyntheticScene.h"
#include "render/SliceView.h"
#include "render/Surfaces.h"
#include "render/VolumeView.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

using namespace irplan;
using namespace irplan::render;
using irplan::test::makeSyntheticPatient;
using irplan::test::SyntheticPatient;

namespace {
constexpr int kSize = 256;

SliceAnnotations annotations(const SyntheticPatient& s, const DisplaySettings& d, ViewKind view, const Vec3& centre) {
    SliceAnnotations a;
    a.title = std::string(viewName(view)) + " test";
    a.windowText = "W " + std::to_string(static_cast<int>(d.window.width)) + " L " + std::to_string(static_cast<int>(d.window.level));
    a.colourBar = ColourBar{d.petColormap, d.petLow, d.petHigh, "SUVbw", false};
    a.crosshair_mm = centre;
    ProbeShape p;
    p.id = "p1";
    p.tip_mm = s.lesionCentre;
    p.entry_mm = s.lesionCentre + Vec3{-60, -30, 0};
    a.probes = {p};
    MeasurementShape m;
    m.id = "m1";
    m.ruler = true;
    m.a = s.lesionCentre + Vec3{-15, 20, 0};
    m.b = s.lesionCentre + Vec3{15, 20, 0};
    m.text = "m1: 30.0 mm";
    a.measurements = {m};
    a.sliceThickness_mm = 1.3;
    return a;
}

RgbaImage renderSlice(const SyntheticPatient& s, const DisplaySettings& d, ViewKind view, const Vec3& centre,
                      const SliceAnnotations* a = nullptr, SliceView** keep = nullptr) {
    static std::unique_ptr<SliceView> last;
    last = std::make_unique<SliceView>(view, CanvasOptions{});
    last->setSize(kSize, kSize);
    last->setImage(view == ViewKind::PetMip ? composePetMip(s.scene, d) : composeSlice(s.scene, d, view, centre));
    if (a) last->setAnnotations(*a);
    last->render();
    if (keep) *keep = last.get();
    return last->capture();
}

double brightFraction(const RgbaImage& img, int x0, int x1, int y0, int y1) {
    int n = 0, bright = 0;
    for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x, ++n) {
            const auto* p = img.at(x, y);
            if (p[0] > 200 && p[1] > 200 && p[2] > 200) ++bright;
        }
    return n ? static_cast<double>(bright) / n : 0;
}
} // namespace

TEST(RenderBaseline, AxialFusedSliceWithAnnotations) {
    IRPLAN_NEED_DISPLAY();
    const auto s = makeSyntheticPatient();
    DisplaySettings d;
    const auto a = annotations(s, d, ViewKind::Axial, s.lesionCentre);
    test::expectMatchesBaseline(renderSlice(s, d, ViewKind::Axial, s.lesionCentre, &a), "axial_fused");
}

TEST(RenderBaseline, CoronalRainbowWithLabelFill) {
    IRPLAN_NEED_DISPLAY();
    const auto s = makeSyntheticPatient();
    DisplaySettings d;
    d.petColormap = Colormap::Rainbow;
    d.petOpacity = 0.35;
    d.labelStyle = LabelStyle::Fill;
    d.window = *windowPreset("liver");
    const auto a = annotations(s, d, ViewKind::Coronal, s.lesionCentre);
    test::expectMatchesBaseline(renderSlice(s, d, ViewKind::Coronal, s.lesionCentre, &a), "coronal_rainbow_fill");
}

TEST(RenderBaseline, PetMip) {
    IRPLAN_NEED_DISPLAY();
    const auto s = makeSyntheticPatient();
    DisplaySettings d;
    SliceAnnotations a;
    a.title = "PET MIP";
    a.colourBar = ColourBar{d.mipColormap, 0, d.petHigh, "SUVbw", false};
    a.crosshair_mm = s.lesionCentre;
    test::expectMatchesBaseline(renderSlice(s, d, ViewKind::PetMip, s.lesionCentre, &a), "pet_mip");
}

TEST(RenderBaseline, FusedVolume3d) {
    IRPLAN_NEED_DISPLAY();
    const auto s = makeSyntheticPatient();
    VolumeView view{CanvasOptions{}};
    view.setSize(kSize, kSize);
    DisplaySettings d;
    view.setSettings(d);
    view.setVolume(std::make_shared<FusedVolumeData>(buildFusedVolume(s.scene)));
    view.setSurfaces(buildLabelSurfaces(s.scene.labels.labels.GetPointer(), {1, 101}));
    ProbeShape p;
    p.id = "p1";
    p.tip_mm = s.lesionCentre;
    p.entry_mm = s.lesionCentre + Vec3{-60, -60, 20};
    view.setProbes({p});
    view.setViewAngles(30, 20);
    view.render();
    std::printf("3D frame %.0f ms at %dx%d\n", view.lastFrameMs(), kSize, kSize);
    test::expectMatchesBaseline(view.capture(), "volume3d_vessels");
}

TEST(RenderSemantic, AxialSliceOnScreenHasPatientLeftOnTheRight) {
    IRPLAN_NEED_DISPLAY();
    const auto s = makeSyntheticPatient();
    DisplaySettings d;
    d.window = {200, 900, ""}; // only the marker block (1000 HU) is white
    d.petVisible = false;
    d.labelStyle = LabelStyle::Hidden;
    const RgbaImage img = renderSlice(s, d, ViewKind::Axial, {0, 0, 30});
    const double rightTop = brightFraction(img, kSize / 2, kSize, 0, kSize / 2);
    const double leftHalf = brightFraction(img, 0, kSize / 2, 0, kSize);
    const double bottomHalf = brightFraction(img, 0, kSize, kSize / 2, kSize);
    std::printf("marker: %.4f of the upper-right quadrant, %.4f of the left half, %.4f of the lower half\n", rightTop,
                leftHalf, bottomHalf);
    EXPECT_GT(rightTop, 0.005);
    EXPECT_EQ(leftHalf, 0.0);
    EXPECT_EQ(bottomHalf, 0.0);
}

TEST(RenderSemantic, ViewPixelsMapBackToPatientSpace) {
    IRPLAN_NEED_DISPLAY();
    const auto s = makeSyntheticPatient();
    DisplaySettings d;
    d.window = {200, 900, ""};
    d.petVisible = false;
    d.labelStyle = LabelStyle::Hidden;
    SliceView* view = nullptr;
    const RgbaImage img = renderSlice(s, d, ViewKind::Coronal, {0, -45, 0}, nullptr, &view);
    // Every white pixel of the render maps into the marker block (give half a voxel).
    int white = 0, inside = 0;
    for (int y = 0; y < img.height; ++y)
        for (int x = 0; x < img.width; ++x) {
            const auto* p = img.at(x, y);
            if (p[0] < 250 || p[1] < 250 || p[2] < 250) continue;
            ++white;
            const Vec3 q = view->pixelToLps(x + 0.5, y + 0.5);
            if (q.x > s.markerLo.x - 2.5 && q.x < s.markerHi.x + 2.5 && q.z > s.markerLo.z - 2.5 && q.z < s.markerHi.z + 2.5) ++inside;
        }
    std::printf("%d white pixels, %d map into the marker block\n", white, inside);
    EXPECT_GT(white, 50);
    EXPECT_EQ(inside, white);
}

TEST(RenderSemantic, ProbeIsDrawnAtItsTip) {
    IRPLAN_NEED_DISPLAY();
    const auto s = makeSyntheticPatient();
    DisplaySettings d;
    d.petVisible = false;
    d.labelStyle = LabelStyle::Hidden;
    SliceAnnotations a;
    ProbeShape p;
    p.id = "p1";
    p.tip_mm = s.lesionCentre;
    p.entry_mm = s.lesionCentre + Vec3{-60, -30, 0};
    a.probes = {p};
    a.sliceThickness_mm = 1.3;
    SliceView* view = nullptr;
    const RgbaImage img = renderSlice(s, d, ViewKind::Axial, s.lesionCentre, &a, &view);
    double tx, ty;
    view->lpsToPixel(s.lesionCentre, tx, ty);
    // The tip circle (6 px) in the probe colour (cyan: low red, high green and blue).
    int cyan = 0, samples = 0;
    for (int deg = 0; deg < 360; deg += 10) {
        ++samples;
        for (double r : {5.5, 6.0, 6.5}) {
            const int x = static_cast<int>(tx + r * std::cos(deg * M_PI / 180)), y = static_cast<int>(ty + r * std::sin(deg * M_PI / 180));
            const auto* px = img.at(x, y);
            if (px[0] < 120 && px[1] > 170 && px[2] > 200) {
                ++cyan;
                break;
            }
        }
    }
    std::printf("probe tip circle found at %d of %d angles around pixel (%.1f, %.1f)\n", cyan, samples, tx, ty);
    EXPECT_GE(cyan, samples * 2 / 3);
}

TEST(RenderSemantic, VolumeViewFromTheFrontHasPatientLeftOnTheRight) {
    IRPLAN_NEED_DISPLAY();
    const auto s = makeSyntheticPatient();
    VolumeView view{CanvasOptions{}};
    view.setSize(kSize, kSize);
    DisplaySettings d;
    d.preset3d = Volume3dPreset::Bone; // the 1000 HU marker and the 700 HU spine
    d.pet3d = false;
    view.setSettings(d);
    view.setVolume(std::make_shared<FusedVolumeData>(buildFusedVolume(s.scene)));
    view.resetCamera();
    view.render();
    const RgbaImage front = view.capture();
    auto columnMass = [](const RgbaImage& img, int x0, int x1) {
        long n = 0;
        // Rows between the title and the bottom legend / orientation cube.
        for (int y = img.height / 12; y < img.height * 3 / 4; ++y)
            for (int x = x0; x < x1; ++x) n += img.at(x, y)[0] > 60 ? 1 : 0;
        return n;
    };
    const long frontRight = columnMass(front, static_cast<int>(kSize * 0.6), static_cast<int>(kSize * 0.9));
    const long frontLeft = columnMass(front, static_cast<int>(kSize * 0.1), static_cast<int>(kSize * 0.4));
    view.setViewAngles(180, 0); // from behind: the patient's left is now on the screen's left
    view.render();
    const RgbaImage back = view.capture();
    const long backRight = columnMass(back, static_cast<int>(kSize * 0.6), static_cast<int>(kSize * 0.9));
    const long backLeft = columnMass(back, static_cast<int>(kSize * 0.1), static_cast<int>(kSize * 0.4));
    std::printf("marker pixels: anterior view left %ld right %ld; posterior view left %ld right %ld\n", frontLeft,
                frontRight, backLeft, backRight);
    EXPECT_GT(frontRight, 10 * (frontLeft + 1));
    EXPECT_GT(backLeft, 10 * (backRight + 1));
}

TEST(RenderSemantic, PetChangesTheFusedVolume) {
    IRPLAN_NEED_DISPLAY();
    const auto s = makeSyntheticPatient();
    VolumeView view{CanvasOptions{}};
    view.setSize(kSize, kSize);
    DisplaySettings d;
    view.setVolume(std::make_shared<FusedVolumeData>(buildFusedVolume(s.scene)));
    view.setSettings(d);
    view.render();
    const RgbaImage with = view.capture();
    d.pet3d = false;
    view.setSettings(d);
    view.render();
    const RgbaImage without = view.capture();
    const ImageComparison c = compareImages(with, without);
    std::printf("PET on vs off: %.2f%% of pixels differ\n", 100 * c.differingPixels);
    EXPECT_GT(c.differingPixels, 0.01);
}
