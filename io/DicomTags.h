#pragma once
// Small helpers over GDCM data sets (internal to io/). Values come back trimmed
// of DICOM padding; a missing or empty element is std::nullopt.
#include <gdcmDataSet.h>
#include <gdcmTag.h>

#include <optional>
#include <string>
#include <vector>

namespace irplan::dicom {

std::string trim(const std::string& s);
std::optional<std::string> getString(const gdcm::DataSet& ds, const gdcm::Tag& tag);
std::optional<double> getNumber(const gdcm::DataSet& ds, const gdcm::Tag& tag);
// Backslash-separated numbers (DS/IS with VM > 1).
std::vector<double> parseNumbers(const std::string& text);
std::optional<std::vector<double>> getNumbers(const gdcm::DataSet& ds, const gdcm::Tag& tag);
// Copy of the first item of a sequence (GDCM may decode an implicit-VR
// sequence into a temporary, so a pointer into it would dangle).
std::optional<gdcm::DataSet> firstItem(const gdcm::DataSet& ds, const gdcm::Tag& sequenceTag);
// Copies of every item of a sequence.
std::vector<gdcm::DataSet> items(const gdcm::DataSet& ds, const gdcm::Tag& sequenceTag);
// Silences GDCM's own stderr chatter (IRPlan reports problems itself).
void quietGdcm();

} // namespace irplan::dicom
