// Unit tests of the pure-logic parts: simple points, thinning, the skeleton
// graph, eigenvalues, distance maps.
#include "segmentation/ImageOps.h"
#include "segmentation/Skeleton.h"
#include "segmentation/SkeletonGraph.h"
#include "segmentation/Vesselness.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace irplan;

namespace {

MaskImage::Pointer emptyMask(size_t nx, size_t ny, size_t nz, double h = 1.0) {
    auto m = MaskImage::New();
    MaskImage::RegionType r;
    r.SetSize({{nx, ny, nz}});
    m->SetRegions(r);
    MaskImage::SpacingType sp;
    sp.Fill(h);
    m->SetSpacing(sp);
    m->Allocate();
    m->FillBuffer(0);
    return m;
}

size_t count(const MaskImage* m) { return seg::countOn(m); }

} // namespace

TEST(Skeleton, SimplePointBasics) {
    bool nb[27] = {false};
    nb[4] = nb[22] = true; // voxels below and above: removing the centre splits them
    EXPECT_FALSE(seg::isSimplePoint(nb));
    bool tip[27] = {false};
    tip[4] = true; // only one neighbour: an end point is simple
    EXPECT_TRUE(seg::isSimplePoint(tip));
    bool isolated[27] = {false};
    EXPECT_FALSE(seg::isSimplePoint(isolated)); // removing it deletes a component
    bool full[27];
    for (bool& b : full) b = true;
    EXPECT_FALSE(seg::isSimplePoint(full)); // interior point: would create a cavity
}

TEST(Skeleton, BarThinsToALine) {
    auto m = emptyMask(10, 10, 20);
    auto* p = m->GetBufferPointer();
    for (int k = 0; k < 20; ++k)
        for (int j = 3; j < 7; ++j)
            for (int i = 3; i < 7; ++i) p[i + 10 * (j + 10 * k)] = 1;
    auto s = seg::skeletonize(m);
    std::printf("[ skeleton ] 4x4x20 bar -> %zu voxels\n", count(s));
    EXPECT_GE(count(s), 14u);
    EXPECT_LE(count(s), 20u);
    auto g = seg::buildGraph(s);
    size_t live = 0;
    for (const auto& b : g.branches) live += !b.removed;
    EXPECT_EQ(live, 1u);
}

TEST(Skeleton, ThickDiagonalTubeThinsToACurve) {
    // 8 mm tube on 0.78 x 0.78 x 1 mm voxels, diagonal in the axial plane.
    const size_t nx = 80, ny = 80, nz = 20;
    auto m = emptyMask(nx, ny, nz);
    MaskImage::SpacingType sp;
    sp[0] = sp[1] = 0.78;
    sp[2] = 1.0;
    m->SetSpacing(sp);
    auto* p = m->GetBufferPointer();
    const Vec3 a{0, 0, 10}, b{62.4, 62.4, 10};
    for (size_t k = 0; k < nz; ++k)
        for (size_t j = 0; j < ny; ++j)
            for (size_t i = 0; i < nx; ++i)
                p[i + nx * (j + ny * k)] = distanceToSegment({i * 0.78, j * 0.78, double(k)}, a, b) <= 4.0;
    auto s = seg::skeletonize(m);
    const auto* q = s->GetBufferPointer();
    size_t thick = 0, total = 0;
    for (size_t k = 1; k + 1 < nz; ++k)
        for (size_t j = 1; j + 1 < ny; ++j)
            for (size_t i = 1; i + 1 < nx; ++i) {
                if (!q[i + nx * (j + ny * k)]) continue;
                ++total;
                int deg = 0;
                for (int dz = -1; dz <= 1; ++dz)
                    for (int dy = -1; dy <= 1; ++dy)
                        for (int dx = -1; dx <= 1; ++dx)
                            deg += (dx || dy || dz) && q[(i + dx) + nx * ((j + dy) + ny * (k + dz))];
                thick += deg > 2;
            }
    std::printf("[ skeleton ] diagonal 8 mm tube -> %zu voxels, %zu with more than 2 neighbours\n", total, thick);
    EXPECT_LE(total, 90u);
    EXPECT_LE(thick, 6u);
}
