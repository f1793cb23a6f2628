#pragma once
// Internal to io/: DCMTK set-up shared by the SEG and RTSTRUCT exports.
#include "core/Error.h"

#include <dcmtk/ofstd/ofcond.h>
#include <string>

namespace irplan::dcmtk {

// Silences DCMTK's logger (IRPlan reports problems itself) and checks that the
// DICOM data dictionary is loaded. Throws irplan::Error when it is not.
void prepare();

// Throws irplan::Error("<what>: <DCMTK's reason>") when `c` is bad.
inline void check(const OFCondition& c, const std::string& what) {
    if (c.bad()) throw Error(what + ": " + c.text());
}

// A date and time for DICOM DA/TM (local time now).
std::string today();
std::string now();

// A deterministic UID for an export: the same inputs give the same UID, other
// content another one.
std::string exportUid(const std::string& kind, const std::string& seriesUid, const void* data, size_t bytes,
                      const std::string& extra);

} // namespace irplan::dcmtk
