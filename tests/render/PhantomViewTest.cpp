// The viewer on the digital phantom (3 mm voxels): the PET hot spot falls on
// the lesion's pixels once the phantom's CT->PET alignment is applied, and not
// without it; the MIP peaks at the hottest lesion; the read-out says SUVbw.
#include "RenderTestSupport.h"
#include "app/gui/session/PhantomCase.h"
#include "app/gui/session/Script.h"
#include "app/gui/session/Tour.h"
#include "app/gui/session/Viewer.h"
#include "core/Files.h"
#include "render/SliceView.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

using namespace irplan;
using namespace irplan::render;
using namespace irplan::viewer;

namespace {
class PhantomView : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const auto dir = test::scratchDir("viewer_phantom");
        PhantomCaseOptions o;
        o.spacing_mm = 3.0;
        caseFile_ = new std::filesystem::path(writePhantomCase(dir, o));
        viewer_ = new Viewer();
        viewer_->openCase(*caseFile_);
        viewer_->tasks().waitIdle();
        viewer_->poll();
    }
    static void TearDownTestSuite() {
        delete viewer_;
        delete caseFile_;
    }
    static Viewer* viewer_;
    static std::filesystem::path* caseFile_;

    // Centre of the PET hot spot on a rendered axial slice through `centre` that
    // shows only the PET in grey (intensity rises with SUV): the centroid of the
    // pixels within 70% of the hottest one, near it. The edges (orientation
    // letters) are left out.
    static Vec3 hotSpot(const Scene& scene, const Vec3& centre) {
        DisplaySettings d;
        d.window = {1, 5000, ""}; // CT black
        d.petOpacity = 1;
        d.petColormap = Colormap::Gray;
        d.labelStyle = LabelStyle::Hidden;
        d.petLow = 0.01;
        d.petHigh = 45;
        SliceView view(ViewKind::Axial, CanvasOptions{});
        view.setSize(400, 400);
        view.setImage(composeSlice(scene, d, ViewKind::Axial, centre));
        view.render();
        const RgbaImage img = view.capture();
        const int margin = 40;
        auto grey = [&](int x, int y) {
            const auto* p = img.at(x, y);
            return (p[0] == p[1] && p[1] == p[2]) ? p[0] : 0;
        };
        int best = -1, bx = 0, by = 0;
        for (int y = margin; y < img.height - margin; ++y)
            for (int x = margin; x < img.width - margin; ++x)
                if (grey(x, y) > best) {
                    best = grey(x, y);
                    bx = x;
                    by = y;
                }
        double sx = 0, sy = 0, n = 0;
        for (int y = std::max(margin, by - 30); y < std::min(img.height - margin, by + 30); ++y)
            for (int x = std::max(margin, bx - 30); x < std::min(img.width - margin, bx + 30); ++x)
                if (grey(x, y) >= 0.7 * best) {
                    sx += x + 0.5;
                    sy += y + 0.5;
                    ++n;
                }
        return view.pixelToLps(sx / n, sy / n);
    }
};
Viewer* PhantomView::viewer_ = nullptr;
std::filesystem::path* PhantomView::caseFile_ = nullptr;
} // namespace

TEST_F(PhantomView, LoadsWithTheLabelledAlignment) {
    EXPECT_TRUE(viewer_->takeTaskErrors().empty());
    ASSERT_TRUE(viewer_->scene().ct);
    ASSERT_TRUE(viewer_->scene().pet.volume);
    ASSERT_TRUE(viewer_->scene().pet.ctToPet.has_value());
    EXPECT_NE(viewer_->scene().pet.alignment.find("phantom ground truth"), std::string::npos);
    EXPECT_TRUE(viewer_->volume3d() != nullptr);
    EXPECT_GT(viewer_->scene().vessels.size(), 100u);
    EXPECT_EQ(viewer_->images().labelInfo.count(101), 1u);
}

TEST_F(PhantomView, PetHotSpotFallsOnTheLesion) {
    IRPLAN_NEED_DISPLAY();
    const Scene& scene = viewer_->scene();
    render::LabelSampler labels(scene.labels.labels.GetPointer());
    for (int k : {1, 2}) {
        const Vec3 c = viewer_->images().labelInfo.at(100 + k).centroid_mm;
        const Vec3 aligned = hotSpot(scene, c);
        Scene unregistered = scene;
        unregistered.pet.ctToPet.reset();
        const Vec3 raw = hotSpot(unregistered, c);
        std::printf("lesion %d at (%.1f, %.1f, %.1f): hot spot %.1f mm away with the phantom alignment, %.1f mm without; "
                    "label under the hot spot %d\n",
                    k, c.x, c.y, c.z, distance(aligned, c), distance(raw, c), labels.at(aligned));
        EXPECT_EQ(labels.at(aligned), 100 + k);
        EXPECT_LT(distance(aligned, c), 4.0); // within a 4 mm PET voxel
        // The phantom's PET is displaced by ~9 mm (rigid motion + breathing) without its alignment.
        EXPECT_GT(distance(raw, c), 5.0);
    }
}

TEST_F(PhantomView, MipPeaksAtTheHottestLesion) {
    const Scene& scene = viewer_->scene();
    DisplaySettings d;
    d.mipColormap = Colormap::Gray;
    d.petHigh = 45;
    const SliceImage mip = composePetMip(scene, d);
    int best = -1;
    for (size_t i = 0; i < mip.rgba.pixels.size(); i += 4) best = std::max<int>(best, mip.rgba.pixels[i]);
    // Centroid of the hottest pixels (within 90% of the peak).
    double sx = 0, sy = 0, n = 0;
    for (int y = 0; y < mip.rgba.height; ++y)
        for (int x = 0; x < mip.rgba.width; ++x)
            if (mip.rgba.at(x, y)[0] >= 0.9 * best) {
                sx += x + 0.5;
                sy += y + 0.5;
                ++n;
            }
    const Vec3 p = mip.lps(sx / n, sy / n);
    const Vec3 c = viewer_->images().labelInfo.at(101).centroid_mm; // SUV 40, the hottest lesion
    std::printf("MIP peak at x %.1f z %.1f, lesion 1 at x %.1f z %.1f\n", p.x, p.z, c.x, c.z);
    EXPECT_LT(std::hypot(p.x - c.x, p.z - c.z), 4.0);
}

TEST_F(PhantomView, ReadoutSaysSuvAndHu) {
    const Vec3 c = viewer_->images().labelInfo.at(101).centroid_mm;
    const Readout r = viewer_->readout(c);
    std::printf("%s\n", r.text().c_str());
    ASSERT_TRUE(r.petValue.has_value());
    EXPECT_EQ(r.petUnit, "SUVbw");
    EXPECT_GT(*r.petValue, 20.0); // lesion 1 is SUV 40, blurred by the 6 mm PSF
    ASSERT_TRUE(r.ctValue.has_value());
    EXPECT_NEAR(*r.ctValue, 150.0, 50.0); // arterial HU of lesion 1, with 12 HU noise
    EXPECT_EQ(r.label, 101);
    EXPECT_NE(r.text().find("R "), std::string::npos); // lesion 1 is in the right lobe
}

namespace {
struct NullFrontend : Frontend {
    void screenshot(const std::filesystem::path&) override {}
    void setSize(int, int) override {}
    void zoom(ViewKind, double) override {}
    void resetViews() override {}
    void set3dAngles(double, double) override {}
    void quit() override {}
};
} // namespace

// Every step of the teaching tour runs on the phantom it was written for, and the
// facts it points at hold there: lesion 4 is subtle on arterial CT but hot on PET.
TEST_F(PhantomView, TeachingTourRunsOnThePhantom) {
    ASSERT_TRUE(tourFits(viewer_->currentCase().name)) << viewer_->currentCase().name;
    NullFrontend f;
    for (const auto& step : phantomTour())
        for (const auto& cmd : step.commands) {
            EXPECT_NO_THROW(runCommand(cmd, *viewer_, f)) << step.title << ": " << cmd;
            viewer_->tasks().waitIdle();
            viewer_->poll();
        }
    EXPECT_TRUE(viewer_->takeTaskErrors().empty());
    runCommand("use-ct ct", *viewer_, f);
    viewer_->tasks().waitIdle();
    viewer_->poll();
    const Vec3 c4 = viewer_->images().labelInfo.at(104).centroid_mm;
    const Vec3 liver = viewer_->images().labelInfo.at(1).centroid_mm;
    const Readout lesion = viewer_->readout(c4), background = viewer_->readout(liver);
    std::printf("lesion 4: %s\nliver: %s\n", lesion.text().c_str(), background.text().c_str());
    EXPECT_GT(*lesion.petValue, 2.0 * *background.petValue);
    EXPECT_NEAR(*lesion.ctValue, *background.ctValue, 50.0); // within CT noise of the liver
}
