#include "app/gui/session/PlanSession.h"

#include "app/gui/session/Viewer.h"
#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "io/VolumeIO.h"
#include "planning/PlanReport.h"
#include "planning/Vessels.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace irplan::viewer {

namespace fs = std::filesystem;
using namespace planning;

namespace {
// The zone's field on its own box of the planning lattice, as an image to outline (zone: >= 0).
FloatImage::ConstPointer fieldImage(const ZoneField& f) {
    if (f.empty() || f.box.empty()) return nullptr;
    const GridGeometry g = f.lattice.sub(f.box);
    FloatImage::Pointer image = g.allocate<FloatImage>(-1.0f);
    float* out = image->GetBufferPointer();
    for (size_t i = 0; i < f.value.size(); ++i)
        out[i] = std::isfinite(f.value[i]) ? f.value[i] : -1e3f;
    return FloatImage::ConstPointer(image.GetPointer());
}

std::string fixed(double v, int precision) {
    char s[64];
    std::snprintf(s, sizeof s, "%.*f", precision, v);
    return s;
}

const render::Rgb kLiveZone{1.0f, 0.0f, 0.55f};  // deep pink: apart from the PET's hot map and the label colours
const render::Rgb kSavedZone{0.95f, 0.45f, 0.8f}; // a saved plan, lighter
const render::Rgb kHeatSink{1.0f, 0.55f, 0.1f};

render::MarkerShape heatSinkMarker(const Vec3& p, const std::string& kind, double diameter_mm) {
    return {p, "heat sink: " + kind + " " + fixed(diameter_mm, 1) + " mm", kHeatSink};
}
} // namespace

PlanSession::PlanSession(Viewer& viewer) : viewer_(viewer) {}
PlanSession::~PlanSession() = default;

const DeviceCatalogue& PlanSession::catalogue() const { return *catalogueShared(); }

std::shared_ptr<const DeviceCatalogue> PlanSession::catalogueShared() const {
    if (!catalogue_) catalogue_ = std::make_shared<DeviceCatalogue>(DeviceCatalogue::loadDefault());
    return catalogue_;
}

std::string PlanSession::planId() const { return "lesion" + std::to_string(settings_.lesion); }

void PlanSession::changed() { viewer_.planItemsChanged(); }

void PlanSession::requireContext(const char* what) const {
    if (settings_.lesion == 0) throw Error(std::string("choose the target lesion first (plan-lesion K) to ") + what);
    if (!context_) throw Error(std::string("the planning context of lesion ") + std::to_string(settings_.lesion) +
                               " is not ready (it is being built, or building it failed: see the log) to " + what);
}

void PlanSession::setLesion(int k) {
    const LoadedImages& images = viewer_.images();
    if (!images.labels.labels) throw Error("planning needs a label map with the lesion (labels 100+k): open a case with one");
    if (images.labelInfo.find(100 + k) == images.labelInfo.end())
        throw Error("the label map has no lesion " + std::to_string(k) + " (label " + std::to_string(100 + k) + ")");
    if (settings_.deviceId.empty()) setDevice("mwa-single-14g");
    settings_.lesion = k;
    context_.reset();
    evaluation_.reset();
    zoneField_ = nullptr;
    proposals_.reset();
    probesSeen_.clear();
    if (refineCancel_) refineCancel_->cancel();
    refineCancel_.reset();
    buildContext();
    changed();
}

void PlanSession::setDevice(const std::string& id, const std::string& setting) {
    const Device& d = catalogue().require(id);
    if (!setting.empty()) d.requireSetting(setting);
    settings_.deviceId = id;
    settings_.setting = setting;
    if (settings_.model == ZoneModelKind::IreField && d.modality != Modality::IRE) settings_.model = ZoneModelKind::Chart;
    if (settings_.model == ZoneModelKind::Thermal && d.modality == Modality::IRE) settings_.model = ZoneModelKind::IreField;
    if (!cache_) cache_ = std::make_shared<ThermalCalibrationCache>();
    probesSeen_.clear();
    probesChanged();
}

void PlanSession::setModel(ZoneModelKind model) {
    settings_.model = model;
    probesSeen_.clear();
    probesChanged();
}

void PlanSession::setMargin(double margin_mm) {
    if (!(margin_mm >= 0 && margin_mm <= 10))
        throw Error("the margin must be 0 to 10 mm (DOMAIN.md: 5-10 mm ablative margin; default 5)");
    settings_.margin_mm = margin_mm;
    probesSeen_.clear();
    probesChanged();
}

void PlanSession::buildContext() {
    const LoadedImages& images = viewer_.images();
    PlanningInputs in;
    in.labels = images.labels.labels.GetPointer();
    if (images.ct) in.ct = images.ct->image.GetPointer();
    in.lesionId = settings_.lesion;
    fs::path vessels; // a segmentation's vessel table, as `irplan plan --vessels`
    const Case& c = viewer_.currentCase();
    for (const auto& s : c.segmentations)
        if (s.kind == "vessels" && !s.tablePath.empty()) vessels = c.resolve(s.tablePath);
    const unsigned generation = ++contextGeneration_;
    const int lesion = settings_.lesion;
    viewer_.tasks().start("planning lesion " + std::to_string(lesion), [this, in, vessels, generation](const Progress& p) {
        PlanningInputs inputs = in;
        if (!vessels.empty()) inputs.vessels = loadVessels(vessels);
        auto context = PlanningContext::build(inputs, p);
        return [this, context, generation] {
            if (generation != contextGeneration_) return;
            context_ = context;
            log::info("planning context of lesion " + std::to_string(settings_.lesion) + " ready (vessels: " +
                      context->vesselSource() + ")");
            probesSeen_.clear();
            probesChanged();
        };
    });
}

std::vector<Probe> PlanSession::planProbes() const {
    std::vector<Probe> out;
    if (settings_.lesion == 0) return out;
    const std::string id = planId(), prefix = id + "/";
    for (const auto& p : viewer_.currentCase().probes) {
        if (p.extra.contains("plan") && p.extra["plan"] != id) continue; // another lesion's plan
        Probe q;
        q.id = p.id.rfind(prefix, 0) == 0 ? p.id.substr(prefix.size()) : p.id;
        q.tip_mm = p.tip_mm;
        q.entry_mm = p.entry_mm;
        out.push_back(q);
    }
    return out;
}

PlanRequest PlanSession::request(const std::vector<Probe>& probes) const {
    // The CLI's defaults (app/cli/PlanCommand.cpp): placement error 3 mm, 256
    // samples, 600 V/cm, 30 degrees, planning-grid thermal model with sink loss.
    PlanRequest r;
    r.catalogue = &catalogue();
    r.deviceId = settings_.deviceId;
    r.setting = settings_.setting;
    r.model = settings_.model;
    r.margin_mm = settings_.margin_mm;
    r.probes = probes;
    return r;
}

void PlanSession::probesChanged() {
    if (!context_) return;
    const std::vector<Probe> probes = planProbes();
    std::ostringstream sig;
    sig.precision(17);
    sig << settings_.deviceId << '|' << settings_.setting << '|' << zoneModelName(settings_.model) << '|'
        << settings_.margin_mm;
    for (const auto& p : probes)
        sig << '|' << p.tip_mm.x << ',' << p.tip_mm.y << ',' << p.tip_mm.z << ',' << p.entry_mm.x << ','
            << p.entry_mm.y << ',' << p.entry_mm.z;
    if (sig.str() != probesSeen_) {
        probesSeen_ = sig.str();
        if (refineCancel_) refineCancel_->cancel();
        refineCancel_.reset();
        ++evalGeneration_;
        error_.clear();
        refined_ = false;
        if (probes.empty()) {
            evaluation_.reset();
            zoneField_ = nullptr;
            changed();
            return;
        }
        evaluateLive();
    }
    // The chosen model refines once the edit (a drag) is over.
    if (probes.empty() || refined_ || refining() || viewer_.editing()) return;
    try {
        refine();
    } catch (const Error& e) {
        error_ = e.what();
        changed();
    }
}

void PlanSession::evaluateLive() {
    PlanRequest req = request(planProbes());
    req.model = ZoneModelKind::Chart; // the preview while editing, whatever model refines it
    try {
        const auto t0 = std::chrono::steady_clock::now();
        auto e = std::make_shared<PlanEvaluation>(evaluateChart(*context_, req));
        chartUpdate_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        evaluation_ = e;
        evaluatedRequest_ = req;
        zoneField_ = fieldImage(e->zone.field);
        refined_ = false;
    } catch (const Error& e) {
        // E.g. an IRE device has no chart preview: the field model answers when the edit ends.
        evaluation_.reset();
        zoneField_ = nullptr;
        error_ = e.what();
    }
    changed();
}

void PlanSession::refine() {
    requireContext("evaluate the plan");
    const std::vector<Probe> probes = planProbes();
    if (probes.empty()) throw Error("place a probe first (probe tool: click the tip, then the entry; or `probe ID TIP ENTRY`)");
    const PlanRequest req = request(probes);
    {
        const Device* d = nullptr;
        const DeviceSetting* s = nullptr;
        placeApplicators(req, d, s); // a wrong model for the device fails here, with its message
    }
    if (refineCancel_) refineCancel_->cancel();
    const auto context = context_;
    const auto cache = cache_ ? cache_ : (cache_ = std::make_shared<ThermalCalibrationCache>());
    const auto catalogue = catalogueShared(); // req.catalogue points into it: keep it alive with the task
    const unsigned generation = evalGeneration_;
    refineCancel_ = viewer_.tasks().start(
        std::string("plan (") + zoneModelName(req.model) + " model)", [this, req, context, cache, catalogue, generation](const Progress& p) {
            auto e = std::make_shared<PlanEvaluation>(evaluatePlan(*context, req, cache.get(), p));
            FloatImage::ConstPointer field = fieldImage(e->zone.field);
            return [this, e, field, req, generation] {
                if (generation != evalGeneration_) return; // the probes moved since
                evaluation_ = e;
                evaluatedRequest_ = req;
                zoneField_ = field;
                refined_ = true;
                error_.clear();
                refineCancel_.reset();
                changed();
            };
        });
}

void PlanSession::propose() {
    requireContext("propose paths");
    PlanRequest req = request({});
    const auto context = context_;
    const auto catalogue = catalogueShared();
    viewer_.tasks().start("proposing paths", [this, req, context, catalogue](const Progress& p) {
        auto result = std::make_shared<ProposalResult>(proposePlans(*context, req, {}, p));
        return [this, result] {
            proposals_ = *result;
            log::info("plan-auto: " + std::to_string(result->proposals.size()) + " proposals from " +
                      std::to_string(result->safeDirections) + " safe of " + std::to_string(result->directionsSampled) +
                      " directions");
            changed();
        };
    });
}

void PlanSession::accept(size_t n) {
    if (!proposals_ || proposals_->proposals.empty()) throw Error("no proposals: run plan-auto first");
    if (n < 1 || n > proposals_->proposals.size())
        throw Error("proposal " + std::to_string(n) + " does not exist (1 to " +
                    std::to_string(proposals_->proposals.size()) + ")");
    const Proposal chosen = proposals_->proposals[n - 1];
    const std::string id = planId();
    const std::vector<Probe> old = planProbes();
    settings_.deviceId = chosen.deviceId;
    settings_.setting = chosen.setting;
    viewer_.editCase("accept proposal " + std::to_string(n), [&](Case& c) {
        std::vector<std::string> stale;
        for (const auto& p : c.probes)
            if (!p.extra.contains("plan") || p.extra["plan"] == id) stale.push_back(p.id);
        for (const auto& s : stale) removeProbe(c, s);
        for (size_t i = 0; i < chosen.probes.size(); ++i) {
            CaseProbe p;
            p.id = id + "/p" + std::to_string(i + 1);
            p.deviceId = chosen.deviceId;
            p.setting = chosen.setting;
            p.tip_mm = chosen.probes[i].tip_mm;
            p.entry_mm = chosen.probes[i].entry_mm;
            p.lesionId = settings_.lesion;
            p.extra["plan"] = id;
            setProbe(c, p);
        }
    });
    log::info("accepted proposal " + std::to_string(n) + ": " + chosen.deviceId + " " + chosen.setting + ", " +
              chosen.strategy + ", chart margin " + fixed(chosen.minimalMargin_mm, 1) + " mm");
}

void PlanSession::save(const fs::path& dir) {
    requireContext("save the plan");
    const std::vector<Probe> probes = planProbes();
    if (probes.empty()) throw Error("the plan has no probe to save");
    const PlanRequest req = request(probes);
    const auto context = context_;
    const auto cache = cache_ ? cache_ : (cache_ = std::make_shared<ThermalCalibrationCache>());
    const Case& c = viewer_.currentCase();
    PlanInputsInfo info;
    if (const CaseVolume* v = c.volume(viewer_.images().ctId)) info.ct = c.resolve(v->path).string();
    if (const CaseSegmentation* s = c.segmentation(viewer_.images().labelsId)) info.labels = c.resolve(s->path).string();
    const fs::path out = fs::absolute(dir);
    const std::string id = planId();
    const int lesion = settings_.lesion;
    const std::optional<ProposalResult> proposals = proposals_;
    const auto catalogue = catalogueShared();
    viewer_.tasks().start("saving the plan", [this, req, context, cache, catalogue, info, out, id, lesion, proposals](const Progress& p) {
        auto e = std::make_shared<PlanEvaluation>(evaluatePlan(*context, req, cache.get(), p.sub(0, 0.9)));
        writePlanOutputs(out, *context, req, *e, proposals ? &*proposals : nullptr, info);
        return [this, req, e, out, id, lesion] {
            viewer_.editCase("save plan " + id, [&](Case& edited) {
                // Probes placed by hand become the plan's (storePlanInCase names them <plan>/<probe>).
                std::vector<std::string> manual;
                for (const auto& probe : edited.probes)
                    if (!probe.extra.contains("plan")) manual.push_back(probe.id);
                for (const auto& m : manual) removeProbe(edited, m);
                storePlanInCase(edited, id, req, *e, out.string(), lesion);
            });
            log::info("plan " + id + " written to " + out.string());
            loadStoredPlans();
        };
    });
}

void PlanSession::compareModalities() {
    requireContext("compare modalities");
    const std::vector<Probe> probes = planProbes();
    if (probes.empty()) throw Error("place a probe first: the comparison uses the plan's probes");
    // A single applicator of each modality from the shipped catalogue (assets/devices).
    const std::pair<const char*, render::Rgb> devices[] = {{"rfa-single-17g", {1.0f, 0.6f, 0.1f}},
                                                           {"mwa-single-14g", {1.0f, 0.0f, 0.55f}},
                                                           {"ire-19g", {0.2f, 0.9f, 0.3f}}};
    std::vector<ModalityZone> rows;
    for (const auto& [id, colour] : devices) {
        const Device* d = catalogue().find(id);
        if (!d) continue;
        PlanRequest req = request(probes);
        req.deviceId = id;
        req.setting.clear();
        req.model = ZoneModelKind::Chart;
        const PlanEvaluation e = evaluateChart(*context_, req);
        ModalityZone z;
        z.modality = modalityName(d->modality);
        z.deviceId = id;
        z.setting = e.setting ? e.setting->name : "";
        z.zone_ml = e.zone.field.volume_ml(); // the chart path leaves shape empty
        z.minimalMargin_mm = e.margin.minimal_mm;
        z.coverageLesion_pct = e.margin.coverageLesion_pct;
        z.coverageMargin_pct = e.margin.coverageMargin_pct;
        z.heatSinkWarnings = e.heatSinkWarnings.size();
        z.heatSinkNote = e.heatSinkNote;
        z.thermal = d->modality != Modality::IRE;
        z.field = fieldImage(e.zone.field);
        z.colour = colour;
        rows.push_back(z);
    }
    if (rows.empty()) throw Error("the device catalogue has none of rfa-single-17g, mwa-single-14g, ire-19g");
    comparison_ = rows;
    changed();
}

void PlanSession::clearComparison() {
    comparison_.clear();
    changed();
}

void PlanSession::reset() {
    ++contextGeneration_;
    ++evalGeneration_;
    if (refineCancel_) refineCancel_->cancel();
    refineCancel_.reset();
    settings_.lesion = 0;
    context_.reset();
    evaluation_.reset();
    zoneField_ = nullptr;
    proposals_.reset();
    probesSeen_.clear();
    stored_.clear();
    comparison_.clear();
    error_.clear();
}

void PlanSession::loadStoredPlans() {
    const Case& c = viewer_.currentCase();
    struct Item {
        std::string id;
        int lesion;
        Json summary;
        fs::path dir;
    };
    std::vector<Item> items;
    for (const auto& p : c.plans)
        if (!p.directory.empty()) items.push_back({p.id, p.lesionId, p.summary, c.resolve(p.directory)});
    if (items.empty()) {
        stored_.clear();
        changed();
        return;
    }
    const unsigned generation = contextGeneration_;
    viewer_.tasks().start("reading saved plans", [this, items, generation](const Progress& progress) {
        auto plans = std::make_shared<std::vector<StoredPlanView>>();
        for (size_t i = 0; i < items.size(); ++i) {
            progress.update(static_cast<double>(i) / items.size(), "plan " + items[i].id);
            StoredPlanView v;
            v.id = items[i].id;
            v.lesionId = items[i].lesion;
            v.summary = items[i].summary;
            const fs::path map = items[i].dir / "margin_map.nii.gz";
            std::error_code ec;
            if (!fs::exists(map, ec))
                throw Error("plan '" + v.id + "': " + map.string() + " is missing (run `irplan plan --case` again)");
            v.marginMap = readVolume(map).image.GetPointer();
            const fs::path planFile = items[i].dir / "plan.json";
            if (fs::exists(planFile, ec)) {
                const Json j = Json::parse(files::readText(planFile));
                if (j.contains("heat_sink_warnings"))
                    for (const auto& w : j["heat_sink_warnings"]) {
                        const auto& pt = w.at("point_mm");
                        v.markers.push_back(heatSinkMarker({pt[0].get<double>(), pt[1].get<double>(), pt[2].get<double>()},
                                                           w.value("kind", std::string("vessel")), w.value("diameter_mm", 0.0)));
                    }
            }
            plans->push_back(std::move(v));
        }
        return [this, plans, generation] {
            if (generation != contextGeneration_) return;
            stored_ = *plans;
            changed();
        };
    });
}

std::vector<render::ZoneOverlay> PlanSession::zones() const {
    std::vector<render::ZoneOverlay> out;
    const bool live = evaluation_ && zoneField_;
    for (const auto& s : stored_) {
        if (live && s.id == planId()) continue; // the live plan replaces its saved version
        render::ZoneOverlay z;
        z.id = s.id;
        z.field = s.marginMap;
        z.colour = kSavedZone;
        z.label = s.id;
        if (s.summary.contains("minimal_margin_mm") && s.summary["minimal_margin_mm"].is_number())
            z.label += ": margin " + fixed(s.summary["minimal_margin_mm"].get<double>(), 1) + " mm";
        out.push_back(z);
    }
    for (const auto& m : comparison_) {
        render::ZoneOverlay z;
        z.id = m.deviceId;
        z.field = m.field;
        z.colour = m.colour;
        z.label = m.modality + ": " + (std::isfinite(m.minimalMargin_mm) ? fixed(m.minimalMargin_mm, 1) + " mm" : "none");
        out.push_back(z);
    }
    if (live && comparison_.empty()) {
        render::ZoneOverlay z;
        z.id = planId();
        z.field = zoneField_;
        z.colour = kLiveZone;
        const PlanEvaluation& e = *evaluation_;
        z.label = std::string(zoneModelName(e.model)) + (refined_ ? "" : " preview") + ": margin " +
                  (std::isfinite(e.margin.minimal_mm) ? fixed(e.margin.minimal_mm, 1) + " mm" : std::string("none"));
        out.push_back(z);
    }
    return out;
}

std::vector<render::MarkerShape> PlanSession::markers() const {
    std::vector<render::MarkerShape> out;
    const bool live = evaluation_ != nullptr;
    for (const auto& s : stored_)
        if (!(live && s.id == planId())) out.insert(out.end(), s.markers.begin(), s.markers.end());
    if (live)
        for (const auto& w : evaluation_->heatSinkWarnings) out.push_back(heatSinkMarker(w.point_mm, w.kind, w.diameter_mm));
    return out;
}

Json PlanSession::stateJson() const {
    Json j;
    j["lesion"] = settings_.lesion;
    j["device"] = settings_.deviceId;
    j["setting"] = settings_.setting;
    j["model"] = zoneModelName(settings_.model);
    j["margin_mm"] = settings_.margin_mm;
    j["context_ready"] = context_ != nullptr;
    j["refined"] = refined_;
    j["chart_update_ms"] = chartUpdate_ms_;
    j["error"] = error_;
    j["probes"] = planProbes().size();
    if (evaluation_) {
        const PlanEvaluation& e = *evaluation_;
        j["summary"] = planSummary(e, evaluatedRequest_);
        j["coverage_shell_pct"] = e.margin.coverageShell_pct;
        Json w = Json::array();
        for (const auto& h : e.heatSinkWarnings) w.push_back(toJson(h));
        j["heat_sink_warnings"] = w;
        Json paths = Json::array();
        for (const auto& p : e.paths) paths.push_back(toJson(p));
        j["paths"] = paths;
    }
    if (proposals_) {
        Json p = Json::array();
        for (const auto& q : proposals_->proposals) p.push_back(toJson(q));
        j["proposals"] = p;
    }
    Json comparison = Json::array();
    for (const auto& m : comparison_)
        comparison.push_back({{"modality", m.modality},
                              {"device", m.deviceId},
                              {"setting", m.setting},
                              {"zone_volume_ml", m.zone_ml},
                              {"minimal_margin_mm", std::isfinite(m.minimalMargin_mm) ? Json(m.minimalMargin_mm) : Json(nullptr)},
                              {"coverage_lesion_pct", m.coverageLesion_pct},
                              {"coverage_margin_pct", m.coverageMargin_pct},
                              {"heat_sink_warnings", m.heatSinkWarnings},
                              {"thermal", m.thermal},
                              {"heat_sink_note", m.heatSinkNote}});
    j["comparison"] = comparison;
    Json stored = Json::array();
    for (const auto& s : stored_) stored.push_back({{"id", s.id}, {"lesion", s.lesionId}, {"summary", s.summary}});
    j["stored"] = stored;
    return j;
}

} // namespace irplan::viewer
