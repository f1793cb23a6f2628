#include "io/Suv.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace irplan {
namespace {

bool allDigits(const std::string& s) {
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return !s.empty();
}

// Days from 1970-01-01 to y-m-d (proleptic Gregorian), H. Hinnant's algorithm.
long daysFromCivil(int y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long>(doe) - 719468;
}

std::optional<double> parseDate(std::string s) {
    std::string digits;
    for (char c : s)
        if (c != '.' && c != '-' && c != ' ') digits += c;
    if (digits.size() != 8 || !allDigits(digits)) return std::nullopt;
    const int y = std::stoi(digits.substr(0, 4));
    const unsigned m = static_cast<unsigned>(std::stoi(digits.substr(4, 2)));
    const unsigned d = static_cast<unsigned>(std::stoi(digits.substr(6, 2)));
    if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    return static_cast<double>(daysFromCivil(y, m, d)) * 86400.0;
}

std::optional<double> parseTime(std::string s) {
    std::string t;
    for (char c : s)
        if (c != ':' && c != ' ') t += c;
    std::string frac;
    if (auto dot = t.find('.'); dot != std::string::npos) {
        frac = t.substr(dot);
        t = t.substr(0, dot);
    }
    if (t.size() < 2 || t.size() > 6 || t.size() % 2 || !allDigits(t)) return std::nullopt;
    const int hh = std::stoi(t.substr(0, 2));
    const int mm = t.size() >= 4 ? std::stoi(t.substr(2, 2)) : 0;
    const int ss = t.size() >= 6 ? std::stoi(t.substr(4, 2)) : 0;
    if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
    double f = 0;
    if (frac.size() > 1) {
        if (!allDigits(frac.substr(1))) return std::nullopt;
        f = std::stod("0" + frac);
    }
    return hh * 3600.0 + mm * 60.0 + ss + f;
}

std::string fmt(double v, int precision = 6) {
    std::ostringstream s;
    s.precision(precision);
    s << v;
    return s.str();
}

} // namespace

std::optional<double> dicomDateTimeSeconds(const std::string& date, const std::string& time) {
    auto t = parseTime(time);
    if (!t) return std::nullopt;
    if (date.empty()) return *t;
    auto d = parseDate(date);
    if (!d) return std::nullopt;
    return *d + *t;
}

std::optional<double> dicomDateTimeSeconds(const std::string& dtIn) {
    std::string dt = dtIn;
    // Drop a UTC offset (&ZZXX); both times of one study share it.
    if (auto p = dt.find_first_of("+-", 8); p != std::string::npos) dt = dt.substr(0, p);
    if (dt.size() < 10) return std::nullopt;
    return dicomDateTimeSeconds(dt.substr(0, 8), dt.substr(8));
}

std::string formatSeconds(double s) {
    const long total = static_cast<long>(std::floor(s));
    long days = total / 86400;
    long rem = total % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    // civil from days (Hinnant)
    long z = days + 719468;
    const long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = static_cast<long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04ld-%02u-%02u %02ld:%02ld:%02ld", y, m, d, rem / 3600, (rem / 60) % 60,
                  rem % 60);
    return buf;
}

double leanBodyMassKg(double weightKg, double heightM, const std::string& sex) {
    const double bmi = weightKg / (heightM * heightM);
    if (sex == "M") return 9270.0 * weightKg / (6680.0 + 216.0 * bmi);
    return 9270.0 * weightKg / (8780.0 + 244.0 * bmi);
}

namespace {

void addSul(SuvInfo& info, const PetTags& tags) {
    if (!tags.heightM || *tags.heightM <= 0) {
        info.sulReason = "PatientSize (0010,1020) is missing: SUL (lean body mass) cannot be computed";
        return;
    }
    if (*tags.heightM > 3.0) {
        info.sulReason = "PatientSize (0010,1020) is " + fmt(*tags.heightM) +
                         ", which is not a height in metres: SUL cannot be computed";
        return;
    }
    const std::string sex = tags.sex.value_or("");
    if (sex != "M" && sex != "F") {
        info.sulReason = "PatientSex (0010,0040) is not M or F: SUL (lean body mass) cannot be computed";
        return;
    }
    info.heightM = *tags.heightM;
    info.sex = sex;
    info.leanBodyMassKg = leanBodyMassKg(info.weightKg, info.heightM, sex);
    // SUL = C * LBM / decayed dose; for stored SUVbw values SUL = SUVbw * LBM / weight.
    info.sulFactor = info.alreadySuv ? info.leanBodyMassKg / info.weightKg
                                     : info.leanBodyMassKg * 1000.0 / info.decayedDoseBq;
    info.sulAvailable = true;
}

} // namespace

SuvInfo computeSuv(const PetTags& tags) {
    SuvInfo info;
    auto fail = [&](const std::string& why) {
        info.available = false;
        info.reason = why;
        return info;
    };
    const std::string tail = ": SUV cannot be computed; showing the stored values";
    if (!tags.units) return fail("PET series lacks Units (0054,1001)" + tail);
    const std::string units = *tags.units;

    if (units == "GML") {
        const std::string type = tags.suvType.value_or("BW");
        if (type != "BW")
            return fail("stored values are SUV of type " + type +
                        " (SUVType (0054,1006)), not body-weight SUV; shown as stored");
        info.available = true;
        info.alreadySuv = true;
        info.factor = 1.0;
        info.decayCorrection = tags.decayCorrection.value_or("");
        if (tags.weightKg && *tags.weightKg > 0) {
            info.weightKg = *tags.weightKg;
            addSul(info, tags);
        } else {
            info.sulReason = "PatientWeight (0010,1030) is missing: SUL cannot be derived from SUVbw";
        }
        return info;
    }
    if (units != "BQML")
        return fail("Units (0054,1001) is " + units + ", not BQML (activity concentration)" + tail);

    if (!tags.decayCorrection) return fail("PET series lacks DecayCorrection (0054,1102)" + tail);
    const std::string decay = *tags.decayCorrection;
    if (decay != "START" && decay != "ADMIN")
        return fail("DecayCorrection (0054,1102) is " + decay +
                    "; only START and ADMIN are supported" + tail);
    info.decayCorrection = decay;

    if (!tags.totalDoseBq) return fail("PET series lacks RadionuclideTotalDose (0018,1074)" + tail);
    if (*tags.totalDoseBq < 1e6)
        return fail("RadionuclideTotalDose (0018,1074) is " + fmt(*tags.totalDoseBq) +
                    " Bq, implausibly small for a patient (MBq stored instead of Bq?)" + tail);
    info.injectedDoseBq = *tags.totalDoseBq;

    if (!tags.weightKg || *tags.weightKg <= 0) return fail("PET series lacks PatientWeight (0010,1030)" + tail);
    if (*tags.weightKg > 500)
        return fail("PatientWeight (0010,1030) is " + fmt(*tags.weightKg) +
                    " kg, implausible (grams stored instead of kg?)" + tail);
    info.weightKg = *tags.weightKg;
    if (tags.radionuclide) info.radionuclide = *tags.radionuclide;

    // Injection time: StartDateTime if present, else StartTime on the series date.
    std::optional<double> injection;
    bool injectionHasDate = false;
    bool injectionDateAssumed = false; // StartTime put on the scan's date
    if (tags.startDateTime) {
        injection = dicomDateTimeSeconds(*tags.startDateTime);
        injectionHasDate = injection.has_value();
    }
    if (!injection && tags.startTime) {
        const std::string date = tags.seriesDate.value_or(tags.acquisitionDate.value_or(""));
        injection = dicomDateTimeSeconds(date, *tags.startTime);
        injectionHasDate = injection.has_value() && !date.empty();
        injectionDateAssumed = injectionHasDate;
    }
    if (injectionHasDate && !tags.seriesDate && !tags.acquisitionDate) {
        // A dated injection but an undated scan: compare the times of day.
        *injection = std::fmod(*injection, 86400.0);
        injectionHasDate = false;
    }

    if (decay == "ADMIN") {
        // Already decay-corrected to the administration time: no further decay.
        info.decaySeconds = 0;
        info.decayedDoseBq = info.injectedDoseBq;
        if (injection) info.injectionDateTime = formatSeconds(*injection);
    } else {
        if (!injection)
            return fail("PET series lacks RadiopharmaceuticalStartTime (0018,1072) and "
                        "RadiopharmaceuticalStartDateTime (0018,1078)" + tail);
        if (!tags.halfLifeSeconds || *tags.halfLifeSeconds <= 0)
            return fail("PET series lacks RadionuclideHalfLife (0018,1075)" + tail);
        info.halfLifeSeconds = *tags.halfLifeSeconds;

        // Scan start: SeriesDate/Time unless the series time lies after the
        // earliest acquisition (post-processing reset it), then the acquisition.
        std::optional<double> series, acquisition;
        const bool dated = injectionHasDate;
        if (tags.seriesTime)
            series = dicomDateTimeSeconds(dated ? tags.seriesDate.value_or("") : "", *tags.seriesTime);
        if (tags.acquisitionTime)
            acquisition = dicomDateTimeSeconds(
                dated ? tags.acquisitionDate.value_or(tags.seriesDate.value_or("")) : "", *tags.acquisitionTime);
        if (dated && series && tags.seriesDate.value_or("").empty()) series.reset();
        std::optional<double> scan = series;
        if (series && acquisition && *acquisition < *series) {
            scan = acquisition;
            info.warning = "SeriesTime is later than the earliest AcquisitionTime; the decay is computed to "
                           "the acquisition start";
        }
        if (!scan && acquisition) scan = acquisition;
        if (!scan) return fail("PET series lacks SeriesTime (0008,0031) and AcquisitionTime (0008,0032)" + tail);

        double dt = *scan - *injection;
        if ((!dated || injectionDateAssumed) && dt < 0 && dt > -86400) {
            // Injection before midnight, scan after, and no injection date to say so
            // (StartTime alone is only assumed to fall on the series date).
            dt += 86400;
            *injection -= 86400;
            info.warning = "injection time is later than the scan time and the injection has no date; assuming "
                           "the injection was on the previous day";
        }
        if (dt < 0)
            return fail("the injection time (" + formatSeconds(*injection) + ") is after the scan start (" +
                        formatSeconds(*scan) + ")" + tail);
        if (dt > 10 * info.halfLifeSeconds)
            return fail("the scan started " + fmt(dt / 3600.0, 4) + " h after injection, more than 10 half-lives" +
                        tail);
        info.decaySeconds = dt;
        info.injectionDateTime = formatSeconds(*injection);
        info.scanDateTime = formatSeconds(*scan);
        info.decayedDoseBq = info.injectedDoseBq * std::exp(-std::log(2.0) * dt / info.halfLifeSeconds);
    }
    info.factor = info.weightKg * 1000.0 / info.decayedDoseBq;
    info.available = true;
    addSul(info, tags);
    return info;
}

} // namespace irplan
