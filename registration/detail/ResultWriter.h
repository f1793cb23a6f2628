#pragma once
// Internal: the last steps shared by a registration and a manual nudge: resample
// the moving image through the staged transform chain, run the quality gate,
// and write the result folder (files first, result.json last and atomically,
// so a folder with result.json is complete).
#include "core/Case.h"
#include "core/Progress.h"
#include "io/Volume.h"
#include "registration/ElastixSettings.h"
#include "registration/detail/PresetFiles.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan::registration::detail {

struct StagedResult {
    std::filesystem::path stagingDir;    // chain files linked by absolute paths
    std::vector<std::string> chainNames; // "InitialTransform.txt", "TransformParameters.0.txt", ... in order
    std::vector<std::filesystem::path> extraFiles; // copied as they are (elastix.log, parameter files)
    const Volume* fixed = nullptr;
    const Volume* moving = nullptr;
    const MaskImage* fixedMask = nullptr;  // on the fixed grid
    const MaskImage* movingMask = nullptr; // on the moving grid
    const LoadedPreset* preset = nullptr;
    Affine initial;                        // the start pose the metric_before refers to
    Json json = Json::object();            // fields the caller already knows (preset, init, elastix, timing)
};

// Resamples, checks and writes `outputDir`; returns the result.json written.
Json finishResult(StagedResult& staged, const std::filesystem::path& outputDir, const ElastixSettings& settings,
                  const Progress& progress);

// Geometry and provenance of a volume for result.json.
Json volumeJson(const Volume& v, const std::string& source);

} // namespace irplan::registration::detail
