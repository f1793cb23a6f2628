#include "core/Case.h"

#include "core/Error.h"
#include "core/Files.h"

#include <algorithm>
#include <set>

namespace irplan {
namespace fs = std::filesystem;

namespace {

// ---- reading helpers: every failure names the field ----
const Json& field(const Json& j, const char* key, const std::string& where) {
    auto it = j.find(key);
    if (it == j.end()) throw Error("case file: " + where + " lacks \"" + key + "\"");
    return *it;
}

std::string str(const Json& j, const char* key, const std::string& where, bool required = false) {
    auto it = j.find(key);
    if (it == j.end()) {
        if (required) throw Error("case file: " + where + " lacks \"" + key + "\"");
        return {};
    }
    if (!it->is_string()) throw Error("case file: " + where + "." + key + " must be a string");
    return it->get<std::string>();
}

int integer(const Json& j, const char* key, const std::string& where) {
    auto it = j.find(key);
    if (it == j.end()) return 0;
    if (!it->is_number_integer()) throw Error("case file: " + where + "." + key + " must be an integer");
    return it->get<int>();
}

Vec3 vec3(const Json& j, const char* key, const std::string& where) {
    const Json& v = field(j, key, where);
    if (!v.is_array() || v.size() != 3 || !v[0].is_number() || !v[1].is_number() || !v[2].is_number())
        throw Error("case file: " + where + "." + key + " must be [x, y, z] in mm");
    return {v[0].get<double>(), v[1].get<double>(), v[2].get<double>()};
}

Json vec3Json(const Vec3& v) { return Json::array({v.x, v.y, v.z}); }

Json extras(const Json& j, std::initializer_list<const char*> known) {
    std::set<std::string> k(known.begin(), known.end());
    Json e = Json::object();
    for (auto it = j.begin(); it != j.end(); ++it)
        if (!k.count(it.key())) e[it.key()] = it.value();
    return e;
}

void appendExtras(Json& j, const Json& extra) {
    for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
}

const Json& arrayField(const Json& j, const char* key) {
    static const Json empty = Json::array();
    auto it = j.find(key);
    if (it == j.end()) return empty;
    if (!it->is_array()) throw Error(std::string("case file: \"") + key + "\" must be a list");
    return *it;
}

std::string where(const char* list, size_t i) { return std::string(list) + "[" + std::to_string(i) + "]"; }

template <class T>
void setById(std::vector<T>& items, const T& item, const char* what) {
    if (item.id.empty()) throw Error(std::string("a ") + what + " needs an id");
    auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == item.id; });
    if (it != items.end()) *it = item;
    else items.push_back(item);
}

template <class T>
void removeById(std::vector<T>& items, const std::string& id, const char* what) {
    auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
    if (it == items.end()) throw Error(std::string("the case has no ") + what + " '" + id + "'");
    items.erase(it);
}

template <class T>
const T* findById(const std::vector<T>& items, const std::string& id) {
    auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
    return it == items.end() ? nullptr : &*it;
}

template <class T>
void checkUniqueIds(const std::vector<T>& items, const char* what) {
    std::set<std::string> seen;
    for (const auto& x : items) {
        if (x.id.empty()) throw Error(std::string("case file: a ") + what + " has no id");
        if (!seen.insert(x.id).second)
            throw Error(std::string("case file: two ") + what + "s share the id '" + x.id + "'");
    }
}

// ---- item <-> json ----
Json toJson(const CaseVolume& v) {
    Json j;
    j["id"] = v.id;
    j["role"] = v.role;
    j["path"] = v.path;
    if (!v.phase.empty()) j["phase"] = v.phase;
    if (!v.units.empty()) j["units"] = v.units;
    if (!v.seriesUid.empty()) j["series_uid"] = v.seriesUid;
    if (!v.frameOfReferenceUid.empty()) j["frame_of_reference_uid"] = v.frameOfReferenceUid;
    appendExtras(j, v.extra);
    return j;
}

CaseVolume volumeFromJson(const Json& j, const std::string& w) {
    if (!j.is_object()) throw Error("case file: " + w + " must be an object");
    CaseVolume v;
    v.id = str(j, "id", w, true);
    v.role = str(j, "role", w, true);
    v.path = str(j, "path", w, true);
    v.phase = str(j, "phase", w);
    v.units = str(j, "units", w);
    v.seriesUid = str(j, "series_uid", w);
    v.frameOfReferenceUid = str(j, "frame_of_reference_uid", w);
    v.extra = extras(j, {"id", "role", "path", "phase", "units", "series_uid", "frame_of_reference_uid"});
    return v;
}

Json toJson(const CaseTransform& t) {
    Json j;
    j["id"] = t.id;
    j["fixed"] = t.fixedId;
    j["moving"] = t.movingId;
    j["kind"] = t.kind;
    if (t.matrixFixedToMoving) j["matrix_fixed_to_moving_lps"] = *t.matrixFixedToMoving;
    if (!t.directory.empty()) j["directory"] = t.directory;
    if (!t.preset.empty()) j["preset"] = t.preset;
    if (!t.qaVerdict.empty()) j["qa_verdict"] = t.qaVerdict;
    appendExtras(j, t.extra);
    return j;
}

CaseTransform transformFromJson(const Json& j, const std::string& w) {
    if (!j.is_object()) throw Error("case file: " + w + " must be an object");
    CaseTransform t;
    t.id = str(j, "id", w, true);
    t.fixedId = str(j, "fixed", w, true);
    t.movingId = str(j, "moving", w, true);
    t.kind = str(j, "kind", w, true);
    if (t.kind != "affine" && t.kind != "elastix")
        throw Error("case file: " + w + ".kind must be \"affine\" or \"elastix\", not \"" + t.kind + "\"");
    if (auto it = j.find("matrix_fixed_to_moving_lps"); it != j.end()) {
        if (!it->is_array() || it->size() != 16)
            throw Error("case file: " + w + ".matrix_fixed_to_moving_lps must hold 16 numbers");
        std::array<double, 16> m{};
        for (size_t i = 0; i < 16; ++i) {
            if (!(*it)[i].is_number())
                throw Error("case file: " + w + ".matrix_fixed_to_moving_lps must hold 16 numbers");
            m[i] = (*it)[i].get<double>();
        }
        Affine::fromRowMajor4x4(m); // validates the last row
        t.matrixFixedToMoving = m;
    }
    if (t.kind == "affine" && !t.matrixFixedToMoving)
        throw Error("case file: " + w + " is an affine transform without matrix_fixed_to_moving_lps");
    t.directory = str(j, "directory", w);
    t.preset = str(j, "preset", w);
    t.qaVerdict = str(j, "qa_verdict", w);
    t.extra = extras(j, {"id", "fixed", "moving", "kind", "matrix_fixed_to_moving_lps", "directory",
                         "preset", "qa_verdict"});
    return t;
}

Json toJson(const CaseSegmentation& s) {
    Json j;
    j["id"] = s.id;
    j["kind"] = s.kind;
    j["path"] = s.path;
    if (!s.volumeId.empty()) j["volume"] = s.volumeId;
    if (!s.legend.empty()) {
        Json legend = Json::object();
        for (const auto& [label, name] : s.legend) legend[std::to_string(label)] = name;
        j["legend"] = legend;
    }
    if (!s.tablePath.empty()) j["table"] = s.tablePath;
    appendExtras(j, s.extra);
    return j;
}

CaseSegmentation segmentationFromJson(const Json& j, const std::string& w) {
    if (!j.is_object()) throw Error("case file: " + w + " must be an object");
    CaseSegmentation s;
    s.id = str(j, "id", w, true);
    s.kind = str(j, "kind", w, true);
    s.path = str(j, "path", w, true);
    s.volumeId = str(j, "volume", w);
    if (auto it = j.find("legend"); it != j.end()) {
        if (!it->is_object()) throw Error("case file: " + w + ".legend must map labels to names");
        for (auto l = it->begin(); l != it->end(); ++l) {
            int label = 0;
            try {
                size_t used = 0;
                label = std::stoi(l.key(), &used);
                if (used != l.key().size()) throw std::invalid_argument("trailing");
            } catch (const std::exception&) {
                throw Error("case file: " + w + ".legend key '" + l.key() + "' is not a label number");
            }
            if (!l.value().is_string()) throw Error("case file: " + w + ".legend values must be names");
            s.legend[label] = l.value().get<std::string>();
        }
    }
    s.tablePath = str(j, "table", w);
    s.extra = extras(j, {"id", "kind", "path", "volume", "legend", "table"});
    return s;
}

Json toJson(const CaseProbe& p) {
    Json j;
    j["id"] = p.id;
    j["device"] = p.deviceId;
    if (!p.setting.empty()) j["setting"] = p.setting;
    j["tip_mm"] = vec3Json(p.tip_mm);
    j["entry_mm"] = vec3Json(p.entry_mm);
    if (p.lesionId != 0) j["lesion"] = p.lesionId;
    appendExtras(j, p.extra);
    return j;
}

CaseProbe probeFromJson(const Json& j, const std::string& w) {
    if (!j.is_object()) throw Error("case file: " + w + " must be an object");
    CaseProbe p;
    p.id = str(j, "id", w, true);
    p.deviceId = str(j, "device", w, true);
    p.setting = str(j, "setting", w);
    p.tip_mm = vec3(j, "tip_mm", w);
    p.entry_mm = vec3(j, "entry_mm", w);
    p.lesionId = integer(j, "lesion", w);
    p.extra = extras(j, {"id", "device", "setting", "tip_mm", "entry_mm", "lesion"});
    return p;
}

Json toJson(const CasePlan& p) {
    Json j;
    j["id"] = p.id;
    j["directory"] = p.directory;
    if (p.lesionId != 0) j["lesion"] = p.lesionId;
    if (!p.summary.empty()) j["summary"] = p.summary;
    appendExtras(j, p.extra);
    return j;
}

CasePlan planFromJson(const Json& j, const std::string& w) {
    if (!j.is_object()) throw Error("case file: " + w + " must be an object");
    CasePlan p;
    p.id = str(j, "id", w, true);
    p.directory = str(j, "directory", w, true);
    p.lesionId = integer(j, "lesion", w);
    if (auto it = j.find("summary"); it != j.end()) {
        if (!it->is_object()) throw Error("case file: " + w + ".summary must be an object");
        p.summary = *it;
    }
    p.extra = extras(j, {"id", "directory", "lesion", "summary"});
    return p;
}

bool itemsEqual(const Json& a, const Json& b) { return a == b; }

std::string rebase(const std::string& path, const fs::path& from, const fs::path& to) {
    if (path.empty() || fs::path(path).is_absolute()) return path;
    const fs::path absolute = fs::absolute(from / path).lexically_normal();
    const fs::path rel = absolute.lexically_relative(fs::absolute(to).lexically_normal());
    return rel.empty() ? absolute.string() : rel.generic_string();
}

} // namespace

const CaseVolume* Case::volume(const std::string& id) const { return findById(volumes, id); }
const CaseTransform* Case::transform(const std::string& id) const { return findById(transforms, id); }
const CaseSegmentation* Case::segmentation(const std::string& id) const { return findById(segmentations, id); }
const CaseProbe* Case::probe(const std::string& id) const { return findById(probes, id); }
const CasePlan* Case::plan(const std::string& id) const { return findById(plans, id); }

fs::path Case::resolve(const std::string& path) const {
    fs::path p(path);
    if (p.is_absolute() || baseDir.empty()) return p;
    return (baseDir / p).lexically_normal();
}

bool Case::operator==(const Case& o) const { return itemsEqual(toJson(*this), toJson(o)); }

void setVolume(Case& c, const CaseVolume& v) {
    if (v.path.empty()) throw Error("volume '" + v.id + "' needs a path");
    setById(c.volumes, v, "volume");
}
void setTransform(Case& c, const CaseTransform& t) {
    if (!c.volume(t.fixedId)) throw Error("transform '" + t.id + "': no volume '" + t.fixedId + "' in the case");
    if (!c.volume(t.movingId)) throw Error("transform '" + t.id + "': no volume '" + t.movingId + "' in the case");
    setById(c.transforms, t, "transform");
}
void setSegmentation(Case& c, const CaseSegmentation& s) { setById(c.segmentations, s, "segmentation"); }
void setProbe(Case& c, const CaseProbe& p) { setById(c.probes, p, "probe"); }
void setPlan(Case& c, const CasePlan& p) { setById(c.plans, p, "plan"); }
void removeVolume(Case& c, const std::string& id) { removeById(c.volumes, id, "volume"); }
void removeTransform(Case& c, const std::string& id) { removeById(c.transforms, id, "transform"); }
void removeSegmentation(Case& c, const std::string& id) { removeById(c.segmentations, id, "segmentation"); }
void removeProbe(Case& c, const std::string& id) { removeById(c.probes, id, "probe"); }
void removePlan(Case& c, const std::string& id) { removeById(c.plans, id, "plan"); }

Json toJson(const Case& c) {
    Json j;
    j["irplan_case_version"] = Case::kFormatVersion;
    j["name"] = c.name;
    auto list = [](const auto& items) {
        Json a = Json::array();
        for (const auto& x : items) a.push_back(toJson(x));
        return a;
    };
    j["volumes"] = list(c.volumes);
    j["transforms"] = list(c.transforms);
    j["segmentations"] = list(c.segmentations);
    j["probes"] = list(c.probes);
    j["plans"] = list(c.plans);
    appendExtras(j, c.extra);
    return j;
}

Case caseFromJson(const Json& j) {
    if (!j.is_object()) throw Error("case file: the top level must be a JSON object");
    auto ver = j.find("irplan_case_version");
    if (ver == j.end() || !ver->is_number_integer())
        throw Error("not an IRPlan case file: \"irplan_case_version\" is missing");
    if (ver->get<int>() > Case::kFormatVersion)
        throw Error("case file version " + std::to_string(ver->get<int>()) +
                    " is newer than this IRPlan understands (" + std::to_string(Case::kFormatVersion) + ")");
    Case c;
    c.name = str(j, "name", "case");
    const Json& vols = arrayField(j, "volumes");
    for (size_t i = 0; i < vols.size(); ++i) c.volumes.push_back(volumeFromJson(vols[i], where("volumes", i)));
    const Json& trs = arrayField(j, "transforms");
    for (size_t i = 0; i < trs.size(); ++i) c.transforms.push_back(transformFromJson(trs[i], where("transforms", i)));
    const Json& segs = arrayField(j, "segmentations");
    for (size_t i = 0; i < segs.size(); ++i)
        c.segmentations.push_back(segmentationFromJson(segs[i], where("segmentations", i)));
    const Json& probes = arrayField(j, "probes");
    for (size_t i = 0; i < probes.size(); ++i) c.probes.push_back(probeFromJson(probes[i], where("probes", i)));
    const Json& plans = arrayField(j, "plans");
    for (size_t i = 0; i < plans.size(); ++i) c.plans.push_back(planFromJson(plans[i], where("plans", i)));
    checkUniqueIds(c.volumes, "volume");
    checkUniqueIds(c.transforms, "transform");
    checkUniqueIds(c.segmentations, "segmentation");
    checkUniqueIds(c.probes, "probe");
    checkUniqueIds(c.plans, "plan");
    for (const auto& t : c.transforms)
        if (!c.volume(t.fixedId) || !c.volume(t.movingId))
            throw Error("case file: transform '" + t.id + "' refers to a volume the case does not have");
    c.extra = extras(j, {"irplan_case_version", "name", "volumes", "transforms", "segmentations", "probes", "plans"});
    return c;
}

Case loadCase(const fs::path& file) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) throw Error("case file not found: " + file.string());
    Case c = caseFromJson(parseJsonFile(file));
    c.baseDir = fs::absolute(file).parent_path();
    return c;
}

void saveCase(Case& c, const fs::path& file) {
    const fs::path newBase = fs::absolute(file).parent_path();
    if (!c.baseDir.empty() && fs::absolute(c.baseDir).lexically_normal() != newBase.lexically_normal()) {
        for (auto& v : c.volumes) v.path = rebase(v.path, c.baseDir, newBase);
        for (auto& t : c.transforms) t.directory = rebase(t.directory, c.baseDir, newBase);
        for (auto& s : c.segmentations) {
            s.path = rebase(s.path, c.baseDir, newBase);
            s.tablePath = rebase(s.tablePath, c.baseDir, newBase);
        }
        for (auto& p : c.plans) p.directory = rebase(p.directory, c.baseDir, newBase);
    }
    files::writeTextAtomic(file, toJson(c).dump(2) + "\n");
    c.baseDir = newBase;
}

} // namespace irplan
