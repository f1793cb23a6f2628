// Planning on the digital phantom: automatic proposals give at least one safe
// path per lesion, re-checked here independently of the planner (label map
// walk, truth vessel centrelines); lesion 2's abutting vessel is warned about.
#include "core/Files.h"
#include "phantom/Phantom.h"
#include "planning/AutoPlanner.h"
#include "tests/planning/PlanningTestUtil.h"
#include "tests/support/TestSupport.h"

#include <cmath>
#include <gtest/gtest.h>

using namespace irplan;
using namespace irplan::planning;

namespace {

class PhantomPlan : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        phantom::PhantomOptions o;
        o.seed = 1;
        o.spacing = Vec3{1.5, 1.5, 1.5};
        phantom_ = new phantom::PhantomCase(phantom::generatePhantom(o));
        truth_ = new Json(phantom::truthJson(*phantom_));
        const auto dir = test::scratchDir("planning_phantom");
        files::writeTextAtomic(dir / "truth.json", truth_->dump());
        vessels_ = new VesselTree(loadVessels(dir / "truth.json"));
    }
    static void TearDownTestSuite() {
        delete phantom_;
        delete truth_;
        delete vessels_;
        risk_.reset();
    }
    static std::shared_ptr<const PlanningContext> context(int lesion, bool truthVessels) {
        PlanningInputs in;
        in.labels = phantom_->labels;
        in.ct = phantom_->ctArterial.image;
        in.lesionId = lesion;
        if (truthVessels) in.vessels = *vessels_;
        // The risk maps depend on the case, not the lesion: built once.
        if (!truthVessels) in.sharedRisk = risk_;
        auto ctx = PlanningContext::build(in);
        if (!truthVessels && !risk_) risk_ = ctx->riskShared();
        if (!truthVessels) {
            EXPECT_EQ(ctx->riskShared(), risk_);
        }
        return ctx;
    }
    static int labelAt(const Vec3& p) {
        const GridGeometry g = GridGeometry::of(phantom_->labels.GetPointer());
        const auto n = g.nearest(p);
        if (!g.inside(n[0], n[1], n[2])) return 0;
        return phantom_->labels->GetBufferPointer()[g.offset(n[0], n[1], n[2])];
    }
    static inline phantom::PhantomCase* phantom_ = nullptr;
    static inline Json* truth_ = nullptr;
    static inline VesselTree* vessels_ = nullptr;
    static inline std::shared_ptr<const RiskMaps> risk_;
};

} // namespace

TEST_F(PhantomPlan, AutoProposalsGiveASafePathPerLesionThatRechecksIndependently) {
    const Device& device = test::catalogue().require("mwa-single-14g");
    const SafetyLimits limits;
    for (const auto& lesion : (*truth_)["lesions"]) {
        const int id = lesion["id"].get<int>();
        const auto ctx = context(id, false);
        PlanRequest req;
        req.catalogue = &test::catalogue();
        req.deviceId = device.id;
        const ProposalResult r = proposePlans(*ctx, req);
        std::printf("lesion %d (%.1f mm): %d/%d directions safe, %zu proposals in %.2f s\n", id,
                    lesion["diameter_mm"].get<double>(), r.safeDirections, r.directionsSampled, r.proposals.size(),
                    r.seconds);
        ASSERT_FALSE(r.proposals.empty());
        const Proposal& best = r.proposals.front();
        std::printf("   best: %s\n", best.rationale.c_str());
        ASSERT_TRUE(best.safe) << "lesion " << id << ": no safe proposal";
        for (const Probe& p : best.probes) {
            const Device& d = p.deviceId.empty() ? device : test::catalogue().require(p.deviceId);
            const PlacedApplicator a = placeApplicator(p, d, d.requireSetting(p.setting));
            // 1. The planner's own checks, again.
            const PathReport rep = checkPath(ctx->risk(), &ctx->target(), a, limits);
            EXPECT_TRUE(rep.pass) << "lesion " << id;
            // 2. Walk the label map along every needle: no forbidden structure.
            for (const Needle& n : a.needles) {
                const Vec3 skin = n.entry_mm;
                const double len = distance(n.tip_mm, skin);
                for (double t = 0; t <= len; t += 0.25) {
                    const int l = labelAt(skin + (n.tip_mm - skin) * (t / len));
                    EXPECT_TRUE(l != 7 && l != 10 && l != 11 && l != 5 && l != 6 && l != 8 && l != 9 && l != 12 &&
                                l != 13 && l != 16)
                        << "lesion " << id << ": the needle crosses label " << l << " at " << t << " mm from the skin";
                }
                // 3. Clearance from every truth branch of >= 3 mm (centrelines and radii, not the voxels).
                double clearance = 1e9;
                std::string closest;
                for (const auto& b : vessels_->branches)
                    for (size_t s = 0; s + 1 < b.points.size(); ++s) {
                        const double r0 = 0.5 * std::max(b.diameters_mm[s], b.diameters_mm[s + 1]);
                        if (2 * r0 < 3.0) continue;
                        for (double t = 0; t <= len; t += 0.5) {
                            const Vec3 q = skin + (n.tip_mm - skin) * (t / len);
                            const double c =
                                distanceToSegment(q, b.points[s], b.points[s + 1]) - r0 - 0.5 * d.diameter_mm;
                            if (c < clearance) clearance = c, closest = b.id;
                        }
                    }
                std::printf("   needle %s: %.0f mm, clearance from truth vessels >= 3 mm %.1f mm (branch %s)\n",
                            p.id.c_str(), len, clearance, closest.c_str());
                // The path check works on 1.5 mm voxels: allow one voxel.
                EXPECT_GT(clearance, limits.largeVessel_mm - 1.5) << "lesion " << id;
            }
        }
        if (best.marginReached) {
            EXPECT_GE(best.minimalMargin_mm, req.margin_mm);
        }
    }
}

TEST_F(PhantomPlan, LesionTwoWarnsAboutItsAbuttingVessel) {
    const Json* l2 = nullptr;
    for (const auto& l : (*truth_)["lesions"])
        if (l["id"] == 2) l2 = &l;
    ASSERT_NE(l2, nullptr);
    ASSERT_TRUE(l2->contains("abuts_vessel_branch"));
    const std::string branch = std::to_string((*l2)["abuts_vessel_branch"].get<int>());
    const double gap = (*l2)["gap_to_vessel_mm"].get<double>();
    for (bool truthVessels : {true, false}) {
        const auto ctx = context(2, truthVessels);
        PlanRequest req;
        req.catalogue = &test::catalogue();
        req.deviceId = "rfa-single-17g";
        const ProposalResult r = proposePlans(*ctx, req);
        ASSERT_FALSE(r.proposals.empty());
        req.probes = r.proposals.front().probes;
        req.setting = r.proposals.front().setting;
        req.deviceId = r.proposals.front().deviceId;
        const PlanEvaluation e = evaluateChart(*ctx, req);
        ASSERT_FALSE(e.heatSinkWarnings.empty());
        const HeatSinkWarning& w = e.heatSinkWarnings.front(); // closest to the lesion first
        std::printf("%s: closest warning %s (%s) %.1f mm diameter, %.2f mm from lesion 2 (truth gap %.2f mm), side %s; "
                    "%zu warnings\n",
                    truthVessels ? "truth vessels" : "vessel labels", w.vesselId.c_str(), w.kind.c_str(), w.diameter_mm,
                    w.distanceToLesion_mm, gap, w.side.c_str(), e.heatSinkWarnings.size());
        if (truthVessels) {
            EXPECT_EQ(w.vesselId, branch);
            EXPECT_NEAR(w.distanceToLesion_mm, gap, 1.5); // the lesion is 1.5 mm voxels
        } else {
            EXPECT_EQ(w.kind, "portal vein");
            EXPECT_NEAR(w.distanceToLesion_mm, gap, 2.0);
        }
        EXPECT_GE(w.diameter_mm, 3.0);
        EXPECT_EQ(w.sensitivity, "high");
    }
}
