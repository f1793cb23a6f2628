#include "segmentation/LesionTable.h"

#include "core/Error.h"
#include "core/JsonFile.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace irplan::seg {

namespace {

struct Box {
    long lo[3] = {1L << 40, 1L << 40, 1L << 40};
    long hi[3] = {-1, -1, -1};
};

Region grown(const Box& b, const itk::ImageBase<3>* grid, double margin_mm) {
    const auto n = dims(grid);
    Region r;
    Region::IndexType start;
    Region::SizeType size;
    for (unsigned a = 0; a < 3; ++a) {
        const long g = static_cast<long>(std::ceil(margin_mm / grid->GetSpacing()[a]));
        const long s = std::max(0L, b.lo[a] - g), e = std::min(long(n[a]) - 1, b.hi[a] + g);
        start[a] = s;
        size[a] = static_cast<size_t>(e - s + 1);
    }
    r.SetIndex(start);
    r.SetSize(size);
    return r;
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }

// 2D convex hull (Andrew's monotone chain) of points; returns hull vertices.
std::vector<std::pair<double, double>> hull(std::vector<std::pair<double, double>> p) {
    std::sort(p.begin(), p.end());
    p.erase(std::unique(p.begin(), p.end()), p.end());
    if (p.size() < 3) return p;
    auto crossz = [](const std::pair<double, double>& o, const std::pair<double, double>& a, const std::pair<double, double>& b) {
        return (a.first - o.first) * (b.second - o.second) - (a.second - o.second) * (b.first - o.first);
    };
    std::vector<std::pair<double, double>> h(2 * p.size());
    size_t k = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        while (k >= 2 && crossz(h[k - 2], h[k - 1], p[i]) <= 0) --k;
        h[k++] = p[i];
    }
    for (size_t i = p.size() - 1, t = k + 1; i > 0; --i) {
        while (k >= t && crossz(h[k - 2], h[k - 1], p[i - 1]) <= 0) --k;
        h[k++] = p[i - 1];
    }
    h.resize(k - 1);
    return h;
}

} // namespace

double longestAxialDiameter(const MaskImage* mask) {
    const auto n = dims(mask);
    const int az = voxelAxisClosestTo(mask, 2);
    const int a0 = az == 0 ? 1 : 0, a1 = az == 2 ? 1 : 2;
    const double s0 = mask->GetSpacing()[static_cast<unsigned>(a0)], s1 = mask->GetSpacing()[static_cast<unsigned>(a1)];
    const auto* m = mask->GetBufferPointer();
    double best = 0;
    size_t idx[3];
    for (size_t z = 0; z < n[static_cast<size_t>(az)]; ++z) {
        // Pixel corners of the section (edge-to-edge measurement).
        std::vector<std::pair<double, double>> pts;
        idx[az] = z;
        for (size_t v = 0; v < n[static_cast<size_t>(a1)]; ++v)
            for (size_t u = 0; u < n[static_cast<size_t>(a0)]; ++u) {
                idx[a0] = u;
                idx[a1] = v;
                if (!m[linearIndex(n, idx[0], idx[1], idx[2])]) continue;
                for (int c = 0; c < 4; ++c)
                    pts.emplace_back((double(u) + ((c & 1) ? 0.5 : -0.5)) * s0, (double(v) + ((c & 2) ? 0.5 : -0.5)) * s1);
            }
        if (pts.empty()) continue;
        const auto h = hull(pts);
        for (size_t i = 0; i < h.size(); ++i)
            for (size_t j = i + 1; j < h.size(); ++j)
                best = std::max(best, std::hypot(h[i].first - h[j].first, h[i].second - h[j].second));
    }
    // The extreme pixel corners of a digitised round section lie about 0.8 of
    // a pixel diagonal beyond its true diameter (measured on digitised spheres
    // of 10-34 mm on 0.78-1.5 mm pixels, LesionTableTest).
    return std::max(0.0, best - 0.8 * std::hypot(s0, s1));
}

double peakInSphere(const FloatImage* image, const MaskImage* mask, double volume_ml) {
    const auto n = dims(image);
    const auto& sp = image->GetSpacing();
    const double r = std::cbrt(3.0 * volume_ml * 1000.0 / (4.0 * M_PI)); // 6.2 mm for 1 mL
    std::vector<std::array<long, 3>> offsets;
    const long R[3] = {long(std::ceil(r / sp[0])), long(std::ceil(r / sp[1])), long(std::ceil(r / sp[2]))};
    for (long z = -R[2]; z <= R[2]; ++z)
        for (long y = -R[1]; y <= R[1]; ++y)
            for (long x = -R[0]; x <= R[0]; ++x)
                if (std::pow(x * sp[0], 2) + std::pow(y * sp[1], 2) + std::pow(z * sp[2], 2) <= r * r) offsets.push_back({x, y, z});
    const float* v = image->GetBufferPointer();
    const auto* m = mask->GetBufferPointer();
    // Centres worth trying: voxels of the mask within 30% of its maximum.
    float vmax = -1e30f;
    const size_t total = n[0] * n[1] * n[2];
    for (size_t i = 0; i < total; ++i)
        if (m[i]) vmax = std::max(vmax, v[i]);
    if (vmax <= -1e30f) return 0;
    double best = -1e300;
    for (size_t i = 0; i < total; ++i) {
        if (!m[i] || v[i] < 0.7f * vmax) continue;
        const long ci = long(i % n[0]), cj = long((i / n[0]) % n[1]), ck = long(i / (n[0] * n[1]));
        double sum = 0;
        size_t cnt = 0;
        for (const auto& o : offsets) {
            const long x = ci + o[0], y = cj + o[1], z = ck + o[2];
            if (x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
            sum += v[linearIndex(n, size_t(x), size_t(y), size_t(z))];
            ++cnt;
        }
        if (cnt) best = std::max(best, sum / double(cnt));
    }
    return best;
}

std::vector<LesionMeasurement> measureLesions(const LabelImage* labels, const std::vector<std::string>& sources,
                                              const LesionMeasureInputs& in) {
    const auto n = dims(labels);
    const auto* lab = labels->GetBufferPointer();
    std::map<int, Box> boxes;
    for (size_t k = 0, i = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t x = 0; x < n[0]; ++x, ++i) {
                if (!lab[i]) continue;
                Box& b = boxes[lab[i]];
                const long c[3] = {long(x), long(j), long(k)};
                for (int a = 0; a < 3; ++a) {
                    b.lo[a] = std::min(b.lo[a], c[a]);
                    b.hi[a] = std::max(b.hi[a], c[a]);
                }
            }
    if (in.ct && !sameGrid(in.ct->image, labels)) throw Error("lesion table: the CT is not on the label map's grid");
    if (in.pet && !sameGrid(in.pet->image, labels)) throw Error("lesion table: the PET is not on the label map's grid");
    const double voxelMl = voxelVolume_mm3(labels) / 1000.0;
    std::vector<LesionMeasurement> out;
    for (const auto& [id, box] : boxes) {
        LesionMeasurement m;
        m.id = id;
        m.source = id - 1 < int(sources.size()) ? sources[static_cast<size_t>(id - 1)] : "";
        const Region region = grown(box, labels, in.pet ? 16.0 : 1.0);
        auto sub = crop(labels, region);
        auto mask = newMask(sub);
        const auto* sl = sub->GetBufferPointer();
        auto* mk = mask->GetBufferPointer();
        const size_t total = sub->GetBufferedRegion().GetNumberOfPixels();
        size_t count = 0;
        Vec3 centre;
        const auto ns = dims(sub);
        for (size_t i = 0; i < total; ++i) {
            mk[i] = sl[i] == id;
            if (!mk[i]) continue;
            ++count;
            centre += indexToPoint(sub, {double(i % ns[0]), double((i / ns[0]) % ns[1]), double(i / (ns[0] * ns[1]))});
        }
        m.centre_mm = centre / double(count);
        m.volume_ml = double(count) * voxelMl;
        m.equivalentDiameter_mm = std::cbrt(6.0 * m.volume_ml * 1000.0 / M_PI);
        m.longestAxialDiameter_mm = longestAxialDiameter(mask);
        if (in.ct) {
            auto ct = crop(in.ct->image.GetPointer(), region);
            const float* c = ct->GetBufferPointer();
            double s = 0;
            for (size_t i = 0; i < total; ++i)
                if (mk[i]) s += c[i];
            if (in.ct->meta.units == Units::HU || in.ct->meta.modality == "CT") m.meanHu = s / double(count);
            else m.meanSignal = s / double(count);
        }
        if (in.pet) {
            auto pet = crop(in.pet->image.GetPointer(), region);
            const float* p = pet->GetBufferPointer();
            m.petUnits = unitsName(in.pet->meta.units);
            double vmax = -1e300, s = 0;
            size_t at = 0;
            for (size_t i = 0; i < total; ++i)
                if (mk[i]) {
                    s += p[i];
                    if (p[i] > vmax) {
                        vmax = p[i];
                        at = i;
                    }
                }
            m.petMax = vmax;
            m.petMean = s / double(count);
            m.petPeak = peakInSphere(pet, mask);
            // MTV: from the lesion's hottest voxel, the connected voxels above
            // background + fraction x (max - background), within 10 mm of the lesion.
            double bg = in.petBackground;
            if (!(bg > 0)) {
                // Local background: the shell 10-15 mm around the lesion.
                auto outer = dilate(mask, 15.0), inner = dilate(mask, 10.0);
                std::vector<float> shell;
                for (size_t i = 0; i < total; ++i)
                    if (outer->GetBufferPointer()[i] && !inner->GetBufferPointer()[i]) shell.push_back(p[i]);
                bg = robustStats(shell).median;
            }
            const double level = bg + in.petFraction * (vmax - bg);
            auto near = dilate(mask, 10.0);
            auto hot = newMask(sub);
            auto* h = hot->GetBufferPointer();
            for (size_t i = 0; i < total; ++i) h[i] = near->GetBufferPointer()[i] && p[i] >= level;
            auto region3 = componentAt(hot, {long(at % ns[0]), long((at / ns[0]) % ns[1]), long(at / (ns[0] * ns[1]))}, true);
            double mtvSum = 0;
            size_t mtvCount = 0;
            for (size_t i = 0; i < total; ++i)
                if (region3->GetBufferPointer()[i]) {
                    mtvSum += p[i];
                    ++mtvCount;
                }
            m.petThreshold = level;
            m.mtv_ml = double(mtvCount) * voxelMl;
            if (mtvCount) m.totalUptake = *m.mtv_ml * (mtvSum / double(mtvCount));
        }
        out.push_back(m);
    }
    return out;
}

Json lesionJson(const LesionMeasurement& m) {
    Json j;
    j["id"] = m.id;
    j["source"] = m.source;
    j["appearance"] = m.appearance.empty() ? Json() : Json(m.appearance);
    j["phase"] = m.phase.empty() ? Json() : Json(m.phase);
    j["confidence"] = m.confidence ? Json(std::round(*m.confidence * 100.0) / 100.0) : Json();
    j["status"] = m.status.empty() ? Json("target") : Json(m.status);
    if (!m.evidence.empty()) j["evidence"] = m.evidence;
    j["centre_mm"] = {round2(m.centre_mm.x), round2(m.centre_mm.y), round2(m.centre_mm.z)};
    j["volume_ml"] = std::round(m.volume_ml * 1000.0) / 1000.0;
    j["longest_axial_diameter_mm"] = round2(m.longestAxialDiameter_mm);
    j["equivalent_diameter_mm"] = round2(m.equivalentDiameter_mm);
    j["mean_hu"] = m.meanHu ? Json(round2(*m.meanHu)) : Json();
    if (m.meanSignal) j["mean_signal"] = round2(*m.meanSignal);
    const bool suv = m.petUnits == "SUVbw";
    auto opt = [](const std::optional<double>& v) { return v ? Json(round2(*v)) : Json(); };
    j["suv_max"] = suv ? opt(m.petMax) : Json();
    j["suv_peak"] = suv ? opt(m.petPeak) : Json();
    j["suv_mean"] = suv ? opt(m.petMean) : Json();
    j["mtv_ml"] = m.mtv_ml ? Json(std::round(*m.mtv_ml * 1000.0) / 1000.0) : Json();
    j["tlg"] = suv ? opt(m.totalUptake) : Json();
    if (!m.petUnits.empty() && !suv) {
        // Not SUV: the same quantities in the PET's own units, named as such.
        const std::string u = m.petUnits == "BQML" ? "bqml" : (m.petUnits == "CNTS" ? "counts" : "value");
        j["pet_units"] = m.petUnits;
        j["pet_max_" + u] = opt(m.petMax);
        j["pet_peak_" + u] = opt(m.petPeak);
        j["pet_mean_" + u] = opt(m.petMean);
        j["total_uptake_" + u + "_ml"] = opt(m.totalUptake);
    } else if (suv) {
        j["pet_units"] = "SUVbw";
    }
    j["pet_threshold"] = opt(m.petThreshold);
    j["couinaud_segment"] = m.couinaud ? Json(*m.couinaud) : Json();
    j["couinaud_segments"] = m.couinaud ? Json(m.couinaudAll) : Json();
    if (!m.note.empty()) j["note"] = m.note;
    return j;
}

LesionMeasurement lesionFromJson(const Json& j, const std::string& where) {
    try {
        LesionMeasurement m;
        m.id = j.at("id").get<int>();
        m.source = j.value("source", std::string());
        auto text = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
        auto number = [&](const char* key) -> std::optional<double> {
            return j.contains(key) && j[key].is_number() ? std::optional<double>(j[key].get<double>()) : std::nullopt;
        };
        m.appearance = text("appearance");
        m.phase = text("phase");
        m.confidence = number("confidence");
        m.status = text("status").empty() ? "target" : text("status");
        if (j.contains("evidence") && j["evidence"].is_object()) m.evidence = j["evidence"];
        const Json& c = j.at("centre_mm");
        m.centre_mm = {c.at(0).get<double>(), c.at(1).get<double>(), c.at(2).get<double>()};
        m.volume_ml = j.at("volume_ml").get<double>();
        m.longestAxialDiameter_mm = number("longest_axial_diameter_mm").value_or(0.0);
        m.equivalentDiameter_mm = number("equivalent_diameter_mm").value_or(0.0);
        m.meanHu = number("mean_hu");
        m.meanSignal = number("mean_signal");
        m.petUnits = text("pet_units");
        if (m.petUnits == "SUVbw") {
            m.petMax = number("suv_max");
            m.petPeak = number("suv_peak");
            m.petMean = number("suv_mean");
            m.totalUptake = number("tlg");
        } else if (!m.petUnits.empty()) {
            const std::string u = m.petUnits == "BQML" ? "bqml" : (m.petUnits == "CNTS" ? "counts" : "value");
            m.petMax = number(("pet_max_" + u).c_str());
            m.petPeak = number(("pet_peak_" + u).c_str());
            m.petMean = number(("pet_mean_" + u).c_str());
            m.totalUptake = number(("total_uptake_" + u + "_ml").c_str());
        }
        m.mtv_ml = number("mtv_ml");
        m.petThreshold = number("pet_threshold");
        if (auto k = number("couinaud_segment")) m.couinaud = int(*k);
        if (j.contains("couinaud_segments") && j["couinaud_segments"].is_array())
            for (const auto& k : j["couinaud_segments"]) m.couinaudAll.push_back(k.get<int>());
        m.note = text("note");
        return m;
    } catch (const Json::exception& e) {
        throw Error(where + ": a lesion row is malformed (" + e.what() + ")");
    }
}

std::vector<LesionMeasurement> readLesionTable(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) throw Error("no lesion table at " + file.string());
    const Json j = parseJsonFile(file);
    if (!j.contains("lesions") || !j["lesions"].is_array()) throw Error("lesion table " + file.string() + " has no \"lesions\" list");
    std::vector<LesionMeasurement> out;
    for (const auto& row : j["lesions"]) out.push_back(lesionFromJson(row, file.string()));
    return out;
}

} // namespace irplan::seg
