// Pure-logic tests of the registration module: elastix's parameter format,
// transform conventions (checked against ITK's own transforms), log parsing,
// presets, masks and the gate's judging. No elastix run.
#include "core/Error.h"
#include "core/Files.h"
#include "registration/Masks.h"
#include "registration/Presets.h"
#include "registration/QualityGate.h"
#include "registration/detail/ElastixLog.h"
#include "registration/detail/ParameterFile.h"
#include "registration/detail/PresetFiles.h"
#include "registration/detail/QualityChecks.h"
#include "registration/detail/TransformChain.h"
#include "tests/support/TestSupport.h"

#include <itkEuler3DTransform.h>
#include <itkSimilarity3DTransform.h>

#include <cmath>

using namespace irplan;
using namespace irplan::registration;
using namespace irplan::registration::detail;

namespace {

void expectNear(const Vec3& a, const Vec3& b, double tol) {
    EXPECT_NEAR(a.x, b.x, tol);
    EXPECT_NEAR(a.y, b.y, tol);
    EXPECT_NEAR(a.z, b.z, tol);
}

} // namespace

TEST(ParameterFile, ParsesValuesCommentsAndRoundTrips) {
    const std::string text = "// a comment\n(Transform \"EulerTransform\")\n(TransformParameters 0.1 -2 3e-1 4 5 6)\n"
                             "\n(InitialTransformParametersFileName \"/tmp/a (b).txt\") // trailing\n";
    ParameterFile p = ParameterFile::parse(text, "test");
    EXPECT_EQ(p.get("Transform"), "EulerTransform");
    EXPECT_EQ(p.numbers("TransformParameters"), (std::vector<double>{0.1, -2, 0.3, 4, 5, 6}));
    EXPECT_EQ(p.get("InitialTransformParametersFileName"), "/tmp/a (b).txt");
    EXPECT_EQ(p.text(), text.substr(0, text.size())); // untouched lines keep their text
    p.setNumbers("TransformParameters", {1, 2});
    p.setString("New", "x y");
    const ParameterFile q = ParameterFile::parse(p.text(), "again");
    EXPECT_EQ(q.numbers("TransformParameters"), (std::vector<double>{1, 2}));
    EXPECT_EQ(q.get("New"), "x y");
    EXPECT_NE(q.text().find("// a comment"), std::string::npos);
}

TEST(ParameterFile, RejectsMalformedLinesWithTheLineNumber) {
    try {
        ParameterFile::parse("(A 1)\nB 2\n", "preset x");
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("preset x line 2"), std::string::npos) << e.what();
    }
    EXPECT_THROW(ParameterFile::parse("(A \"unterminated)\n", "t"), Error);
    EXPECT_THROW(ParameterFile::parse("(A 1 2\n", "t"), Error);
    EXPECT_THROW(ParameterFile::parse("(A x)\n", "t").numbers("A"), Error);
}

// elastix's EulerTransform is itk::Euler3DTransform: R = Rz Rx Ry unless ComputeZYX.
// (core's Mat3::rotationXYZ is Rz Ry Rx, i.e. ComputeZYX "true".)
TEST(TransformChain, EulerMatchesItkEuler3DTransformInBothOrders) {
    for (bool zyx : {false, true}) {
        auto t = itk::Euler3DTransform<double>::New();
        t->SetComputeZYX(zyx);
        t->SetRotation(0.3, -0.5, 0.7);
        itk::Euler3DTransform<double>::InputPointType c;
        c[0] = 10;
        c[1] = -20;
        c[2] = 30;
        t->SetCenter(c);
        itk::Euler3DTransform<double>::OutputVectorType tr;
        tr[0] = 1;
        tr[1] = 2;
        tr[2] = -3;
        t->SetTranslation(tr);
        ParameterFile p = ParameterFile::parse("(Transform \"EulerTransform\")\n(TransformParameters 0.3 -0.5 0.7 1 2 -3)\n"
                                               "(CenterOfRotationPoint 10 -20 30)\n(ComputeZYX \"" +
                                                   std::string(zyx ? "true" : "false") + "\")\n",
                                               "t");
        const Affine a = *linearOf(p, "t");
        for (const Vec3& x : {Vec3{0, 0, 0}, Vec3{100, -50, 20}, Vec3{-80, 40, -120}}) {
            itk::Euler3DTransform<double>::InputPointType in;
            in[0] = x.x;
            in[1] = x.y;
            in[2] = x.z;
            const auto out = t->TransformPoint(in);
            expectNear(a.apply(x), {out[0], out[1], out[2]}, 1e-9);
        }
    }
    // The two orders differ for these angles, so the test can tell them apart.
    const Vec3 x{100, -50, 20};
    EXPECT_GT(distance(eulerRotation(0.3, -0.5, 0.7, false) * x, eulerRotation(0.3, -0.5, 0.7, true) * x), 1.0);
}

TEST(TransformChain, SimilarityMatchesItk) {
    auto t = itk::Similarity3DTransform<double>::New();
    itk::Similarity3DTransform<double>::ParametersType params(7);
    const double v[7] = {0.1, -0.2, 0.05, 4, -5, 6, 1.1};
    for (unsigned i = 0; i < 7; ++i) params[i] = v[i];
    itk::Similarity3DTransform<double>::InputPointType c;
    c[0] = 5;
    c[1] = 6;
    c[2] = -7;
    t->SetCenter(c);
    t->SetParameters(params);
    const ParameterFile p = ParameterFile::parse("(Transform \"SimilarityTransform\")\n(TransformParameters 0.1 -0.2 0.05 "
                                                 "4 -5 6 1.1)\n(CenterOfRotationPoint 5 6 -7)\n",
                                                 "t");
    const Affine a = *linearOf(p, "t");
    itk::Similarity3DTransform<double>::InputPointType in;
    in[0] = 30;
    in[1] = -40;
    in[2] = 50;
    const auto out = t->TransformPoint(in);
    expectNear(a.apply({30, -40, 50}), {out[0], out[1], out[2]}, 1e-9);
}

TEST(TransformChain, ChainAppliesTheInitialTransformFirst) {
    const auto dir = test::scratchDir("registration_chain");
    auto grid = FloatImage::New();
    FloatImage::RegionType r;
    r.SetSize({{4, 4, 4}});
    grid->SetRegions(r);
    // Initial: a pure translation; stage: rotation about z by 90 degrees about the origin.
    affineTransformFile(Affine::translation({10, 0, 0}), grid).write(dir / "InitialTransform.txt");
    files::writeTextAtomic(dir / "TransformParameters.0.txt",
                           "(Transform \"EulerTransform\")\n(NumberOfParameters 6)\n(TransformParameters 0 0 1.5707963267948966"
                           " 0 0 0)\n(InitialTransformParametersFileName \"InitialTransform.txt\")\n"
                           "(HowToCombineTransforms \"Compose\")\n(CenterOfRotationPoint 0 0 0)\n");
    const TransformChain chain = readChain(dir / "TransformParameters.0.txt");
    ASSERT_EQ(chain.transforms.size(), 2u);
    ASSERT_TRUE(chain.isLinear());
    // x -> x + (10,0,0) -> rotated: (1,0,0) -> (11,0,0) -> (0,11,0).
    expectNear(chain.fixedToMoving()->apply({1, 0, 0}), {0, 11, 0}, 1e-9);
    // The written affine file reads back as the same map.
    const ParameterFile f = ParameterFile::read(dir / "InitialTransform.txt");
    expectNear(linearOf(f, "f")->apply({1, 2, 3}), {11, 2, 3}, 1e-12);
}

TEST(TransformChain, UnknownTransformsAreRefusedByName) {
    const ParameterFile p = ParameterFile::parse("(Transform \"SplineKernelTransform\")\n", "t");
    try {
        linearOf(p, "t");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("SplineKernelTransform"), std::string::npos);
    }
    EXPECT_FALSE(linearOf(ParameterFile::parse("(Transform \"BSplineTransform\")\n", "t"), "t").has_value());
}

TEST(ElastixLog, ProgressFollowsStagesResolutionsAndIterations) {
    ElastixLogParser p({{"rigid", 4, 100}, {"affine", 2, 100}});
    EXPECT_DOUBLE_EQ(p.fraction(), 0.0);
    p.feed("Running elastix with parameter file 0: \"a.txt\".");
    p.feed("Resolution: 2");
    p.feed("50\t-0.43\t0.0\t1.0\t0.01\t2.0");
    EXPECT_NEAR(p.fraction(), (0 + (2 + 0.5) / 4.0) / 2.0, 1e-12);
    EXPECT_NE(p.stageText().find("metric -0.43"), std::string::npos);
    p.feed("Final metric value  = -0.512");
    p.feed("Running elastix with parameter file 1: \"b.txt\".");
    p.feed("Resolution: 1");
    EXPECT_NEAR(p.fraction(), (1 + 1 / 2.0) / 2.0, 1e-12);
    ASSERT_EQ(p.finalMetrics().size(), 1u);
    EXPECT_DOUBLE_EQ(p.finalMetrics()[0], -0.512);
}

TEST(ElastixLog, FailuresAreExplainedInPlainWords) {
    ElastixLogParser p({{"rigid", 1, 1}});
    p.feed("Description: ITK ERROR: AdvancedMattesMutualInformationMetric(0x5589): Too many samples map outside "
           "moving image buffer: 2816 / 35200");
    const std::string m = explainElastixFailure("elastix", 1, false, 0, p.errors(), {});
    EXPECT_NE(m.find("barely overlap"), std::string::npos) << m;
    EXPECT_NE(m.find("32384 of 35200"), std::string::npos) << m;
    EXPECT_NE(explainElastixFailure("elastix", -1, true, 11, {}, {"last line"}).find("crashed"), std::string::npos);
    EXPECT_NE(explainElastixFailure("elastix", -1, true, 9, {}, {}).find("memory"), std::string::npos);
    EXPECT_NE(explainElastixFailure("elastix", 1, false, 0,
                                    {"Description: ITK ERROR: RandomCoordinateSampler(0x1): Could not find enough "
                                     "image samples within reasonable time. Probably the mask is too small"},
                                    {})
                  .find("too few sample points inside the fixed mask"),
              std::string::npos);
}

TEST(Presets, EveryBuiltInPresetLoadsWithAPurposeAndRigidFirst) {
    const auto names = builtInPresetNames();
    const std::vector<std::string> expected{"ct-ct-followup", "mr-ct", "pet-ct-affine", "pet-ct-deformable",
                                            "pet-ct-rigid", "pet-mr"};
    EXPECT_EQ(names, expected);
    for (const auto& n : names) {
        const LoadedPreset p = loadPreset(n);
        EXPECT_EQ(p.info.name, n);
        EXPECT_FALSE(p.info.purpose.empty()) << n;
        EXPECT_FALSE(p.info.sources.empty()) << n;
        ASSERT_FALSE(p.stages.empty()) << n;
        EXPECT_EQ(p.info.stages.front(), "rigid") << n;
        for (const auto& s : p.stages) {
            // IRPlan initialises and resamples itself.
            EXPECT_EQ(s.get("AutomaticTransformInitialization"), "false") << n;
            EXPECT_EQ(s.get("WriteResultImage"), "false") << n;
            EXPECT_EQ(s.get("FixedImagePyramid"), "FixedRecursiveImagePyramid") << n;
        }
        EXPECT_EQ(p.info.sameScanner, n.rfind("pet-ct", 0) == 0) << n;
    }
    EXPECT_EQ(presetInfo("pet-ct-rigid").transformKind(), "rigid");
    EXPECT_EQ(presetInfo("pet-ct-affine").transformKind(), "affine");
    EXPECT_EQ(presetInfo("pet-ct-deformable").transformKind(), "deformable");
    EXPECT_EQ(presetInfo("mr-ct").anchorMask, "bone");
    try {
        presetInfo("pet-ct-rigdi");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("pet-ct-rigid"), std::string::npos) << "the message lists the presets";
    }
}

TEST(Presets, AFolderWithPresetJsonIsAPreset) {
    const auto dir = test::scratchDir("registration_preset_folder");
    files::writeTextAtomic(dir / "preset.json", R"({"name": "mine", "purpose": "p", "sources": "s",
        "stages": ["a.txt"], "frames": "different-session"})");
    files::writeTextAtomic(dir / "a.txt", "(Transform \"EulerTransform\")\n(MaximumNumberOfIterations 10)\n");
    const PresetInfo p = presetInfo(dir.string());
    EXPECT_EQ(p.name, "mine");
    EXPECT_FALSE(p.sameScanner);
    files::writeTextAtomic(dir / "preset.json", R"({"stages": ["a.txt"], "frames": "sometimes"})");
    EXPECT_THROW(presetInfo(dir.string()), Error);
}

TEST(Masks, LabelsAreSelectedAndGrownInMillimetres) {
    auto labels = LabelImage::New();
    LabelImage::RegionType r;
    r.SetSize({{41, 41, 21}});
    labels->SetRegions(r);
    LabelImage::SpacingType sp;
    sp[0] = 1;
    sp[1] = 1;
    sp[2] = 2;
    labels->SetSpacing(sp);
    labels->Allocate();
    labels->FillBuffer(0);
    labels->SetPixel({{20, 20, 10}}, 1);
    labels->SetPixel({{5, 5, 5}}, 7);
    auto m = maskFromLabels(labels, {1}, 0.0);
    EXPECT_EQ(m->GetPixel({{20, 20, 10}}), 1);
    EXPECT_EQ(m->GetPixel({{5, 5, 5}}), 0);
    m = maskFromLabels(labels, {1}, 4.0);
    EXPECT_EQ(m->GetPixel({{24, 20, 10}}), 1); // 4 mm along x
    EXPECT_EQ(m->GetPixel({{25, 20, 10}}), 0);
    EXPECT_EQ(m->GetPixel({{20, 20, 12}}), 1); // 4 mm along z (2 voxels of 2 mm)
    EXPECT_EQ(m->GetPixel({{20, 20, 13}}), 0);
    EXPECT_THROW(maskFromLabels(labels, {3}, 0.0), Error);
    EXPECT_EQ(parseLabelList("1,100-102"), (std::set<int>{1, 100, 101, 102}));
    EXPECT_THROW(parseLabelList("1,x"), Error);
    EXPECT_THROW(parseLabelList("5-2"), Error);
}

TEST(QualityGate, JudgingAndRotationOfAnAffine) {
    EXPECT_EQ(judge(3, 5.0, 15.0, false), "pass");
    EXPECT_EQ(judge(6, 5.0, 15.0, false), "warn");
    EXPECT_EQ(judge(16, 5.0, 15.0, false), "fail");
    EXPECT_EQ(judge(0.4, 0.5, 0.2, true), "warn");
    EXPECT_EQ(judge(0.1, 0.5, 0.2, true), "fail");
    EXPECT_EQ(judge(NAN, 0.5, 0.2, true), "fail");
    EXPECT_EQ(judge(1, std::nullopt, std::nullopt, true), "info");
    // A rotation of 20 degrees with 10% scaling along one axis.
    const Mat3 R = Mat3::rotationAxisAngle({1, 2, 3}, 20.0 * M_PI / 180.0);
    Mat3 S;
    S(0, 0) = 1.1;
    Vec3 sv;
    const Mat3 back = rotationPart(R * S, &sv);
    EXPECT_NEAR(rotationAngleDeg(back), 20.0, 1e-9);
    EXPECT_NEAR(std::max({sv.x, sv.y, sv.z}), 1.1, 1e-9);
    QaReport rep;
    rep.verdict = "warn";
    rep.checks.push_back({"rotation_deg", 7, 5.0, 15.0, false, "warn", "rotated by 7 degrees"});
    const QaReport back2 = QaReport::fromJson(rep.toJson());
    EXPECT_EQ(back2.verdict, "warn");
    ASSERT_EQ(back2.checks.size(), 1u);
    EXPECT_EQ(*back2.checks[0].failLimit, 15.0);
    EXPECT_EQ(back2.problems().size(), 1u);
}
