#pragma once
// Internal: elastix parameter files and transform parameter files, the
// "(Key value value ...)" text format with // comments. Comments and the order
// of lines are kept, so a preset written for a run reads like the asset it came from.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace irplan::registration::detail {

struct ParameterValue {
    std::string text;
    bool quoted = false; // strings are written in double quotes, numbers bare
};

class ParameterFile {
public:
    ParameterFile() = default;
    // Throws irplan::Error naming `origin` and the line when a line is malformed.
    static ParameterFile parse(const std::string& text, const std::string& origin);
    static ParameterFile read(const std::filesystem::path& path);

    bool has(const std::string& key) const;
    std::vector<ParameterValue> values(const std::string& key) const;
    // The first value as text; `fallback` when the key is absent.
    std::string get(const std::string& key, const std::string& fallback = {}) const;
    // Every value as a number; throws irplan::Error naming the key when one is not.
    std::vector<double> numbers(const std::string& key) const;
    std::optional<double> number(const std::string& key) const;

    // Replaces the key's line, or appends one.
    void set(const std::string& key, const std::vector<ParameterValue>& values);
    void setString(const std::string& key, const std::string& value) { set(key, {{value, true}}); }
    void setNumbers(const std::string& key, const std::vector<double>& values);
    void setNumber(const std::string& key, double value) { setNumbers(key, {value}); }
    void setIntegers(const std::string& key, const std::vector<long>& values);
    void remove(const std::string& key);

    std::string text() const;
    void write(const std::filesystem::path& path) const; // atomic

private:
    struct Line {
        std::string raw; // comment or blank line (key empty)
        std::string key;
        std::vector<ParameterValue> values;
    };
    std::vector<Line> lines_;
};

// Numbers written with enough digits to survive a round trip.
std::string formatNumber(double v);

} // namespace irplan::registration::detail
