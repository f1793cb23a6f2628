#include "registration/detail/ElastixRunner.h"

#include "core/Error.h"
#include "core/Log.h"
#include "registration/Masks.h"
#include "registration/detail/ElastixLog.h"
#include "registration/detail/ElastixProcess.h"
#include "registration/detail/ImageOps.h"
#include "registration/detail/TransformChain.h"

#include <itkImageFileWriter.h>
#include <itkMetaImageIO.h>

#include <chrono>
#include <cmath>
#include <regex>

namespace irplan::registration::detail {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

struct ElastixRun {
    double seconds = 0;
    std::vector<double> finalMetrics;
    std::string version;
};

ElastixRun runElastix(const fs::path& exe, std::vector<std::string> args, const std::vector<fs::path>& parameterFiles,
                      const std::vector<StagePlan>& plan, const fs::path& t0, const fs::path& outDir, int threads,
                      const ElastixSettings& settings, const Progress& progress, const std::string& what) {
    for (const auto& f : parameterFiles) args.insert(args.end(), {"-p", f.string()});
    fs::create_directories(outDir);
    args.insert(args.end(), {"-t0", t0.string(), "-out", outDir.string(), "-threads", std::to_string(threads)});
    ElastixLogParser parser(plan);
    auto lastReport = Clock::now() - std::chrono::seconds(1);
    ElastixRun out;
    progress.update(0.0, what + ": starting");
    const ProcessResult run = runProcess(
        exe, args, outDir,
        [&](const std::string& line) {
            static const std::regex versionRe(R"(ELASTIX version: (\S+))");
            std::smatch m;
            if (out.version.empty() && std::regex_search(line, m, versionRe)) out.version = m[1];
            const bool changed = parser.feed(line);
            // At most a few reports a second: elastix prints a line per iteration.
            if (changed && Clock::now() - lastReport > std::chrono::milliseconds(250)) {
                lastReport = Clock::now();
                progress.update(parser.fraction(), parser.stageText());
            }
        },
        progress, settings.timeLimit_s, what);
    if (run.signalled || run.exitCode != 0)
        throw Error(explainElastixFailure(what, run.exitCode, run.signalled, run.signal, parser.errors(), run.tail));
    const fs::path finalFile = outDir / ("TransformParameters." + std::to_string(parameterFiles.size() - 1) + ".txt");
    if (!fs::exists(finalFile))
        throw Error(what + " finished without writing its transform (" + finalFile.filename().string() +
                    "); its last output: " + (run.tail.empty() ? std::string("none") : run.tail.back()));
    out.seconds = run.seconds;
    out.finalMetrics = parser.finalMetrics();
    return out;
}

StagePlan planOf(const ParameterFile& p, const std::string& name) {
    const auto its = p.numbers("MaximumNumberOfIterations");
    return {name, int(p.number("NumberOfResolutions").value_or(1)), its.empty() ? 1 : int(its.front())};
}

void scaleIterations(ParameterFile& p, double scale) {
    if (scale == 1.0) return;
    std::vector<double> its = p.numbers("MaximumNumberOfIterations");
    for (double& v : its) v = std::max(1.0, std::round(v * scale));
    p.setNumbers("MaximumNumberOfIterations", its);
}

void writeMask(const MaskImage* mask, const fs::path& path) {
    auto view = MaskImage::New();
    view->Graft(mask);
    view->SetMetaDataDictionary(itk::MetaDataDictionary());
    auto w = itk::ImageFileWriter<MaskImage>::New();
    w->SetInput(view);
    w->SetImageIO(itk::MetaImageIO::New());
    w->SetFileName(path.string());
    try {
        w->Update();
    } catch (const itk::ExceptionObject& e) {
        throw Error("cannot write the temporary mask " + path.string() + ": " + oneLine(e.GetDescription()));
    }
}

// The fixed CT's bone grown by 10 mm: the rigid part of a patient between sessions.
// Null when the CT shows (almost) no bone.
MaskImage::Pointer boneMask(const FloatImage* ct, size_t* voxels) {
    auto labels = LabelImage::New();
    labels->CopyInformation(ct);
    labels->SetRegions(ct->GetLargestPossibleRegion());
    labels->Allocate();
    const float* p = ct->GetBufferPointer();
    auto* l = labels->GetBufferPointer();
    const size_t n = ct->GetBufferedRegion().GetNumberOfPixels();
    size_t count = 0;
    // 300 HU: above soft tissue and most contrast-filled vessels, below cortical bone
    // (cortical bone 500-1900 HU; enhanced arteries ~150-350 HU).
    for (size_t i = 0; i < n; ++i) count += (l[i] = p[i] > 300.0f ? 1 : 0);
    *voxels = count;
    // Fewer than 0.2% of the voxels: no skeleton worth anchoring to.
    if (count < n / 500) return nullptr;
    return maskFromLabels(labels, {1}, 10.0);
}

} // namespace

bool looksLikeCt(const Volume& v) {
    if (v.meta.units == Units::HU || v.meta.modality == "CT") return true;
    if (v.meta.units != Units::Unknown || !v.meta.modality.empty()) return false;
    const auto [p01, p99] = quantiles(v.image, 0.01, 0.99);
    return p01 > -1100 && p01 < -700 && p99 > 0;
}

StageRunOutput runStages(const StageRunInputs& in, const Affine& start, std::string& startReason,
                         const Progress& progress) {
    const fs::path& dir = in.workDir;
    const LoadedPreset& preset = *in.preset;
    StageRunOutput out;
    out.start = start;
    affineTransformFile(start, in.fixed->image).write(dir / "InitialTransform.txt");
    const bool ct = looksLikeCt(*in.fixed);
    const bool wantsBone = ct && (preset.anchor || (!in.fixedMask && std::count(preset.info.stageMasks.begin(),
                                                                                    preset.info.stageMasks.end(),
                                                                                    "bone") > 0));
    MaskImage::Pointer bone;
    size_t boneVoxels = 0;
    if (wantsBone) {
        bone = boneMask(in.fixed->image, &boneVoxels);
        if (bone) writeMask(bone, dir / "bone_mask.mha");
    }
    const std::vector<std::string> images{"-f", (dir / "fixed.mha").string(), "-m", (dir / "moving.mha").string()};
    auto withMasks = [&](bool useBone) {
        std::vector<std::string> a = images;
        if (useBone) a.insert(a.end(), {"-fMask", (dir / "bone_mask.mha").string()});
        else if (in.fixedMask) a.insert(a.end(), {"-fMask", (dir / "fixed_mask.mha").string()});
        if (in.movingMask) a.insert(a.end(), {"-mMask", (dir / "moving_mask.mha").string()});
        return a;
    };
    // Small masks defeat elastix's random coordinate sampler ("Could not find enough
    // image samples"): draw from the mask's voxels when it covers under a quarter.
    auto sparse = [](const MaskImage* m) {
        return m && countNonZero(m) * 4 < m->GetBufferedRegion().GetNumberOfPixels();
    };

    // ---- anchor: a rigid match of the bones, folded into the start pose ----
    double progressAt = 0.0;
    if (preset.anchor && ct) {
        if (!bone) {
            out.json["anchor"] = {{"skipped", "the fixed CT shows almost no bone (" + std::to_string(boneVoxels) +
                                                  " voxels above 300 HU)"}};
        } else {
            ParameterFile p = *preset.anchor;
            scaleIterations(p, in.iterationScale);
            const fs::path f = dir / "ElastixParameters.anchor.txt";
            p.write(f);
            try {
                const ElastixRun a =
                    runElastix(in.elastix, withMasks(true), {f}, {planOf(p, "bone anchor")}, dir / "InitialTransform.txt",
                               dir / "anchor", in.threads, in.settings, progress.sub(0.0, 0.3), "elastix (bone anchor)");
                out.start = readChain(dir / "anchor" / "TransformParameters.0.txt").linearPart();
                affineTransformFile(out.start, in.fixed->image).write(dir / "InitialTransform.txt");
                out.anchorSeconds = a.seconds;
                out.elastixSeconds += a.seconds;
                out.version = a.version;
                out.json["anchor"] = {{"mask", "fixed CT above 300 HU grown by 10 mm"},
                                      {"mask_voxels", countNonZero(bone)},
                                      {"matrix_before_lps", start.toRowMajor4x4()},
                                      {"matrix_after_lps", out.start.toRowMajor4x4()},
                                      {"elastix_seconds", a.seconds},
                                      {"final_metric", a.finalMetrics}};
                out.extraFiles.push_back(f);
                startReason += "; then a rigid match of the bones";
                progressAt = 0.3;
            } catch (const Cancelled&) {
                throw;
            } catch (const Error& e) {
                // The anchor only improves the start; without it the registration still runs.
                log::warn(std::string("the bone match before registration failed; continuing without it: ") +
                          e.what());
                out.json["anchor"] = {{"failed", e.what()}};
            }
        }
    }

    // ---- the preset's stages, one elastix run per group sharing a mask ----
    struct Group {
        bool bone = false;
        std::vector<size_t> stages;
    };
    std::vector<Group> groups;
    for (size_t i = 0; i < preset.stages.size(); ++i) {
        const bool useBone = preset.info.stageMasks[i] == "bone" && bone && !in.fixedMask;
        if (groups.empty() || groups.back().bone != useBone) groups.push_back({useBone, {}});
        groups.back().stages.push_back(i);
    }
    out.stagingDir = dir / "chain";
    fs::create_directories(out.stagingDir);
    fs::copy_file(dir / "InitialTransform.txt", out.stagingDir / "InitialTransform.txt",
                  fs::copy_options::overwrite_existing);
    out.chainNames.push_back("InitialTransform.txt");
    fs::path t0 = dir / "InitialTransform.txt";
    Json runs = Json::array(), finalMetrics = Json::array();
    const double span = (1.0 - progressAt) / double(groups.size());
    for (size_t g = 0; g < groups.size(); ++g) {
        const Group& group = groups[g];
        std::vector<fs::path> files;
        std::vector<StagePlan> plan;
        const MaskImage* mask = group.bone ? bone.GetPointer() : in.fixedMask;
        for (size_t i : group.stages) {
            ParameterFile p = preset.stages[i];
            scaleIterations(p, in.iterationScale);
            if (sparse(mask) && p.get("ImageSampler") == "RandomCoordinate") {
                p.setString("ImageSampler", "RandomSparseMask");
                out.json["sampler"] = "a fixed mask covers less than a quarter of the image: samples drawn from its voxels";
            }
            const fs::path f = dir / ("ElastixParameters." + std::to_string(i) + ".txt");
            p.write(f);
            files.push_back(f);
            plan.push_back(planOf(p, preset.info.stages[i]));
        }
        const fs::path outDir = dir / ("run" + std::to_string(g));
        const std::string what = "elastix (" + preset.info.name + (group.bone ? ", on the bones" : "") + ")";
        const ElastixRun r = runElastix(in.elastix, withMasks(group.bone), files, plan, t0, outDir, in.threads,
                                        in.settings, progress.sub(progressAt + span * g, progressAt + span * (g + 1)),
                                        what);
        out.elastixSeconds += r.seconds;
        if (out.version.empty()) out.version = r.version;
        for (double m : r.finalMetrics) finalMetrics.push_back(m);
        Json stageNames = Json::array();
        // Stage the run's transforms under the result folder's names, linked in order.
        for (size_t k = 0; k < group.stages.size(); ++k) {
            const std::string name = "TransformParameters." + std::to_string(group.stages[k]) + ".txt";
            ParameterFile p = ParameterFile::read(outDir / ("TransformParameters." + std::to_string(k) + ".txt"));
            p.setString("InitialTransformParametersFileName", (out.stagingDir / out.chainNames.back()).string());
            p.write(out.stagingDir / name);
            out.chainNames.push_back(name);
            stageNames.push_back(preset.info.stages[group.stages[k]]);
        }
        runs.push_back({{"stages", stageNames},
                        {"mask", group.bone ? "fixed CT's bone" : (in.fixedMask ? "fixed mask" : "none")},
                        {"elastix_seconds", r.seconds},
                        {"final_metric", r.finalMetrics}});
        t0 = outDir / ("TransformParameters." + std::to_string(group.stages.size() - 1) + ".txt");
        const fs::path log = outDir / "elastix.log";
        const fs::path named = dir / (groups.size() == 1 ? "elastix.log" : "elastix." + std::to_string(g) + ".log");
        if (fs::exists(log)) fs::copy_file(log, named, fs::copy_options::overwrite_existing);
        out.extraFiles.push_back(named);
        out.extraFiles.insert(out.extraFiles.end(), files.begin(), files.end());
    }
    out.json["runs"] = runs;
    out.json["final_metric"] = finalMetrics;
    return out;
}

} // namespace irplan::registration::detail
