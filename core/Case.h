#pragma once
// The case: the document a radiologist opens, edits and saves. Plain data
// (paths, transforms, segmentations, probes, plan results) with no images in
// memory, so the CLI and the GUI change it through the same functions below and
// every GUI action can be scripted. Saved as JSON; load -> save gives the same
// bytes, and keys IRPlan does not know are kept.
#include "core/Geometry.h"
#include "core/JsonFile.h"

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace irplan {

struct CaseVolume {
    std::string id;        // unique in the case: "ct", "ct_portal", "pet", "mr"
    std::string role;      // "ct", "pet", "mr", "spect", "ct_followup"
    std::string path;      // file or DICOM directory; relative paths are relative to the case file
    std::string phase;     // "arterial", "portal", ... (CT), empty otherwise
    std::string units;     // "HU", "SUVbw", "BQML", "unknown", ...
    std::string seriesUid; // DICOM SeriesInstanceUID when read from DICOM
    std::string frameOfReferenceUid;
    Json extra = Json::object();
};

struct CaseTransform {
    std::string id;
    std::string fixedId;  // volume id of the fixed image
    std::string movingId; // volume id of the moving image
    std::string kind;     // "affine" (matrix only) or "elastix" (directory of transform files)
    // Maps fixed-space points to moving-space points (elastix's convention), LPS mm, row-major.
    std::optional<std::array<double, 16>> matrixFixedToMoving;
    std::string directory; // registration output directory (kind "elastix")
    std::string preset;
    std::string qaVerdict; // "pass", "warn", "fail" or empty when not checked
    Json extra = Json::object();
};

struct CaseSegmentation {
    std::string id;
    std::string kind;     // "labels", "liver", "lesions", "vessels", "zone", ...
    std::string path;     // label map
    std::string volumeId; // the volume whose grid it lies on
    std::map<int, std::string> legend;
    std::string tablePath; // lesions.json / vessels.json when present
    Json extra = Json::object();
};

struct CaseProbe {
    std::string id;
    std::string deviceId;
    std::string setting;
    Vec3 tip_mm;
    Vec3 entry_mm;
    int lesionId = 0;
    Json extra = Json::object();
};

struct CasePlan {
    std::string id;
    std::string directory; // where plan.json, zone.nii.gz, margin_map.nii.gz live
    int lesionId = 0;
    Json summary = Json::object(); // the key figures of plan.json, for display without reloading
    Json extra = Json::object();
};

struct Case {
    static constexpr int kFormatVersion = 1;

    std::string name;
    std::vector<CaseVolume> volumes;
    std::vector<CaseTransform> transforms;
    std::vector<CaseSegmentation> segmentations;
    std::vector<CaseProbe> probes;
    std::vector<CasePlan> plans;
    Json extra = Json::object();

    // Directory the relative paths are relative to (the case file's); not saved.
    std::filesystem::path baseDir;

    // Lookup by id; nullptr when absent.
    const CaseVolume* volume(const std::string& id) const;
    const CaseTransform* transform(const std::string& id) const;
    const CaseSegmentation* segmentation(const std::string& id) const;
    const CaseProbe* probe(const std::string& id) const;
    const CasePlan* plan(const std::string& id) const;

    // The path of a case item resolved against baseDir.
    std::filesystem::path resolve(const std::string& path) const;

    bool operator==(const Case& o) const;
};

// Editing functions shared by the CLI and the GUI. set* replaces an item with
// the same id or appends a new one; remove* throws when the id is unknown.
void setVolume(Case& c, const CaseVolume& v);
void setTransform(Case& c, const CaseTransform& t);
void setSegmentation(Case& c, const CaseSegmentation& s);
void setProbe(Case& c, const CaseProbe& p);
void setPlan(Case& c, const CasePlan& p);
void removeVolume(Case& c, const std::string& id);
void removeTransform(Case& c, const std::string& id);
void removeSegmentation(Case& c, const std::string& id);
void removeProbe(Case& c, const std::string& id);
void removePlan(Case& c, const std::string& id);

Json toJson(const Case& c);
// Throws irplan::Error naming the field that is missing or of the wrong type.
Case caseFromJson(const Json& j);

// Reads a case file; relative paths stay relative to its directory.
Case loadCase(const std::filesystem::path& file);
// Writes atomically. When the file lands in another directory than c.baseDir,
// relative paths are rewritten so they still point at the same files.
void saveCase(Case& c, const std::filesystem::path& file);

} // namespace irplan
