// Pixel-edge contours of binary slices fill back to exactly the same pixels
// (even-odd rule, pixel-centre inclusion, io/RtStruct.h's rasteriser).
#include "io/LabelContours.h"

#include "io/RtStruct.h"

#include <gtest/gtest.h>
#include <random>

using namespace irplan;

namespace {

// Rasterises loops with io/RtStruct.h onto an nx x ny x 1 grid (unit spacing, origin 0).
std::vector<std::uint8_t> refill(const std::vector<PixelLoop>& loops, int nx, int ny) {
    RtRoi roi;
    roi.name = "test";
    for (const auto& loop : loops) {
        RtContour c;
        c.geometricType = "CLOSED_PLANAR";
        for (const auto& [x, y] : loop)
            c.points.push_back({x, y, 0.0});
        roi.contours.push_back(c);
    }
    auto grid = MaskImage::New();
    MaskImage::RegionType region;
    region.SetSize({{static_cast<size_t>(nx), static_cast<size_t>(ny), 1}});
    grid->SetRegions(region);
    grid->Allocate(true);
    auto mask = rasterizeRoi(roi, grid);
    return {mask->GetBufferPointer(), mask->GetBufferPointer() + nx * ny};
}

void expectRoundTrip(const std::vector<std::uint8_t>& m, int nx, int ny, size_t expectedLoops) {
    const auto loops = traceMaskBoundary(m.data(), nx, ny);
    EXPECT_EQ(loops.size(), expectedLoops);
    EXPECT_EQ(refill(loops, nx, ny), m);
}

} // namespace

TEST(LabelContours, SquareIsOneLoopOfFourCorners) {
    std::vector<std::uint8_t> m(8 * 6, 0);
    for (int j = 1; j <= 3; ++j)
        for (int i = 2; i <= 5; ++i)
            m[j * 8 + i] = 1;
    const auto loops = traceMaskBoundary(m.data(), 8, 6);
    ASSERT_EQ(loops.size(), 1u);
    ASSERT_EQ(loops[0].size(), 4u); // collinear corners removed
    EXPECT_EQ(loops[0][0], std::make_pair(1.5, 0.5));
    EXPECT_EQ(refill(loops, 8, 6), m);
}

TEST(LabelContours, RingWithHoleAndDiagonalNeighbours) {
    const int n = 12;
    std::vector<std::uint8_t> m(n * n, 0);
    for (int j = 2; j <= 8; ++j)
        for (int i = 2; i <= 8; ++i)
            m[j * n + i] = !(i >= 4 && i <= 6 && j >= 4 && j <= 6); // ring
    m[10 * n + 10] = 1;                                             // two pixels touching at a corner only
    m[11 * n + 11] = 1;
    expectRoundTrip(m, n, n, 4); // outer ring, hole, two single pixels
}

TEST(LabelContours, FullSliceAndEdgesOfTheImage) {
    std::vector<std::uint8_t> m(5 * 4, 1);
    expectRoundTrip(m, 5, 4, 1);
    std::vector<std::uint8_t> empty(5 * 4, 0);
    EXPECT_TRUE(traceMaskBoundary(empty.data(), 5, 4).empty());
}

TEST(LabelContours, RandomMasksRoundTripExactly) {
    std::mt19937 rng(7);
    for (int trial = 0; trial < 20; ++trial) {
        const int nx = 17 + trial, ny = 13 + trial / 2;
        std::vector<std::uint8_t> m(static_cast<size_t>(nx * ny));
        const double p = 0.2 + 0.03 * trial;
        for (auto& v : m)
            v = std::bernoulli_distribution(p)(rng) ? 1 : 0;
        const auto loops = traceMaskBoundary(m.data(), nx, ny);
        ASSERT_EQ(refill(loops, nx, ny), m) << "trial " << trial;
    }
}
