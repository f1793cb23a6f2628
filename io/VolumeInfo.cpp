#include "io/VolumeInfo.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace irplan {

ValueRange valueRange(const FloatImage* image) {
    const float* p = image->GetBufferPointer();
    const size_t n = image->GetBufferedRegion().GetNumberOfPixels();
    ValueRange r{std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
    for (size_t i = 0; i < n; ++i) {
        if (!std::isfinite(p[i])) continue;
        r.min = std::min(r.min, static_cast<double>(p[i]));
        r.max = std::max(r.max, static_cast<double>(p[i]));
    }
    return r;
}

std::string axisCodes(const FloatImage::DirectionType& d) {
    std::string codes;
    const char pos[3] = {'L', 'P', 'S'}, neg[3] = {'R', 'A', 'I'};
    for (int c = 0; c < 3; ++c) {
        int best = 0;
        for (int r = 1; r < 3; ++r)
            if (std::abs(d(r, c)) > std::abs(d(best, c))) best = r;
        char code = d(best, c) >= 0 ? pos[best] : neg[best];
        if (std::abs(d(best, c)) < 0.9999) code = static_cast<char>(std::tolower(code));
        codes += code;
    }
    return codes;
}

Json suvJson(const SuvInfo& s) {
    Json j;
    j["available"] = s.available;
    if (!s.available) {
        j["reason"] = s.reason;
        return j;
    }
    j["factor"] = s.factor;
    j["already_suv"] = s.alreadySuv;
    if (!s.alreadySuv) {
        j["decay_correction"] = s.decayCorrection;
        j["decay_seconds"] = s.decaySeconds;
        j["dose_bq"] = s.injectedDoseBq;
        j["decayed_dose_bq"] = s.decayedDoseBq;
        j["half_life_s"] = s.halfLifeSeconds;
        if (!s.injectionDateTime.empty()) j["injection_time"] = s.injectionDateTime;
        if (!s.scanDateTime.empty()) j["scan_time"] = s.scanDateTime;
        if (!s.radionuclide.empty()) j["radionuclide"] = s.radionuclide;
    }
    if (s.weightKg > 0) j["weight_kg"] = s.weightKg;
    if (s.sulAvailable) {
        j["sul_factor"] = s.sulFactor;
        j["lean_body_mass_kg"] = s.leanBodyMassKg;
        j["height_m"] = s.heightM;
        j["sex"] = s.sex;
    } else if (!s.sulReason.empty()) {
        j["sul_unavailable"] = s.sulReason;
    }
    if (!s.warning.empty()) j["warning"] = s.warning;
    return j;
}

Json volumeInfoJson(const Volume& v) {
    const FloatImage* img = v.image;
    const auto size = img->GetLargestPossibleRegion().GetSize();
    Json j;
    j["path"] = v.meta.sourcePath;
    j["format"] = v.meta.format;
    j["modality"] = v.meta.modality.empty() ? "unknown" : v.meta.modality;
    j["size"] = {size[0], size[1], size[2]};
    j["spacing_mm"] = {img->GetSpacing()[0], img->GetSpacing()[1], img->GetSpacing()[2]};
    j["origin_mm"] = {img->GetOrigin()[0], img->GetOrigin()[1], img->GetOrigin()[2]};
    Json dir = Json::array();
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) dir.push_back(img->GetDirection()(r, c));
    j["direction"] = dir;
    j["axis_codes"] = axisCodes(img->GetDirection());
    j["units"] = unitsName(v.meta.units);
    const ValueRange range = valueRange(img);
    j["min"] = range.min;
    j["max"] = range.max;
    SuvInfo suv = v.meta.suv;
    if (!suv.available && suv.reason.empty())
        suv.reason = "SUV applies to PET and SPECT activity images; this is " +
                     (v.meta.modality.empty() ? std::string("not one") : v.meta.modality);
    j["suv"] = suvJson(suv);
    if (v.meta.suv.available) j["max_suv"] = range.max * v.meta.suv.factor;
    if (!v.meta.seriesInstanceUid.empty()) j["series_uid"] = v.meta.seriesInstanceUid;
    if (!v.meta.seriesDescription.empty()) j["series_description"] = v.meta.seriesDescription;
    if (!v.meta.frameOfReferenceUid.empty()) j["frame_of_reference_uid"] = v.meta.frameOfReferenceUid;
    if (!v.meta.contrastAgent.empty()) j["contrast_agent"] = v.meta.contrastAgent;
    j["warnings"] = v.meta.warnings;
    return j;
}

} // namespace irplan
