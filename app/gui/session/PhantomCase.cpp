#include "app/gui/session/PhantomCase.h"

#include "core/Case.h"
#include "phantom/Phantom.h"

namespace irplan::viewer {

std::filesystem::path writePhantomCase(const std::filesystem::path& dir, const PhantomCaseOptions& options,
                                       const Progress& progress) {
    phantom::PhantomOptions po;
    po.seed = options.seed;
    po.clinical = options.clinical;
    if (options.spacing_mm) po.spacing = Vec3{*options.spacing_mm, *options.spacing_mm, *options.spacing_mm};
    po.progress = progress.sub(0.0, 0.75);
    const phantom::PhantomCase p = phantom::generatePhantom(po);
    const phantom::PhantomFiles files = phantom::writePhantom(p, dir, false, progress.sub(0.75, 0.98));
    Case c = loadCase(files.caseFile);
    // Inside the liver the phantom's CT->PET mapping is exactly affine:
    // y = R (x + s) + t = R x + (R s + t) (phantom/Motion.h).
    const Affine& rigid = p.petMotion.rigidCtToPet;
    const Affine liver{rigid.A, rigid.A * p.petMotion.breathingShift + rigid.t};
    CaseTransform t;
    t.id = "pet_phantom_truth";
    t.fixedId = "ct";
    t.movingId = "pet";
    t.kind = "affine";
    t.matrixFixedToMoving = liver.toRowMajor4x4();
    t.preset = "phantom ground truth";
    t.extra["note"] = "the phantom's known CT->PET mapping inside the liver (rigid motion + breathing shift); "
                      "not a registration result";
    setTransform(c, t);
    saveCase(c, files.caseFile);
    progress.update(1.0, "phantom case written");
    return files.caseFile;
}

} // namespace irplan::viewer
