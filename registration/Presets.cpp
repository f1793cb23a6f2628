#include "registration/Presets.h"

#include "core/Error.h"
#include "core/Files.h"
#include "registration/detail/EmbeddedPresets.h"
#include "registration/detail/PresetFiles.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

namespace irplan::registration {
namespace fs = std::filesystem;

bool PresetInfo::deformable() const {
    return std::find(stages.begin(), stages.end(), "bspline") != stages.end();
}

std::string PresetInfo::transformKind() const {
    if (deformable()) return "deformable";
    if (std::find(stages.begin(), stages.end(), "affine") != stages.end()) return "affine";
    return "rigid";
}

std::vector<std::string> builtInPresetNames() {
    std::set<std::string> names;
    for (const auto& [path, content] : detail::embeddedPresetFiles()) {
        const auto slash = path.find('/');
        if (slash != std::string::npos && path.substr(slash + 1) == "preset.json") names.insert(path.substr(0, slash));
    }
    return {names.begin(), names.end()};
}

namespace detail {
namespace {

std::optional<Limit> limitOf(const nlohmann::json& qa, const char* key, const std::string& origin) {
    auto it = qa.find(key);
    if (it == qa.end() || it->is_null()) return std::nullopt;
    if (!it->is_array() || it->size() != 2 || !(*it)[0].is_number() || !(*it)[1].is_number())
        throw Error(origin + ": qa." + key + " must be [warn, fail] or null");
    return Limit{(*it)[0].get<double>(), (*it)[1].get<double>()};
}

std::string stageKind(const ParameterFile& p, const std::string& origin) {
    const std::string t = p.get("Transform");
    if (t == "EulerTransform" || t == "TranslationTransform") return "rigid";
    if (t == "AffineTransform" || t == "SimilarityTransform") return "affine";
    if (t == "BSplineTransform" || t == "RecursiveBSplineTransform") return "bspline";
    throw Error(origin + ": unsupported (Transform \"" + t + "\")");
}

} // namespace

LoadedPreset loadPreset(const std::string& nameOrFolder) {
    std::map<std::string, std::string> filesByName; // file name -> content
    std::string origin;
    const auto& embedded = embeddedPresetFiles();
    for (const auto& [path, content] : embedded)
        if (path.rfind(nameOrFolder + "/", 0) == 0) filesByName[path.substr(nameOrFolder.size() + 1)] = content;
    if (!filesByName.empty()) {
        origin = "preset " + nameOrFolder;
    } else {
        std::error_code ec;
        const fs::path dir(nameOrFolder);
        if (nameOrFolder.empty() || !fs::is_directory(dir, ec)) {
            std::string known;
            for (const auto& n : builtInPresetNames()) known += (known.empty() ? "" : ", ") + n;
            throw Error("unknown registration preset '" + nameOrFolder + "'; the presets are " + known +
                        " (or give a folder with preset.json and elastix parameter files)");
        }
        origin = "preset folder " + dir.string();
        if (!fs::is_regular_file(dir / "preset.json", ec)) throw Error(origin + " has no preset.json");
        filesByName["preset.json"] = files::readText(dir / "preset.json");
    }
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(filesByName.at("preset.json"));
    } catch (const nlohmann::json::exception& e) {
        throw Error(origin + ": preset.json is not valid JSON: " + e.what());
    }
    LoadedPreset p;
    p.info.name = j.value("name", fs::path(nameOrFolder).filename().string());
    p.info.purpose = j.value("purpose", "");
    p.info.sources = j.value("sources", "");
    p.info.fixedMaskAdvice = j.value("fixed_mask", "");
    const std::string frames = j.value("frames", "");
    if (frames != "same-scanner" && frames != "different-session")
        throw Error(origin + ": preset.json \"frames\" must be \"same-scanner\" or \"different-session\"");
    p.info.sameScanner = frames == "same-scanner";
    if (!j.contains("stages") || !j["stages"].is_array() || j["stages"].empty())
        throw Error(origin + ": preset.json needs \"stages\", the parameter files in order");
    for (const auto& s : j["stages"]) {
        if (!s.is_string()) throw Error(origin + ": \"stages\" must list file names");
        const std::string name = s.get<std::string>();
        std::string text;
        if (auto it = filesByName.find(name); it != filesByName.end()) {
            text = it->second;
        } else {
            const fs::path f = fs::path(nameOrFolder) / name;
            std::error_code ec;
            if (!fs::is_regular_file(f, ec)) throw Error(origin + ": stage file " + name + " is missing");
            text = files::readText(f);
        }
        ParameterFile pf = ParameterFile::parse(text, origin + "/" + name);
        p.info.stages.push_back(stageKind(pf, origin + "/" + name));
        p.fileNames.push_back(name);
        p.stages.push_back(std::move(pf));
    }
    p.info.stageMasks.assign(p.fileNames.size(), "");
    if (auto sm = j.find("stage_masks"); sm != j.end() && !sm->is_null()) {
        if (!sm->is_object()) throw Error(origin + ": preset.json \"stage_masks\" must map stage files to \"bone\"");
        for (auto it = sm->begin(); it != sm->end(); ++it) {
            const auto f = std::find(p.fileNames.begin(), p.fileNames.end(), it.key());
            if (f == p.fileNames.end() || !it.value().is_string() || it.value().get<std::string>() != "bone")
                throw Error(origin + ": stage_masks." + it.key() + " must name a stage and be \"bone\"");
            p.info.stageMasks[size_t(f - p.fileNames.begin())] = "bone";
        }
    }
    if (auto a = j.find("anchor"); a != j.end() && !a->is_null()) {
        if (!a->is_object() || !a->contains("stage") || !(*a)["stage"].is_string() || a->value("mask", "") != "bone")
            throw Error(origin + ": preset.json \"anchor\" must be {\"stage\": file, \"mask\": \"bone\"}");
        const std::string name = (*a)["stage"].get<std::string>();
        std::string text;
        if (auto it = filesByName.find(name); it != filesByName.end()) text = it->second;
        else {
            const fs::path f = fs::path(nameOrFolder) / name;
            std::error_code ec;
            if (!fs::is_regular_file(f, ec)) throw Error(origin + ": anchor stage file " + name + " is missing");
            text = files::readText(f);
        }
        ParameterFile pf = ParameterFile::parse(text, origin + "/" + name);
        if (stageKind(pf, origin + "/" + name) != "rigid")
            throw Error(origin + ": the anchor stage must be rigid (EulerTransform)");
        p.anchor = std::move(pf);
        p.info.anchorMask = "bone";
    }
    if (p.info.stages.front() == "bspline")
        throw Error(origin + ": the first stage must be rigid or affine (the quality gate checks its pose)");
    const nlohmann::json qa = j.value("qa", nlohmann::json::object());
    p.info.qa.rotation_deg = limitOf(qa, "rotation_deg", origin);
    p.info.qa.translation_mm = limitOf(qa, "translation_mm", origin);
    p.info.qa.scaleDeviation = limitOf(qa, "scale_deviation", origin);
    if (auto l = limitOf(qa, "fov_overlap", origin)) p.info.qa.fovOverlap = *l;
    if (auto l = limitOf(qa, "signal_in_body", origin)) p.info.qa.signalInBody = *l;
    if (auto l = limitOf(qa, "orientation_margin", origin)) p.info.qa.orientationMargin = *l;
    return p;
}

} // namespace detail

PresetInfo presetInfo(const std::string& nameOrFolder) { return detail::loadPreset(nameOrFolder).info; }

} // namespace irplan::registration
