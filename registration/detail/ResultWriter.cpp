#include "registration/detail/ResultWriter.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/Log.h"
#include "io/VolumeIO.h"
#include "registration/detail/ImageOps.h"
#include "registration/detail/QualityChecks.h"
#include "registration/detail/TransformChain.h"
#include "registration/detail/Transformix.h"

#include <chrono>

namespace irplan::registration::detail {
namespace fs = std::filesystem;

Json volumeJson(const Volume& v, const std::string& source) {
    const auto* img = v.image.GetPointer();
    const auto size = img->GetLargestPossibleRegion().GetSize();
    Json j;
    j["source"] = source.empty() ? v.meta.sourcePath : source;
    j["modality"] = v.meta.modality;
    j["units"] = unitsName(v.meta.units);
    j["frame_of_reference_uid"] = v.meta.frameOfReferenceUid;
    j["size"] = {size[0], size[1], size[2]};
    j["spacing_mm"] = {img->GetSpacing()[0], img->GetSpacing()[1], img->GetSpacing()[2]};
    j["origin_mm"] = {img->GetOrigin()[0], img->GetOrigin()[1], img->GetOrigin()[2]};
    Json d = Json::array();
    for (unsigned r = 0; r < 3; ++r)
        for (unsigned c = 0; c < 3; ++c) d.push_back(img->GetDirection()(r, c));
    j["direction"] = d;
    return j;
}

Json finishResult(StagedResult& s, const fs::path& outputDir, const ElastixSettings& settings,
                  const Progress& progress) {
    using Clock = std::chrono::steady_clock;
    const TransformChain chain = readChain(s.stagingDir / s.chainNames.back());
    const bool deformable = !chain.isLinear();
    const Affine linear = chain.linearPart();

    // ---- the moving image on the fixed grid ----
    auto t0 = Clock::now();
    progress.update(0.0, "resampling the moving image onto the fixed grid");
    FloatImage::Pointer resampled, jacobian;
    if (!deformable) {
        resampled = resampleAffine(s.moving->image, linear, s.fixed->image, false, 0.0f);
    } else {
        TransformixJob job;
        job.finalTransformFile = s.stagingDir / s.chainNames.back();
        job.image = s.moving->image;
        job.jacobian = true;
        job.settings = settings;
        job.progress = progress.sub(0.0, 0.4);
        TransformixOutput o = runTransformix(job);
        resampled = o.image;
        jacobian = o.jacobian;
    }
    const double resampleSeconds = std::chrono::duration<double>(Clock::now() - t0).count();

    // ---- quality gate ----
    t0 = Clock::now();
    QualityInputs qi;
    qi.fixed = s.fixed;
    qi.moving = s.moving;
    qi.fixedMask = s.fixedMask;
    qi.movingMask = s.movingMask;
    qi.preset = &s.preset->info;
    qi.initial = s.initial;
    qi.linear = linear;
    qi.deformable = deformable;
    qi.movingOnFixed = resampled;
    qi.jacobian = jacobian;
    const QualityOutputs qa = evaluateQuality(qi, progress.sub(0.4, 0.9));
    const double qaSeconds = std::chrono::duration<double>(Clock::now() - t0).count();

    // ---- the folder ----
    progress.update(0.9, "writing the result");
    files::ensureDirectory(outputDir);
    std::vector<std::string> written;
    for (size_t i = 0; i < s.chainNames.size(); ++i) {
        ParameterFile p = ParameterFile::read(s.stagingDir / s.chainNames[i]);
        // Linked by file name, so the folder can be moved or copied.
        p.setString("InitialTransformParametersFileName", i == 0 ? "NoInitialTransform" : s.chainNames[i - 1]);
        p.write(outputDir / s.chainNames[i]);
        written.push_back(s.chainNames[i]);
    }
    for (const auto& f : s.extraFiles) {
        std::error_code ec;
        if (!fs::is_regular_file(f, ec)) continue;
        files::writeTextAtomic(outputDir / f.filename(), files::readText(f));
    }
    Volume out;
    out.image = resampled;
    out.meta = s.moving->meta;
    out.meta.sourcePath.clear();
    out.meta.warnings.clear();
    WriteOptions wo;
    writeVolume(out, outputDir / "moving_resampled.nii.gz", wo);

    Json& j = s.json;
    j["transform_kind"] = deformable ? "deformable" : s.preset->info.transformKind();
    j["transform_files"] = written;
    j["final_transform_file"] = s.chainNames.back();
    if (!deformable) j["matrix_fixed_to_moving_lps"] = linear.toRowMajor4x4();
    else j["linear_part_matrix_fixed_to_moving_lps"] = linear.toRowMajor4x4();
    j["metric"] = "mutual information in nats on a 4 mm sample grid, computed by IRPlan (higher is better)";
    j["metric_before"] = qa.metricBefore;
    j["metric_after"] = qa.metricAfter;
    j["metric_scanner_coordinates"] = qa.metricScanner;
    j["qa"] = qa.report.toJson();
    for (auto it = qa.details.begin(); it != qa.details.end(); ++it) j["qa_details"][it.key()] = it.value();
    j["moving_resampled"] = "moving_resampled.nii.gz";
    j["resample_seconds"] = resampleSeconds;
    j["qa_seconds"] = qaSeconds;
    return j;
}

} // namespace irplan::registration::detail
