#include "planning/PlanningContext.h"

#include "core/Error.h"
#include "io/VolumeIO.h"

#include <chrono>
#include <cmath>

namespace irplan::planning {

namespace {
using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}
} // namespace

std::shared_ptr<const PlanningContext> PlanningContext::build(const PlanningInputs& in, const Progress& progress) {
    if (!in.labels) throw Error("planning needs a label map");
    if (in.lesionId < 1) throw Error("the lesion id must be 1 or more (lesion k has label 100 + k)");
    auto ctx = std::make_shared<PlanningContext>();
    ctx->labels_ = in.labels;
    auto t = Clock::now();
    progress.update(0.0, "planning: target lesion");
    if (in.lesionMap) {
        validateGeometry(in.lesionMap, "lesion map");
        ctx->target_ = buildTarget(in.lesionMap, in.lesionId, in.lesionId, "lesions", in.gridSpacing_mm, in.padding_mm);
    } else {
        ctx->target_ =
            buildTarget(in.labels, 100 + in.lesionId, in.lesionId, "labels", in.gridSpacing_mm, in.padding_mm);
    }
    ctx->seconds_["target"] = since(t);
    progress.checkCancel();

    // Vessels in the planning grid's neighbourhood.
    t = Clock::now();
    progress.update(0.15, "planning: vessels");
    const TargetLesion& tg = ctx->target_;
    const Vec3 reach{in.padding_mm + 20, in.padding_mm + 20, in.padding_mm + 20};
    const Vec3 lo = tg.centroid_mm - reach, hi = tg.centroid_mm + reach;
    if (in.vessels)
        ctx->vessels_ = vesselModelFromTree(*in.vessels, lo, hi);
    else
        ctx->vessels_ = vesselModelFromLabels(in.labels, lo, hi);
    ctx->vesselGap_.resize(ctx->vessels_.samples.size());
    for (size_t i = 0; i < ctx->vesselGap_.size(); ++i) {
        const auto& s = ctx->vessels_.samples[i];
        ctx->vesselGap_[i] = static_cast<float>(tg.signedDistance(s.point_mm) - s.wallOffset_mm);
    }
    ctx->seconds_["vessels"] = since(t);
    progress.checkCancel();

    t = Clock::now();
    bool reuse = false;
    if (in.sharedRisk) {
        // Usable when, around this lesion, it reaches as far as a fresh build
        // would: the label map's edge or the needle reach, whichever is nearer.
        const GridGeometry& rg = in.sharedRisk->grid();
        const GridGeometry lg = GridGeometry::of(in.labels.GetPointer());
        const Vec3 q = rg.index(tg.centroid_mm);
        const Vec3 a0 = rg.index(lg.point(0, 0, 0)),
                   a1 = rg.index(lg.point(lg.size[0] - 1, lg.size[1] - 1, lg.size[2] - 1));
        reuse = true;
        for (int a = 0; a < 3; ++a) {
            const double h = rg.spacing[a], need = in.risk.reach_mm;
            const double mapLo = std::min(a0[a], a1[a]), mapHi = std::max(a0[a], a1[a]);
            const double haveLo = q[a] * h, haveHi = (rg.size[static_cast<size_t>(a)] - 1 - q[a]) * h;
            if (haveLo < std::min(need, (q[a] - mapLo) * h) - 2 * h) reuse = false;
            if (haveHi < std::min(need, (mapHi - q[a]) * h) - 2 * h) reuse = false;
        }
    }
    if (reuse)
        ctx->risk_ = in.sharedRisk;
    else
        ctx->risk_ = std::make_shared<const RiskMaps>(RiskMaps::build(
            in.labels, in.ct, in.vessels ? &ctx->vessels_ : nullptr, tg.centroid_mm, in.risk, progress.sub(0.3, 1.0)));
    ctx->seconds_["risk_maps"] = since(t);
    return ctx;
}

const MarginRegion& PlanningContext::marginRegion(double margin_mm) const {
    const long long key = std::llround(margin_mm * 1000);
    std::lock_guard<std::mutex> lock(m_);
    auto& slot = regions_[key];
    if (!slot) slot = std::make_unique<MarginRegion>(buildMarginRegion(target_, margin_mm));
    return *slot;
}

} // namespace irplan::planning
