#include "app/gui/session/RegisterSession.h"

#include "app/gui/session/Viewer.h"
#include "core/Error.h"
#include "core/Log.h"
#include "registration/CaseRegistration.h"
#include "registration/Presets.h"

namespace irplan::viewer {

void RegisterSession::reset() {
    ++generation_;
    transformId_.clear();
    qa_.reset();
    cancel_.reset();
}

bool RegisterSession::running() const { return cancel_ && !cancel_->cancelled() && viewer_.tasks().busy(); }

void RegisterSession::cancel() {
    if (cancel_) cancel_->cancel();
}

void RegisterSession::finished(const CaseTransform& record, const registration::QaReport& qa) {
    transformId_ = record.id;
    qa_ = qa;
    viewer_.editCase("registration " + record.id, [&](Case& c) { setTransform(c, record); });
    log::info("registration " + record.id + ": quality gate " + qa.verdict);
    for (const auto& check : qa.checks)
        if (check.verdict == "fail" || check.verdict == "warn") log::warn(check.name + ": " + check.message);
    viewer_.reloadImages(); // the PET is placed with the new transform
}

void RegisterSession::run(const std::string& preset, const std::string& movingId) {
    registration::presetInfo(preset); // an unknown preset fails here, listing the presets
    const LoadedImages& images = viewer_.images();
    if (images.ctId.empty()) throw Error("registration needs the fixed image (CT or MR): open one first");
    const std::string moving = movingId.empty() ? images.petId : movingId;
    if (moving.empty()) throw Error("registration needs a moving image (a PET): open one first");
    if (viewer_.caseFile().empty())
        throw Error("save the case first (save-case PATH): the registration is written beside it");
    Case snapshot = viewer_.currentCase();
    registration::CaseRegistrationRequest rq;
    rq.fixedId = images.ctId;
    rq.movingId = moving;
    rq.preset = preset;
    const unsigned generation = generation_;
    cancel_ = viewer_.tasks().start("registering " + moving + " to " + images.ctId + " (" + preset + ")",
                                    [this, snapshot, rq, generation](const Progress& p) mutable {
                                        registration::CaseRegistrationRequest request = rq;
                                        request.progress = p;
                                        const CaseTransform record = registration::registerInCase(snapshot, request);
                                        const registration::QaReport qa =
                                            registration::caseRegistration(snapshot, record.id).qa();
                                        return [this, record, qa, generation] {
                                            if (generation == generation_) finished(record, qa);
                                        };
                                    });
}

void RegisterSession::nudge(const Vec3& translation, const Vec3& rotation) {
    std::string id = transformId_;
    if (id.empty())
        for (const auto& t : viewer_.currentCase().transforms)
            if (t.kind == "elastix") id = t.id;
    if (id.empty()) throw Error("nothing to nudge: run a registration first (register PRESET)");
    Case snapshot = viewer_.currentCase();
    registration::CaseNudgeRequest rq;
    rq.transformId = id;
    rq.translation_mm = translation;
    rq.rotation_deg = rotation;
    const unsigned generation = generation_;
    cancel_ = viewer_.tasks().start("nudging " + id, [this, snapshot, rq, generation](const Progress& p) mutable {
        registration::CaseNudgeRequest request = rq;
        request.progress = p;
        const CaseTransform record = registration::nudgeInCase(snapshot, request);
        const registration::QaReport qa = registration::caseRegistration(snapshot, record.id).qa();
        return [this, record, qa, generation] {
            if (generation == generation_) finished(record, qa);
        };
    });
}

Json RegisterSession::stateJson() const {
    Json j;
    j["transform"] = transformId_;
    if (qa_) {
        j["verdict"] = qa_->verdict;
        Json checks = Json::array();
        for (const auto& c : qa_->checks) checks.push_back({{"name", c.name}, {"verdict", c.verdict}, {"message", c.message}});
        j["checks"] = checks;
    }
    return j;
}

} // namespace irplan::viewer
