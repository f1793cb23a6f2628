#include "registration/detail/ParameterFile.h"

#include "core/Error.h"
#include "core/Files.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace irplan::registration::detail {

std::string formatNumber(double v) {
    if (std::isfinite(v) && v == std::round(v) && std::abs(v) < 1e15) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", v);
        return buf;
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

ParameterFile ParameterFile::parse(const std::string& text, const std::string& origin) {
    ParameterFile f;
    std::istringstream in(text);
    std::string raw;
    int lineNo = 0;
    while (std::getline(in, raw)) {
        ++lineNo;
        if (!raw.empty() && raw.back() == '\r') raw.pop_back();
        size_t i = 0;
        while (i < raw.size() && std::isspace(static_cast<unsigned char>(raw[i]))) ++i;
        if (i == raw.size() || raw.compare(i, 2, "//") == 0) {
            f.lines_.push_back({raw, {}, {}});
            continue;
        }
        auto bad = [&](const std::string& why) {
            return Error(origin + " line " + std::to_string(lineNo) + ": " + why + ": " + raw);
        };
        if (raw[i] != '(') throw bad("expected (Key value ...)");
        ++i;
        Line line;
        // key
        const size_t keyStart = i;
        while (i < raw.size() && !std::isspace(static_cast<unsigned char>(raw[i])) && raw[i] != ')') ++i;
        line.key = raw.substr(keyStart, i - keyStart);
        if (line.key.empty()) throw bad("missing parameter name");
        bool closed = false;
        while (i < raw.size()) {
            const char c = raw[i];
            if (std::isspace(static_cast<unsigned char>(c))) {
                ++i;
            } else if (c == ')') {
                closed = true;
                ++i;
                break;
            } else if (c == '"') {
                const size_t end = raw.find('"', i + 1);
                if (end == std::string::npos) throw bad("unterminated string");
                line.values.push_back({raw.substr(i + 1, end - i - 1), true});
                i = end + 1;
            } else {
                const size_t start = i;
                while (i < raw.size() && !std::isspace(static_cast<unsigned char>(raw[i])) && raw[i] != ')') ++i;
                line.values.push_back({raw.substr(start, i - start), false});
            }
        }
        if (!closed) throw bad("missing )");
        line.raw = raw;
        f.lines_.push_back(std::move(line));
    }
    return f;
}

ParameterFile ParameterFile::read(const std::filesystem::path& path) {
    return parse(files::readText(path), path.string());
}

bool ParameterFile::has(const std::string& key) const {
    return std::any_of(lines_.begin(), lines_.end(), [&](const Line& l) { return l.key == key; });
}

std::vector<ParameterValue> ParameterFile::values(const std::string& key) const {
    for (const auto& l : lines_)
        if (l.key == key) return l.values;
    return {};
}

std::string ParameterFile::get(const std::string& key, const std::string& fallback) const {
    for (const auto& l : lines_)
        if (l.key == key) return l.values.empty() ? std::string() : l.values.front().text;
    return fallback;
}

std::vector<double> ParameterFile::numbers(const std::string& key) const {
    std::vector<double> out;
    for (const auto& v : values(key)) {
        char* end = nullptr;
        const double d = std::strtod(v.text.c_str(), &end);
        if (v.text.empty() || *end != '\0' || !std::isfinite(d))
            throw Error("elastix parameter (" + key + ") holds '" + v.text + "', not a number");
        out.push_back(d);
    }
    return out;
}

std::optional<double> ParameterFile::number(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    const auto n = numbers(key);
    if (n.empty()) return std::nullopt;
    return n.front();
}

void ParameterFile::set(const std::string& key, const std::vector<ParameterValue>& values) {
    for (auto& l : lines_)
        if (l.key == key) {
            l.values = values;
            l.raw.clear();
            return;
        }
    lines_.push_back({{}, key, values});
}

void ParameterFile::setNumbers(const std::string& key, const std::vector<double>& values) {
    std::vector<ParameterValue> v;
    for (double d : values) v.push_back({formatNumber(d), false});
    set(key, v);
}

void ParameterFile::setIntegers(const std::string& key, const std::vector<long>& values) {
    std::vector<ParameterValue> v;
    for (long d : values) v.push_back({std::to_string(d), false});
    set(key, v);
}

void ParameterFile::remove(const std::string& key) {
    lines_.erase(std::remove_if(lines_.begin(), lines_.end(), [&](const Line& l) { return l.key == key; }),
                 lines_.end());
}

std::string ParameterFile::text() const {
    std::string out;
    for (const auto& l : lines_) {
        if (l.key.empty() || !l.raw.empty()) {
            out += l.raw;
        } else {
            out += "(" + l.key;
            for (const auto& v : l.values) out += v.quoted ? " \"" + v.text + "\"" : " " + v.text;
            out += ")";
        }
        out += "\n";
    }
    return out;
}

void ParameterFile::write(const std::filesystem::path& path) const { files::writeTextAtomic(path, text()); }

} // namespace irplan::registration::detail
