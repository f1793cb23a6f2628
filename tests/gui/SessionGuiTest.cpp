// The Registration and Segmentation panels' commands in the real window:
// registering the PET onto the CT records the transform (quality gate and
// checks) and places the PET with it; a nudge moves it by what was asked and
// re-runs the gate; undo takes it back. Liver, lesions and vessels run in the
// background into the case, and the lesion table lands on the phantom's lesions.
#include "core/Case.h"
#include "core/Files.h"
#include "tests/render/RenderTestSupport.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

using namespace irplan;
namespace fs = std::filesystem;

namespace {
std::string q(const fs::path& p) { return "\"" + p.string() + "\""; }

Affine matrixOf(const Case& c, const std::string& id) {
    const CaseTransform* t = c.transform(id);
    EXPECT_TRUE(t && t->matrixFixedToMoving) << id;
    return t && t->matrixFixedToMoving ? Affine::fromRowMajor4x4(*t->matrixFixedToMoving) : Affine{};
}
} // namespace

TEST(GuiSession, RegistrationSegmentationAndTheirCommands) {
    IRPLAN_NEED_DISPLAY();
    const fs::path dir = test::scratchDir("gui_session");
    ::setenv("IRPLAN_CONFIG_DIR", dir.c_str(), 1);
    const std::string script = "phantom " + q(dir / "phantom") + " spacing=2.5\n"
                               "panel registration\n"
                               "register pet-ct-rigid\n"
                               "save-case " + q(dir / "registered.json") + "\n"
                               "state " + q(dir / "registered_state.json") + "\n"
                               "compare checkerboard 20\n"
                               "nudge 2,0,0\n"
                               "save-case " + q(dir / "nudged.json") + "\n"
                               "undo\n"
                               "save-case " + q(dir / "undone.json") + "\n"
                               "compare blend\n"
                               "panel segmentation\n"
                               "segment-liver out=" + q(dir / "seg") + "\n"
                               "segment-lesions out=" + q(dir / "seg") + "\n"
                               "lesion-row 1\n"
                               "segment-vessels out=" + q(dir / "seg") + "\n"
                               "state " + q(dir / "segmented_state.json") + "\n"
                               "save-case " + q(dir / "segmented.json") + "\n"
                               // Teaching: RFA, MWA and IRE on lesion 2 (next to a 5.3 mm portal vein).
                               "plan-lesion 2\n"
                               "probe teach -24.07,-8.55,-8.79 -75,-110,-8.79\n"
                               "plan-compare\n"
                               "state " + q(dir / "compare_state.json") + "\n";
    files::writeTextAtomic(dir / "session.irs", script);
    const auto r = test::runIrplan({"view", "--script", (dir / "session.irs").string(), "--size", "1280x800", "--exit-after-script"});
    ::unsetenv("IRPLAN_CONFIG_DIR");
    ASSERT_EQ(r.exitCode, 0) << r.err;

    // Registration: recorded, judged, and used to place the PET.
    const Json reg = Json::parse(files::readText(dir / "registered_state.json"));
    std::printf("registration: %s\n", reg["registration"].dump().c_str());
    EXPECT_EQ(reg["registration"]["transform"], "pet_to_ct");
    EXPECT_NE(reg["registration"]["verdict"], "fail");
    EXPECT_GE(reg["registration"]["checks"].size(), 5u);
    EXPECT_NE(reg["pet"]["alignment"].get<std::string>().find("pet_to_ct"), std::string::npos);
    const Case registered = loadCase(dir / "registered.json");
    ASSERT_NE(registered.transform("pet_to_ct"), nullptr);
    EXPECT_EQ(registered.transform("pet_to_ct")->kind, "elastix");
    EXPECT_EQ(registered.transform("pet_to_ct")->qaVerdict, reg["registration"]["verdict"].get<std::string>());
    // The nudge moves the PET mapping by 2 mm everywhere (a translation); undo restores it.
    const Affine before = matrixOf(registered, "pet_to_ct");
    const Affine nudged = matrixOf(loadCase(dir / "nudged.json"), "pet_to_ct");
    const Affine undone = matrixOf(loadCase(dir / "undone.json"), "pet_to_ct");
    for (const Vec3& p : {Vec3{-76.9, 39.9, 31.0}, Vec3{0, 0, 0}, Vec3{60, -40, -50}}) {
        const double moved = distance(before.apply(p), nudged.apply(p));
        std::printf("nudge 2 mm: point (%.0f, %.0f, %.0f) moves %.4f mm\n", p.x, p.y, p.z, moved);
        EXPECT_NEAR(moved, 2.0, 1e-3);
        EXPECT_NEAR(distance(before.apply(p), undone.apply(p)), 0.0, 1e-9);
    }

    // Segmentation: in the case, and the table on the phantom's lesion 1 (truth centre -76.9, 39.9, 31.0).
    const Json seg = Json::parse(files::readText(dir / "segmented_state.json"));
    const Json& lesions = seg["segmentation"]["lesions"];
    ASSERT_GE(lesions.size(), 1u);
    EXPECT_EQ(seg["segmentation"]["pet_label"], "SUV");
    const Json& first = lesions[0];
    const Vec3 centre{first["centre_mm"][0].get<double>(), first["centre_mm"][1].get<double>(), first["centre_mm"][2].get<double>()};
    std::printf("segmentation: %zu lesions; lesion 1 at (%.1f, %.1f, %.1f), %.1f mL, SUVmax %.1f; %s\n", lesions.size(),
                centre.x, centre.y, centre.z, first["volume_ml"].get<double>(), first["suv_max"].get<double>(),
                seg["segmentation"]["summary"].get<std::string>().c_str());
    EXPECT_LT(distance(centre, Vec3{-76.85, 39.89, 30.99}), 3.0);
    EXPECT_GT(first["suv_max"].get<double>(), 20.0); // DOMAIN.md: NET lesions SUV 20-40
    const Json& cross = seg["crosshair_mm"];
    EXPECT_LT(distance(Vec3{cross[0].get<double>(), cross[1].get<double>(), cross[2].get<double>()}, centre), 0.01) // the table rounds to 0.01 mm
        << "lesion-row 1 moves the views to lesion 1";
    const Case segmented = loadCase(dir / "segmented.json");
    for (const char* kind : {"liver", "lesions", "vessels"}) {
        const CaseSegmentation* s = segmented.segmentation(kind);
        ASSERT_NE(s, nullptr) << kind;
        EXPECT_TRUE(fs::exists(segmented.resolve(s->path))) << kind;
    }
    EXPECT_TRUE(fs::exists(dir / "seg" / "vessels.json"));

    // The side-by-side comparison: three zones on one probe; IRE has no heat sink, RFA and MWA list the vessel.
    const Json cmp = Json::parse(files::readText(dir / "compare_state.json"))["plan"]["comparison"];
    ASSERT_EQ(cmp.size(), 3u);
    for (const auto& m : cmp) {
        std::printf("compare %s (%s): zone %.1f mL, margin %.1f mm, lesion %.0f%%, %d heat-sink warning(s)\n",
                    m["modality"].get<std::string>().c_str(), m["setting"].get<std::string>().c_str(),
                    m["zone_volume_ml"].get<double>(), m["minimal_margin_mm"].is_number() ? m["minimal_margin_mm"].get<double>() : NAN,
                    m["coverage_lesion_pct"].get<double>(), m["heat_sink_warnings"].get<int>());
        EXPECT_GT(m["zone_volume_ml"].get<double>(), 1.0);
    }
    EXPECT_EQ(cmp[0]["modality"], "RFA");
    EXPECT_EQ(cmp[2]["modality"], "IRE");
    EXPECT_FALSE(cmp[2]["thermal"].get<bool>());
    EXPECT_EQ(cmp[2]["heat_sink_warnings"].get<int>(), 0);
    EXPECT_GE(cmp[0]["heat_sink_warnings"].get<int>(), 1);
}
