#pragma once
// Which follow-up lesion is which baseline lesion. Tables from two scans come
// from independent segmentations, so their ids do not correspond: lesions are
// paired by centre distance (closest pairs first, each lesion used once)
// within a tolerance. The centres must be in one frame of reference (the
// follow-up table computed on the registered follow-up, or mapped onto the
// baseline); with tracked ids, pair by id instead.
#include "review/LesionTable.h"

#include <optional>
#include <vector>

namespace irplan::review {

struct LesionPair {
    std::optional<size_t> baseline; // index into the baseline table
    std::optional<size_t> followup; // index into the follow-up table
    double distance_mm = -1;        // centre distance when both are present and have centres
};

struct MatchOptions {
    bool byId = false;
    // 15 mm: a breath-hold difference moves the liver 5-12 mm (DOMAIN.md,
    // PET/CT breathing) and a registered follow-up keeps lesions within a few mm.
    double tolerance_mm = 15.0;
};

struct LesionMatching {
    std::vector<LesionPair> pairs; // every lesion of both tables appears exactly once
    // Baseline lesion i -> its follow-up lesion (or empty when it disappeared).
    std::vector<std::optional<size_t>> followupOf;
    std::vector<size_t> newLesions; // follow-up lesions with no baseline lesion
};

// Throws irplan::Error when pairing by position and a lesion has no centre.
LesionMatching matchLesions(const LesionTable& baseline, const LesionTable& followup, const MatchOptions& options);

} // namespace irplan::review
