#include "planning/ThermalModel.h"

#include "core/Error.h"
#include "core/Log.h"
#include "core/Parallel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace irplan::planning {

namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

constexpr float kNoDose = -60.0f; // log2 of a negligible dose fraction

double maxTemperature(Modality m, const TissueModel& t) {
    switch (m) {
    case Modality::RFA:
        return t.rfaMaxTemp_C;
    case Modality::MWA:
        return t.mwaMaxTemp_C;
    default:
        break;
    }
    throw Error(std::string("the thermal model covers RFA and MWA; use the chart model for ") + modalityName(m));
}

// Unnormalised heating profile at distance d (mm) from the active segment.
double profile(Modality m, double d, const TissueModel& t) {
    if (m == Modality::RFA) {
        const double a2 = t.rfaSourceCore_mm * t.rfaSourceCore_mm;
        return 1.0 / ((d * d + a2) * (d * d + a2));
    }
    return std::exp(-d / t.mwaDecay_mm) / (d + t.mwaSourceCore_mm);
}

ThermalProblem buildProblem(const PlacedApplicator& a, const SourceParameters& src, const GridGeometry& g,
                            const VesselModel* vessels, const TissueModel& tissue) {
    ThermalProblem p;
    for (size_t i = 0; i < 3; ++i) {
        p.size[i] = g.size[i];
        p.spacing_mm[i] = g.spacing[static_cast<int>(i)];
    }
    p.diffusivity_mm2_s = tissue.diffusivity_mm2_s();
    p.bloodTemp_C = tissue.bloodTemp_C;
    p.maxTemp_C = maxTemperature(a.device->modality, tissue);
    p.lethalDose_min = tissue.lethalDose_min;
    const size_t n = p.voxels();
    p.heating_K_s.assign(n, 0.0f);
    p.sinkRate_s.assign(n, 0.0f);
    p.perfusionRate_s.assign(n, static_cast<float>(tissue.perfusion_s));

    struct Segment {
        Vec3 a, b;
    };
    std::vector<Segment> segs;
    const double half = 0.5 * src.activeLength_mm;
    for (const auto& nd : a.needles) {
        const Vec3 c = nd.tip_mm + a.axis * src.centreFromTip_mm;
        segs.push_back({c - a.axis * half, c + a.axis * half});
    }
    const Modality m = a.device->modality;
    std::vector<double> sliceSum(static_cast<size_t>(g.size[2]), 0.0);
    std::vector<double> g3(n);
    parallelFor(0, static_cast<size_t>(g.size[2]), [&](size_t kk) {
        const int k = static_cast<int>(kk);
        double s = 0;
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i) {
                const Vec3 x = g.point(i, j, k);
                double v = 0;
                for (const auto& sg : segs)
                    v += profile(m, distanceToSegment(x, sg.a, sg.b), tissue);
                g3[g.offset(i, j, k)] = v;
                s += v;
            }
        sliceSum[kk] = s;
    });
    double total = 0;
    for (double s : sliceSum)
        total += s;
    const double dV_m3 = g.spacing.x * g.spacing.y * g.spacing.z * 1e-9;
    // q = P g / (rho c), with g normalised to integrate to 1 over the domain.
    const double scale = src.power_W / (total * dV_m3) / tissue.heatCapacity_J_m3K();
    for (size_t i = 0; i < n; ++i)
        p.heating_K_s[i] = static_cast<float>(g3[i] * scale);

    if (vessels) {
        std::vector<float> diameter;
        paintVessels(*vessels, g, diameter, tissue.vesselMinDiameter_mm);
        for (size_t i = 0; i < n; ++i) {
            // 0.1 mm steps of diameter: physically the same, and it keeps the
            // stepper's table of relaxation factors small.
            const double d = std::round(diameter[i] * 10.0) / 10.0;
            if (d <= 0) continue;
            const float rate = static_cast<float>(tissue.sinkRate_s(d));
            if (d >= tissue.largeVessel_mm)
                p.sinkRate_s[i] = rate;
            else
                p.perfusionRate_s[i] += rate;
        }
    }
    return p;
}

// Zone measurement along the applicator axis, chart style.
struct Measured {
    double length = 0, width = 0, centreFromTip = 0;
};

Measured measure(const ZoneField& f, const PlacedApplicator& a) {
    Measured r;
    const Vec3 c0 = a.chart.centre_mm;
    if (!(f.sample(c0) >= 0)) {
        // Fall back to the hottest point on the axis as the start.
        double best = -1e30;
        Vec3 bp = c0;
        for (double t = -a.chart.semiLength_mm; t <= a.chart.semiLength_mm; t += 0.5) {
            const double v = f.sample(c0 + a.axis * t);
            if (v > best) best = v, bp = c0 + a.axis * t;
        }
        if (!(best >= 0)) return r;
        return measure(f, [&] {
            PlacedApplicator b = a;
            b.chart.centre_mm = bp;
            return b;
        }());
    }
    const double up = reachAlong(f, c0, a.axis), down = reachAlong(f, c0, -a.axis);
    r.length = up + down;
    r.centreFromTip = dot(c0 - a.probe.tip_mm, a.axis) + 0.5 * (up - down);
    for (double t = -down; t <= up; t += 0.5) {
        const Vec3 p = c0 + a.axis * t;
        const double w1 = extentAlong(f, p, a.across1), w2 = extentAlong(f, p, a.across2);
        r.width = std::max(r.width, 0.5 * (w1 + w2));
    }
    return r;
}

ZoneField toLattice(const ZoneField& sim, const GridGeometry& lattice) {
    ZoneField out;
    out.lattice = lattice;
    out.quantity = sim.quantity;
    out.touchesBoxBorder = sim.touchesBoxBorder;
    const GridGeometry sg = sim.lattice.sub(sim.box);
    if (sg.sameLattice(lattice)) {
        const Vec3 o = lattice.index(sg.origin);
        out.box.lo = {static_cast<int>(std::lround(o.x)), static_cast<int>(std::lround(o.y)),
                      static_cast<int>(std::lround(o.z))};
        for (size_t a = 0; a < 3; ++a)
            out.box.hi[a] = out.box.lo[a] + sg.size[a];
        out.value = sim.value;
        return out;
    }
    // Different voxel size (preview): trilinear resampling onto the planning lattice.
    const Vec3 lo = sg.point(0, 0, 0), hi = sg.point(sg.size[0] - 1, sg.size[1] - 1, sg.size[2] - 1);
    Vec3 mn, mx;
    for (int a = 0; a < 3; ++a)
        mn[a] = std::min(lo[a], hi[a]), mx[a] = std::max(lo[a], hi[a]);
    out.box = lattice.boxAround(mn, mx);
    out.value.assign(out.box.voxels(), kNoDose);
    parallelFor(0, static_cast<size_t>(out.box.size(2)), [&](size_t kk) {
        const int k = out.box.lo[2] + static_cast<int>(kk);
        for (int j = out.box.lo[1]; j < out.box.hi[1]; ++j)
            for (int i = out.box.lo[0]; i < out.box.hi[0]; ++i) {
                const double v = sim.sample(lattice.point(i, j, k));
                out.value[out.box.offset(i, j, k)] = std::isfinite(v) ? static_cast<float>(v) : kNoDose;
            }
    });
    return out;
}

std::string cacheKey(const Device& d, const DeviceSetting& s, double spacing) {
    char b[64];
    std::snprintf(b, sizeof b, "|%.4f", spacing);
    return d.id + "|" + s.name + b;
}

} // namespace

double TissueModel::sinkRate_s(double diameter_mm) const {
    if (diameter_mm < vesselMinDiameter_mm) return 0.0;
    return sinkRateAt5mm_s * diameter_mm / 5.0;
}

GridGeometry thermalDomain(const PlacedApplicator& a, const GridGeometry& frame, double spacing_mm) {
    GridGeometry lattice = frame;
    lattice.spacing = {spacing_mm, spacing_mm, spacing_mm};
    Ellipsoid e = a.chart;
    e.semiLength_mm *= 1.3;
    e.semiWidth_mm *= 1.3;
    // Clusters and IRE-like arrays: the needles widen the heated region.
    double spread = 0;
    for (const auto& n : a.needles)
        spread = std::max(spread, distance(n.tip_mm, a.probe.tip_mm));
    e.semiWidth_mm += spread;
    Vec3 lo, hi;
    e.bounds(lo, hi);
    const Vec3 pad{12, 12, 12};
    return lattice.sub(lattice.boxAround(lo - pad, hi + pad));
}

ZoneField simulateApplicator(const PlacedApplicator& a, const SourceParameters& src, const GridGeometry& g,
                             const VesselModel* vessels, double time_s, const TissueModel& tissue,
                             ThermalStepper& stepper, const Progress& progress, SimulationStats* stats,
                             ThermalState* finalState) {
    const ThermalProblem p = buildProblem(a, src, g, vessels, tissue);
    stepper.load(p);
    const double stable = p.stableStep_s();
    const int steps = std::max(1, static_cast<int>(std::ceil(time_s / (0.9 * stable))));
    const double dt = time_s / steps;
    const int chunk = std::max(1, steps / 40);
    for (int done = 0; done < steps;) {
        progress.checkCancel();
        const int n = std::min(chunk, steps - done);
        stepper.advance(n, dt, 1.0);
        done += n;
        progress.update(static_cast<double>(done) / steps, "thermal simulation");
    }
    ThermalState st;
    stepper.download(st);
    ZoneField f;
    f.lattice = g;
    f.box = g.box();
    f.quantity = "thermal: log2(CEM43 dose / " + std::to_string(static_cast<int>(tissue.lethalDose_min)) +
                 " min) (zone where >= 0)";
    f.value.resize(st.dose_cem43_min.size());
    const float lethal = static_cast<float>(tissue.lethalDose_min);
    for (size_t i = 0; i < f.value.size(); ++i)
        f.value[i] = st.dose_cem43_min[i] > 0 ? std::max(kNoDose, std::log2(st.dose_cem43_min[i] / lethal)) : kNoDose;
    // A zone reaching the domain's outer layer is clipped.
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i) {
                const bool border =
                    i == 0 || j == 0 || k == 0 || i == g.size[0] - 1 || j == g.size[1] - 1 || k == g.size[2] - 1;
                if (border && f.value[g.offset(i, j, k)] >= 0) f.touchesBoxBorder = true;
            }
    if (stats) {
        stats->steps = steps;
        stats->dt_s = dt;
        stats->peak_C = *std::max_element(st.peak_C.begin(), st.peak_C.end());
    }
    if (finalState) *finalState = std::move(st);
    return f;
}

ThermalCalibrationCache::ThermalCalibrationCache(TissueModel tissue, StepperFactory stepper)
    : tissue_(tissue), stepper_(std::move(stepper)) {}

std::unique_ptr<ThermalStepper> ThermalCalibrationCache::makeStepper() const {
    return stepper_ ? stepper_() : makeCpuThermalStepper();
}

ThermalCalibration ThermalCalibrationCache::get(const Device& device, const DeviceSetting& setting, double spacing_mm,
                                                const Progress& progress) {
    const std::string key = cacheKey(device, setting, spacing_mm);
    {
        std::lock_guard<std::mutex> lock(m_);
        if (auto it = done_.find(key); it != done_.end()) return it->second;
    }
    maxTemperature(device.modality, tissue_); // throws for modalities without a thermal model
    const auto t0 = Clock::now();
    ThermalCalibration c;
    c.deviceId = device.id;
    c.setting = setting.name;
    c.spacing_mm = spacing_mm;
    c.chartLength_mm = setting.zone.length_mm;
    c.chartWidth_mm = setting.zone.width_mm;
    c.chartCentre_mm = setting.zone.centreFromTip_mm;
    // The applicator along the lattice's third axis, tip on a voxel centre.
    Probe probe;
    probe.id = "calibration";
    probe.tip_mm = {0, 0, 0};
    probe.entry_mm = {0, 0, 150};
    const PlacedApplicator a = placeApplicator(probe, device, setting);
    GridGeometry frame;
    frame.spacing = {spacing_mm, spacing_mm, spacing_mm};
    const double time_s = setting.time_min * 60.0;
    auto stepper = makeStepper();

    SourceParameters src;
    src.activeLength_mm = setting.activeTip_mm > 0
                              ? setting.activeTip_mm
                              : std::max(4.0, setting.zone.length_mm - 0.6 * setting.zone.width_mm);
    src.centreFromTip_mm = setting.zone.centreFromTip_mm;
    src.power_W = device.modality == Modality::RFA ? 40.0 : 30.0;
    // RF electrodes have a known active tip; antennas' heated length is fitted.
    const bool fixedTip = false;

    // Broyden's method on x = (ln P, active length) for F = (width, length) -
    // chart, the centre offset corrected by shifting the source; on a coarse
    // grid first (cheap), then on the requested spacing from there.
    std::vector<double> stages;
    if (spacing_mm < 1.9) stages.push_back(2.0);
    stages.push_back(spacing_mm);
    int total = 0;
    double J[2][2] = {{0, 0}, {0, 0}};
    bool haveJ = false;
    for (size_t stage = 0; stage < stages.size() && !c.converged; ++stage) {
        const double h = stages[stage];
        frame.spacing = {h, h, h};
        const GridGeometry g = thermalDomain(a, frame, h);
        const bool last = stage + 1 == stages.size();
        auto run = [&](const SourceParameters& s) {
            progress.checkCancel();
            char what[160];
            std::snprintf(what, sizeof what, "calibrating %s %s (%.1f mm grid)", device.id.c_str(),
                          setting.name.c_str(), h);
            progress.update(std::min(0.95, 0.05 + 0.9 * total / 16.0), what);
            ++total;
            const ZoneField f = simulateApplicator(a, s, g, nullptr, time_s, tissue_, *stepper, Progress());
            const Measured m = measure(f, a);
            char line[240];
            std::snprintf(line, sizeof line,
                          "calibration %s %s h=%.1f #%d: P=%.2f W active=%.1f mm centre=%.1f mm -> length %.2f width "
                          "%.2f centre %.2f",
                          device.id.c_str(), setting.name.c_str(), h, total, s.power_W, s.activeLength_mm,
                          s.centreFromTip_mm, m.length, m.width, m.centreFromTip);
            log::debug(line);
            return m;
        };
        Measured m = run(src);
        for (int grow = 0; m.width <= 0 && grow < 6; ++grow) {
            src.power_W *= 3.0;
            m = run(src);
        }
        if (m.width <= 0) break;
        auto residual = [&](const Measured& x, double r[2]) {
            r[0] = x.width - c.chartWidth_mm;
            r[1] = fixedTip ? 0.0 : x.length - c.chartLength_mm;
        };
        if (!haveJ) {
            // Finite differences for the first Jacobian.
            SourceParameters sp = src, sl = src;
            sp.power_W *= std::exp(0.2);
            sl.activeLength_mm += 4.0;
            const Measured mp = run(sp), ml = run(sl);
            J[0][0] = (mp.width - m.width) / 0.2;
            J[1][0] = (mp.length - m.length) / 0.2;
            J[0][1] = (ml.width - m.width) / 4.0;
            J[1][1] = (ml.length - m.length) / 4.0;
            haveJ = true;
        }
        const int maxIter = last ? 6 : 8;
        for (int it = 0; it <= maxIter; ++it) {
            c.length_mm = m.length;
            c.width_mm = m.width;
            c.centreFromTip_mm = m.centreFromTip;
            c.lengthError_pct = 100.0 * (m.length - c.chartLength_mm) / c.chartLength_mm;
            c.widthError_pct = 100.0 * (m.width - c.chartWidth_mm) / c.chartWidth_mm;
            c.iterations = total;
            const bool good = std::abs(c.widthError_pct) < 1.5 && (fixedTip || std::abs(c.lengthError_pct) < 1.5) &&
                              std::abs(m.centreFromTip - c.chartCentre_mm) < 0.75;
            if (good) {
                c.converged = last;
                break;
            }
            if (it == maxIter) break;
            double r[2];
            residual(m, r);
            double dx[2];
            if (fixedTip) {
                // Active tip length is the device's: only the power moves.
                dx[0] = std::abs(J[0][0]) > 1e-6 ? -r[0] / J[0][0] : 0.3;
                dx[1] = 0;
            } else {
                const double det = J[0][0] * J[1][1] - J[0][1] * J[1][0];
                if (std::abs(det) < 1e-9) break;
                dx[0] = -(J[1][1] * r[0] - J[0][1] * r[1]) / det;
                dx[1] = -(-J[1][0] * r[0] + J[0][0] * r[1]) / det;
            }
            dx[0] = std::clamp(dx[0], -std::log(3.0), std::log(3.0));
            dx[1] = std::clamp(dx[1], -15.0, 15.0);
            if (src.activeLength_mm + dx[1] < 2.0) dx[1] = 2.0 - src.activeLength_mm;
            SourceParameters next = src;
            next.power_W = src.power_W * std::exp(dx[0]);
            next.activeLength_mm = src.activeLength_mm + dx[1];
            next.centreFromTip_mm = src.centreFromTip_mm + (c.chartCentre_mm - m.centreFromTip);
            const Measured mn = run(next);
            if (mn.width <= 0) break;
            double rn[2];
            residual(mn, rn);
            // Broyden update: J += ((dF - J dx) dx^T) / (dx^T dx).
            const double dd = dx[0] * dx[0] + dx[1] * dx[1];
            if (dd > 1e-12) {
                const double df[2] = {rn[0] - r[0], rn[1] - r[1]};
                for (int i2 = 0; i2 < 2; ++i2) {
                    const double e = df[i2] - (J[i2][0] * dx[0] + J[i2][1] * dx[1]);
                    J[i2][0] += e * dx[0] / dd;
                    J[i2][1] += e * dx[1] / dd;
                }
            }
            src = next;
            m = mn;
        }
    }
    c.source = src;
    c.seconds = secondsSince(t0);
    if (!c.converged)
        log::warn("thermal calibration of " + device.id + " " + setting.name + " stopped at length " +
                  std::to_string(c.lengthError_pct) + "% / width " + std::to_string(c.widthError_pct) +
                  "% from the chart");
    progress.update(1.0, "calibrated " + device.id + " " + setting.name);
    std::lock_guard<std::mutex> lock(m_);
    done_[key] = c;
    return c;
}

ThermalResult simulateThermal(const ThermalRequest& req, ThermalCalibrationCache& cache, const Progress& progress) {
    const auto t0 = Clock::now();
    if (req.applicators.empty()) throw Error("the thermal model needs at least one applicator");
    ThermalResult r;
    const double h = req.spacing_mm > 0 ? req.spacing_mm : req.lattice.spacing.x;
    const size_t n = req.applicators.size();
    std::vector<ZoneField> fields;
    auto stepper = cache.makeStepper();
    r.stepper = stepper->name();
    for (size_t i = 0; i < n; ++i) {
        const PlacedApplicator& a = req.applicators[i];
        const double from = static_cast<double>(i) / n, to = static_cast<double>(i + 1) / n;
        const ThermalCalibration cal =
            cache.get(*a.device, *a.setting, h, progress.sub(from, from + 0.3 * (to - from)));
        r.calibrations.push_back(cal);
        const GridGeometry g = thermalDomain(a, req.lattice, h);
        r.domains.push_back(g);
        const double time_s = req.time_s > 0 ? req.time_s : a.setting->time_min * 60.0;
        const auto ts = Clock::now();
        SimulationStats stats;
        ZoneField f = simulateApplicator(a, cal.source, g, req.vessels, time_s, cache.tissue(), *stepper,
                                         progress.sub(from + 0.3 * (to - from), to), &stats);
        r.simulation_s += secondsSince(ts);
        r.peakTemp_C = std::max(r.peakTemp_C, stats.peak_C);
        r.dt_s = stats.dt_s;
        r.voxelSteps += static_cast<long long>(g.voxels()) * stats.steps;
        fields.push_back(toLattice(f, req.lattice));
    }
    // Sequential ablations: a voxel is dead when any of them killed it.
    ZoneField& u = r.field;
    u.lattice = req.lattice;
    u.quantity = fields.front().quantity;
    for (const auto& f : fields)
        u.box = u.box.united(f.box), u.touchesBoxBorder = u.touchesBoxBorder || f.touchesBoxBorder;
    u.value.assign(u.box.voxels(), kNoDose);
    for (const auto& f : fields)
        for (int k = f.box.lo[2]; k < f.box.hi[2]; ++k)
            for (int j = f.box.lo[1]; j < f.box.hi[1]; ++j)
                for (int i = f.box.lo[0]; i < f.box.hi[0]; ++i) {
                    float& v = u.value[u.box.offset(i, j, k)];
                    v = std::max(v, f.value[f.box.offset(i, j, k)]);
                }
    r.total_s = secondsSince(t0);
    progress.update(1.0, "thermal zone ready");
    return r;
}

} // namespace irplan::planning
