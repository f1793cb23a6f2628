#include "io/DicomTags.h"

#include <gdcmDataElement.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmTrace.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

namespace irplan::dicom {

std::string trim(const std::string& s) {
    const char* ws = " \t\r\n";
    std::string t = s;
    while (!t.empty() && (t.back() == '\0' || std::strchr(ws, t.back()))) t.pop_back();
    size_t b = 0;
    while (b < t.size() && std::strchr(ws, t[b])) ++b;
    return t.substr(b);
}

std::optional<std::string> getString(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
    if (!ds.FindDataElement(tag)) return std::nullopt;
    const gdcm::DataElement& de = ds.GetDataElement(tag);
    if (de.IsEmpty()) return std::nullopt;
    const gdcm::ByteValue* bv = de.GetByteValue();
    if (!bv || bv->GetLength() == 0) return std::nullopt;
    std::string s = trim(std::string(bv->GetPointer(), bv->GetLength()));
    if (s.empty()) return std::nullopt;
    return s;
}

std::vector<double> parseNumbers(const std::string& text) {
    std::vector<double> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, '\\')) {
        item = trim(item);
        if (item.empty()) return {};
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (end == item.c_str() || *end != '\0') return {};
        out.push_back(v);
    }
    return out;
}

std::optional<double> getNumber(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
    auto s = getString(ds, tag);
    if (!s) return std::nullopt;
    auto v = parseNumbers(*s);
    if (v.empty()) return std::nullopt;
    return v.front();
}

std::optional<std::vector<double>> getNumbers(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
    auto s = getString(ds, tag);
    if (!s) return std::nullopt;
    auto v = parseNumbers(*s);
    if (v.empty()) return std::nullopt;
    return v;
}

std::vector<gdcm::DataSet> items(const gdcm::DataSet& ds, const gdcm::Tag& sequenceTag) {
    std::vector<gdcm::DataSet> out;
    if (!ds.FindDataElement(sequenceTag)) return out;
    const gdcm::DataElement& de = ds.GetDataElement(sequenceTag);
    gdcm::SmartPointer<gdcm::SequenceOfItems> sq = de.GetValueAsSQ();
    if (!sq) return out;
    for (gdcm::SequenceOfItems::SizeType i = 1; i <= sq->GetNumberOfItems(); ++i)
        out.push_back(sq->GetItem(i).GetNestedDataSet());
    return out;
}

std::optional<gdcm::DataSet> firstItem(const gdcm::DataSet& ds, const gdcm::Tag& sequenceTag) {
    auto all = items(ds, sequenceTag);
    if (all.empty()) return std::nullopt;
    return all.front();
}

void quietGdcm() {
    gdcm::Trace::SetDebug(false);
    gdcm::Trace::SetWarning(false);
    gdcm::Trace::SetError(false);
}

} // namespace irplan::dicom
