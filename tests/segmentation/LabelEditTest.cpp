// The segment editor's domain layer (issue 13): brushes paint exactly the
// voxels whose centres lie within the radius (counted against the lattice by
// hand and through ITK's own index -> point mapping), a disc stays in its
// slice, threshold paint leaves out-of-range voxels alone, undo is bit exact
// and cheap (200 random edits on a 512 x 512 x 300 map), grow-from-seeds finds
// a sphere in noise, and the segment operations (islands, margin, holes,
// delete) do what they say.
#include "core/Error.h"
#include "segmentation/EditHistory.h"
#include "segmentation/ImageOps.h"
#include "segmentation/LabelEdit.h"

#include <gtest/gtest.h>
#include <itkImageRegionConstIteratorWithIndex.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

using namespace irplan;
using seg::Brush;
using seg::BrushShape;
using seg::LabelTarget;

namespace {

LabelImage::Pointer grid(std::array<unsigned, 3> size, const Vec3& spacing, const Vec3& origin = {},
                         const std::array<double, 9>* direction = nullptr) {
    auto img = LabelImage::New();
    LabelImage::RegionType r;
    for (unsigned a = 0; a < 3; ++a) r.SetSize(a, size[a]);
    img->SetRegions(r);
    img->SetSpacing(LabelImage::SpacingType(std::array<double, 3>{spacing.x, spacing.y, spacing.z}.data()));
    LabelImage::PointType o;
    o[0] = origin.x;
    o[1] = origin.y;
    o[2] = origin.z;
    img->SetOrigin(o);
    if (direction) {
        LabelImage::DirectionType d;
        for (unsigned i = 0; i < 3; ++i)
            for (unsigned j = 0; j < 3; ++j) d(i, j) = (*direction)[i * 3 + j];
        img->SetDirection(d);
    }
    img->Allocate();
    img->FillBuffer(0);
    return img;
}

size_t countValue(const LabelImage* l, seg::LabelValue v) {
    size_t n = 0;
    const size_t total = l->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < total; ++i) n += l->GetBufferPointer()[i] == v;
    return n;
}

bool sameBuffer(const LabelImage* a, const LabelImage* b) {
    const size_t n = a->GetBufferedRegion().GetNumberOfPixels();
    return n == b->GetBufferedRegion().GetNumberOfPixels() &&
           std::memcmp(a->GetBufferPointer(), b->GetBufferPointer(), n * sizeof(seg::LabelValue)) == 0;
}

LabelImage::Pointer copyOf(const LabelImage* l) { return seg::crop(l, l->GetLargestPossibleRegion()); }

// Every voxel whose centre (through ITK's own index -> point mapping) lies within r of c.
size_t bruteForceBall(const LabelImage* g, const Vec3& c, double r) {
    size_t count = 0;
    itk::ImageRegionConstIteratorWithIndex<LabelImage> it(g, g->GetLargestPossibleRegion());
    for (; !it.IsAtEnd(); ++it) {
        LabelImage::PointType p;
        g->TransformIndexToPhysicalPoint(it.GetIndex(), p);
        count += distance(Vec3{p[0], p[1], p[2]}, c) <= r;
    }
    return count;
}

LabelTarget lesionTarget(int k) {
    LabelTarget t;
    t.paint = static_cast<seg::LabelValue>(100 + k);
    t.members = {t.paint};
    t.overwrite = {1};
    t.parent = 1;
    return t;
}

} // namespace

TEST(LabelEdit, SphereBrushPaintsTheVoxelCentresWithinTheRadius) {
    // Unit voxels, centred on a voxel: the lattice points of a ball, by hand.
    auto iso = grid({21, 21, 21}, {1, 1, 1});
    const Vec3 centre{10, 10, 10};
    for (auto [r, expected] : {std::pair{1.0, 7}, {std::sqrt(2.0), 19}, {std::sqrt(3.0), 27}, {2.0, 33}, {3.0, 123}}) {
        auto l = copyOf(iso);
        seg::paint(l, centre, Brush{r, BrushShape::Sphere, 2}, LabelTarget{});
        EXPECT_EQ(countValue(l, 1), size_t(expected)) << "r = " << r;
    }
    // Anisotropic voxels, an oblique axis permutation with flips and an offset
    // centre: the brush's count equals the count of voxel centres within r.
    const std::array<double, 9> dir = {0, 0, 1, -1, 0, 0, 0, -1, 0};
    auto g = grid({48, 40, 36}, {0.8, 0.7, 1.5}, {12.0, -30.0, 40.0}, &dir);
    for (double r : {2.3, 6.1, 11.7}) {
        const Vec3 c = seg::indexToPoint(g, {20.3137, 18.6071, 17.2459}); // no voxel centre at exactly r
        auto l = copyOf(g);
        const auto region = seg::paint(l, c, Brush{r, BrushShape::Sphere, 2}, LabelTarget{});
        const size_t painted = countValue(l, 1), analytic = bruteForceBall(g, c, r);
        std::printf("[ edit ] sphere r=%.1f mm on 0.8 x 0.7 x 1.5 mm voxels: %zu painted, %zu analytic (box %lu voxels)\n", r,
                    painted, analytic, static_cast<unsigned long>(region.GetNumberOfPixels()));
        EXPECT_EQ(painted, analytic);
        EXPECT_GT(painted, 0u);
        // Volume close to the ball's (the lattice count converges to it).
        if (r > 10) {
            EXPECT_NEAR(painted * 0.8 * 0.7 * 1.5, 4.0 / 3.0 * M_PI * r * r * r, 0.03 * 4.0 / 3.0 * M_PI * r * r * r);
        }
    }
}

TEST(LabelEdit, DiscPaintsOnlyTheSliceUnderThePoint) {
    auto g = grid({40, 40, 30}, {0.75, 0.75, 2.0});
    const Vec3 c = seg::indexToPoint(g, {20.2, 19.7, 12.4});
    for (int axis : {2, 0}) {
        auto l = copyOf(g);
        seg::paint(l, c, Brush{6.0, BrushShape::Disc, axis}, LabelTarget{});
        const auto n = seg::dims(l);
        size_t painted = 0, analytic = 0;
        const long slice = axis == 2 ? 12 : 20;
        for (size_t k = 0; k < n[2]; ++k)
            for (size_t j = 0; j < n[1]; ++j)
                for (size_t i = 0; i < n[0]; ++i) {
                    const bool on = l->GetBufferPointer()[seg::linearIndex(n, i, j, k)] == 1;
                    painted += on;
                    const long s = axis == 2 ? long(k) : long(i);
                    if (on) {
                        EXPECT_EQ(s, slice);
                    }
                    // In-plane distance from the point to the voxel centre of that slice.
                    const double dx = axis == 0 ? 0 : (double(i) - 20.2) * 0.75, dy = (double(j) - 19.7) * 0.75,
                                 dz = axis == 2 ? 0 : (double(k) - 12.4) * 2.0;
                    analytic += s == slice && dx * dx + dy * dy + dz * dz <= 36.0;
                }
        std::printf("[ edit ] disc r=6 mm, slice axis %d: %zu voxels painted, %zu analytic\n", axis, painted, analytic);
        EXPECT_EQ(painted, analytic);
        EXPECT_GT(painted, 20u);
    }
}

TEST(LabelEdit, ThresholdPaintLeavesVoxelsOutsideTheRangeUnchanged) {
    auto l = grid({40, 40, 20}, {1, 1, 1});
    auto image = seg::newFloat(l);
    const auto n = seg::dims(l);
    std::mt19937 rng(3);
    std::uniform_real_distribution<float> hu(-100, 300);
    for (size_t i = 0; i < l->GetBufferedRegion().GetNumberOfPixels(); ++i) {
        image->GetBufferPointer()[i] = hu(rng);
        l->GetBufferPointer()[i] = i % 7 == 0 ? 1 : 0; // some liver, some background
    }
    auto before = copyOf(l);
    const Vec3 c = seg::indexToPoint(l, {20, 20, 10});
    const Brush brush{8, BrushShape::Sphere, 2};
    seg::paint(l, c, brush, lesionTarget(1), seg::IntensityLimit{image, 50, 150});
    size_t inRange = 0, outRange = 0;
    for (size_t i : seg::brushVoxels(l, c, brush)) {
        const float v = image->GetBufferPointer()[i];
        if (v >= 50 && v <= 150) {
            EXPECT_EQ(l->GetBufferPointer()[i], 101);
            ++inRange;
        } else {
            EXPECT_EQ(l->GetBufferPointer()[i], before->GetBufferPointer()[i]);
            ++outRange;
        }
    }
    // Nothing outside the brush changed.
    size_t changed = 0;
    for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i) changed += l->GetBufferPointer()[i] != before->GetBufferPointer()[i];
    EXPECT_EQ(changed, inRange);
    std::printf("[ edit ] threshold paint 50..150: %zu voxels painted, %zu out of range left alone\n", inRange, outRange);
    EXPECT_GT(inRange, 100u);
    EXPECT_GT(outRange, 100u);
}

TEST(LabelEdit, EraseThenUndoRestoresTheMapBitForBit) {
    auto l = grid({50, 50, 40}, {0.8, 0.8, 1.25});
    seg::paint(l, seg::indexToPoint(l, {25, 25, 20}), Brush{15, BrushShape::Sphere, 2}, LabelTarget{});
    seg::paint(l, seg::indexToPoint(l, {22, 25, 20}), Brush{5, BrushShape::Sphere, 2}, lesionTarget(1));
    auto original = copyOf(l);
    seg::EditHistory history;
    const Vec3 c = seg::indexToPoint(l, {24, 25, 21});
    const Brush brush{6, BrushShape::Sphere, 2};
    const size_t changed = history.record(l, seg::brushRegion(l, c, brush), "erase",
                                          [&] { seg::erase(l, c, brush, lesionTarget(1)); });
    EXPECT_GT(changed, 50u);
    auto erased = copyOf(l);
    EXPECT_FALSE(sameBuffer(l, original));
    history.undo(l);
    EXPECT_TRUE(sameBuffer(l, original));
    history.redo(l);
    EXPECT_TRUE(sameBuffer(l, erased));
    history.undo(l);
    EXPECT_TRUE(sameBuffer(l, original));
    EXPECT_THROW(history.undo(l), Error);
    std::printf("[ edit ] erase of %zu voxels: history %zu bytes\n", changed, history.bytes());

    // A brush drag: three dabs merged into one step; one undo takes all three back.
    for (int dab = 0; dab < 3; ++dab) {
        const Vec3 p = seg::indexToPoint(l, {25, 14.0 + 4 * dab, 28});
        history.record(l, seg::brushRegion(l, p, Brush{4}), "dab", [&] { seg::paint(l, p, Brush{4}, lesionTarget(2)); });
    }
    auto dragged = copyOf(l);
    EXPECT_EQ(history.size(), 3u); // the erase's redo was dropped by the first dab
    EXPECT_GT(history.mergeLast(l, 3, "drag"), 0u);
    EXPECT_EQ(history.size(), 1u);
    EXPECT_TRUE(sameBuffer(l, dragged));
    history.undo(l);
    EXPECT_TRUE(sameBuffer(l, original));
    history.redo(l);
    EXPECT_TRUE(sameBuffer(l, dragged));
}

TEST(LabelEdit, TwoHundredRandomEditsUndoToTheOriginalWithinFiftyMegabytes) {
    // A 512 x 512 x 300 case: liver ellipsoid, three lesions, a vessel tube.
    auto l = grid({512, 512, 300}, {0.75, 0.75, 1.0});
    const auto n = seg::dims(l);
    auto image = seg::newFloat(l, 0.0f);
    {
        auto* p = l->GetBufferPointer();
        float* v = image->GetBufferPointer();
        for (size_t k = 0; k < n[2]; ++k)
            for (size_t j = 0; j < n[1]; ++j)
                for (size_t i = 0; i < n[0]; ++i) {
                    const double x = (double(i) - 256) * 0.75, y = (double(j) - 256) * 0.75, z = double(k) - 150;
                    const size_t idx = seg::linearIndex(n, i, j, k);
                    v[idx] = static_cast<float>((i * 7 + j * 13 + k * 3) % 200);
                    if ((x * x) / (110.0 * 110) + (y * y) / (90.0 * 90) + (z * z) / (80.0 * 80) > 1) continue;
                    p[idx] = 1;
                    if (x * x + y * y < 16) p[idx] = 2;
                    for (int les = 0; les < 3; ++les) {
                        const double cx = -40 + 40 * les, d2 = (x - cx) * (x - cx) + (y - 20) * (y - 20) + (z - 10) * (z - 10);
                        if (d2 < 15 * 15) p[idx] = static_cast<seg::LabelValue>(101 + les);
                    }
                }
    }
    auto original = copyOf(l);
    seg::EditHistory history;
    std::mt19937 rng(13);
    std::uniform_real_distribution<double> ux(-100, 100), uy(-80, 80), uz(-70, 70), ur(2, 15);
    std::uniform_int_distribution<int> kind(0, 9), target(0, 4);
    const auto t0 = std::chrono::steady_clock::now();
    size_t voxels = 0;
    // 200 edits that change something (an erase where its label is not, a no-op, is no step and is retried).
    int attempts = 0;
    for (int e = 0; history.size() < 200 && attempts < 1000; ++e, ++attempts) {
        Vec3 c = seg::indexToPoint(l, {256 + ux(rng) / 0.75, 256 + uy(rng) / 0.75, 150 + uz(rng)});
        const int t = target(rng);
        if (t >= 2) { // a lesion is edited near itself (liver and vessel edits anywhere)
            const Vec3 centre = seg::indexToPoint(l, {256 + (-40.0 + 40 * (t - 2)) / 0.75, 256 + 20 / 0.75, 160});
            c = centre + (c - seg::indexToPoint(l, {256, 256, 150})) * 0.2;
        }
        LabelTarget tg = t == 0 ? LabelTarget{} : t == 1 ? LabelTarget{2, {2}, {1}, 1} : lesionTarget(t - 1);
        const Brush brush{ur(rng), kind(rng) % 2 ? BrushShape::Disc : BrushShape::Sphere, 2};
        const int k = kind(rng);
        if (k < 5) {
            std::optional<seg::IntensityLimit> limit;
            if (k == 4) limit = seg::IntensityLimit{image, 40, 160};
            voxels += history.record(l, seg::brushRegion(l, c, brush), "paint", [&] { seg::paint(l, c, brush, tg, limit); });
        } else if (k < 9) {
            voxels += history.record(l, seg::brushRegion(l, c, brush), "erase", [&] { seg::erase(l, c, brush, tg); });
        } else {
            // A lesion's margin (distance maps on its box).
            const LabelTarget lt = lesionTarget(1 + e % 3);
            const double mm = e % 2 ? 2.0 : -1.5;
            const auto region = seg::segmentRegion(l, lt, std::abs(mm) + 1.0);
            if (region.GetNumberOfPixels())
                voxels += history.record(l, region, "margin", [&] { seg::growShrink(l, lt, mm); });
        }
    }
    const double editSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const size_t bytes = history.bytes();
    std::printf("[ edit ] %zu random edits (of %d tries) on 512 x 512 x 300, %zu voxels changed, in %.2f s: undo history %.2f MB\n",
                history.size(), attempts, voxels, editSeconds, bytes / 1048576.0);
    EXPECT_LT(bytes, size_t(50) << 20);
    EXPECT_EQ(history.size(), 200u);
    EXPECT_FALSE(sameBuffer(l, original));
    const size_t steps = history.size();
    for (size_t i = 0; i < steps; ++i) history.undo(l);
    EXPECT_FALSE(history.canUndo());
    EXPECT_TRUE(sameBuffer(l, original));

    // What one frame of a brush drag costs in this layer: a 10 mm sphere dab, recorded.
    const auto d0 = std::chrono::steady_clock::now();
    for (int i = 0; i < 100; ++i) {
        const Vec3 c = seg::indexToPoint(l, {200.0 + i, 256, 150});
        const Brush brush{10, BrushShape::Sphere, 2};
        history.record(l, seg::brushRegion(l, c, brush), "dab", [&] { seg::paint(l, c, brush, lesionTarget(1)); });
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - d0).count() / 100;
    std::printf("[ edit ] a 10 mm sphere dab with its undo record on 512 x 512 x 300: %.2f ms\n", ms);
    EXPECT_LT(ms, 30.0); // well within a frame (the views' redraw is not counted here)
}

TEST(LabelEdit, GrowFromSeedsFindsASphereInNoise) {
    auto l = grid({72, 72, 72}, {1, 1, 1}, {-36, -36, -36});
    auto image = seg::newFloat(l);
    auto truth = seg::newMask(l);
    const auto n = seg::dims(l);
    std::mt19937 rng(5);
    std::normal_distribution<float> noise(0, 20); // contrast 60 HU, noise 20 HU
    const double R = 14;
    for (size_t k = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i) {
                const size_t idx = seg::linearIndex(n, i, j, k);
                const bool in = norm(seg::indexToPoint(l, {double(i), double(j), double(k)})) <= R;
                truth->GetBufferPointer()[idx] = in;
                image->GetBufferPointer()[idx] = (in ? 120.0f : 60.0f) + noise(rng);
            }
    seg::SeedStrokes s;
    s.inside = {{{-6, 0, 0}, {6, 0, 0}}, {{0, -5, 3}, {0, 5, -3}}};
    // Outside: a ring around the sphere and two dots above and below it.
    std::vector<Vec3> ring;
    for (int a = 0; a <= 12; ++a) ring.push_back({22 * std::cos(a * M_PI / 6), 22 * std::sin(a * M_PI / 6), 0});
    s.outside = {ring, {{0, 0, 22}}, {{0, 0, -22}}};
    s.margin_mm = 10;
    LabelTarget t = lesionTarget(1);
    const auto t0 = std::chrono::steady_clock::now();
    seg::growFromSeeds(l, image, s, t);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    size_t both = 0, a = 0, b = 0;
    for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i) {
        const bool x = l->GetBufferPointer()[i] == 101, y = truth->GetBufferPointer()[i];
        both += x && y;
        a += x;
        b += y;
    }
    const double dice = 2.0 * double(both) / double(a + b);
    std::printf("[ edit ] grow from seeds, sphere r=14 mm, contrast 60, noise SD 20: Dice %.4f (%zu vs %zu voxels) in %.2f s\n",
                dice, a, b, seconds);
    EXPECT_GE(dice, 0.95);
}

TEST(LabelEdit, IslandsMarginHolesAndDelete) {
    auto l = grid({60, 60, 40}, {1, 1, 1});
    const LabelTarget lesion = lesionTarget(1);
    // A big and a small piece of lesion 1 in a liver.
    auto liver = LabelTarget{};
    seg::paint(l, seg::indexToPoint(l, {30, 30, 20}), Brush{19, BrushShape::Sphere, 2}, liver);
    seg::paint(l, seg::indexToPoint(l, {25, 30, 20}), Brush{6, BrushShape::Sphere, 2}, lesion);
    seg::paint(l, seg::indexToPoint(l, {40, 30, 20}), Brush{2, BrushShape::Sphere, 2}, lesion);
    const size_t big = seg::brushVoxels(l, seg::indexToPoint(l, {25, 30, 20}), Brush{6, BrushShape::Sphere, 2}).size();
    auto two = copyOf(l);
    seg::keepIsland(l, lesion);
    EXPECT_EQ(countValue(l, 101), big);
    // Keep the one under a point: the small one.
    auto m = copyOf(two);
    seg::keepIsland(m, lesion, seg::indexToPoint(m, {40, 30, 20}));
    EXPECT_EQ(countValue(m, 101), seg::brushVoxels(m, seg::indexToPoint(m, {40, 30, 20}), Brush{2}).size());
    EXPECT_THROW(seg::keepIsland(m, lesion, seg::indexToPoint(m, {5, 5, 5})), Error);
    // Grow by 2 mm: the sphere of radius 8 (within a voxel's rounding); shrink back.
    seg::growShrink(l, lesion, 2.0);
    const size_t r8 = seg::brushVoxels(l, seg::indexToPoint(l, {25, 30, 20}), Brush{8}).size();
    const size_t r7 = seg::brushVoxels(l, seg::indexToPoint(l, {25, 30, 20}), Brush{7}).size();
    std::printf("[ edit ] grow lesion r=6 by 2 mm: %zu voxels (balls of 7 and 8 mm: %zu, %zu)\n", countValue(l, 101), r7, r8);
    // Within 2 mm of a voxel of the ball: more than the ball of 7 mm, at most the ball of 8.
    EXPECT_GT(countValue(l, 101), r7);
    EXPECT_LE(countValue(l, 101), r8);
    seg::growShrink(l, lesion, -2.0);
    EXPECT_NEAR(double(countValue(l, 101)), double(big), 0.05 * big);
    // A hole in the lesion (background) is filled; the liver around stays.
    seg::erase(l, seg::indexToPoint(l, {25, 30, 20}), Brush{2}, lesion);
    auto* p = l->GetBufferPointer();
    for (size_t i : seg::brushVoxels(l, seg::indexToPoint(l, {25, 30, 20}), Brush{2})) p[i] = 0;
    const size_t liverBefore = countValue(l, 1);
    seg::fillHoles(l, lesion);
    EXPECT_EQ(countValue(l, 1), liverBefore);
    EXPECT_EQ(countValue(l, 0) + countValue(l, 1) + countValue(l, 101), l->GetBufferedRegion().GetNumberOfPixels());
    EXPECT_EQ(p[seg::linearIndex(seg::dims(l), 25, 30, 20)], 101);
    // Split at the plane x = 25 voxels (normal +x): the part beyond becomes lesion 2.
    const size_t whole = countValue(l, 101);
    const size_t split = seg::splitAtPlane(l, 101, seg::indexToPoint(l, {25.0, 0, 0}), {1, 0, 0}, 102);
    EXPECT_EQ(countValue(l, 102), split);
    EXPECT_EQ(countValue(l, 101) + split, whole);
    EXPECT_GT(split, whole / 3);
    EXPECT_LT(split, whole * 2 / 3);
    seg::relabel(l, 102, 101); // merged back
    EXPECT_EQ(countValue(l, 101), whole);
    // Delete: the lesion returns to the liver; the next free number is 1 again.
    EXPECT_EQ(seg::freeLesionNumber(l), 2);
    seg::EditRegion changed;
    const size_t moved = seg::relabel(l, 101, 1, &changed);
    EXPECT_GT(moved, 0u);
    EXPECT_EQ(countValue(l, 101), 0u);
    EXPECT_EQ(seg::freeLesionNumber(l), 1);
}

TEST(LabelEdit, FillBetweenSlicesInterpolatesOutlinesDrawnEveryFewSlices) {
    // A 12 mm sphere outlined (disc brush) on every fourth axial slice of a
    // 1 x 1 x 1 mm grid, in a liver; filling between them gives the sphere back.
    auto l = grid({50, 50, 40}, {1, 1, 1});
    const LabelTarget lesion = lesionTarget(1);
    seg::paint(l, seg::indexToPoint(l, {25, 25, 20}), Brush{22, BrushShape::Sphere, 2}, LabelTarget{});
    const Vec3 c = seg::indexToPoint(l, {25, 25, 20});
    const double r = 12.0;
    std::vector<int> drawn;
    for (int dz = -10; dz <= 10; dz += 4) {
        const double rz = std::sqrt(r * r - double(dz * dz));
        seg::paint(l, c + Vec3{0, 0, double(dz)}, Brush{rz, BrushShape::Disc, 2}, lesion);
        drawn.push_back(20 + dz);
    }
    const auto before = copyOf(l);
    EXPECT_THROW(seg::fillBetweenSlices(l, lesionTarget(2)), Error); // nothing outlined
    seg::fillBetweenSlices(l, lesion);
    // Against the sphere between the first and last outlined slices.
    size_t both = 0, got = 0, truth = 0;
    const auto n = seg::dims(l);
    for (size_t k = size_t(drawn.front()); k <= size_t(drawn.back()); ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i) {
                const size_t idx = seg::linearIndex(n, i, j, k);
                const bool in = distance(seg::indexToPoint(l, {double(i), double(j), double(k)}), c) <= r;
                const bool on = l->GetBufferPointer()[idx] == 101;
                both += in && on;
                got += on;
                truth += in;
            }
    const double dice = 2.0 * double(both) / double(got + truth);
    std::printf("[ edit ] fill between slices (outlines every 4 mm of a 12 mm sphere): Dice %.3f\n", dice);
    EXPECT_GE(dice, 0.95);
    // Outlined slices and everything outside the outlined range are unchanged.
    for (size_t k = 0; k < n[2]; ++k) {
        const bool outlined = std::find(drawn.begin(), drawn.end(), int(k)) != drawn.end();
        if (!outlined && int(k) > drawn.front() && int(k) < drawn.back()) continue;
        for (size_t i = k * n[0] * n[1]; i < (k + 1) * n[0] * n[1]; ++i)
            ASSERT_EQ(l->GetBufferPointer()[i], before->GetBufferPointer()[i]) << "slice " << k;
    }
}
