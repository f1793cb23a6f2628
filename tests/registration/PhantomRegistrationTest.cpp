// Registration on the digital phantom (2 mm CT, 4 mm PET) with real elastix:
// target registration error over lesion centres and vessel bifurcations against
// the phantom's known CT->PET mapping, the quality gate on good results and on
// planted failures, resampling, manual correction, the case model and the CLI.
#include "core/Case.h"
#include "core/Error.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "phantom/Phantom.h"
#include "registration/CaseRegistration.h"
#include "registration/Masks.h"
#include "registration/Register.h"
#include "registration/Resample.h"
#include "registration/detail/Transformix.h"
#include "tests/registration/RegistrationTestUtil.h"
#include "tests/support/TestSupport.h"

#include <cmath>
#include <cstdlib>
#include <map>

using namespace irplan;
using namespace irplan::registration;
namespace fs = std::filesystem;

namespace {

struct Landmarks {
    std::vector<std::string> names;
    std::vector<Vec3> ct, pet;
};

class PhantomRegistration : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        phantom::PhantomOptions o;
        o.seed = 1;
        o.spacing = Vec3{2.0, 2.0, 2.0}; // 176 x 128 x 101: the registration takes seconds, not minutes
        phantom_ = new phantom::PhantomCase(phantom::generatePhantom(o));
        const Json truth = phantom::truthJson(*phantom_);
        landmarks_ = new Landmarks;
        for (const auto& l : truth["landmarks"]) {
            landmarks_->names.push_back(l["name"].get<std::string>());
            landmarks_->ct.push_back({l["ct_mm"][0], l["ct_mm"][1], l["ct_mm"][2]});
            landmarks_->pet.push_back({l["pet_mm"][0], l["pet_mm"][1], l["pet_mm"][2]});
        }
        // The liver grown by 10 mm: where the PET/CT presets should sample.
        liverMask_ = new MaskImage::Pointer(maskFromLabels(phantom_->labels, {phantom::kLiver}, 10.0));
    }
    static const phantom::PhantomCase& P() { return *phantom_; }
    static const Landmarks& L() { return *landmarks_; }
    static MaskImage::Pointer liverMask() { return *liverMask_; }

    static RegisterRequest request(const Volume& moving, const std::string& preset, const std::string& out,
                                   bool mask) {
        RegisterRequest r;
        r.fixed = &P().ctPortal;
        r.moving = &moving;
        r.preset = preset;
        if (mask) r.fixedMask = liverMask();
        r.outputDir = test::scratchDir("phantom_registration_" + out);
        r.elastix.threads = 2;
        return r;
    }

    // The rigid, liver-masked registration: run once, used by several tests.
    static const Registration& rigid() {
        static const Registration reg = registerVolumes(request(P().pet, "pet-ct-rigid", "rigid", true));
        return reg;
    }

    static void printQa(const Registration& reg) {
        std::cout << "  verdict " << reg.verdict() << "\n";
        for (const auto& c : reg.qa().checks) std::cout << "    " << c.verdict << " " << c.name << " = " << c.value << "\n";
    }

private:
    static inline phantom::PhantomCase* phantom_ = nullptr;
    static inline Landmarks* landmarks_ = nullptr;
    static inline MaskImage::Pointer* liverMask_ = nullptr;
};

} // namespace

TEST_F(PhantomRegistration, RigidWithALiverMaskIsWithinTwoMillimetres) {
    const Registration& reg = rigid();
    const auto mapped = reg.mapPoints(L().ct);
    const test::Tre tre = test::targetRegistrationError(mapped, L().pet);
    std::cout << "pet-ct-rigid, liver mask: TRE mean " << tre.mean << " mm, max " << tre.max << " mm over "
              << mapped.size() << " landmarks; " << reg.json()["seconds"] << " s (elastix "
              << reg.json()["elastix_seconds"] << " s)\n";
    printQa(reg);
    EXPECT_LE(tre.mean, 2.0);
    EXPECT_LE(tre.max, 3.0);
    EXPECT_EQ(reg.verdict(), "pass");
    // The contract of result.json.
    const Json& j = reg.json();
    for (const char* k : {"preset", "seconds", "elastix_seconds", "metric_before", "metric_after", "qa"})
        EXPECT_TRUE(j.contains(k)) << k;
    EXPECT_EQ(j["preset"], "pet-ct-rigid");
    ASSERT_TRUE(j["matrix_fixed_to_moving_lps"].is_array());
    EXPECT_EQ(j["matrix_fixed_to_moving_lps"].size(), 16u);
    EXPECT_GT(j["metric_after"].get<double>(), j["metric_before"].get<double>());
    for (const auto& c : j["qa"]["checks"]) {
        EXPECT_TRUE(c.contains("value") && c.contains("warn_limit") && c.contains("fail_limit") && c.contains("verdict"))
            << c.dump();
    }
    EXPECT_TRUE(fs::exists(reg.directory() / "moving_resampled.nii.gz"));
    // The matrix maps like the phantom's own rigid motion plus the liver's breathing shift.
    const Affine a = *reg.fixedToMoving();
    EXPECT_NEAR(a.rotationAngleDeg(), P().petMotion.rigidCtToPet.rotationAngleDeg(), 1.0);
    // The resampled PET keeps its units: SUV stays SUV.
    const Volume resampled = readVolume(reg.directory() / "moving_resampled.nii.gz");
    EXPECT_EQ(resampled.meta.units, Units::SUVbw);
}

TEST_F(PhantomRegistration, DeformableWithALiverMaskIsWithinTwoMillimetres) {
    const Registration reg = registerVolumes(request(P().pet, "pet-ct-deformable", "deformable", true));
    ASSERT_EQ(reg.transformKind(), "deformable");
    EXPECT_FALSE(reg.fixedToMoving().has_value());
    const auto mapped = reg.mapPoints(L().ct); // transformix
    const test::Tre tre = test::targetRegistrationError(mapped, L().pet);
    std::cout << "pet-ct-deformable, liver mask: TRE mean " << tre.mean << " mm, max " << tre.max << " mm; "
              << reg.json()["seconds"] << " s (elastix " << reg.json()["elastix_seconds"] << " s)\n";
    printQa(reg);
    EXPECT_LE(tre.mean, 2.0);
    EXPECT_LE(tre.max, 3.0);
    EXPECT_EQ(reg.verdict(), "pass");
    bool jacobianChecked = false;
    for (const auto& c : reg.qa().checks) jacobianChecked = jacobianChecked || c.name == "folding_fraction";
    EXPECT_TRUE(jacobianChecked);
}

TEST_F(PhantomRegistration, PlantedFailuresNeverPass) {
    struct Case {
        std::string name;
        Volume pet;
        bool mask;
    };
    std::vector<Case> cases{
        {"mirrored left-right", test::planted(P().pet, test::Plant::MirrorLeftRight), false},
        {"mirrored left-right, liver mask", test::planted(P().pet, test::Plant::MirrorLeftRight), true},
        {"x and y swapped", test::planted(P().pet, test::Plant::SwapXY), false},
        {"turned 90 degrees about z", test::planted(P().pet, test::Plant::Rotate90AboutZ), false},
        {"moved 400 mm", test::shifted(P().pet, {400, 0, 0}), false},
    };
    for (size_t i = 0; i < cases.size(); ++i) {
        const Registration reg =
            registerVolumes(request(cases[i].pet, "pet-ct-rigid", "planted" + std::to_string(i), cases[i].mask));
        std::cout << cases[i].name << ": " << reg.verdict() << " (start: " << reg.json()["init"]["mode"] << ")\n";
        for (const auto& p : reg.qa().problems()) std::cout << "    " << p << "\n";
        EXPECT_NE(reg.verdict(), "pass") << cases[i].name;
    }
}

TEST_F(PhantomRegistration, ResamplingInProcessAgreesWithTransformix) {
    const Registration& reg = rigid();
    const FloatImage::Pointer inProcess = resampleToFixed(reg, P().pet.image, Interpolation::Linear);
    detail::TransformixJob job;
    job.finalTransformFile = reg.finalTransformFile();
    job.image = P().pet.image;
    const FloatImage::Pointer viaTransformix = detail::runTransformix(job).image;
    const size_t n = inProcess->GetBufferedRegion().GetNumberOfPixels();
    ASSERT_EQ(n, viaTransformix->GetBufferedRegion().GetNumberOfPixels());
    // Compared where the mapped point lies at least one PET voxel inside the PET's field
    // of view (in the half-voxel border band the two extrapolate differently).
    const auto& pet = P().pet.image;
    Affine petIndex;
    {
        Affine i2p;
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) i2p.A(r, c) = pet->GetDirection()(unsigned(r), unsigned(c)) * pet->GetSpacing()[unsigned(c)];
        i2p.t = {pet->GetOrigin()[0], pet->GetOrigin()[1], pet->GetOrigin()[2]};
        petIndex = i2p.inverse() * *reg.fixedToMoving();
    }
    const auto ps = pet->GetLargestPossibleRegion().GetSize();
    const auto fs = inProcess->GetLargestPossibleRegion().GetSize();
    double maxDiff = 0, maxValue = 0;
    size_t compared = 0;
    for (size_t k = 0; k < fs[2]; ++k)
        for (size_t j = 0; j < fs[1]; ++j)
            for (size_t i = 0; i < fs[0]; ++i) {
                itk::Index<3> idx{{long(i), long(j), long(k)}};
                FloatImage::PointType pt;
                inProcess->TransformIndexToPhysicalPoint(idx, pt);
                const Vec3 q = petIndex.apply({pt[0], pt[1], pt[2]});
                if (q.x < 1 || q.y < 1 || q.z < 1 || q.x > ps[0] - 2.0 || q.y > ps[1] - 2.0 || q.z > ps[2] - 2.0) continue;
                ++compared;
                const size_t id = i + fs[0] * (j + fs[1] * k);
                maxDiff = std::max(maxDiff, double(std::abs(inProcess->GetBufferPointer()[id] - viaTransformix->GetBufferPointer()[id])));
                maxValue = std::max(maxValue, double(inProcess->GetBufferPointer()[id]));
            }
    std::cout << "in-process vs transformix over " << compared << " of " << n << " voxels: max difference " << maxDiff
              << " SUV (image max " << maxValue << ")\n";
    EXPECT_GT(compared, n / 2);
    EXPECT_LT(maxDiff, 1e-3 * maxValue);
    // Labels through nearest neighbour keep their values.
    const LabelImage::Pointer labels = resampleLabelsToFixed(reg, P().labels);
    std::set<int> in, out;
    for (size_t i = 0; i < P().labels->GetBufferedRegion().GetNumberOfPixels(); ++i) in.insert(P().labels->GetBufferPointer()[i]);
    for (size_t i = 0; i < labels->GetBufferedRegion().GetNumberOfPixels(); ++i) out.insert(labels->GetBufferPointer()[i]);
    for (int v : out) EXPECT_TRUE(in.count(v)) << "label " << v << " was invented by interpolation";
}

TEST_F(PhantomRegistration, ANudgeMovesTheOverlayAndReRunsTheGate) {
    const Registration& reg = rigid();
    NudgeRequest n;
    n.registration = &reg;
    n.fixed = &P().ctPortal;
    n.moving = &P().pet;
    n.fixedMask = liverMask();
    n.translation_mm = {6, 0, 0};
    n.outputDir = test::scratchDir("phantom_registration_nudged");
    const Registration nudged = nudgeRegistration(n);
    // The overlay moved by +6 mm: the nudged mapping at x is the old one at x - 6 mm.
    const Affine before = *reg.fixedToMoving(), after = *nudged.fixedToMoving();
    for (const Vec3& x : L().ct) EXPECT_LT(distance(after.apply(x), before.apply(x - Vec3{6, 0, 0})), 1e-6);
    const test::Tre tre = test::targetRegistrationError(nudged.mapPoints(L().ct), L().pet);
    std::cout << "nudged 6 mm: TRE mean " << tre.mean << " mm; metric " << nudged.json()["metric_before"] << " -> "
              << nudged.json()["metric_after"] << ", verdict " << nudged.verdict() << "\n";
    EXPECT_GT(tre.mean, 4.0);
    EXPECT_LT(nudged.json()["metric_after"].get<double>(), nudged.json()["metric_before"].get<double>());
    EXPECT_TRUE(nudged.json().contains("nudge"));
    // Nudging back restores the registration (in place: the folder is rewritten).
    n.registration = &nudged;
    n.translation_mm = {-6, 0, 0};
    n.outputDir = nudged.directory();
    const Registration back = nudgeRegistration(n);
    for (const Vec3& x : L().ct) EXPECT_LT(distance(back.fixedToMoving()->apply(x), before.apply(x)), 1e-6);
    EXPECT_EQ(back.verdict(), reg.verdict());
}

TEST_F(PhantomRegistration, RegisterInCaseRecordsAnElastixTransform) {
    const fs::path dir = test::scratchDir("phantom_registration_case");
    phantom::writePhantom(P(), dir, false);
    writeMask(liverMask(), dir / "liver_10mm.nii.gz");
    Case c = loadCase(dir / "case.json");
    CaseRegistrationRequest r;
    r.fixedId = "ct_portal";
    r.movingId = "pet";
    r.preset = "pet-ct-rigid";
    r.fixedMaskPath = "liver_10mm.nii.gz";
    r.elastix.threads = 2;
    const CaseTransform t = registerInCase(c, r);
    EXPECT_EQ(t.id, "pet_to_ct_portal");
    EXPECT_EQ(t.kind, "elastix");
    EXPECT_EQ(t.directory, "registrations/pet_to_ct_portal");
    EXPECT_EQ(t.preset, "pet-ct-rigid");
    EXPECT_EQ(t.qaVerdict, "pass");
    ASSERT_TRUE(t.matrixFixedToMoving.has_value());
    saveCase(c, dir / "case.json");
    const Case again = loadCase(dir / "case.json");
    ASSERT_NE(again.transform("pet_to_ct_portal"), nullptr);
    const Registration reg = caseRegistration(again, "pet_to_ct_portal");
    const test::Tre tre = test::targetRegistrationError(reg.mapPoints(L().ct), L().pet);
    std::cout << "registerInCase: TRE mean " << tre.mean << " mm, verdict " << t.qaVerdict << "\n";
    EXPECT_LE(tre.mean, 2.0);
    // The PET on the CT grid for the other modules.
    const Volume petOnCt = resampleVolumeToFixed(reg, P().pet);
    EXPECT_EQ(petOnCt.image->GetLargestPossibleRegion().GetSize(), P().ctPortal.image->GetLargestPossibleRegion().GetSize());
    EXPECT_EQ(petOnCt.meta.units, Units::SUVbw);
}

TEST_F(PhantomRegistration, CommandLine) {
    const fs::path dir = test::scratchDir("phantom_registration_cli");
    WriteOptions ct;
    ct.pixelType = PixelType::Int16;
    writeVolume(P().ctPortal, dir / "ct.nii.gz", ct);
    writeVolume(P().pet, dir / "pet.nii.gz");
    writeLabelMap(P().labels, dir / "labels.nii.gz");
    const fs::path tmp = dir / "tmp";
    fs::create_directories(tmp);
    ::setenv("TMPDIR", tmp.c_str(), 1);
    const auto r = test::runIrplan({"register", "--fixed", (dir / "ct.nii.gz").string(), "--moving",
                                    (dir / "pet.nii.gz").string(), "--preset", "pet-ct-rigid", "--out",
                                    (dir / "reg").string(), "--fixed-mask", (dir / "labels.nii.gz").string(),
                                    "--fixed-mask-labels", "1", "--mask-dilate-mm", "10", "--threads", "2", "--json"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err.find("%]"), std::string::npos) << "--json is quiet";
    const Json j = Json::parse(r.out);
    EXPECT_EQ(j["qa"]["verdict"], "pass");
    const Affine a = *Registration::load(dir / "reg").fixedToMoving();
    // map-points prints the moving-space points.
    const auto m = test::runIrplan({"map-points", "--registration", (dir / "reg").string(), "--points",
                                    "-76.85,39.89,30.99; 0,0,0"});
    ASSERT_EQ(m.exitCode, 0) << m.err;
    const Json mp = Json::parse(m.out);
    ASSERT_EQ(mp["moving_points_mm"].size(), 2u);
    const Vec3 p0{mp["moving_points_mm"][0][0], mp["moving_points_mm"][0][1], mp["moving_points_mm"][0][2]};
    EXPECT_LT(distance(p0, a.apply({-76.85, 39.89, 30.99})), 1e-6);
    // Progress on stderr without --json.
    const auto verbose = test::runIrplan({"register", "--fixed", (dir / "ct.nii.gz").string(), "--moving",
                                          (dir / "pet.nii.gz").string(), "--preset", "pet-ct-rigid", "--out",
                                          (dir / "reg2").string(), "--threads", "2", "--iteration-scale", "0.2"});
    ASSERT_EQ(verbose.exitCode, 0) << verbose.err;
    EXPECT_NE(verbose.err.find("elastix rigid (stage 1/1), resolution"), std::string::npos) << verbose.err;
    EXPECT_NE(verbose.out.find("quality gate"), std::string::npos);
    // Bad input: one line, exit code 1, nothing left behind.
    auto expectError = [&](const std::vector<std::string>& args, const std::string& text) {
        const auto e = test::runIrplan(args);
        EXPECT_EQ(e.exitCode, 1) << e.err;
        EXPECT_NE(e.err.find("irplan: error: "), std::string::npos) << e.err;
        EXPECT_NE(e.err.find(text), std::string::npos) << e.err;
        EXPECT_TRUE(e.out.empty());
    };
    expectError({"register", "--fixed", (dir / "ct.nii.gz").string(), "--moving", (dir / "pet.nii.gz").string(),
                 "--preset", "pet-ct-rigid", "--out", (dir / "bad").string(), "--elastix", "/nonexistent/elastix"},
                "elastix not found");
    expectError({"register", "--fixed", (dir / "ct.nii.gz").string(), "--moving", (dir / "missing.nii.gz").string(),
                 "--preset", "pet-ct-rigid", "--out", (dir / "bad").string()},
                "missing.nii.gz");
    expectError({"register", "--fixed", (dir / "ct.nii.gz").string(), "--moving", (dir / "pet.nii.gz").string(),
                 "--preset", "pet-ct-fast", "--out", (dir / "bad").string()},
                "unknown registration preset");
    expectError({"register", "--fixed", (dir / "ct.nii.gz").string(), "--moving", (dir / "pet.nii.gz").string(),
                 "--preset", "pet-ct-rigid", "--out", (dir / "bad").string(), "--fixed-mask",
                 (dir / "labels.nii.gz").string(), "--fixed-mask-labels", "99"},
                "mask is empty");
    expectError({"map-points", "--registration", (dir / "nothing").string(), "--points", "0,0,0"}, "not a registration");
    expectError({"map-points", "--registration", (dir / "reg").string(), "--points", "0,0"}, "x,y,z");
    EXPECT_FALSE(fs::exists(dir / "bad" / "result.json"));
    EXPECT_TRUE(test::listDir(tmp).empty());
    ::unsetenv("TMPDIR");
}
