#include "review/LesionTable.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/JsonFile.h"

#include <cmath>
#include <set>

namespace irplan::review {
namespace {

std::string lesionName(const std::string& table, size_t index, const std::string& id) {
    return table + ": lesion " + (id.empty() ? "#" + std::to_string(index + 1) : "'" + id + "'");
}

// A number field: absent or null -> empty; otherwise a finite number (>= 0 when nonNegative).
std::optional<double> number(const Json& lesion, const char* key, const std::string& where, bool nonNegative) {
    if (!lesion.contains(key) || lesion[key].is_null()) return std::nullopt;
    const Json& v = lesion[key];
    if (!v.is_number()) throw Error(where + ": \"" + key + "\" must be a number or null, not " + v.dump());
    const double x = v.get<double>();
    if (!std::isfinite(x)) throw Error(where + ": \"" + key + "\" is not a finite number");
    if (nonNegative && x < 0) throw Error(where + ": \"" + key + "\" is negative (" + v.dump() + ")");
    return x;
}

std::string text(const Json& lesion, const char* key, const std::string& where) {
    if (!lesion.contains(key) || lesion[key].is_null()) return "";
    const Json& v = lesion[key];
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    throw Error(where + ": \"" + key + "\" must be text or an integer, not " + v.dump());
}

} // namespace

LesionTable lesionTableFromJson(const Json& j, const std::string& name) {
    if (!j.is_object() || !j.contains("lesions") || !j["lesions"].is_array())
        throw Error(name + " is not a lesion table: it needs a \"lesions\" array");
    LesionTable t;
    t.name = name;
    std::set<std::string> ids;
    const Json& arr = j["lesions"];
    for (size_t i = 0; i < arr.size(); ++i) {
        const Json& l = arr[i];
        if (!l.is_object()) throw Error(name + ": lesion #" + std::to_string(i + 1) + " is not an object");
        LesionRecord r;
        r.id = text(l, "id", lesionName(name, i, ""));
        if (r.id.empty()) r.id = std::to_string(i + 1);
        const std::string where = lesionName(name, i, r.id);
        if (!ids.insert(r.id).second) throw Error(where + " appears twice");
        if (l.contains("centre_mm") && !l["centre_mm"].is_null()) {
            const Json& c = l["centre_mm"];
            if (!c.is_array() || c.size() != 3 || !c[0].is_number() || !c[1].is_number() || !c[2].is_number())
                throw Error(where + ": \"centre_mm\" must be [x, y, z] in mm");
            const Vec3 p{c[0].get<double>(), c[1].get<double>(), c[2].get<double>()};
            if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z))
                throw Error(where + ": \"centre_mm\" is not finite");
            r.centre_mm = p;
        }
        r.volume_ml = number(l, "volume_ml", where, true);
        r.longestAxialDiameter_mm = number(l, "longest_axial_diameter_mm", where, true);
        r.meanHu = number(l, "mean_hu", where, false);
        r.suvMax = number(l, "suv_max", where, true);
        r.suvPeak = number(l, "suv_peak", where, true);
        r.mtv_ml = number(l, "mtv_ml", where, true);
        r.tlg = number(l, "tlg", where, true);
        r.couinaudSegment = text(l, "couinaud_segment", where);
        r.source = text(l, "source", where);
        const std::string organ = text(l, "organ", where);
        if (!organ.empty()) r.organ = organ;
        t.lesions.push_back(std::move(r));
    }
    return t;
}

LesionTable readLesionTable(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error("no such lesion table: " + path.string());
    files::registerInput(path);
    const Json j = parseJsonFile(path);
    return lesionTableFromJson(j, path.string());
}

} // namespace irplan::review
