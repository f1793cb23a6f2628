// The segment editor through the session layer (issue 13), headless: the
// scripting contract (edit-label, edit-paint, edit-erase, edit-threshold,
// edit-grow, edit-islands, edit-margin, edit-new-lesion, edit-delete-lesion,
// undo, redo, save-case) on a small synthetic case with a liver, one lesion,
// a missed second lesion in the CT, a portal vein and a plan of lesion 1.
// Checks the label maps and the lesion table save-case writes (read back),
// the stale marks, and that erase + undo restore the map bit for bit.
#include "app/gui/session/Script.h"
#include "app/gui/session/Viewer.h"
#include "core/Case.h"
#include "core/Files.h"
#include "io/VolumeIO.h"
#include "segmentation/ImageOps.h"
#include "segmentation/LesionTable.h"
#include "tests/support/TestSupport.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <sstream>
#include <random>

using namespace irplan;
namespace fs = std::filesystem;

namespace {

class NoFrontend : public viewer::Frontend {
public:
    void screenshot(const fs::path&) override {}
    void setSize(int, int) override {}
    void zoom(render::ViewKind, double) override {}
    void resetViews() override {}
    void set3dAngles(double, double) override {}
    void quit() override {}
};

const Vec3 kLesion1{-10, 5, 0}, kLesion2{15, -8, 4};
constexpr double kR1 = 7, kR2 = 6;

// CT, labels, lesions map and table, liver mask, case.json with a plan of lesion 1.
fs::path writeCase(const fs::path& dir) {
    FloatImage::Pointer grid = FloatImage::New();
    FloatImage::RegionType r;
    r.SetSize({72, 64, 40});
    grid->SetRegions(r);
    const double sp[3] = {1.2, 1.2, 1.5};
    grid->SetSpacing(sp);
    FloatImage::PointType o;
    o[0] = -43;
    o[1] = -38;
    o[2] = -30;
    grid->SetOrigin(o);
    grid->Allocate();
    Volume ct;
    ct.image = grid;
    ct.meta.modality = "CT";
    ct.meta.units = Units::HU;
    auto labels = seg::newLabels(grid);
    auto lesions = seg::newLabels(grid);
    auto liver = seg::newMask(grid);
    const auto n = seg::dims(grid);
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0, 8);
    for (size_t k = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i) {
                const size_t idx = seg::linearIndex(n, i, j, k);
                const Vec3 p = seg::indexToPoint(grid, {double(i), double(j), double(k)});
                const bool inLiver = (p.x * p.x) / (35.0 * 35) + (p.y * p.y) / (30.0 * 30) + (p.z * p.z) / (25.0 * 25) <= 1;
                float hu = -50;
                seg::LabelValue l = 0;
                if (inLiver) {
                    hu = 100;
                    l = 1;
                    liver->GetBufferPointer()[idx] = 1;
                    if (std::hypot(p.x - 5, p.y - 12) < 2.5) { // portal vein along z
                        hu = 180;
                        l = 2;
                    }
                    if (distance(p, kLesion1) <= kR1) hu = 170;
                    if (distance(p, kLesion1) <= kR1 - 2) { // the automatic outline missed its rim
                        l = 101;
                        lesions->GetBufferPointer()[idx] = 1;
                    }
                    if (distance(p, kLesion2) <= kR2) hu = 170; // missed by the automatic segmentation
                }
                grid->GetBufferPointer()[idx] = hu + noise(rng);
                labels->GetBufferPointer()[idx] = l;
            }
    fs::create_directories(dir / "seg");
    writeVolume(ct, dir / "ct.nii.gz");
    writeLabelMap(labels, dir / "seg" / "labels.nii.gz");
    writeLabelMap(lesions, dir / "seg" / "lesions.nii.gz");
    writeMask(liver, dir / "seg" / "liver.nii.gz");
    auto vessels = seg::newLabels(grid); // vessels.nii.gz's kinds: 2 portal
    for (size_t i = 0; i < labels->GetBufferedRegion().GetNumberOfPixels(); ++i)
        vessels->GetBufferPointer()[i] = labels->GetBufferPointer()[i] == 2 ? 2 : 0;
    writeLabelMap(vessels, dir / "seg" / "vessels.nii.gz");
    seg::LesionMeasureInputs in;
    in.ct = &ct;
    auto rows = seg::measureLesions(lesions, {"ct"}, in);
    rows.front().appearance = "hyper";
    Json table = {{"method", "synthetic"}, {"lesions", Json::array({seg::lesionJson(rows.front())})}};
    files::writeTextAtomic(dir / "seg" / "lesions.json", table.dump(2));

    Case c;
    c.name = "editor test";
    c.volumes.push_back({"ct", "ct", "ct.nii.gz", "arterial", "HU", "", "", Json::object()});
    CaseSegmentation s;
    s.id = "labels";
    s.kind = "labels";
    s.path = "seg/labels.nii.gz";
    s.volumeId = "ct";
    s.legend = {{1, "liver"}, {2, "portal vein"}, {101, "lesion 1"}};
    c.segmentations.push_back(s);
    c.segmentations.push_back({"lesions", "lesions", "seg/lesions.nii.gz", "ct", {{1, "lesion 1"}}, "seg/lesions.json", Json::object()});
    c.segmentations.push_back({"liver", "liver", "seg/liver.nii.gz", "ct", {{1, "liver"}}, "", Json::object()});
    c.segmentations.push_back({"vessels", "vessels", "seg/vessels.nii.gz", "ct", {{2, "portal vein"}}, "", Json::object()});
    CasePlan p;
    p.id = "lesion1";
    p.lesionId = 1;
    c.plans.push_back(p);
    const fs::path file = dir / "case.json";
    saveCase(c, file);
    return file;
}

void runScript(const std::string& text, viewer::Viewer& v) {
    NoFrontend f;
    std::vector<viewer::ScriptLine> lines;
    int number = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!viewer::splitCommand(line).empty()) lines.push_back({++number, line});
    viewer::ScriptRunner(lines).runAll(v, f);
}

void runScript(const std::string& text) {
    viewer::Viewer v;
    runScript(text, v);
}

std::string pt(const Vec3& p) {
    char s[96];
    std::snprintf(s, sizeof s, "%.3f,%.3f,%.3f", p.x, p.y, p.z);
    return s;
}

size_t count(const LabelImage* l, seg::LabelValue v) {
    size_t n = 0;
    for (size_t i = 0; i < l->GetBufferedRegion().GetNumberOfPixels(); ++i) n += l->GetBufferPointer()[i] == v;
    return n;
}

const seg::LesionMeasurement* row(const std::vector<seg::LesionMeasurement>& rows, int id) {
    for (const auto& r : rows)
        if (r.id == id) return &r;
    return nullptr;
}

} // namespace

TEST(EditSession, ScriptedEditsChangeTheCaseAndSaveCaseWritesWhatReadsBack) {
    const fs::path dir = test::scratchDir("edit_session");
    const fs::path caseFile = writeCase(dir);
    const std::string open = "open \"" + caseFile.string() + "\"\n";
    const auto original = readLabelMap(dir / "seg" / "labels.nii.gz");
    const double originalVolume = seg::readLesionTable(dir / "seg" / "lesions.json").front().volume_ml;

    // 1. Erase part of lesion 1, then undo: the saved map equals the original bit for bit.
    runScript(open + "edit-label lesion 1\n"
                     "edit-erase " + pt(kLesion1) + " radius=4 sphere\n"
                     "save-case \"" + (dir / "erased" / "case.json").string() + "\"\n"
                     "undo\n"
                     "save-case \"" + (dir / "undone" / "case.json").string() + "\"\n");
    {
        const auto erased = readLabelMap(dir / "erased" / "segmentation-edited" / "labels.nii.gz");
        const auto undone = readLabelMap(dir / "undone" / "segmentation-edited" / "labels.nii.gz");
        EXPECT_LT(count(erased, 101), count(original, 101));
        EXPECT_EQ(count(erased, 1), count(original, 1) + count(original, 101) - count(erased, 101)); // back to the liver
        const size_t bytes = original->GetBufferedRegion().GetNumberOfPixels() * sizeof(seg::LabelValue);
        EXPECT_EQ(std::memcmp(undone->GetBufferPointer(), original->GetBufferPointer(), bytes), 0);
        const Case erasedCase = loadCase(dir / "erased" / "case.json");
        ASSERT_NE(erasedCase.plan("lesion1"), nullptr);
        EXPECT_TRUE(erasedCase.plan("lesion1")->extra.contains("stale"));
        EXPECT_TRUE(erasedCase.extra["editor"]["stale"]["report"].get<bool>());
        const auto table = seg::readLesionTable(dir / "erased" / "segmentation-edited" / "lesions.json");
        ASSERT_NE(row(table, 1), nullptr);
        std::printf("[ edit ] lesion 1: %.3f mL, %.3f mL after erasing a 4 mm ball\n", originalVolume, row(table, 1)->volume_ml);
        EXPECT_LT(row(table, 1)->volume_ml, originalVolume - 0.15);
        EXPECT_EQ(row(table, 1)->appearance, "hyper"); // how it was found stays
        // The lesions map and the liver mask written beside it read back on the same grid.
        const auto lesionsMap = readLabelMap(erasedCase.resolve(erasedCase.segmentation("lesions")->path));
        EXPECT_EQ(count(lesionsMap, 1), count(erased, 101));
    }

    // 2. Paint with a disc and a threshold, add lesion 2 grown from seeds, keep its
    //    largest island, shrink and grow it, delete lesion 1, undo and redo.
    const Vec3 below = kLesion2 + Vec3{0, 0, -14};
    runScript(open + "edit-label lesion 1\n"
                     "edit-threshold 140 220\n"
                     "edit-paint " + pt(kLesion1 + Vec3{6, 0, 0}) + " radius=5 disc\n"
                     "edit-threshold off\n"
                     "edit-new-lesion\n"
                     "edit-grow inside=" + pt(kLesion2 + Vec3{-2, 0, 0}) + ">" + pt(kLesion2 + Vec3{2, 0, 0}) +
                     " outside=" + pt(kLesion2 + Vec3{-13, 0, 0}) + ";" + pt(kLesion2 + Vec3{13, 0, 0}) + ";" +
                     pt(kLesion2 + Vec3{0, 13, 0}) + ";" + pt(kLesion2 + Vec3{0, -13, 0}) + ";" +
                     pt(kLesion2 + Vec3{0, 0, 12}) + ";" + pt(below) + "\n"
                     "edit-paint " + pt(kLesion2 + Vec3{0, -16, 0}) + " radius=1.5\n"
                     "edit-islands keep-largest\n"
                     "edit-margin -1.5\n"
                     "edit-margin +1.5\n"
                     "save-case \"" + (dir / "grown" / "case.json").string() + "\"\n"
                     "edit-delete-lesion 1\n"
                     "undo\n"
                     "redo\n"
                     "save-case \"" + (dir / "deleted" / "case.json").string() + "\"\n");
    {
        const auto grown = readLabelMap(dir / "grown" / "segmentation-edited" / "labels.nii.gz");
        // The disc added lesion voxels on one axial slice only, and only bright ones.
        const auto n = seg::dims(grown);
        size_t added = 0;
        std::set<size_t> slices;
        for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i)
            if (grown->GetBufferPointer()[i] == 101 && original->GetBufferPointer()[i] != 101) {
                ++added;
                slices.insert(i / (n[0] * n[1]));
            }
        EXPECT_GT(added, 0u);
        EXPECT_EQ(slices.size(), 1u);
        const Volume ct = readVolume(dir / "ct.nii.gz");
        for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i)
            if (grown->GetBufferPointer()[i] == 101 && original->GetBufferPointer()[i] != 101) {
                EXPECT_GE(ct.image->GetBufferPointer()[i], 140.0f);
                EXPECT_LE(ct.image->GetBufferPointer()[i], 220.0f);
            }
        std::printf("[ edit ] threshold disc paint 140..220 HU added %zu voxels of lesion 1's rim on one slice\n", added);
        // Lesion 2: the missed sphere (r = 6 mm, 905 mm3), found from strokes.
        const double voxel = 1.2 * 1.2 * 1.5;
        const double v2 = count(grown, 102) * voxel;
        std::printf("[ edit ] lesion 2 grown from seeds: %.0f mm3 (sphere %.0f mm3)\n", v2, 4.0 / 3.0 * M_PI * kR2 * kR2 * kR2);
        EXPECT_NEAR(v2, 4.0 / 3.0 * M_PI * kR2 * kR2 * kR2, 0.2 * 4.0 / 3.0 * M_PI * kR2 * kR2 * kR2);
        const Case grownCase = loadCase(dir / "grown" / "case.json");
        EXPECT_EQ(grownCase.segmentation("labels")->legend.at(102), "lesion 2");
        const auto table = seg::readLesionTable(grownCase.resolve(grownCase.segmentation("lesions")->tablePath));
        ASSERT_NE(row(table, 2), nullptr);
        EXPECT_NEAR(row(table, 2)->centre_mm.x, kLesion2.x, 1.0);
        EXPECT_NEAR(*row(table, 2)->meanHu, 170, 15);
        // Liver mask: lesion 2 was liver before, it stays inside the organ.
        const auto liver = readLabelMap(grownCase.resolve(grownCase.segmentation("liver")->path));
        const Vec3 c2 = seg::pointToIndex(liver, kLesion2);
        const size_t at2 = seg::linearIndex(n, size_t(std::lround(c2.x)), size_t(std::lround(c2.y)), size_t(std::lround(c2.z)));
        EXPECT_EQ(grown->GetBufferPointer()[at2], 102);
        EXPECT_EQ(liver->GetBufferPointer()[at2], 1);

        const auto deleted = readLabelMap(dir / "deleted" / "segmentation-edited" / "labels.nii.gz");
        EXPECT_EQ(count(deleted, 101), 0u);
        EXPECT_EQ(count(deleted, 102), count(grown, 102));
        const Case deletedCase = loadCase(dir / "deleted" / "case.json");
        const auto table2 = seg::readLesionTable(deletedCase.resolve(deletedCase.segmentation("lesions")->tablePath));
        EXPECT_EQ(row(table2, 1), nullptr);
        EXPECT_NE(row(table2, 2), nullptr);
        EXPECT_EQ(deletedCase.segmentation("labels")->legend.count(101), 0u);
        EXPECT_EQ(deletedCase.segmentation("lesions")->legend, (std::map<int, std::string>{{2, "lesion 2"}}));
        EXPECT_EQ(deletedCase.segmentation("labels")->path, "segmentation-edited/labels.nii.gz"); // moves with the case
        EXPECT_NE(deletedCase.plan("lesion1"), nullptr); // kept, marked stale
        EXPECT_TRUE(deletedCase.plan("lesion1")->extra.contains("stale"));
    }
}

TEST(EditSession, VesselEditsWriteTheirKindsAndMakeEveryPlanStale) {
    const fs::path dir = test::scratchDir("edit_session_vessels");
    const fs::path caseFile = writeCase(dir);
    // A branch the automatic segmentation missed (kind unknown), and a bit of the portal vein erased.
    const Vec3 branch{-20, 12, -10}, vein{5, 12, 8};
    runScript("open \"" + caseFile.string() + "\"\n"
              "edit-label vessels\n"
              "edit-paint " + pt(branch) + " radius=2\n"
              "edit-erase " + pt(vein) + " radius=2 disc\n"
              "save-case \"" + (dir / "out" / "case.json").string() + "\"\n");
    const Case c = loadCase(dir / "out" / "case.json");
    EXPECT_EQ(c.segmentation("labels")->legend.at(17), "vessel of unknown kind");
    EXPECT_TRUE(c.extra["editor"]["stale"]["vessel_table"].get<bool>());
    EXPECT_TRUE(c.plan("lesion1")->extra.contains("stale")); // a vessel edit can change any plan's heat sink
    const auto labels = readLabelMap(c.resolve(c.segmentation("labels")->path));
    const auto kinds = readLabelMap(c.resolve(c.segmentation("vessels")->path));
    const auto n = seg::dims(labels);
    auto at = [&](const LabelImage* l, const Vec3& p) {
        const Vec3 ci = seg::pointToIndex(l, p);
        return l->GetBufferPointer()[seg::linearIndex(n, size_t(std::lround(ci.x)), size_t(std::lround(ci.y)),
                                                      size_t(std::lround(ci.z)))];
    };
    EXPECT_EQ(at(labels, branch), 17);
    EXPECT_EQ(at(kinds, branch), 1); // vessels.nii.gz: 1 = kind unknown
    EXPECT_EQ(at(labels, vein), 1);  // erased vessel returns to the liver
    EXPECT_EQ(at(kinds, vein), 0);
    EXPECT_EQ(at(kinds, vein + Vec3{0, 0, 9}), 2); // the rest of the portal vein keeps its kind
    EXPECT_EQ(count(kinds, 2) + count(kinds, 1), count(labels, 2) + count(labels, 17));
}

TEST(EditSession, SplitAndMergeLesions) {
    const fs::path dir = test::scratchDir("edit_session_split");
    const fs::path caseFile = writeCase(dir);
    viewer::Viewer v;
    runScript("open \"" + caseFile.string() + "\"\n"
              "edit-split-lesion 1 " + pt(kLesion1) + " 1,0,0\n",
              v);
    const LabelImage* l = v.images().labels.labels.GetPointer();
    const size_t a = count(l, 101), b = count(l, 102);
    std::printf("[ edit ] lesion 1 split at its centre: %zu + %zu voxels\n", a, b);
    EXPECT_GT(a, 0u);
    EXPECT_GT(b, 0u);
    ASSERT_NE(row(v.segmentation().lesions(), 2), nullptr);
    EXPECT_NEAR(row(v.segmentation().lesions(), 2)->centre_mm.x, kLesion1.x + 1.5, 1.0); // the +x half
    EXPECT_EQ(v.currentCase().segmentation("labels")->legend.at(102), "lesion 2");
    runScript("edit-merge-lesions 1 2\n", v);
    l = v.images().labels.labels.GetPointer();
    EXPECT_EQ(count(l, 101), a + b);
    EXPECT_EQ(count(l, 102), 0u);
    EXPECT_EQ(row(v.segmentation().lesions(), 2), nullptr);
    EXPECT_EQ(v.currentCase().segmentation("labels")->legend.count(102), 0u);
    runScript("undo\nundo\n", v); // both steps back: the original lesion 1, no lesion 2
    l = v.images().labels.labels.GetPointer();
    EXPECT_EQ(count(l, 101), a + b);
    EXPECT_EQ(count(l, 102), 0u);
    EXPECT_EQ(row(v.segmentation().lesions(), 2), nullptr);
}

TEST(EditSession, BadEditCommandsSayWhatIsWrong) {
    const fs::path dir = test::scratchDir("edit_session_errors");
    const fs::path caseFile = writeCase(dir);
    const std::string open = "open \"" + caseFile.string() + "\"\n";
    auto fails = [&](const std::string& line, const std::string& words) {
        try {
            runScript(open + line + "\n");
            ADD_FAILURE() << line << " did not fail";
        } catch (const std::exception& e) {
            EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
        }
    };
    fails("edit-paint 0,0,0 radius=3", "edit-label");
    fails("edit-label lesion x", "lesion number");
    fails("edit-label liver\nedit-paint 0,0,0 radius=0", "radius");
    fails("edit-label liver\nedit-threshold 200 100", "HIGH");
    fails("edit-delete-lesion 7", "no lesion 7");
    fails("edit-merge-lesions 1 1", "two different");
    fails("edit-split-lesion 1 0,0,0 0,0,0", "normal");
    fails("edit-label liver\nedit-grow inside=0,0,0", "outside");
    fails("edit-label liver\nedit-islands 80,80,80", "not on the segment");
}

TEST(EditSession, ABrushDragIsOneUndoStep) {
    // What the window does while the left button is down: dabs, then one step.
    const fs::path dir = test::scratchDir("edit_session_drag");
    const fs::path caseFile = writeCase(dir);
    viewer::Viewer v;
    runScript("open \"" + caseFile.string() + "\"\nedit-label lesion 1\n", v);
    const auto before = seg::crop(v.images().labels.labels.GetPointer(), v.images().labels.labels->GetLargestPossibleRegion());
    const size_t bytes = before->GetBufferedRegion().GetNumberOfPixels() * sizeof(seg::LabelValue);
    const size_t steps = v.undoStack().size();
    v.editor().beginStroke();
    for (int i = 0; i < 6; ++i) v.editor().paint(kLesion1 + Vec3{-6.0 + 2.0 * i, 0, 6}, 2.0, seg::BrushShape::Disc);
    v.editor().endStroke();
    EXPECT_EQ(v.undoStack().size(), steps + 1);
    EXPECT_EQ(v.editor().historySteps(), 1u);
    const auto& shown = v.images().labels.labels;
    const size_t painted = count(shown, 101) - count(before, 101);
    std::printf("[ edit ] a drag of 6 disc dabs: %zu voxels, one undo step (%zu bytes)\n", painted, v.editor().historyBytes());
    EXPECT_GT(painted, 20u);
    v.undo();
    EXPECT_EQ(std::memcmp(v.images().labels.labels->GetBufferPointer(), before->GetBufferPointer(), bytes), 0);
    v.redo();
    EXPECT_EQ(count(v.images().labels.labels, 101) - count(before, 101), painted);
    EXPECT_FALSE(v.editor().staleItems().empty());
}

TEST(EditSession, FillBetweenSlicesFromTwoOutlines) {
    // A new lesion outlined with the disc brush on two axial slices 8 mm apart:
    // edit-fill-between gives the slices between them the interpolated disc.
    const fs::path dir = test::scratchDir("edit_session_fill_between");
    const fs::path caseFile = writeCase(dir);
    viewer::Viewer v;
    runScript("open \"" + caseFile.string() + "\"\nedit-new-lesion\n"
              "edit-paint " + pt(kLesion2 + Vec3{0, 0, -4}) + " radius=4 disc\n"
              "edit-paint " + pt(kLesion2 + Vec3{0, 0, 4}) + " radius=4 disc\n", v);
    const LabelImage* shown = v.images().labels.labels.GetPointer();
    const auto n = seg::dims(shown);
    auto slicesOf = [&](seg::LabelValue value) {
        std::set<size_t> s;
        for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i)
            if (shown->GetBufferPointer()[i] == value) s.insert(i / (n[0] * n[1]));
        return s;
    };
    const size_t outlined = count(shown, 102);
    ASSERT_EQ(slicesOf(102).size(), 2u);
    runScript("edit-fill-between\n", v);
    const std::set<size_t> after = slicesOf(102);
    std::printf("[ edit ] fill between two disc outlines: %zu -> %zu voxels on %zu slices\n", outlined,
                count(v.images().labels.labels, 102), after.size());
    EXPECT_EQ(after.size(), *after.rbegin() - *after.begin() + 1) << "every slice between the outlines is filled";
    EXPECT_GT(after.size(), 2u);
    runScript("undo\n", v);
    EXPECT_EQ(count(v.images().labels.labels, 102), outlined);
}
