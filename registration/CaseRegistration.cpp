#include "registration/CaseRegistration.h"

#include "core/Error.h"
#include "io/VolumeIO.h"
#include "registration/Presets.h"

#include <chrono>

namespace irplan::registration {
namespace fs = std::filesystem;

namespace {

const CaseVolume& volumeOf(const Case& c, const std::string& id, const char* role) {
    const CaseVolume* v = c.volume(id);
    if (!v) throw Error(std::string("the case has no volume '") + id + "' to use as the " + role + " image");
    return *v;
}

MaskImage::Pointer readMask(const Case& c, const std::string& path) {
    if (path.empty()) return nullptr;
    LabelImage::Pointer l = readLabelMap(c.resolve(path));
    auto m = MaskImage::New();
    m->CopyInformation(l);
    m->SetRegions(l->GetLargestPossibleRegion());
    m->Allocate();
    const size_t n = l->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < n; ++i) m->GetBufferPointer()[i] = l->GetBufferPointer()[i] != 0;
    return m;
}

// Stored relative to the case folder when inside it, so the case can move.
std::string casePath(const Case& c, const fs::path& p) {
    if (c.baseDir.empty()) return p.string();
    const fs::path abs = fs::absolute(p).lexically_normal();
    const fs::path rel = abs.lexically_relative(fs::absolute(c.baseDir).lexically_normal());
    if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
    return abs.string();
}

CaseTransform recordOf(const Case& c, const Registration& reg, const std::string& id, const std::string& fixedId,
                       const std::string& movingId) {
    CaseTransform t;
    t.id = id;
    t.fixedId = fixedId;
    t.movingId = movingId;
    t.kind = "elastix";
    t.directory = casePath(c, reg.directory());
    t.preset = reg.preset();
    t.qaVerdict = reg.verdict();
    if (auto a = reg.fixedToMoving()) t.matrixFixedToMoving = a->toRowMajor4x4();
    t.extra["transform_kind"] = reg.transformKind();
    Json problems = Json::array();
    for (const auto& p : reg.qa().problems()) problems.push_back(p);
    t.extra["qa_problems"] = problems;
    return t;
}

} // namespace

CaseTransform registerInCase(Case& c, const CaseRegistrationRequest& r) {
    const CaseVolume& fv = volumeOf(c, r.fixedId, "fixed");
    const CaseVolume& mv = volumeOf(c, r.movingId, "moving");
    presetInfo(r.preset); // an unknown preset fails before anything is read
    const std::string id = r.transformId.empty() ? r.movingId + "_to_" + r.fixedId : r.transformId;
    fs::path out = r.outputDir;
    if (out.empty()) out = (c.baseDir.empty() ? fs::path(".") : c.baseDir) / "registrations" / id;
    const auto t0 = std::chrono::steady_clock::now();
    ReadOptions ro;
    ro.progress = r.progress.sub(0.0, 0.03);
    const Volume fixed = readVolume(c.resolve(fv.path), ro);
    ro.progress = r.progress.sub(0.03, 0.06);
    const Volume moving = readVolume(c.resolve(mv.path), ro);
    RegisterRequest rq;
    rq.fixed = &fixed;
    rq.moving = &moving;
    rq.fixedMask = readMask(c, r.fixedMaskPath);
    rq.movingMask = readMask(c, r.movingMaskPath);
    rq.preset = r.preset;
    rq.init = r.init;
    rq.outputDir = out;
    rq.elastix = r.elastix;
    rq.progress = r.progress.sub(0.06, 1.0);
    rq.fixedSource = c.resolve(fv.path).string();
    rq.movingSource = c.resolve(mv.path).string();
    rq.fixedMaskSource = r.fixedMaskPath.empty() ? "" : c.resolve(r.fixedMaskPath).string();
    rq.movingMaskSource = r.movingMaskPath.empty() ? "" : c.resolve(r.movingMaskPath).string();
    rq.inputSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const Registration reg = registerVolumes(rq);
    CaseTransform t = recordOf(c, reg, id, r.fixedId, r.movingId);
    if (!r.fixedMaskPath.empty()) t.extra["fixed_mask"] = r.fixedMaskPath;
    if (!r.movingMaskPath.empty()) t.extra["moving_mask"] = r.movingMaskPath;
    setTransform(c, t);
    return t;
}

Registration caseRegistration(const Case& c, const std::string& transformId) {
    const CaseTransform* t = c.transform(transformId);
    if (!t) throw Error("the case has no transform '" + transformId + "'");
    if (t->kind != "elastix" || t->directory.empty())
        throw Error("transform '" + transformId + "' is not a stored registration (kind " + t->kind + ")");
    return Registration::load(c.resolve(t->directory));
}

CaseTransform nudgeInCase(Case& c, const CaseNudgeRequest& r) {
    const CaseTransform* t = c.transform(r.transformId);
    if (!t) throw Error("the case has no transform '" + r.transformId + "'");
    const CaseTransform before = *t;
    const Registration reg = caseRegistration(c, r.transformId);
    const Volume fixed = readVolume(c.resolve(volumeOf(c, before.fixedId, "fixed").path));
    const Volume moving = readVolume(c.resolve(volumeOf(c, before.movingId, "moving").path));
    NudgeRequest n;
    n.registration = &reg;
    n.fixed = &fixed;
    n.moving = &moving;
    if (before.extra.contains("fixed_mask")) n.fixedMask = readMask(c, before.extra["fixed_mask"].get<std::string>());
    if (before.extra.contains("moving_mask")) n.movingMask = readMask(c, before.extra["moving_mask"].get<std::string>());
    n.translation_mm = r.translation_mm;
    n.rotation_deg = r.rotation_deg;
    n.centre_mm = r.centre_mm;
    n.outputDir = reg.directory();
    n.elastix = r.elastix;
    n.progress = r.progress;
    const Registration nudged = nudgeRegistration(n);
    CaseTransform updated = recordOf(c, nudged, before.id, before.fixedId, before.movingId);
    for (const char* k : {"fixed_mask", "moving_mask"})
        if (before.extra.contains(k)) updated.extra[k] = before.extra[k];
    updated.extra["nudged"] = true;
    setTransform(c, updated);
    return updated;
}

} // namespace irplan::registration
