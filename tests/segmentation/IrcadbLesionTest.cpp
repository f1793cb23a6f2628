// Lesions, liver and contrast phase on the real portal-venous CT 3D-IRCADb-01
// patient 1, against the expert liver and tumour masks (issue 11). Tumours are
// the connected pieces of the tumour bit, largest first (T1 84 mL ... T7 0.4 mL,
// the data README). Every figure is printed; where the target is not
// reached the line says so and the assertion holds the level measured, so a
// regression fails.
#include "core/Error.h"
#include "segmentation/ContrastPhase.h"
#include "segmentation/ImageOps.h"
#include "segmentation/Lesions.h"
#include "segmentation/Liver.h"
#include "segmentation/Vessels.h"
#include "tests/segmentation/IrcadbData.h"
#include "tests/segmentation/SegTestUtil.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

using namespace irplan;

namespace {

struct Tumour {
    MaskImage::Pointer mask;
    double volume_ml = 0;
    double diameter_mm = 0; // of the sphere of the same volume
    Vec3 centre_mm;
    Vec3 deepest_mm; // the voxel farthest inside
};

struct Fixture {
    test::Ircadb data;
    std::vector<Tumour> tumours;
    seg::LiverResult liver;         // automatic, with its lesions (irplan segment liver)
    seg::LiverResult parenchyma;    // automatic, without (what irplan run starts from)
    std::optional<seg::VesselResult> vessels;
    std::optional<seg::LesionResult> lesions;
};

// One fixture for the suite: the CT, the labels and the automatic liver.
Fixture* load() {
    static std::unique_ptr<Fixture> f;
    static bool tried = false;
    if (tried) return f.get();
    tried = true;
    const auto zip = test::unzippedShared("ircadb-01/IRCADb-01_patient1_CT_dicom.zip");
    const auto vti = test::sharedFile("ircadb-01/IRCADb-01_patient1_labels.vti");
    if (!zip || !vti) return nullptr;
    f = std::make_unique<Fixture>();
    f->data = test::loadIrcadb(*zip / "PATIENT_DICOM", *vti);
    std::vector<size_t> sizes;
    auto cc = seg::components(f->data.tumours, true, &sizes);
    std::vector<size_t> order;
    for (size_t l = 1; l < sizes.size(); ++l) order.push_back(l);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
    const double voxel = seg::voxelVolume_mm3(f->data.ct.image) / 1000.0;
    for (size_t l : order) {
        Tumour t;
        t.mask = seg::newMask(f->data.ct.image);
        const size_t n = t.mask->GetBufferedRegion().GetNumberOfPixels();
        for (size_t i = 0; i < n; ++i) t.mask->GetBufferPointer()[i] = cc->GetBufferPointer()[i] == l;
        t.volume_ml = double(sizes[l]) * voxel;
        t.diameter_mm = std::cbrt(6.0 * t.volume_ml * 1000.0 / M_PI);
        t.centre_mm = test::centroid(t.mask);
        auto depth = seg::distanceToOff(t.mask);
        const float* d = depth->GetBufferPointer();
        const size_t at = size_t(std::max_element(d, d + n) - d);
        const auto dims = seg::dims(t.mask);
        t.deepest_mm = seg::indexToPoint(t.mask, {double(at % dims[0]), double((at / dims[0]) % dims[1]),
                                                  double(at / (dims[0] * dims[1]))});
        f->tumours.push_back(t);
    }
    f->liver = seg::segmentLiver(f->data.ct);
    seg::LiverOptions lo;
    lo.includeLesions = false;
    f->parenchyma = seg::segmentLiver(f->data.ct, lo);
    return f.get();
}

#define IRCADB_OR_SKIP(var)                                                                              \
    Fixture* var = load();                                                                               \
    if (!var) GTEST_SKIP() << "ircadb-01 not found in the shared data; set IRPLAN_SHARED_DATA"

double overlapFraction(const MaskImage* a, const MaskImage* inside) {
    const size_t n = a->GetBufferedRegion().GetNumberOfPixels();
    size_t all = 0, in = 0;
    for (size_t i = 0; i < n; ++i)
        if (a->GetBufferPointer()[i]) {
            ++all;
            in += inside->GetBufferPointer()[i] != 0;
        }
    return all ? double(in) / double(all) : 0.0;
}

// The automatic lesions as `irplan run` finds them: liver, vessels, lesions.
const seg::LesionResult& pipelineLesions(Fixture& f) {
    if (!f.lesions) {
        f.vessels = seg::segmentVessels(f.data.ct, f.parenchyma.mask);
        seg::LesionImages in;
        in.ct = &f.data.ct;
        in.liver = f.parenchyma.mask;
        in.vessels = f.vessels->mask;
        f.lesions = seg::segmentLesions(in);
    }
    return *f.lesions;
}

} // namespace

TEST(Ircadb, ContrastPhaseIsPortalVenousNeverArterial) {
    IRCADB_OR_SKIP(f);
    const seg::ContrastPhase p = seg::estimateContrastPhase(f->data.ct, f->liver.mask);
    std::printf("[ ircadb ] contrast phase %s, confidence %.2f: %s\n", p.phase.c_str(), p.confidence, p.reason.c_str());
    EXPECT_EQ(p.phase, "portal-venous");
    EXPECT_GE(p.confidence, 0.5);
    ASSERT_TRUE(p.evidence.aorta.found);
    // README: liver 112 HU, portal vein 169 HU; the expert artery label gives the aorta at ~178 HU.
    EXPECT_NEAR(p.evidence.aorta.lumen_hu, 178.0, 15.0);
    ASSERT_TRUE(p.evidence.liver_hu.has_value());
    EXPECT_NEAR(*p.evidence.liver_hu, 112.0, 6.0);
}

TEST(Ircadb, LiverIncludesItsTumours) {
    IRCADB_OR_SKIP(f);
    const double d = test::dice(f->liver.mask, f->data.liver);
    const double d0 = test::dice(f->parenchyma.mask, f->data.liver);
    std::printf("[ ircadb ] liver Dice %.3f (parenchyma alone %.3f), %.0f mL vs expert %.0f mL, %d lesion(s) at its "
                "surface added (%.1f mL), %.1f s%s\n",
                d, d0, f->liver.volume_ml, double(seg::countOn(f->data.liver)) * seg::voxelVolume_mm3(f->data.liver) / 1000.0,
                f->liver.lesionsIncluded, f->liver.lesionVolumeIncluded_ml, f->liver.seconds,
                d >= 0.93 ? "" : "  <- MISSES the 0.93 target");
    for (size_t k = 0; k < f->tumours.size(); ++k)
        std::printf("[ ircadb ]   T%zu %.1f mL: %.0f%% inside the liver mask (parenchyma alone %.0f%%)\n", k + 1,
                    f->tumours[k].volume_ml, 100 * overlapFraction(f->tumours[k].mask, f->liver.mask),
                    100 * overlapFraction(f->tumours[k].mask, f->parenchyma.mask));
    EXPECT_GE(d, 0.89);
    EXPECT_GE(d, d0) << "adding the surface lesions made the liver worse";
    // T2-T5 sit at the surface or deep; each is (nearly) all inside the liver now.
    for (size_t k = 1; k < 5; ++k) EXPECT_GE(overlapFraction(f->tumours[k].mask, f->liver.mask), 0.85) << "T" << k + 1;
}

TEST(Ircadb, AutomaticDetectionFindsTheTumours) {
    IRCADB_OR_SKIP(f);
    const seg::LesionResult& r = pipelineLesions(*f);
    std::printf("[ ircadb ] %zu finding(s), %.1f s, phase %s\n", r.lesions.size(), r.seconds,
                r.method.value("ct_phase", std::string("?")).c_str());
    std::vector<double> best(f->tumours.size(), 0.0);
    int falseTargets = 0, falseToConfirm = 0;
    for (const auto& m : r.lesions) {
        auto mask = seg::maskFromLabels(r.labels, "lesions", m.id);
        size_t which = 0;
        double top = 0;
        for (size_t k = 0; k < f->tumours.size(); ++k) {
            const double d = test::dice(mask, f->tumours[k].mask);
            if (d > top) {
                top = d;
                which = k;
            }
        }
        const double inLiver = overlapFraction(mask, r.liver ? r.liver.GetPointer() : f->parenchyma.mask.GetPointer());
        std::printf("[ ircadb ]   lesion %d %-10s %-13s confidence %.2f %6.2f mL: %s, %.0f%% in the case's liver, %.0f%% "
                    "in the expert liver  %s\n",
                    m.id, m.status.c_str(), m.appearance.c_str(), m.confidence.value_or(0), m.volume_ml,
                    top > 0.05 ? ("T" + std::to_string(which + 1) + " Dice " + std::to_string(top).substr(0, 4)).c_str()
                               : "FALSE",
                    100 * inLiver, 100 * overlapFraction(mask, f->data.liver), m.note.c_str());
        if (top > 0.05) best[which] = std::max(best[which], top);
        else if (m.status == "target") ++falseTargets;
        else if (m.status == "to confirm") ++falseToConfirm;
        // Nothing outside the liver is ever a target.
        if (m.status == "target") {
            EXPECT_GE(inLiver, 0.9) << "lesion " << m.id;
        }
        EXPECT_FALSE(m.appearance.empty());
        ASSERT_TRUE(m.confidence.has_value());
        EXPECT_TRUE(m.evidence.contains("contrast_noise_units"));
    }
    for (size_t k = 0; k < f->tumours.size(); ++k) {
        const Tumour& t = f->tumours[k];
        const bool required = t.diameter_mm >= 10.0;
        const double goal = t.diameter_mm >= 20.0 ? 0.80 : 0.0;
        std::printf("[ ircadb ]   T%zu %.1f mL (%.0f mm): %s Dice %.2f%s\n", k + 1, t.volume_ml, t.diameter_mm,
                    best[k] > 0.05 ? "found," : "not found,", best[k],
                    required && (best[k] <= 0.05 || best[k] < goal) ? "  <- MISSES the target" : "");
    }
    std::printf("[ ircadb ]   false findings: %d target(s), %d to confirm (goal <= 3 per liver)\n", falseTargets,
                falseToConfirm);
    EXPECT_LE(falseTargets + falseToConfirm, 3);
    // Measured level (T1, the exophytic 84 mL mass, and T6, +10 HU and speckled, are missed):
    for (size_t k : {1u, 2u, 3u, 4u}) EXPECT_GT(best[k], 0.05) << "T" << k + 1 << " not found";
    EXPECT_GE(best[1], 0.70);
    EXPECT_GE(best[2], 0.78);
}

TEST(Ircadb, OneClickOutlinesEachTumour) {
    IRCADB_OR_SKIP(f);
    const seg::LesionResult& auto_ = pipelineLesions(*f);
    const MaskImage* liver = auto_.liver ? auto_.liver.GetPointer() : f->liver.mask.GetPointer();
    for (size_t k = 0; k < f->tumours.size(); ++k) {
        const Tumour& t = f->tumours[k];
        if (t.diameter_mm < 10.0) continue;
        // The deepest voxel, and points half-way from it to the centroid and beyond.
        std::vector<Vec3> clicks{t.deepest_mm, t.centre_mm};
        std::string line;
        double worst = 1.0;
        for (const Vec3& c : clicks) {
            try {
                const auto t0 = std::chrono::steady_clock::now();
                const seg::GrownLesion g = seg::growLesion(f->data.ct, c, liver, {});
                const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                const double d = test::dice(g.mask, t.mask);
                worst = std::min(worst, d);
                char b[96];
                std::snprintf(b, sizeof b, " %.2f (%.1f s)", d, s);
                line += b;
            } catch (const Error& e) {
                worst = 0;
                line += std::string(" refused: ") + e.what();
            }
        }
        std::printf("[ ircadb ] one click T%zu (%.0f mm):%s%s\n", k + 1, t.diameter_mm, line.c_str(),
                    worst >= 0.80 ? "" : "  <- MISSES the 0.80 target");
        // Measured level: T1-T5 from a click at the centre or the deepest point
        // (T1 bulges out of the automatic liver: the click lies outside it and
        // is still outlined, with a warning).
        if (k <= 4) {
            EXPECT_GE(worst, k == 1 ? 0.70 : 0.80) << "T" << k + 1;
        }
    }
}

TEST(Ircadb, AClickInPlainLiverSaysThereIsNoLesion) {
    IRCADB_OR_SKIP(f);
    // 30 mm from every tumour, inside the liver core.
    auto core = seg::erode(f->data.liver, 15.0);
    auto nearTumour = seg::dilate(f->data.tumours, 30.0);
    const auto n = seg::dims(core);
    Vec3 click;
    bool found = false;
    for (size_t i = 0; i < n[0] * n[1] * n[2] && !found; i += 997)
        if (core->GetBufferPointer()[i] && !nearTumour->GetBufferPointer()[i]) {
            click = seg::indexToPoint(core, {double(i % n[0]), double((i / n[0]) % n[1]), double(i / (n[0] * n[1]))});
            found = true;
        }
    ASSERT_TRUE(found);
    try {
        seg::growLesion(f->data.ct, click, f->liver.mask, {});
        FAIL() << "a click in plain liver must not give a lesion";
    } catch (const Error& e) {
        std::printf("[ ircadb ] click at %s mm in plain liver: %s\n", toString(click, 1).c_str(), e.what());
        EXPECT_NE(std::string(e.what()).find("no lesion"), std::string::npos);
    }
}
