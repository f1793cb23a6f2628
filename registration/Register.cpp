#include "registration/Register.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "registration/detail/ElastixRunner.h"
#include "registration/detail/ElastixProcess.h"
#include "registration/detail/ImageOps.h"
#include "registration/detail/Initializer.h"
#include "registration/detail/PresetFiles.h"
#include "registration/detail/ResultWriter.h"
#include "registration/detail/TransformChain.h"
#include "registration/Masks.h"


#include <chrono>
#include <cmath>
#include <regex>
#include <thread>

namespace irplan::registration {
namespace fs = std::filesystem;
using namespace detail;

InitMode initModeFromName(const std::string& name) {
    if (name == "auto") return InitMode::Auto;
    if (name == "geometry") return InitMode::Geometry;
    if (name == "moments") return InitMode::Moments;
    if (name == "none") return InitMode::None;
    throw Error("unknown initialisation '" + name + "': use auto, geometry, moments or none");
}

const char* initModeName(InitMode m) {
    switch (m) {
    case InitMode::Auto: return "auto";
    case InitMode::Geometry: return "geometry";
    case InitMode::Moments: return "moments";
    case InitMode::None: return "none";
    }
    return "auto";
}

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }


void checkInputs(const Volume* fixed, const Volume* moving, const fs::path& outputDir) {
    if (!fixed || !fixed->image) throw Error("registration needs a fixed image");
    if (!moving || !moving->image) throw Error("registration needs a moving image");
    if (outputDir.empty()) throw Error("registration needs an output folder");
    for (const Volume* v : {fixed, moving}) {
        const float* p = v->image->GetBufferPointer();
        const size_t n = v->image->GetBufferedRegion().GetNumberOfPixels();
        for (size_t i = 0; i < n; ++i)
            if (!std::isfinite(p[i]))
                throw Error(std::string(v == fixed ? "the fixed" : "the moving") +
                            " image has NaN or infinite voxels; registration needs finite values");
    }
    files::checkNotInput(outputDir / "result.json");
    files::checkNotInput(outputDir / "moving_resampled.nii.gz");
}

int threadsOf(const ElastixSettings& s) {
    return s.threads > 0 ? s.threads : int(std::max(1u, std::thread::hardware_concurrency()));
}

// Rigid motion of the overlay: rotation about x, then y, then z (degrees) about c, then t.
Affine overlayMotion(const Vec3& rotation_deg, const Vec3& c, const Vec3& t) {
    const double k = 3.14159265358979323846 / 180.0;
    const Mat3 R = Mat3::rotationXYZ(rotation_deg.x * k, rotation_deg.y * k, rotation_deg.z * k);
    return Affine::rigid(R, c, t);
}


} // namespace

Registration registerVolumes(const RegisterRequest& rq) {
    const auto start = Clock::now();
    checkInputs(rq.fixed, rq.moving, rq.outputDir);
    const Progress& progress = rq.progress;
    LoadedPreset preset = loadPreset(rq.preset);
    const fs::path elastix = findElastix(rq.elastix);
    if (preset.info.deformable()) findTransformix(rq.elastix); // fail before the long part
    if (!(rq.iterationScale > 0)) throw Error("the iteration scale must be positive");

    MaskImage::Pointer fixedMask, movingMask;
    if (rq.fixedMask) fixedMask = maskOnGrid(rq.fixedMask, rq.fixed->image, "the fixed mask");
    if (rq.movingMask) movingMask = maskOnGrid(rq.movingMask, rq.moving->image, "the moving mask");

    // ---- starting pose ----
    auto t = Clock::now();
    InitResult init;
    if (rq.initialFixedToMoving) {
        init.fixedToMoving = *rq.initialFixedToMoving;
        init.mode = "given";
        init.reason = "a starting transform was given (manual correction or an earlier result)";
    } else {
        InitInputs ii{rq.fixed, rq.moving, fixedMask, movingMask, preset.info.sameScanner};
        init = initialPose(ii, static_cast<InitKind>(static_cast<int>(rq.init)), progress.sub(0.0, 0.15));
    }
    const double initSeconds = since(t);

    // ---- private working folder: inputs, parameters, elastix output ----
    files::TempDir tmp("irplan-elastix");
    if (rq.elastix.keepTemporaryFiles) {
        tmp.release();
        log::info("elastix temporary folder kept: " + tmp.path().string());
    }
    progress.update(0.15, "preparing elastix");
    const fs::path dir = tmp.path();
    writeTempMha(rq.fixed->image, dir / "fixed.mha");
    writeTempMha(rq.moving->image, dir / "moving.mha");
    if (fixedMask) writeTempMha(fixedMask, dir / "fixed_mask.mha");
    if (movingMask) writeTempMha(movingMask, dir / "moving_mask.mha");
    StageRunInputs si;
    si.workDir = dir;
    si.elastix = elastix;
    si.fixed = rq.fixed;
    si.fixedMask = fixedMask;
    si.movingMask = movingMask;
    si.preset = &preset;
    si.iterationScale = rq.iterationScale;
    si.threads = threadsOf(rq.elastix);
    si.settings = rq.elastix;
    const Affine searchPose = init.fixedToMoving;
    const StageRunOutput run = runStages(si, init.fixedToMoving, init.reason, progress.sub(0.2, 0.8));
    init.fixedToMoving = run.start;

    StagedResult staged;
    staged.stagingDir = run.stagingDir;
    staged.chainNames = run.chainNames;
    staged.extraFiles = run.extraFiles;
    staged.fixed = rq.fixed;
    staged.moving = rq.moving;
    staged.fixedMask = fixedMask;
    staged.movingMask = movingMask;
    staged.preset = &preset;
    staged.initial = searchPose; // metric_before: the pose before any elastix run

    Json& j = staged.json;
    j["irplan_registration_version"] = 1;
    j["preset"] = preset.info.name;
    j["preset_purpose"] = preset.info.purpose;
    j["fixed"] = volumeJson(*rq.fixed, rq.fixedSource);
    j["moving"] = volumeJson(*rq.moving, rq.movingSource);
    j["fixed_mask"] = rq.fixedMask ? Json(rq.fixedMaskSource.empty() ? "given" : rq.fixedMaskSource) : Json(nullptr);
    j["moving_mask"] = rq.movingMask ? Json(rq.movingMaskSource.empty() ? "given" : rq.movingMaskSource) : Json(nullptr);
    j["init"] = {{"requested", rq.initialFixedToMoving ? "given" : initModeName(rq.init)},
                 {"mode", init.mode},
                 {"reason", init.reason},
                 {"matrix_fixed_to_moving_lps", init.fixedToMoving.toRowMajor4x4()},
                 {"details", init.details}};
    j["init"]["anchor"] = run.json.value("anchor", Json(nullptr));
    j["elastix"] = {{"executable", elastix.string()},
                    {"version", run.version},
                    {"threads", si.threads},
                    {"stages", preset.info.stages},
                    {"runs", run.json["runs"]},
                    {"final_metric", run.json["final_metric"]},
                    {"iteration_scale", rq.iterationScale}};
    if (run.json.contains("sampler")) j["elastix"]["sampler"] = run.json["sampler"];
    j["init_seconds"] = initSeconds;
    j["anchor_seconds"] = run.anchorSeconds;
    j["elastix_seconds"] = run.elastixSeconds;

    const Json result = finishResult(staged, rq.outputDir, rq.elastix, progress.sub(0.8, 1.0));
    Json final = result;
    final["seconds"] = since(start) + rq.inputSeconds;
    files::writeTextAtomic(rq.outputDir / "result.json", final.dump(2) + "\n");
    progress.update(1.0, "registration " + final["qa"]["verdict"].get<std::string>());
    return Registration::load(rq.outputDir);
}

Registration nudgeRegistration(const NudgeRequest& rq) {
    const auto start = Clock::now();
    if (!rq.registration) throw Error("no registration to correct");
    checkInputs(rq.fixed, rq.moving, rq.outputDir);
    const Registration& reg = *rq.registration;
    LoadedPreset preset = loadPreset(reg.preset());
    if (!reg.isLinear()) findTransformix(rq.elastix);
    MaskImage::Pointer fixedMask, movingMask;
    if (rq.fixedMask) fixedMask = maskOnGrid(rq.fixedMask, rq.fixed->image, "the fixed mask");
    if (rq.movingMask) movingMask = maskOnGrid(rq.movingMask, rq.moving->image, "the moving mask");

    const Vec3 centre = rq.centre_mm.value_or(imageCentre(rq.fixed->image));
    const Affine motion = overlayMotion(rq.rotation_deg, centre, rq.translation_mm);
    // The overlay moving by M means sampling the old mapping at M^-1(x): T' = T o M^-1,
    // folded into the initial transform so deformable stages follow.
    const Affine newInitial = reg.initialTransform() * motion.inverse();

    files::TempDir tmp("irplan-nudge");
    StagedResult staged;
    staged.stagingDir = tmp.path();
    const auto names = reg.json().at("transform_files").get<std::vector<std::string>>();
    for (size_t i = 0; i < names.size(); ++i) {
        ParameterFile p = ParameterFile::read(reg.directory() / names[i]);
        if (i == 0) {
            const ParameterFile fresh = affineTransformFile(newInitial, rq.fixed->image);
            p.setNumbers("TransformParameters", fresh.numbers("TransformParameters"));
            p.setNumbers("CenterOfRotationPoint", {0, 0, 0});
            if (p.get("Transform") != "AffineTransform") p = fresh;
        }
        p.setString("InitialTransformParametersFileName",
                    i == 0 ? std::string("NoInitialTransform") : (tmp.path() / names[i - 1]).string());
        p.write(tmp.path() / names[i]);
        staged.chainNames.push_back(names[i]);
    }
    for (const auto& f : fs::directory_iterator(reg.directory())) {
        const std::string n = f.path().filename().string();
        if (n.rfind("ElastixParameters.", 0) == 0 || n == "elastix.log") staged.extraFiles.push_back(f.path());
    }
    staged.fixed = rq.fixed;
    staged.moving = rq.moving;
    staged.fixedMask = fixedMask;
    staged.movingMask = movingMask;
    staged.preset = &preset;
    // metric_before: the result as it was before the nudge.
    staged.initial = reg.linearPart();
    Json j = reg.json();
    for (const char* k : {"qa", "qa_details", "matrix_fixed_to_moving_lps", "linear_part_matrix_fixed_to_moving_lps"})
        j.erase(k);
    j["nudge"] = {{"translation_mm", {rq.translation_mm.x, rq.translation_mm.y, rq.translation_mm.z}},
                  {"rotation_deg", {rq.rotation_deg.x, rq.rotation_deg.y, rq.rotation_deg.z}},
                  {"centre_mm", {centre.x, centre.y, centre.z}},
                  {"from", fs::absolute(reg.directory()).string()},
                  {"note", "the moving image was moved by hand by this rigid motion (as seen on the fixed grid); "
                           "it is composed into InitialTransform.txt"}};
    j["init"]["matrix_fixed_to_moving_lps"] = newInitial.toRowMajor4x4();
    j["init"]["mode"] = "nudged";
    staged.json = j;
    const Json result = finishResult(staged, rq.outputDir, rq.elastix, rq.progress);
    Json final = result;
    final["nudge_seconds"] = since(start);
    files::writeTextAtomic(rq.outputDir / "result.json", final.dump(2) + "\n");
    return Registration::load(rq.outputDir);
}

} // namespace irplan::registration
