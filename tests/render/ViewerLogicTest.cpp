// The viewer's command layer without a display: script parsing, undo/redo of
// case edits, layouts, case helpers and the recent-cases list.
#include "app/gui/session/CaseData.h"
#include "app/gui/session/Layout.h"
#include "app/gui/session/RecentCases.h"
#include "app/gui/session/Script.h"
#include "app/gui/session/UndoStack.h"
#include "app/gui/session/Viewer.h"
#include "core/Error.h"
#include "core/Files.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace irplan;
using namespace irplan::viewer;

namespace {
// A front end that records what the script asked of it.
struct RecordingFrontend : Frontend {
    std::vector<std::string> calls;
    void screenshot(const std::filesystem::path& p) override { calls.push_back("screenshot " + p.string()); }
    void setSize(int w, int h) override { calls.push_back("size " + std::to_string(w) + "x" + std::to_string(h)); }
    void zoom(render::ViewKind v, double f) override { calls.push_back(std::string("zoom ") + render::viewName(v) + " " + std::to_string(f)); }
    void resetViews() override { calls.push_back("reset"); }
    void set3dAngles(double, double) override { calls.push_back("angles"); }
    void quit() override { calls.push_back("quit"); }
};
} // namespace

TEST(Script, SplitsQuotesAndComments) {
    EXPECT_EQ(splitCommand("open \"/a b/c.json\"  # comment"), (std::vector<std::string>{"open", "/a b/c.json"}));
    EXPECT_EQ(splitCommand("   # only a comment"), std::vector<std::string>{});
    EXPECT_EQ(splitCommand("probe p1 1,2,3 4,5,6 device=mwa"),
              (std::vector<std::string>{"probe", "p1", "1,2,3", "4,5,6", "device=mwa"}));
    EXPECT_THROW(splitCommand("open \"unterminated"), Error);
}

TEST(Script, CommandsReachTheViewerAndFrontend) {
    Viewer viewer;
    RecordingFrontend f;
    runCommand("layout 1+3", viewer, f);
    EXPECT_EQ(viewer.state().layout, render::Layout::OnePlusThree);
    runCommand("view sagittal", viewer, f);
    EXPECT_EQ(viewer.state().mainView, render::ViewKind::Sagittal);
    runCommand("window liver", viewer, f);
    EXPECT_EQ(viewer.state().display.window.width, 150);
    runCommand("window 350 40", viewer, f);
    EXPECT_EQ(viewer.state().display.window.level, 40);
    runCommand("pet-colormap rainbow", viewer, f);
    runCommand("pet-opacity 0.25", viewer, f);
    runCommand("pet-window 3 15", viewer, f);
    EXPECT_EQ(viewer.state().display.petColormap, render::Colormap::Rainbow);
    EXPECT_EQ(viewer.state().display.petOpacity, 0.25);
    EXPECT_EQ(viewer.state().display.petHigh, 15);
    runCommand("label 12 hide", viewer, f);
    EXPECT_TRUE(viewer.state().display.hiddenLabels.count(12));
    runCommand("crosshair 1,2,3", viewer, f);
    runCommand("crosshair 4 5 6", viewer, f);
    EXPECT_EQ(viewer.state().crosshair_mm, (Vec3{4, 5, 6}));
    runCommand("zoom axial 2", viewer, f);
    runCommand("size 800x600", viewer, f);
    runCommand("screenshot \"/tmp/x y.png\"", viewer, f);
    EXPECT_EQ(f.calls, (std::vector<std::string>{"zoom axial 2.000000", "size 800x600", "screenshot /tmp/x y.png"}));
}

TEST(Script, BadCommandsSayWhatIsWrong) {
    Viewer viewer;
    RecordingFrontend f;
    auto message = [&](const std::string& line) {
        try {
            runCommand(line, viewer, f);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_NE(message("frobnicate").find("unknown command 'frobnicate'"), std::string::npos);
    EXPECT_NE(message("layout 3x3").find("unknown layout"), std::string::npos);
    EXPECT_NE(message("window 0 40").find("positive"), std::string::npos);
    EXPECT_NE(message("pet-opacity 2").find("between 0 and 1"), std::string::npos);
    EXPECT_NE(message("pet-window 5 1").find("upper"), std::string::npos);
    EXPECT_NE(message("slice 3d 1").find("no slices"), std::string::npos);
    EXPECT_NE(message("lesion 1").find("nothing is loaded"), std::string::npos);
    EXPECT_NE(message("probe p1 1,2,3").find("usage"), std::string::npos);
    EXPECT_NE(message("crosshair a,b,c").find("a,b,c"), std::string::npos);
    EXPECT_NE(message("open /no/such/file.nii.gz").find("not found"), std::string::npos);
    EXPECT_NE(message("size 10x10").find("between 64 and 8192"), std::string::npos);
}

TEST(Script, RunnerNamesTheLine) {
    const auto dir = test::scratchDir("viewer_script_runner");
    files::writeTextAtomic(dir / "s.irs", "# set up\nlayout 2x2\n\nwindow nonsense\n");
    Viewer viewer;
    RecordingFrontend f;
    ScriptRunner runner(readScript(dir / "s.irs"));
    EXPECT_EQ(runner.size(), 2u);
    try {
        runner.runAll(viewer, f);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("script line 4: unknown window preset"), std::string::npos) << e.what();
    }
}

TEST(Undo, GroupsAndDropsRedoOnNewEdit) {
    UndoStack u;
    u.push("a", Json{{"v", 0}}, Json{{"v", 1}});
    u.beginGroup("drag");
    u.push("x", Json{{"v", 1}}, Json{{"v", 2}});
    u.push("y", Json{{"v", 2}}, Json{{"v", 3}});
    u.endGroup();
    EXPECT_EQ(u.size(), 2u);
    EXPECT_EQ(u.undoLabel(), "drag");
    EXPECT_EQ(u.undo()["v"], 1); // the whole drag at once
    EXPECT_EQ(u.undo()["v"], 0);
    EXPECT_FALSE(u.canUndo());
    EXPECT_EQ(u.redo()["v"], 1);
    u.push("b", Json{{"v", 1}}, Json{{"v", 9}});
    EXPECT_FALSE(u.canRedo());
    u.push("same", Json{{"v", 9}}, Json{{"v", 9}}); // no change: no step
    EXPECT_EQ(u.size(), 2u);
    EXPECT_THROW(UndoStack().undo(), Error);
}

TEST(Viewer, ProbeAndMeasurementEditsUndoAndRedo) {
    Viewer v;
    v.placeProbe("p1", {10, 20, 30}, {60, 20, 30}, "mwa");
    ASSERT_NE(v.currentCase().probe("p1"), nullptr);
    EXPECT_EQ(v.currentCase().probe("p1")->deviceId, "mwa");
    // A drag of the tip in three moves is one undo step.
    v.beginEditGroup("move probe p1");
    v.moveProbeEnd("p1", true, {11, 20, 30});
    v.moveProbeEnd("p1", true, {12, 20, 30});
    v.moveProbeEnd("p1", true, {13, 21, 30});
    v.endEditGroup();
    const std::string ruler = v.addRuler({0, 0, 0}, {30, 40, 0});
    ASSERT_EQ(v.scene().measurements.size(), 1u);
    EXPECT_NE(v.scene().measurements[0].text.find("50.0 mm"), std::string::npos);
    EXPECT_EQ(v.undoStack().size(), 3u);
    v.undo(); // ruler
    EXPECT_TRUE(v.scene().measurements.empty());
    v.undo(); // the drag
    EXPECT_EQ(v.currentCase().probe("p1")->tip_mm, (Vec3{10, 20, 30}));
    v.redo();
    EXPECT_EQ(v.currentCase().probe("p1")->tip_mm, (Vec3{13, 21, 30}));
    v.undo();
    v.undo(); // placement
    EXPECT_EQ(v.currentCase().probe("p1"), nullptr);
    EXPECT_TRUE(v.scene().probes.empty());
    EXPECT_THROW(v.undo(), Error);
    // Invalid edits change nothing.
    EXPECT_THROW(v.placeProbe("p2", {0, 0, 0}, {0.5, 0, 0}), Error);
    EXPECT_THROW(v.removeProbe("nope"), Error);
    EXPECT_THROW(v.moveProbeEnd("nope", true, {0, 0, 0}), Error);
    EXPECT_THROW(v.removeMeasurement("m7"), Error);
    EXPECT_EQ(v.undoStack().size(), 3u);
    EXPECT_EQ(v.nextProbeId(), "probe1");
}

TEST(Layout, RectsTileTheArea) {
    for (render::Layout l : {render::Layout::One, render::Layout::TwoByTwo, render::Layout::OnePlusThree}) {
        const auto rects = layoutRects(l, render::ViewKind::Coronal, 1000, 700, 4);
        long area = 0;
        for (const auto& r : rects) {
            EXPECT_GE(r.x, 0);
            EXPECT_LE(r.x + r.width, 1000);
            EXPECT_LE(r.y + r.height, 700);
            area += static_cast<long>(r.width) * r.height;
        }
        EXPECT_GT(area, 0.97 * 1000 * 700) << render::layoutName(l);
    }
    const auto one3 = layoutRects(render::Layout::OnePlusThree, render::ViewKind::Coronal, 900, 600);
    ASSERT_EQ(one3.size(), 4u);
    EXPECT_EQ(one3[0].view, render::ViewKind::Coronal);
    EXPECT_EQ(one3[0].width, 600);
    for (size_t i = 1; i < 4; ++i) EXPECT_NE(one3[i].view, render::ViewKind::Coronal);
    const auto four = layoutRects(render::Layout::TwoByTwo, render::ViewKind::PetMip, 800, 800);
    EXPECT_EQ(four[1].view, render::ViewKind::PetMip);
}

TEST(CaseData, VesselCentrelinesHiddenLabelsAndMeasurements) {
    const auto dir = test::scratchDir("viewer_case_data");
    files::writeTextAtomic(dir / "v.json",
                           R"({"vessels": [{"id": 3, "points_mm": [[0,0,0],[0,0,10]], "radii_mm": [2.0, 1.5]},
                                            {"id": 4, "points_mm": [[1,1,1],[2,2,2]], "radii_mm": [1, 1], "diameter_mm": 2.2}]})");
    const auto v = readVesselCentrelines(dir / "v.json");
    ASSERT_EQ(v.size(), 2u);
    EXPECT_DOUBLE_EQ(v[0].diameter_mm, 3.5); // mean of 4.0 and 3.0
    EXPECT_DOUBLE_EQ(v[1].diameter_mm, 2.2);
    files::writeTextAtomic(dir / "bad.json", R"({"vessels": [{"id": 1, "points_mm": [[0,0,0]], "radii_mm": []}]})");
    EXPECT_THROW(readVesselCentrelines(dir / "bad.json"), Error);

    const auto hidden = defaultHiddenLabels({{1, "liver"}, {2, "portal vein"}, {7, "bone"}, {15, "fat"}, {101, "lesion 1"}});
    EXPECT_EQ(hidden, (std::set<int>{7, 15}));
    EXPECT_TRUE(defaultHiddenLabels({}).empty());

    Case c;
    setMeasurements(c, {{"m1", true, {0, 0, 0}, {3, 4, 0}}, {"m2", false, {1, 2, 3}, {}}});
    EXPECT_DOUBLE_EQ(c.extra["measurements"][0]["length_mm"].get<double>(), 5.0);
    const Case back = caseFromJson(toJson(c)); // kept through a save/load
    const auto ms = measurements(back);
    ASSERT_EQ(ms.size(), 2u);
    EXPECT_TRUE(ms[0].ruler);
    EXPECT_EQ(ms[1].a, (Vec3{1, 2, 3}));
}

TEST(CaseData, PetAlignmentFromTheCase) {
    Case c;
    setVolume(c, {"ct", "ct", "ct.nii.gz", "", "HU", "", "", Json::object()});
    setVolume(c, {"pet", "pet", "pet.nii.gz", "", "SUVbw", "", "", Json::object()});
    std::optional<Affine> t;
    std::string how;
    std::vector<std::string> warnings;
    petAlignment(c, "ct", "pet", t, how, warnings);
    EXPECT_FALSE(t.has_value());
    EXPECT_NE(how.find("not registered"), std::string::npos);
    CaseTransform tr;
    tr.id = "reg";
    tr.fixedId = "ct";
    tr.movingId = "pet";
    tr.kind = "affine";
    tr.matrixFixedToMoving = Affine::translation({1, 2, 3}).toRowMajor4x4();
    tr.qaVerdict = "fail";
    setTransform(c, tr);
    petAlignment(c, "ct", "pet", t, how, warnings);
    ASSERT_TRUE(t.has_value());
    EXPECT_EQ(t->t, (Vec3{1, 2, 3}));
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("FAILED"), std::string::npos);
}

TEST(RecentCases, KeepsTheLatestFirstWithoutDuplicates) {
    const auto dir = test::scratchDir("viewer_recent");
    ::setenv("IRPLAN_CONFIG_DIR", dir.c_str(), 1);
    {
        RecentCases r;
        EXPECT_TRUE(r.files().empty());
        r.add(dir / "a.json");
        r.add(dir / "b.json");
        r.add(dir / "a.json");
    }
    RecentCases again;
    ASSERT_EQ(again.files().size(), 2u);
    EXPECT_EQ(again.files()[0], (dir / "a.json").string());
    ::unsetenv("IRPLAN_CONFIG_DIR");
}
