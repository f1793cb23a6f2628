// CT and PET values of the phantom, and the CT->PET mapping in its truth.
#include "phantom/CtSynth.h"
#include "tests/phantom/PhantomFixture.h"

#include <algorithm>
#include <cmath>

using namespace irplan;
using namespace irplan::phantom;
using irplan::test::PhantomTest;

TEST_F(PhantomTest, LiverAndLesionHuPerPhaseAndNoise) {
    const auto liverA = interiorValues(P().ctArterial.image, kLiver);
    const auto liverP = interiorValues(P().ctPortal.image, kLiver);
    ASSERT_GT(liverA.size(), 1000u);
    std::printf("liver: arterial %.1f +- %.1f HU, portal %.1f +- %.1f HU\n", test::mean(liverA), test::stddev(liverA),
                test::mean(liverP), test::stddev(liverP));
    EXPECT_NEAR(test::mean(liverA), tissueOfLabel(kLiver).huArterial, 2.0);
    EXPECT_NEAR(test::mean(liverP), tissueOfLabel(kLiver).huPortal, 2.0);
    // CT noise of 10-15 HU (DOMAIN.md).
    EXPECT_GT(test::stddev(liverA), 10.0);
    EXPECT_LT(test::stddev(liverA), 15.0);
    for (const auto& l : P().anatomy.lesions) {
        const auto a = interiorValues(P().ctArterial.image, kLesionBase + l.id);
        const auto p = interiorValues(P().ctPortal.image, kLesionBase + l.id);
        if (a.size() < 20) continue;
        // The noise is correlated over ~4 voxels, so a mean of n voxels varies by
        // about 12 / sqrt(n / 4) HU; allow four of those.
        const double tol = std::max(2.0, 4.0 * kCtNoiseHu / std::sqrt(a.size() / 4.0));
        std::printf("lesion %d: arterial %.1f HU, portal %.1f HU (%zu interior voxels, tolerance %.1f)\n", l.id,
                    test::mean(a), test::mean(p), a.size(), tol);
        EXPECT_NEAR(test::mean(a), l.tissue.huArterial, tol);
        EXPECT_NEAR(test::mean(p), l.tissue.huPortal, tol);
    }
}

TEST_F(PhantomTest, PetShowsEachLesionWhereTheTruthSaysAndLiverAtSuv7) {
    const auto& g = P().petGrid;
    const float* pet = P().pet.image->GetBufferPointer();
    auto at = [&](long i, long j, long k) -> float {
        if (i < 0 || j < 0 || k < 0 || i >= long(g.size[0]) || j >= long(g.size[1]) || k >= long(g.size[2])) return 0;
        return pet[i + g.size[0] * (j + g.size[1] * k)];
    };
    // Liver background: the PET value at liver points far from lesions and vessels.
    std::vector<float> liver;
    const Vec3 liverPoint{-95, 0, 0};
    for (int d = -2; d <= 2; ++d) {
        const Vec3 c = g.index(P().ctToPet(liverPoint + Vec3{d * 4.0, 0, 0}));
        liver.push_back(at(std::lround(c.x), std::lround(c.y), std::lround(c.z)));
    }
    std::sort(liver.begin(), liver.end());
    std::printf("liver SUV near %s: median %.2f\n", toString(liverPoint).c_str(), liver[2]);
    EXPECT_NEAR(liver[2], tissueOfLabel(kLiver).suv, 2.0);

    for (const auto& l : P().anatomy.lesions) {
        if (l.diameter < 10) continue;
        const Vec3 expected = P().ctToPet(l.centre);
        const Vec3 c = g.index(expected);
        // The hot spot: voxels within 1.5 radii of where the truth puts the
        // lesion that are above half-way between liver and the local maximum;
        // their centroid must sit on the truth.
        const long reach = static_cast<long>(std::ceil(0.75 * l.diameter / g.spacing.x)) + 1;
        float best = 0;
        for (long dk = -reach; dk <= reach; ++dk)
            for (long dj = -reach; dj <= reach; ++dj)
                for (long di = -reach; di <= reach; ++di)
                    best = std::max(best, at(std::lround(c.x) + di, std::lround(c.y) + dj, std::lround(c.z) + dk));
        const double threshold = 0.5 * (best + tissueOfLabel(kLiver).suv);
        Vec3 sum;
        double weight = 0;
        for (long dk = -reach; dk <= reach; ++dk)
            for (long dj = -reach; dj <= reach; ++dj)
                for (long di = -reach; di <= reach; ++di) {
                    const long i = std::lround(c.x) + di, j = std::lround(c.y) + dj, k = std::lround(c.z) + dk;
                    const Vec3 p = g.point(static_cast<double>(i), static_cast<double>(j), static_cast<double>(k));
                    if (at(i, j, k) < threshold || distance(p, expected) > 0.75 * l.diameter + 4.0) continue;
                    sum += p;
                    weight += 1;
                }
        const Vec3 bestAt = sum / std::max(1.0, weight);
        std::printf("lesion %d (%.0f mm, SUV %.0f): PET max %.1f, hot-spot centroid %.1f mm from the truth\n", l.id,
                    l.diameter, l.tissue.suv, best, distance(bestAt, expected));
        EXPECT_GT(best, 2.0 * tissueOfLabel(kLiver).suv);
        EXPECT_LT(distance(bestAt, expected), 3.0);
    }
}

TEST_F(PhantomTest, PetMotionIsSmallRigidPlusBreathingAndInvertible) {
    const auto& m = P().petMotion;
    EXPECT_LT(m.rigidCtToPet.rotationAngleDeg(), 3.5);
    EXPECT_GE(norm(m.breathingShift), 6.0);
    EXPECT_LE(norm(m.breathingShift), 11.0);
    for (const auto& l : P().anatomy.lesions) {
        const Vec3 y = P().ctToPet(l.centre);
        EXPECT_LT(distance(m.petToCt(y), l.centre), 0.05);
        // Inside the liver the full breathing shift applies.
        const Vec3 rigidOnly = m.rigidCtToPet.apply(l.centre);
        EXPECT_NEAR(distance(y, rigidOnly), norm(m.breathingShift), 0.3);
    }
    // Far from the liver (the spine) only the rigid part remains.
    const Vec3 spine{0, 50, -100};
    EXPECT_LT(distance(P().ctToPet(spine), m.rigidCtToPet.apply(spine)), 0.01);
}

TEST_F(PhantomTest, TruthJsonCarriesEverythingLaterIssuesNeed) {
    const Json t = truthJson(P());
    EXPECT_EQ(t["legend"]["1"], "liver");
    EXPECT_EQ(t["legend"]["2"], "portal vein");
    EXPECT_EQ(t["legend"]["3"], "hepatic vein");
    EXPECT_EQ(t["legend"]["4"], "artery");
    EXPECT_EQ(t["legend"]["7"], "bone");
    EXPECT_EQ(t["legend"]["101"], "lesion 1");
    EXPECT_EQ(t["pet_registration"]["rigid_matrix_ct_to_pet_lps"].size(), 16u);
    EXPECT_EQ(t["mr_registration"]["rigid_matrix_ct_to_mr_lps"].size(), 16u);
    EXPECT_EQ(t["lesions"].size(), P().anatomy.lesions.size());
    EXPECT_EQ(t["vessels"].size(), P().anatomy.branches.size());
    EXPECT_GE(t["landmarks"].size(), 10u);
    for (const auto& v : t["vessels"]) {
        EXPECT_EQ(v["ge_3mm"].get<bool>(), v["diameter_mm"].get<double>() >= 3.0);
        EXPECT_EQ(v["points_mm"].size(), v["radii_mm"].size());
    }
    // A landmark's PET position is the truth mapping of its CT position.
    const auto& l0 = t["landmarks"][0];
    const Vec3 ct{l0["ct_mm"][0], l0["ct_mm"][1], l0["ct_mm"][2]};
    const Vec3 pet{l0["pet_mm"][0], l0["pet_mm"][1], l0["pet_mm"][2]};
    EXPECT_LT(distance(P().ctToPet(ct), pet), 1e-9);
}

TEST(PhantomDeterminism, SameSeedSameImagesOtherSeedOtherImages) {
    auto make = [](uint64_t seed) {
        PhantomOptions o;
        o.seed = seed;
        o.spacing = Vec3{3.0, 3.0, 3.0};
        return generatePhantom(o);
    };
    const auto a = make(11), b = make(11), c = make(12);
    const size_t n = a.ctGrid.voxels();
    EXPECT_TRUE(std::equal(a.ctArterial.image->GetBufferPointer(), a.ctArterial.image->GetBufferPointer() + n,
                           b.ctArterial.image->GetBufferPointer()));
    EXPECT_TRUE(std::equal(a.labels->GetBufferPointer(), a.labels->GetBufferPointer() + n, b.labels->GetBufferPointer()));
    const size_t m = a.petGrid.voxels();
    EXPECT_TRUE(std::equal(a.pet.image->GetBufferPointer(), a.pet.image->GetBufferPointer() + m,
                           b.pet.image->GetBufferPointer()));
    EXPECT_FALSE(std::equal(a.labels->GetBufferPointer(), a.labels->GetBufferPointer() + n, c.labels->GetBufferPointer()));
}
