#pragma once
// Registration in the viewer: the PET (moving) onto the CT (fixed) with a
// preset, in the background (progress, cancel) through the same case functions
// as `irplan register --case` and `irplan nudge` (registration/CaseRegistration.h);
// the quality gate's verdict and checks; a manual nudge with a re-check. The
// result is recorded in the case (undoable) and the PET is re-placed with it.
// No GLFW, ImGui or VTK here.
#include "core/Progress.h"
#include "registration/QualityGate.h"

#include <memory>

#include <optional>
#include <string>

namespace irplan::viewer {

class Viewer;

class RegisterSession {
public:
    explicit RegisterSession(Viewer& viewer) : viewer_(viewer) {}

    // Registers the loaded PET (or other moving volume) onto the loaded CT.
    void run(const std::string& preset, const std::string& movingId = "");
    // Moves the last (or the displayed) registration by a rigid correction and re-runs its quality gate.
    void nudge(const Vec3& translation_mm, const Vec3& rotation_deg);
    void cancel();
    bool running() const;

    const std::string& transformId() const { return transformId_; }
    const std::optional<registration::QaReport>& qa() const { return qa_; }
    void reset();
    Json stateJson() const;

private:
    void finished(const CaseTransform& record, const registration::QaReport& qa);
    Viewer& viewer_;
    std::string transformId_;
    std::optional<registration::QaReport> qa_;
    std::shared_ptr<CancelToken> cancel_;
    unsigned generation_ = 0;
};

} // namespace irplan::viewer
