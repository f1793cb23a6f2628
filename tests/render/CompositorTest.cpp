// The CPU slice compositor against the synthetic patient: orientation of the
// pictures, flipped storage, PET fusion and units, label outlines, the PET MIP
// and the 3D volume's data. No OpenGL needed.
#include "SyntheticScene.h"
#include "render/FusedVolume.h"
#include "render/Colormaps.h"
#include "render/SliceCompositor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

using namespace irplan;
using namespace irplan::render;
using irplan::test::makeSyntheticPatient;

namespace {
// Mean pixel position (in picture fractions) of pixels brighter than `threshold` in all channels.
bool brightCentroid(const SliceImage& s, int threshold, double& fx, double& fy) {
    double sx = 0, sy = 0, n = 0;
    for (int y = 0; y < s.rgba.height; ++y)
        for (int x = 0; x < s.rgba.width; ++x) {
            const auto* p = s.rgba.at(x, y);
            if (p[0] > threshold && p[1] > threshold && p[2] > threshold) {
                sx += x;
                sy += y;
                ++n;
            }
        }
    if (n == 0) return false;
    fx = sx / n / s.rgba.width;
    fy = sy / n / s.rgba.height;
    return true;
}

DisplaySettings grayOnly() {
    DisplaySettings d;
    d.window = {200, 900, ""}; // only the 1000 HU marker is white
    d.petVisible = false;
    d.labelStyle = LabelStyle::Hidden;
    return d;
}
} // namespace

TEST(Compositor, AxialShowsPatientLeftOnTheRightAndAnteriorUp) {
    auto s = makeSyntheticPatient();
    const SliceImage img = composeSlice(s.scene, grayOnly(), ViewKind::Axial, {0, 0, 30});
    double fx, fy;
    ASSERT_TRUE(brightCentroid(img, 250, fx, fy));
    std::printf("axial marker centroid at %.2f, %.2f of the picture\n", fx, fy);
    EXPECT_GT(fx, 0.5); // patient left on the image right
    EXPECT_LT(fy, 0.5); // anterior at the top
}

TEST(Compositor, CoronalAndSagittalOrientation) {
    auto s = makeSyntheticPatient();
    double fx, fy;
    const SliceImage cor = composeSlice(s.scene, grayOnly(), ViewKind::Coronal, {0, -45, 0});
    ASSERT_TRUE(brightCentroid(cor, 250, fx, fy));
    EXPECT_GT(fx, 0.5); // left on the right
    EXPECT_LT(fy, 0.5); // superior up
    const SliceImage sag = composeSlice(s.scene, grayOnly(), ViewKind::Sagittal, {45, 0, 0});
    ASSERT_TRUE(brightCentroid(sag, 250, fx, fy));
    EXPECT_LT(fx, 0.5); // anterior on the left
    EXPECT_LT(fy, 0.5); // superior up
}

TEST(Compositor, FlippedStorageGivesTheSamePicture) {
    auto a = makeSyntheticPatient(false);
    auto b = makeSyntheticPatient(true);
    DisplaySettings d;
    d.labelStyle = LabelStyle::Outline;
    for (ViewKind v : {ViewKind::Axial, ViewKind::Coronal, ViewKind::Sagittal}) {
        const SliceImage ia = composeSlice(a.scene, d, v, a.lesionCentre);
        const SliceImage ib = composeSlice(b.scene, d, v, b.lesionCentre);
        ASSERT_EQ(ia.rgba.width, ib.rgba.width);
        ASSERT_EQ(ia.rgba.height, ib.rgba.height);
        int worst = 0;
        for (size_t i = 0; i < ia.rgba.pixels.size(); ++i) worst = std::max(worst, std::abs(ia.rgba.pixels[i] - ib.rgba.pixels[i]));
        std::printf("%s: largest channel difference flipped vs not: %d\n", viewName(v), worst);
        EXPECT_LE(worst, 1);
    }
}

TEST(Compositor, PixelMappingRoundTrips) {
    auto s = makeSyntheticPatient();
    const SliceImage img = composeSlice(s.scene, DisplaySettings{}, ViewKind::Coronal, s.lesionCentre);
    double x, y;
    img.pixelOf(s.lesionCentre, x, y);
    const Vec3 back = img.lps(x, y);
    EXPECT_NEAR(distance(back, s.lesionCentre), 0.0, 1e-9);
    EXPECT_NEAR(img.pixel_mm, 2.5, 1e-9); // the CT's in-plane spacing
}

TEST(Compositor, PetHotSpotIsOnTheLesion) {
    auto s = makeSyntheticPatient();
    DisplaySettings d;
    d.window = {1, 5000, ""}; // CT black: only the PET colours remain
    d.petOpacity = 1.0;
    d.labelStyle = LabelStyle::Hidden;
    d.petLow = 2;
    d.petHigh = 30;
    const SliceImage img = composeSlice(s.scene, d, ViewKind::Axial, s.lesionCentre);
    int best = -1, bx = 0, by = 0;
    for (int y = 0; y < img.rgba.height; ++y)
        for (int x = 0; x < img.rgba.width; ++x) {
            const auto* p = img.rgba.at(x, y);
            const int sum = p[0] + p[1] + p[2];
            if (sum > best) {
                best = sum;
                bx = x;
                by = y;
            }
        }
    const Vec3 hot = img.lps(bx + 0.5, by + 0.5);
    std::printf("hottest pixel at (%.1f, %.1f, %.1f), %.1f mm from the lesion centre\n", hot.x, hot.y, hot.z,
                distance(hot, s.lesionCentre));
    EXPECT_LT(distance(hot, s.lesionCentre), s.lesionRadius);
    // Moving the PET by a case transform moves the hot spot with it.
    s.scene.pet.ctToPet = Affine::translation({-20, 0, 0}); // CT x sees PET x - 20
    auto value = petValueAt(s.scene, s.lesionCentre + Vec3{20, 0, 0});
    ASSERT_TRUE(value.has_value());
    EXPECT_NEAR(*value, 30.0, 1e-4);
}

TEST(Compositor, BecquerelPerMillilitreIsNeverCalledSuv) {
    VolumeMeta m;
    m.units = Units::BQML;
    m.suv.available = false;
    m.suv.reason = "RadionuclideTotalDose (0018,1074) is missing";
    const PetQuantity q = petQuantity(m);
    EXPECT_FALSE(q.isSuv);
    EXPECT_EQ(q.unit, "Bq/mL");
    EXPECT_EQ(q.factor, 1.0);
    EXPECT_NE(q.why.find("0018,1074"), std::string::npos);
    m.suv.available = true;
    m.suv.factor = 0.0025;
    const PetQuantity s = petQuantity(m);
    EXPECT_TRUE(s.isSuv);
    EXPECT_EQ(s.unit, "SUVbw");
    EXPECT_DOUBLE_EQ(s.factor, 0.0025);
    VolumeMeta counts;
    counts.units = Units::Counts;
    EXPECT_EQ(petQuantity(counts).unit, "counts");
}

TEST(Compositor, DefaultPetWindow) {
    auto s = makeSyntheticPatient();
    double lo = 0, hi = 0;
    defaultPetWindow(*s.scene.pet.volume, lo, hi);
    EXPECT_EQ(lo, 2.0);
    EXPECT_EQ(hi, 20.0);
    auto bq = std::make_shared<Volume>(*s.scene.pet.volume);
    bq->meta.units = Units::BQML;
    bq->meta.suv = SuvInfo{};
    defaultPetWindow(*bq, lo, hi);
    std::printf("Bq/mL window %.2f .. %.2f\n", lo, hi);
    // 99.5th percentile of the voxels: the liver (6); the small hot spheres are outliers.
    EXPECT_NEAR(hi, 6.0, 1e-6);
    EXPECT_NEAR(lo, 0.1 * hi, 1e-9);
}

TEST(Compositor, LabelOutlinesAndFills) {
    auto s = makeSyntheticPatient();
    DisplaySettings d;
    d.petVisible = false;
    d.labelStyle = LabelStyle::Outline;
    const SliceImage out = composeSlice(s.scene, d, ViewKind::Axial, s.lesionCentre);
    d.labelStyle = LabelStyle::Fill;
    const SliceImage fill = composeSlice(s.scene, d, ViewKind::Axial, s.lesionCentre);
    d.labelStyle = LabelStyle::Hidden;
    const SliceImage none = composeSlice(s.scene, d, ViewKind::Axial, s.lesionCentre);
    double cx, cy;
    out.pixelOf(s.lesionCentre, cx, cy);
    const int x = static_cast<int>(cx), y = static_cast<int>(cy);
    // Centre of the lesion: untouched by an outline, tinted by a fill.
    EXPECT_EQ(out.rgba.at(x, y)[1], none.rgba.at(x, y)[1]);
    EXPECT_NE(fill.rgba.at(x, y)[1], none.rgba.at(x, y)[1]);
    // Its edge (radius 12 mm, 2.5 mm pixels): the lesion's label colour on the ring.
    const Rgb lc = labelColour(101);
    auto isLesionColour = [&](const std::uint8_t* p) {
        return std::abs(p[0] - lc.r * 255) < 2 && std::abs(p[1] - lc.g * 255) < 2 && std::abs(p[2] - lc.b * 255) < 2;
    };
    int green = 0;
    for (int a = 0; a < 360; a += 5) {
        const int ex = static_cast<int>(cx + (12.0 / 2.5) * std::cos(a * M_PI / 180));
        const int ey = static_cast<int>(cy + (12.0 / 2.5) * std::sin(a * M_PI / 180));
        for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
                const auto* p = out.rgba.at(ex + dx, ey + dy);
                if (isLesionColour(p)) {
                    ++green;
                    dx = dy = 2;
                }
            }
    }
    std::printf("lesion outline found at %d of 72 angles\n", green);
    EXPECT_GE(green, 60);
    // A hidden label draws nothing.
    d.labelStyle = LabelStyle::Outline;
    d.hiddenLabels = {101, 1};
    const SliceImage hidden = composeSlice(s.scene, d, ViewKind::Axial, s.lesionCentre);
    EXPECT_EQ(hidden.rgba.pixels, none.rgba.pixels);
}

TEST(Compositor, PetMipPeaksAtTheHottestLesion) {
    auto s = makeSyntheticPatient();
    DisplaySettings d;
    d.mipColormap = Colormap::Gray;
    d.petHigh = 40;
    const SliceImage mip = composePetMip(s.scene, d);
    ASSERT_FALSE(mip.rgba.empty());
    int best = -1, bx = 0, by = 0;
    for (int y = 0; y < mip.rgba.height; ++y)
        for (int x = 0; x < mip.rgba.width; ++x)
            if (mip.rgba.at(x, y)[0] > best) {
                best = mip.rgba.at(x, y)[0];
                bx = x;
                by = y;
            }
    const Vec3 p = mip.lps(bx + 0.5, by + 0.5);
    std::printf("MIP peak at x %.1f z %.1f (lesion x %.1f z %.1f)\n", p.x, p.z, s.lesionCentre.x, s.lesionCentre.z);
    EXPECT_LT(std::abs(p.x - s.lesionCentre.x), s.lesionRadius);
    EXPECT_LT(std::abs(p.z - s.lesionCentre.z), s.lesionRadius);
}

TEST(Compositor, SnapAndStep) {
    auto s = makeSyntheticPatient();
    EXPECT_NEAR(sceneSliceStep(s.scene, {0, 0, 1}), 2.5, 1e-12);
    const Vec3 snapped = snapToSlice(s.scene, {1, 2, 3.3}, {0, 0, 1});
    // Voxel centres along z: -53.75 + 2.5 k.
    EXPECT_NEAR(std::fmod(snapped.z + 53.75, 2.5), 0.0, 1e-9);
    EXPECT_EQ(snapped.x, 1.0);
}

TEST(FusedVolume, EncodesCtAndPetOnTheCtGrid) {
    auto s = makeSyntheticPatient();
    const FusedVolumeData v = buildFusedVolume(s.scene, 256);
    EXPECT_EQ(v.downsample, 1);
    EXPECT_TRUE(v.hasCt);
    EXPECT_TRUE(v.hasPet);
    EXPECT_EQ(v.petUnit, "SUVbw");
    const Vec3 ci = v.grid.continuousIndex(s.lesionCentre);
    const size_t i = static_cast<size_t>(std::lround(ci.x)) +
                     static_cast<size_t>(v.grid.size[0]) *
                         (static_cast<size_t>(std::lround(ci.y)) + static_cast<size_t>(v.grid.size[1]) * static_cast<size_t>(std::lround(ci.z)));
    constexpr int C = FusedVolumeData::kComponents;
    EXPECT_NEAR(v.voxels[C * i] - v.ctOffset, 140.0, 1.0);
    EXPECT_NEAR(v.voxels[C * i + 1] * v.petScale, 30.0, 0.05);
    EXPECT_EQ(v.voxels[C * i + 2], 65535); // inside the lesion the CT is flat: fully lit
    // On the marker block's anterior face (normal towards -y, anterior) the light from
    // the front lights it almost fully; on its left face (+x) less.
    auto lightAt = [&](const Vec3& p) {
        const Vec3 c = v.grid.continuousIndex(p);
        const size_t n = static_cast<size_t>(std::lround(c.x)) +
                         static_cast<size_t>(v.grid.size[0]) * (static_cast<size_t>(std::lround(c.y)) +
                                                                static_cast<size_t>(v.grid.size[1]) * static_cast<size_t>(std::lround(c.z)));
        return v.voxels[C * n + 2] / 65535.0;
    };
    const double front = lightAt({45, s.markerLo.y, 30}), side = lightAt({s.markerHi.x, -45, 30});
    std::printf("light on the marker: anterior face %.2f, left face %.2f (light %.2f, %.2f, %.2f)\n", front, side,
                lightDirection().x, lightDirection().y, lightDirection().z);
    EXPECT_NEAR(front, std::abs(lightDirection().y), 0.1);
    EXPECT_NEAR(side, std::abs(lightDirection().x), 0.1);
    // Capped at 32 voxels per axis: 88 -> 3 CT voxels per 3D voxel, same extent.
    const FusedVolumeData small = buildFusedVolume(s.scene, 32);
    EXPECT_EQ(small.downsample, 3);
    Vec3 lo1, hi1, lo2, hi2;
    v.grid.boundsLps(lo1, hi1);
    small.grid.boundsLps(lo2, hi2);
    EXPECT_NEAR(lo1.x, lo2.x, 1e-6);
    EXPECT_NEAR(hi1.z, hi2.z, 1e-6);
}
