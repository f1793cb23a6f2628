#include "phantom/CtSynth.h"

#include "core/Error.h"
#include "core/Parallel.h"
#include "phantom/Lesions.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace irplan::phantom {
namespace {

class Painter {
public:
    Painter(CtImages& ct, const Grid& g) : g_(g) {
        art_ = ct.arterial->GetBufferPointer();
        por_ = ct.portal->GetBufferPointer();
        lab_ = ct.labels->GetBufferPointer();
        h_ = (g.spacing.x + g.spacing.y + g.spacing.z) / 3.0;
    }

    // Paints voxels inside `box` with the shape's tissue. `sdf` returns mm.
    // label < 0: keep the label map as it is.
    template <class Sdf>
    void paint(const Box& box, Sdf&& sdf, int label, double huA, double huP) {
        if (box.empty()) return;
        long lo[3], hi[3];
        for (int d = 0; d < 3; ++d) {
            const double a = (box.lo[d] - h_ - g_.origin[d]) / g_.spacing[d];
            const double b = (box.hi[d] + h_ - g_.origin[d]) / g_.spacing[d];
            lo[d] = std::max(0L, static_cast<long>(std::floor(a)));
            hi[d] = std::min(static_cast<long>(g_.size[static_cast<size_t>(d)]) - 1, static_cast<long>(std::ceil(b)));
            if (lo[d] > hi[d]) return;
        }
        const size_t nx = g_.size[0], ny = g_.size[1];
        const double voxelsInBox = double(hi[0] - lo[0] + 1) * (hi[1] - lo[1] + 1) * (hi[2] - lo[2] + 1);
        auto slab = [&](size_t kk) {
            const long k = static_cast<long>(kk);
            for (long j = lo[1]; j <= hi[1]; ++j) {
                for (long i = lo[0]; i <= hi[0]; ++i) {
                    const Vec3 p{g_.origin.x + i * g_.spacing.x, g_.origin.y + j * g_.spacing.y,
                                 g_.origin.z + k * g_.spacing.z};
                    const double s = sdf(p);
                    if (s >= 0.5 * h_) continue;
                    const float c = static_cast<float>(std::clamp(0.5 - s / h_, 0.0, 1.0));
                    const size_t idx = static_cast<size_t>(i) + nx * (static_cast<size_t>(j) + ny * static_cast<size_t>(k));
                    art_[idx] += c * (static_cast<float>(huA) - art_[idx]);
                    por_[idx] += c * (static_cast<float>(huP) - por_[idx]);
                    if (s <= 0 && label >= 0) lab_[idx] = static_cast<LabelImage::PixelType>(label);
                }
            }
        };
        parallelFor(static_cast<size_t>(lo[2]), static_cast<size_t>(hi[2]) + 1, slab, voxelsInBox > 2e5 ? 0 : 1);
    }

    void paint(const Shape& s, int label, double huA, double huP) {
        paint(s.bounds(), [&](const Vec3& p) { return s.sdf(p); }, label, huA, huP);
    }

    void paintTube(const std::vector<Vec3>& pts, const std::vector<double>& radii, int label, double huA, double huP) {
        for (size_t i = 0; i + 1 < pts.size(); ++i) {
            Box b;
            b.add(pts[i]);
            b.add(pts[i + 1]);
            b = b.grown(std::max(radii[i], radii[i + 1]));
            const Vec3 a = pts[i], c = pts[i + 1];
            const double ra = radii[i], rc = radii[i + 1];
            paint(b, [&](const Vec3& p) { return taperedCapsuleSdf(p, a, c, ra, rc); }, label, huA, huP);
        }
    }

private:
    const Grid& g_;
    float* art_;
    float* por_;
    LabelImage::PixelType* lab_;
    double h_;
};

// Adds noise smoothed with a [1 2 1]/4 kernel in x and y (CT noise is
// spatially correlated), scaled to `sigma`. One generator per slice keeps the
// result independent of the thread count.
void addCorrelatedNoise(FloatImage* image, const Grid& g, double sigma, uint64_t seed) {
    const size_t nx = g.size[0], ny = g.size[1];
    // The 3-tap kernel keeps sqrt(6/16) of the standard deviation per axis.
    const double white = sigma / (6.0 / 16.0);
    float* data = image->GetBufferPointer();
    parallelFor(0, g.size[2], [&](size_t k) {
        std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + k * 0xBF58476D1CE4E5B9ull + 1);
        std::normal_distribution<double> normal(0.0, white);
        std::vector<float> a(nx * ny), b(nx * ny);
        for (auto& v : a) v = static_cast<float>(normal(rng));
        for (size_t j = 0; j < ny; ++j)
            for (size_t i = 0; i < nx; ++i) {
                const size_t l = i > 0 ? i - 1 : i, r = i + 1 < nx ? i + 1 : i;
                b[j * nx + i] = 0.25f * a[j * nx + l] + 0.5f * a[j * nx + i] + 0.25f * a[j * nx + r];
            }
        float* slice = data + k * nx * ny;
        for (size_t j = 0; j < ny; ++j) {
            const size_t u = j > 0 ? j - 1 : j, d = j + 1 < ny ? j + 1 : j;
            for (size_t i = 0; i < nx; ++i)
                slice[j * nx + i] += 0.25f * b[u * nx + i] + 0.5f * b[j * nx + i] + 0.25f * b[d * nx + i];
        }
    });
}

} // namespace

void addCtNoise(FloatImage* image, const Grid& grid, double sigma, uint64_t seed) {
    addCorrelatedNoise(image, grid, sigma, seed);
}

CtImages synthesizeCt(const Anatomy& a, const Grid& grid, uint64_t seed, const Progress& progress) {
    return synthesizeCt(a, grid, seed, progress, CtSynthOptions{});
}

CtImages synthesizeCt(const Anatomy& a, const Grid& grid, uint64_t seed, const Progress& progress,
                      const CtSynthOptions& options) {
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c)
            if (grid.direction(r, c) != (r == c ? 1.0 : 0.0)) throw Error("the phantom CT grid must be axial");
    CtImages ct;
    ct.arterial = allocate<FloatImage>(grid, -1000.0f);
    ct.portal = allocate<FloatImage>(grid, -1000.0f);
    ct.labels = allocate<LabelImage>(grid, 0);
    Painter painter(ct, grid);

    const size_t steps = a.background.size() + 1 + a.branches.size() + a.lesions.size() + 2;
    size_t done = 0;
    auto tick = [&](const char* stage) { progress.update(static_cast<double>(++done) / steps, stage); };
    for (const auto& s : a.background) {
        painter.paint(*s.shape, s.label, s.tissue.huArterial, s.tissue.huPortal);
        tick("CT: body and organs");
    }
    const Tissue liver = tissueOfLabel(kLiver);
    painter.paint(*a.liver, kLiver, liver.huArterial, liver.huPortal);
    tick("CT: liver");
    auto overlays = [&](CtOverlay::Stage stage) {
        for (const auto& o : options.overlays)
            if (o.stage == stage) painter.paint(o.box, o.sdf, -1, o.huArterial, o.huPortal);
    };
    overlays(CtOverlay::Stage::BeforeVessels);
    // Portal, hepatic and arterial trees, then the IVC over the hepatic-vein ostia.
    for (const char* tree : {"portal", "hepatic", "artery", "ivc"})
        for (const auto& b : a.branches) {
            if (b.tree != tree) continue;
            const Tissue t = tissueOfLabel(b.label);
            painter.paintTube(b.points, b.radii, b.label, t.huArterial, t.huPortal);
            tick("CT: vessels");
        }
    overlays(CtOverlay::Stage::BeforeLesions);
    for (const auto& l : a.lesions) {
        painter.paint(*lesionShape(l), kLesionBase + l.id, l.tissue.huArterial, l.tissue.huPortal);
        tick("CT: lesions");
    }
    overlays(CtOverlay::Stage::Last);
    if (options.noise) {
        addCorrelatedNoise(ct.arterial, grid, kCtNoiseHu, seed * 2 + 1);
        tick("CT: noise");
        addCorrelatedNoise(ct.portal, grid, kCtNoiseHu, seed * 2 + 2);
        tick("CT: noise");
    }
    return ct;
}

} // namespace irplan::phantom
