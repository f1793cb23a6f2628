#include "tests/segmentation/SegPhantomFixture.h"

#include "core/Parallel.h"
#include "segmentation/ImageOps.h"

#include <chrono>
#include <cstdio>

namespace irplan::test {

void SegPhantomTest::SetUpTestSuite() {
    if (phantom_) return;
    const auto t0 = std::chrono::steady_clock::now();
    phantom::PhantomOptions o;
    o.seed = 1;
    phantom_ = new phantom::PhantomCase(phantom::generatePhantom(o));
    std::printf("[ fixture ] phantom %zu x %zu x %zu at %.2f x %.2f x %.2f mm in %.1f s\n", P().ctGrid.size[0],
                P().ctGrid.size[1], P().ctGrid.size[2], P().ctGrid.spacing.x, P().ctGrid.spacing.y, P().ctGrid.spacing.z,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

const seg::LiverResult& SegPhantomTest::liverPortal() {
    if (!liverPortal_) liverPortal_ = new seg::LiverResult(seg::segmentLiver(P().ctPortal));
    return *liverPortal_;
}

const seg::LiverResult& SegPhantomTest::liverArterial() {
    if (!liverArterial_) liverArterial_ = new seg::LiverResult(seg::segmentLiver(P().ctArterial));
    return *liverArterial_;
}

MaskImage::Pointer SegPhantomTest::truthLiver() {
    const auto& g = P().ctGrid;
    auto m = seg::newMask(P().labels);
    const auto* lab = P().labels->GetBufferPointer();
    auto* o = m->GetBufferPointer();
    parallelFor(0, g.size[2], [&](size_t k) {
        for (size_t j = 0; j < g.size[1]; ++j)
            for (size_t i = 0; i < g.size[0]; ++i) {
                const size_t idx = i + g.size[0] * (j + g.size[1] * k);
                const int l = lab[idx];
                const bool hepatic = l == phantom::kLiver || l == phantom::kPortalVein || l == phantom::kHepaticVein ||
                                     l == phantom::kHepaticArtery || l >= phantom::kLesionBase;
                o[idx] = hepatic && P().anatomy.liver->sdf(g.point(double(i), double(j), double(k))) <= 0.0;
            }
    });
    return m;
}

MaskImage::Pointer SegPhantomTest::truthLabel(int label) {
    auto m = seg::newMask(P().labels);
    const auto* lab = P().labels->GetBufferPointer();
    auto* o = m->GetBufferPointer();
    const size_t n = P().labels->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < n; ++i) o[i] = lab[i] == label;
    return m;
}

Volume SegPhantomTest::petOnCtGrid() {
    const auto& g = P().ctGrid;
    const FloatImage* pet = P().pet.image;
    const auto np = seg::dims(pet);
    Volume v;
    v.meta = P().pet.meta;
    v.image = seg::newFloat(P().ctArterial.image);
    float* o = v.image->GetBufferPointer();
    const float* src = pet->GetBufferPointer();
    parallelFor(0, g.size[2], [&](size_t k) {
        for (size_t j = 0; j < g.size[1]; ++j)
            for (size_t i = 0; i < g.size[0]; ++i) {
                const Vec3 y = P().ctToPet(g.point(double(i), double(j), double(k)));
                const Vec3 q = seg::pointToIndex(pet, y);
                bool inside = true;
                for (int a = 0; a < 3; ++a)
                    if (q[a] < -0.5 || q[a] > double(np[static_cast<size_t>(a)]) - 0.5) inside = false;
                if (inside) o[i + g.size[0] * (j + g.size[1] * k)] = static_cast<float>(seg::sampleLinear(src, np, q));
            }
    });
    return v;
}

} // namespace irplan::test
