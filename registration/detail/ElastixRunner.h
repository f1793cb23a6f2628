#pragma once
// Internal: runs the elastix side of a registration in a private folder: the
// optional bone anchor (a rigid match of the fixed CT's bone that becomes the
// start pose), then the preset's stages, one elastix run per run of stages
// that share a mask, chained with -t0. Leaves the chain under the names the
// result folder uses (InitialTransform.txt, TransformParameters.<i>.txt),
// linked by absolute paths inside the folder.
#include "core/Case.h"
#include "core/Progress.h"
#include "io/Volume.h"
#include "registration/ElastixSettings.h"
#include "registration/detail/PresetFiles.h"

#include <filesystem>
#include <string>
#include <vector>

namespace irplan::registration::detail {

struct StageRunInputs {
    std::filesystem::path workDir;      // private; holds fixed.mha, moving.mha, masks
    std::filesystem::path elastix;
    const Volume* fixed = nullptr;
    const MaskImage* fixedMask = nullptr; // user's, on the fixed grid (written as fixed_mask.mha)
    const MaskImage* movingMask = nullptr;
    const LoadedPreset* preset = nullptr;
    double iterationScale = 1.0;
    int threads = 1;
    ElastixSettings settings;
};

struct StageRunOutput {
    std::filesystem::path stagingDir;
    std::vector<std::string> chainNames;           // InitialTransform.txt first
    std::vector<std::filesystem::path> extraFiles; // parameter files and logs, for the result folder
    Affine start;                                  // the pose the main stages started from (after the anchor)
    double elastixSeconds = 0;                     // all elastix runs, anchor included
    double anchorSeconds = 0;
    std::string version;
    Json json = Json::object(); // "anchor", "runs", "final_metric", "sampler"
};

// `start` is the pose from the initialisation; `startReason` gets a note appended
// when the anchor ran.
StageRunOutput runStages(const StageRunInputs& in, const Affine& start, std::string& startReason,
                         const Progress& progress);

// A CT by its metadata, or (files without it, such as NIfTI) by its air at about -1000 HU.
bool looksLikeCt(const Volume& v);

} // namespace irplan::registration::detail
