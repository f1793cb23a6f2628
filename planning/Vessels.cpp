#include "planning/Vessels.h"

#include "core/Case.h"
#include "core/Error.h"
#include "core/Files.h"
#include "core/JsonFile.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <deque>
#include <itkSignedMaurerDistanceMapImageFilter.h>
#include <map>

namespace irplan::planning {
namespace fs = std::filesystem;

namespace {

std::string idText(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_integer()) return std::to_string(v.get<long long>());
    if (v.is_null()) return "";
    throw Error("must be a string or an integer");
}

Vec3 point(const Json& v, const std::string& where) {
    if (!v.is_array() || v.size() != 3 || !v[0].is_number() || !v[1].is_number() || !v[2].is_number())
        throw Error(where + ": points must be [x, y, z] in mm");
    Vec3 p{v[0].get<double>(), v[1].get<double>(), v[2].get<double>()};
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z))
        throw Error(where + ": a point is not finite");
    return p;
}

bool inBox(const Vec3& p, const Vec3& lo, const Vec3& hi, double pad) {
    for (int a = 0; a < 3; ++a)
        if (p[a] < lo[a] - pad || p[a] > hi[a] + pad) return false;
    return true;
}

} // namespace

std::string vesselKindWords(const std::string& kind) {
    if (kind == "portal") return "portal vein";
    if (kind == "hepatic") return "hepatic vein";
    if (kind == "ivc") return "inferior vena cava";
    if (kind == "unknown") return "vessel (kind unknown)";
    return kind; // "artery", "aorta", or already in words
}

VesselTree loadVessels(const fs::path& dirOrFile) {
    std::error_code ec;
    fs::path file = dirOrFile;
    if (fs::is_directory(dirOrFile, ec)) file = dirOrFile / "vessels.json";
    if (!fs::is_regular_file(file, ec))
        throw Error("vessel file not found: " + file.string() + " (expected the segmentation's vessels.json)");
    files::registerInput(file);
    const Json j = parseJsonFile(file);
    const Json* list = nullptr;
    if (j.is_object() && j.contains("branches"))
        list = &j["branches"];
    else if (j.is_object() && j.contains("vessels"))
        list = &j["vessels"];
    if (!list || !list->is_array())
        throw Error(file.string() + " has neither a \"branches\" nor a \"vessels\" list of vessel branches");
    VesselTree tree;
    tree.source = file.string();
    for (size_t n = 0; n < list->size(); ++n) {
        const Json& b = (*list)[n];
        const std::string where = file.filename().string() + ": branch " + std::to_string(n);
        if (!b.is_object()) throw Error(where + " is not an object");
        VesselBranch br;
        try {
            br.id = b.contains("id") ? idText(b["id"]) : std::to_string(n);
            br.parent = b.contains("parent") ? idText(b["parent"]) : "";
        } catch (const Error& e) {
            throw Error(where + ": id/parent " + e.what());
        }
        if (br.parent == "-1") br.parent.clear();
        if (b.contains("tree") && b["tree"].is_string())
            br.kind = b["tree"].get<std::string>();
        else if (b.contains("kind") && b["kind"].is_string())
            br.kind = b["kind"].get<std::string>();
        if (!b.contains("points_mm") || !b["points_mm"].is_array() || b["points_mm"].empty())
            throw Error(where + " lacks \"points_mm\"");
        for (const auto& p : b["points_mm"])
            br.points.push_back(point(p, where));
        auto perPoint = [&](const char* key, double factor) {
            const Json& a = b[key];
            if (!a.is_array() || a.size() != br.points.size())
                throw Error(where + ": \"" + key + "\" must hold one number per point");
            for (const auto& v : a) {
                if (!v.is_number() || !(v.get<double>() >= 0))
                    throw Error(where + ": \"" + key + "\" holds a bad value");
                br.diameters_mm.push_back(v.get<double>() * factor);
            }
        };
        if (b.contains("diameters_mm"))
            perPoint("diameters_mm", 1.0);
        else if (b.contains("radii_mm"))
            perPoint("radii_mm", 2.0);
        if (b.contains("diameter_mm") && b["diameter_mm"].is_number()) br.diameter_mm = b["diameter_mm"].get<double>();
        if (br.diameters_mm.empty()) {
            if (!(br.diameter_mm > 0))
                throw Error(where + " has no diameters (\"diameters_mm\", \"radii_mm\" or \"diameter_mm\")");
            br.diameters_mm.assign(br.points.size(), br.diameter_mm);
        }
        if (!(br.diameter_mm > 0)) {
            double s = 0;
            for (double d : br.diameters_mm)
                s += d;
            br.diameter_mm = s / static_cast<double>(br.diameters_mm.size());
        }
        tree.branches.push_back(std::move(br));
    }
    return tree;
}

VesselModel vesselModelFromTree(const VesselTree& tree, const Vec3& lo, const Vec3& hi) {
    VesselModel m;
    m.source = "vessels file " + tree.source;
    for (const auto& b : tree.branches) {
        VesselInfo info{b.id, b.kind, 0.0, b.parent};
        std::vector<VesselSample> samples;
        const int index = static_cast<int>(m.vessels.size());
        auto add = [&](const Vec3& p, double d) {
            if (!inBox(p, lo, hi, d)) return;
            samples.push_back({index, p, static_cast<float>(0.5 * d), static_cast<float>(d)});
            info.maxDiameter_mm = std::max(info.maxDiameter_mm, d);
        };
        if (b.points.size() == 1) add(b.points[0], b.diameters_mm[0]);
        for (size_t s = 0; s + 1 < b.points.size(); ++s) {
            const double len = distance(b.points[s], b.points[s + 1]);
            const int steps = std::max(1, static_cast<int>(std::ceil(len / 0.5)));
            for (int q = 0; q < steps + (s + 2 == b.points.size() ? 1 : 0); ++q) {
                const double t = static_cast<double>(q) / steps;
                add(b.points[s] + (b.points[s + 1] - b.points[s]) * t,
                    b.diameters_mm[s] + (b.diameters_mm[s + 1] - b.diameters_mm[s]) * t);
            }
        }
        if (samples.empty()) continue;
        m.vessels.push_back(info);
        m.samples.insert(m.samples.end(), samples.begin(), samples.end());
    }
    return m;
}

const std::vector<int>& vesselLabels() {
    static const std::vector<int> labels{2, 3, 4, 5, 6};
    return labels;
}

std::string vesselLabelName(int label) {
    switch (label) {
    case 2:
        return "portal vein";
    case 3:
        return "hepatic vein";
    case 4:
        return "artery";
    case 5:
        return "aorta";
    case 6:
        return "inferior vena cava";
    default:
        return "label " + std::to_string(label);
    }
}

std::vector<float> localDiameter(const std::vector<std::uint8_t>& mask, const GridGeometry& g) {
    std::vector<float> diameter(g.voxels(), 0.0f);
    if (std::find(mask.begin(), mask.end(), 1) == mask.end()) return diameter;
    // Distance from each vessel voxel centre to the nearest non-vessel voxel
    // centre: the outside distance of the inverted mask (ITK measures to the
    // object's contour voxels, which for the background are exactly the
    // non-vessel voxels touching the vessel).
    auto image = g.allocate<MaskImage>(0);
    auto* buf = image->GetBufferPointer();
    for (size_t i = 0; i < mask.size(); ++i)
        buf[i] = mask[i] ? 0 : 1;
    using Filter = itk::SignedMaurerDistanceMapImageFilter<MaskImage, FloatImage>;
    auto filter = Filter::New();
    filter->SetInput(image);
    filter->SetUseImageSpacing(true);
    filter->SetSquaredDistance(false);
    filter->SetInsideIsPositive(false);
    filter->SetBackgroundValue(0);
    filter->Update();
    const float* dt = filter->GetOutput()->GetBufferPointer();
    const double h = std::min({g.spacing.x, g.spacing.y, g.spacing.z});
    // The largest ball of voxel centres that fits has radius D; the lumen wall
    // lies between the last vessel and the first background centre: diameter
    // ~ 2 D + h / 2 for lumens of many voxels (refined below for small ones).
    const double extra = 0.5 * h;
    std::vector<std::uint8_t> ballState;
    std::vector<std::array<int, 3>> stack;
    // Ridge voxels (local maxima of the distance) paint their inscribed ball.
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i) {
                const size_t o = g.offset(i, j, k);
                if (!mask[o]) continue;
                const float r0 = dt[o];
                bool ridge = true;
                for (int dz = -1; dz <= 1 && ridge; ++dz)
                    for (int dy = -1; dy <= 1 && ridge; ++dy)
                        for (int dx = -1; dx <= 1; ++dx) {
                            if (!g.inside(i + dx, j + dy, k + dz)) continue;
                            if (dt[g.offset(i + dx, j + dy, k + dz)] > r0) {
                                ridge = false;
                                break;
                            }
                        }
                const double radius = r0; // the inscribed ball of voxel centres
                float d = static_cast<float>(2.0 * radius + extra);
                if (!ridge) {
                    diameter[o] = std::max(diameter[o], d);
                    continue;
                }
                // Small lumens: from the vessel volume inside a probe ball of
                // radius R (a straight tube of radius r through the centre
                // fills the fraction 1 - (1 - r^2/R^2)^(3/2) of it), which is
                // unbiased where the inscribed ball jumps by whole voxels.
                const double R = std::clamp(3.0 * radius, 3.0 * h, 8.0);
                if (radius + 2 * h <= R) {
                    // Only the lumen connected to this voxel inside the ball
                    // counts: a neighbouring vessel must not widen this one.
                    const int pi = static_cast<int>(R / g.spacing.x), pj = static_cast<int>(R / g.spacing.y),
                              pk = static_cast<int>(R / g.spacing.z);
                    const int bx = 2 * pi + 1, by = 2 * pj + 1, bz = 2 * pk + 1;
                    ballState.assign(static_cast<size_t>(bx) * by * bz, 0); // 0 outside, 1 in ball, 2 visited vessel
                    size_t inBall = 0, inVessel = 0;
                    for (int c = -pk; c <= pk; ++c)
                        for (int b = -pj; b <= pj; ++b)
                            for (int a = -pi; a <= pi; ++a) {
                                const double x = a * g.spacing.x, y = b * g.spacing.y, z = c * g.spacing.z;
                                if (x * x + y * y + z * z > R * R || !g.inside(i + a, j + b, k + c)) continue;
                                ++inBall;
                                ballState[(static_cast<size_t>(c + pk) * by + static_cast<size_t>(b + pj)) * bx +
                                          static_cast<size_t>(a + pi)] = 1;
                            }
                    stack.clear();
                    stack.push_back({0, 0, 0});
                    ballState[(static_cast<size_t>(pk) * by + static_cast<size_t>(pj)) * bx + static_cast<size_t>(pi)] =
                        2;
                    while (!stack.empty()) {
                        const auto q = stack.back();
                        stack.pop_back();
                        ++inVessel;
                        for (int c = -1; c <= 1; ++c)
                            for (int b = -1; b <= 1; ++b)
                                for (int a = -1; a <= 1; ++a) {
                                    const int x = q[0] + a, y = q[1] + b, z = q[2] + c;
                                    if (std::abs(x) > pi || std::abs(y) > pj || std::abs(z) > pk) continue;
                                    auto& st =
                                        ballState[(static_cast<size_t>(z + pk) * by + static_cast<size_t>(y + pj)) *
                                                      bx +
                                                  static_cast<size_t>(x + pi)];
                                    if (st != 1 || !mask[g.offset(i + x, j + y, k + z)]) continue;
                                    st = 2;
                                    stack.push_back({x, y, z});
                                }
                    }
                    const double f = static_cast<double>(inVessel) / static_cast<double>(std::max<size_t>(1, inBall));
                    if (f < 0.9) d = static_cast<float>(2.0 * R * std::sqrt(1.0 - std::pow(1.0 - f, 2.0 / 3.0)));
                }
                const int ri = static_cast<int>(std::ceil(radius / g.spacing.x)),
                          rj = static_cast<int>(std::ceil(radius / g.spacing.y)),
                          rk = static_cast<int>(std::ceil(radius / g.spacing.z));
                for (int c = -rk; c <= rk; ++c)
                    for (int b = -rj; b <= rj; ++b)
                        for (int a = -ri; a <= ri; ++a) {
                            if (!g.inside(i + a, j + b, k + c)) continue;
                            const double x = a * g.spacing.x, y = b * g.spacing.y, z = c * g.spacing.z;
                            if (x * x + y * y + z * z > radius * radius) continue;
                            const size_t q = g.offset(i + a, j + b, k + c);
                            if (mask[q]) diameter[q] = std::max(diameter[q], d);
                        }
            }
    return diameter;
}

VesselModel vesselModelFromLabels(const LabelImage* labels, const Vec3& lo, const Vec3& hi) {
    VesselModel m;
    m.source = "vessel labels of the label map (local thickness from a distance map)";
    const GridGeometry lg = GridGeometry::of(labels);
    m.resolution_mm = std::max({lg.spacing.x, lg.spacing.y, lg.spacing.z});
    const Box box = lg.boxAround(lo, hi).intersected(lg.box());
    if (box.empty()) return m;
    const GridGeometry g = lg.sub(box);
    const auto* lab = labels->GetBufferPointer();
    std::vector<std::uint8_t> mask(g.voxels(), 0);
    std::vector<int> labelOf(g.voxels(), 0);
    const auto& vl = vesselLabels();
    for (int k = 0; k < g.size[2]; ++k)
        for (int j = 0; j < g.size[1]; ++j)
            for (int i = 0; i < g.size[0]; ++i) {
                const int l = lab[lg.offset(i + box.lo[0], j + box.lo[1], k + box.lo[2])];
                if (std::find(vl.begin(), vl.end(), l) == vl.end()) continue;
                mask[g.offset(i, j, k)] = 1;
                labelOf[g.offset(i, j, k)] = l;
            }
    // Diameters per label: an artery running beside a portal vein must not
    // inherit the vein's inscribed balls.
    std::vector<float> diameter(g.voxels(), 0.0f);
    for (int l : vl) {
        std::vector<std::uint8_t> one(g.voxels(), 0);
        bool any = false;
        for (size_t i = 0; i < one.size(); ++i)
            if (labelOf[i] == l) one[i] = 1, any = true;
        if (!any) continue;
        const std::vector<float> d = localDiameter(one, g);
        for (size_t i = 0; i < one.size(); ++i)
            if (one[i]) diameter[i] = d[i];
    }
    // 26-connected components of the same label: one vessel each.
    std::vector<int> comp(g.voxels(), -1);
    const float half = static_cast<float>(0.5 * std::min({g.spacing.x, g.spacing.y, g.spacing.z}));
    std::map<int, int> perLabel;
    for (size_t seed = 0; seed < mask.size(); ++seed) {
        if (!mask[seed] || comp[seed] >= 0) continue;
        const int id = static_cast<int>(m.vessels.size());
        const int l = labelOf[seed];
        VesselInfo info;
        info.kind = vesselLabelName(l);
        info.id = "label " + std::to_string(l) + " component " + std::to_string(++perLabel[l]);
        std::deque<size_t> queue{seed};
        comp[seed] = id;
        const size_t nx = static_cast<size_t>(g.size[0]), ny = static_cast<size_t>(g.size[1]);
        while (!queue.empty()) {
            const size_t o = queue.front();
            queue.pop_front();
            const int i = static_cast<int>(o % nx), j = static_cast<int>((o / nx) % ny),
                      k = static_cast<int>(o / (nx * ny));
            m.samples.push_back({id, g.point(i, j, k), half, diameter[o]});
            info.maxDiameter_mm = std::max(info.maxDiameter_mm, static_cast<double>(diameter[o]));
            for (int dz = -1; dz <= 1; ++dz)
                for (int dy = -1; dy <= 1; ++dy)
                    for (int dx = -1; dx <= 1; ++dx) {
                        if (!g.inside(i + dx, j + dy, k + dz)) continue;
                        const size_t q = g.offset(i + dx, j + dy, k + dz);
                        if (mask[q] && comp[q] < 0 && labelOf[q] == l) {
                            comp[q] = id;
                            queue.push_back(q);
                        }
                    }
        }
        m.vessels.push_back(info);
    }
    return m;
}

void paintVessels(const VesselModel& model, const GridGeometry& g, std::vector<float>& diameter,
                  double minDiameter_mm) {
    diameter.assign(g.voxels(), 0.0f);
    for (const auto& s : model.samples) {
        if (s.diameter_mm < minDiameter_mm) continue;
        // Paint the lumen: a ball of the wall offset, at least the voxel itself.
        const double r =
            std::max(static_cast<double>(s.wallOffset_mm), 0.5 * std::min({g.spacing.x, g.spacing.y, g.spacing.z}));
        const Vec3 c = g.index(s.point_mm);
        const int i0 = static_cast<int>(std::floor(c.x - r / g.spacing.x)),
                  i1 = static_cast<int>(std::ceil(c.x + r / g.spacing.x));
        const int j0 = static_cast<int>(std::floor(c.y - r / g.spacing.y)),
                  j1 = static_cast<int>(std::ceil(c.y + r / g.spacing.y));
        const int k0 = static_cast<int>(std::floor(c.z - r / g.spacing.z)),
                  k1 = static_cast<int>(std::ceil(c.z + r / g.spacing.z));
        for (int k = std::max(0, k0); k <= std::min(g.size[2] - 1, k1); ++k)
            for (int j = std::max(0, j0); j <= std::min(g.size[1] - 1, j1); ++j)
                for (int i = std::max(0, i0); i <= std::min(g.size[0] - 1, i1); ++i) {
                    const double dx = (i - c.x) * g.spacing.x, dy = (j - c.y) * g.spacing.y,
                                 dz = (k - c.z) * g.spacing.z;
                    if (dx * dx + dy * dy + dz * dz > r * r) continue;
                    float& v = diameter[g.offset(i, j, k)];
                    v = std::max(v, s.diameter_mm);
                }
    }
}

} // namespace irplan::planning
