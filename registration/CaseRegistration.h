#pragma once
// Registration inside a case: the functions the GUI's registration panel and
// the CLI share. The result folder is recorded as a CaseTransform of kind
// "elastix" (directory, preset, QA verdict, and the matrix for rigid/affine).
#include "core/Case.h"
#include "core/Progress.h"
#include "registration/ElastixSettings.h"
#include "registration/Register.h"
#include "registration/Registration.h"

#include <filesystem>
#include <string>

namespace irplan::registration {

struct CaseRegistrationRequest {
    std::string fixedId;     // volume ids in the case (e.g. "ct", "pet")
    std::string movingId;
    std::string preset;
    std::string transformId; // default "<moving>_to_<fixed>"
    std::filesystem::path outputDir; // default <case folder>/registrations/<transformId>
    std::string fixedMaskPath;  // optional mask files (relative paths are relative to the case)
    std::string movingMaskPath;
    InitMode init = InitMode::Auto;
    ElastixSettings elastix;
    Progress progress;
};

// Reads the two volumes, registers them, stores the result and records the
// transform in the case (replacing one with the same id). Returns the record.
CaseTransform registerInCase(Case& c, const CaseRegistrationRequest& request);

// The stored result behind a case transform of kind "elastix".
Registration caseRegistration(const Case& c, const std::string& transformId);

struct CaseNudgeRequest {
    std::string transformId;
    Vec3 translation_mm;
    Vec3 rotation_deg;
    std::optional<Vec3> centre_mm;
    ElastixSettings elastix;
    Progress progress;
};

// A manual correction of a case transform, in place: the result folder is
// rewritten with the nudge and the quality gate re-run; the record follows.
CaseTransform nudgeInCase(Case& c, const CaseNudgeRequest& request);

} // namespace irplan::registration
