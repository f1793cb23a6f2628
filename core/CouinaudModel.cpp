#include "core/CouinaudModel.h"

#include "core/Error.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace irplan {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Angles in [-90, 270): from the back through the patient's right, the front
// and the left, so the three veins come in increasing order.
double wrap(double a) {
    while (a < -90) a += 360;
    while (a >= 270) a -= 360;
    return a;
}

// The IVC axis from the IVC branches: mean position in 3 mm slabs along z.
std::vector<Vec3> axisFromIvc(const std::vector<CouinaudBranch>& bs) {
    std::map<long, std::pair<Vec3, double>> slabs;
    for (const auto& b : bs) {
        if (b.kind != "ivc") continue;
        for (const auto& p : b.points) {
            auto& s = slabs[std::lround(p.z / 3.0)];
            s.first += p;
            s.second += 1;
        }
    }
    std::vector<Vec3> axis;
    for (const auto& [k, s] : slabs) axis.push_back(s.first / s.second);
    return axis;
}

// The portal bifurcation: the portal junction whose three largest vessels
// are thickest (a trunk dividing into two large branches), near the liver.
bool findBifurcation(const std::vector<CouinaudBranch>& bs, const std::function<double(const Vec3&)>& liverDistance,
                     Vec3& out) {
    double best = 0;
    for (size_t p = 0; p < bs.size(); ++p) {
        if (bs[p].kind != "portal" || bs[p].points.empty()) continue;
        // Junctions along this branch's children, grouped by position.
        std::vector<std::pair<Vec3, std::vector<double>>> junctions;
        for (const auto& c : bs) {
            if (c.parent != int(p) || c.kind != "portal" || c.points.empty()) continue;
            const Vec3 j = c.points.front();
            auto it = std::find_if(junctions.begin(), junctions.end(),
                                   [&](const auto& x) { return distance(x.first, j) < 3.0; });
            if (it == junctions.end()) junctions.push_back({j, {bs[p].diameter_mm, c.diameter_mm}});
            else it->second.push_back(c.diameter_mm);
        }
        for (auto& [j, d] : junctions) {
            if (d.size() < 3 || (liverDistance && liverDistance(j) > 10.0)) continue;
            std::sort(d.begin(), d.end(), std::greater<>());
            if (d[2] > best) {
                best = d[2];
                out = j;
            }
        }
    }
    return best > 0;
}

} // namespace

Vec3 ivcAxisAt(const CouinaudPlanes& planes, double z) {
    const auto& a = planes.ivcAxis;
    if (a.empty()) return {0, 0, z};
    if (z <= a.front().z) return {a.front().x, a.front().y, z};
    if (z >= a.back().z) return {a.back().x, a.back().y, z};
    for (size_t i = 1; i < a.size(); ++i)
        if (z <= a[i].z) {
            const double f = (z - a[i - 1].z) / std::max(1e-9, a[i].z - a[i - 1].z);
            const Vec3 p = a[i - 1] + (a[i] - a[i - 1]) * f;
            return {p.x, p.y, z};
        }
    return {a.back().x, a.back().y, z};
}

double angleAroundIvc(const CouinaudPlanes& planes, const Vec3& p) {
    const Vec3 c = ivcAxisAt(planes, p.z);
    // LPS: the patient's right is -x, anterior is -y.
    return wrap(std::atan2(-(p.y - c.y), -(p.x - c.x)) * 180.0 / kPi);
}

CouinaudPlanes couinaudPlanes(const std::vector<CouinaudBranch>& bs,
                              const std::function<double(const Vec3&)>& liverDistance) {
    CouinaudPlanes pl;
    bool anyHepatic = false, anyPortal = false;
    for (const auto& b : bs) {
        anyHepatic = anyHepatic || b.kind == "hepatic";
        anyPortal = anyPortal || b.kind == "portal";
    }
    if (!anyHepatic)
        throw Error("no hepatic vein among the vessels: the Couinaud sectors cannot be placed (the vessels need their "
                    "kinds: run irplan segment vessels on a portal-venous CT)");
    if (!anyPortal) throw Error("no portal vein among the vessels: the portal bifurcation cannot be placed");
    if (!findBifurcation(bs, liverDistance, pl.bifurcation))
        throw Error("no portal bifurcation found (no junction of three portal branches near the liver)");

    // IVC axis: the IVC branches, or a vertical line through the point where
    // the thick hepatic veins converge (their upper ends).
    pl.ivcAxis = axisFromIvc(bs);
    double maxHepatic = 0;
    for (const auto& b : bs)
        if (b.kind == "hepatic") maxHepatic = std::max(maxHepatic, b.diameter_mm);
    if (pl.ivcAxis.size() >= 2) {
        pl.ivcSource = "IVC branches of the vessel tree";
    } else {
        Vec3 c;
        double w = 0, zlo = 1e300, zhi = -1e300;
        for (const auto& b : bs) {
            for (const auto& p : b.points) zlo = std::min(zlo, p.z), zhi = std::max(zhi, p.z);
            if (b.kind != "hepatic" || b.diameter_mm < 0.5 * maxHepatic || b.points.empty()) continue;
            const Vec3 top = b.points.front().z > b.points.back().z ? b.points.front() : b.points.back();
            c += top * (b.diameter_mm * b.diameter_mm);
            w += b.diameter_mm * b.diameter_mm;
        }
        c = c / w;
        pl.ivcAxis = {{c.x, c.y, zlo}, {c.x, c.y, zhi}};
        pl.ivcSource = "no IVC among the vessels: a vertical axis through the upper ends of the thick hepatic veins";
        pl.warnings.push_back(pl.ivcSource);
    }

    // Hepatic veins: a histogram of the angle around the IVC of the hepatic
    // vein points above the bifurcation, 10-60 mm from the axis, weighted by
    // calibre^2 x length.
    std::vector<double> hist(360, 0.0); // 1-degree bins over [-90, 270)
    double confZ = 0, confW = 0;
    for (const auto& b : bs) {
        if (b.kind != "hepatic") continue;
        const double w = b.diameter_mm * b.diameter_mm;
        for (size_t i = 0; i + 1 < b.points.size(); ++i) {
            const Vec3 p = (b.points[i] + b.points[i + 1]) * 0.5;
            const Vec3 axis = ivcAxisAt(pl, p.z);
            const double r = std::hypot(p.x - axis.x, p.y - axis.y);
            const double seg = distance(b.points[i], b.points[i + 1]);
            if (r < 25 && b.diameter_mm >= 0.5 * maxHepatic) confZ += p.z * w * seg, confW += w * seg;
            if (p.z < pl.bifurcation.z || r < 10 || r > 60) continue;
            const int bin = std::clamp(int(std::floor(angleAroundIvc(pl, p) + 90)), 0, 359);
            hist[size_t(bin)] += w * seg;
        }
    }
    const double zConf = confW > 0 ? confZ / confW : pl.ivcAxis.back().z;
    pl.confluence = ivcAxisAt(pl, std::max(zConf, pl.bifurcation.z));
    std::vector<double> smooth(360, 0.0);
    for (int i = 0; i < 360; ++i)
        for (int d = -24; d <= 24; ++d) {
            const int j = i + d;
            if (j >= 0 && j < 360) smooth[size_t(i)] += hist[size_t(j)] * std::exp(-0.5 * d * d / 64.0);
        }
    std::vector<std::pair<double, int>> peaks;
    for (int i = 0; i < 360; ++i) {
        const double v = smooth[size_t(i)];
        if (v <= 0) continue;
        if ((i > 0 && smooth[size_t(i - 1)] > v) || (i + 1 < 360 && smooth[size_t(i + 1)] >= v)) continue;
        peaks.push_back({v, i});
    }
    std::sort(peaks.begin(), peaks.end(), std::greater<>());

    // The three veins: among the eight highest peaks, the three (or, failing
    // that, two) with the largest total weight that are at least 35 degrees
    // apart and span at most a half-turn (they fan out in front of the IVC).
    if (peaks.size() > 8) peaks.resize(8);
    std::vector<double> chosen;
    double bestSum = 0;
    for (size_t i = 0; i < peaks.size(); ++i)
        for (size_t j = 0; j < peaks.size(); ++j)
            for (size_t k = 0; k <= peaks.size(); ++k) {
                std::vector<std::pair<int, double>> t{{peaks[i].second - 90, peaks[i].first},
                                                      {peaks[j].second - 90, peaks[j].first}};
                if (k < peaks.size()) t.push_back({peaks[k].second - 90, peaks[k].first});
                std::sort(t.begin(), t.end());
                bool ok = t.back().first - t.front().first <= 180;
                double sum = 0;
                for (size_t q = 0; q < t.size(); ++q) {
                    sum += t[q].second;
                    if (q > 0 && t[q].first - t[q - 1].first < 35) ok = false;
                }
                // A third vein always beats two.
                if (t.size() == 3) sum += 1e12;
                if (ok && sum > bestSum) {
                    bestSum = sum;
                    chosen.clear();
                    for (const auto& x : t) chosen.push_back(x.first);
                }
            }
    std::sort(chosen.begin(), chosen.end());
    pl.leftPortalZ = pl.bifurcation.z;
    if (chosen.size() < 2)
        throw Error("fewer than two hepatic veins found around the IVC: the Couinaud sectors cannot be placed");
    if (chosen.size() == 3) {
        pl.rightAngle_deg = chosen[0], pl.middleAngle_deg = chosen[1], pl.leftAngle_deg = chosen[2];
        pl.veinFound[0] = pl.veinFound[1] = pl.veinFound[2] = true;
    } else {
        // Two veins: the missing one is placed 60 degrees beyond (or between) them.
        const double a = chosen[0], b = chosen[1];
        if (b < 90) {
            pl.rightAngle_deg = a, pl.middleAngle_deg = b, pl.leftAngle_deg = b + 60;
            pl.veinFound[0] = pl.veinFound[1] = true;
            pl.warnings.push_back("the left hepatic vein was not found: its plane is assumed 60 degrees beyond the middle one");
        } else if (a < 45) {
            pl.rightAngle_deg = a, pl.leftAngle_deg = b, pl.middleAngle_deg = 0.5 * (a + b);
            pl.veinFound[0] = pl.veinFound[2] = true;
            pl.warnings.push_back("the middle hepatic vein was not found: its plane is assumed half-way between the right and left ones");
        } else {
            pl.middleAngle_deg = a, pl.leftAngle_deg = b, pl.rightAngle_deg = a - 60;
            pl.veinFound[1] = pl.veinFound[2] = true;
            pl.warnings.push_back("the right hepatic vein was not found: its plane is assumed 60 degrees before the middle one");
        }
    }
    // Each vein's course: hepatic branches near the IVC take the nearest of the
    // three angles; the others follow through the tree (parent links).
    {
        const double veinAngles[3] = {pl.rightAngle_deg, pl.middleAngle_deg, pl.leftAngle_deg};
        std::vector<int> vein(bs.size(), -1);
        std::vector<int> queue;
        for (size_t b = 0; b < bs.size(); ++b) {
            if (bs[b].kind != "hepatic") continue;
            double best = 1e300;
            for (const auto& p : bs[b].points) {
                const Vec3 c = ivcAxisAt(pl, p.z);
                const double r = std::hypot(p.x - c.x, p.y - c.y);
                if (r < 10 || r > 30 || p.z < pl.bifurcation.z - 10) continue;
                const double a = angleAroundIvc(pl, p);
                for (int v = 0; v < 3; ++v)
                    if (std::abs(a - veinAngles[v]) < best) best = std::abs(a - veinAngles[v]), vein[b] = v;
            }
            if (vein[b] >= 0 && best < 30) queue.push_back(int(b));
            else vein[b] = -1;
        }
        std::vector<std::vector<int>> adjacent(bs.size());
        for (size_t b = 0; b < bs.size(); ++b)
            if (bs[b].parent >= 0 && size_t(bs[b].parent) < bs.size()) {
                adjacent[b].push_back(bs[b].parent);
                adjacent[size_t(bs[b].parent)].push_back(int(b));
            }
        for (size_t qi = 0; qi < queue.size(); ++qi)
            for (int o : adjacent[size_t(queue[qi])])
                if (bs[size_t(o)].kind == "hepatic" && vein[size_t(o)] < 0) {
                    vein[size_t(o)] = vein[size_t(queue[qi])];
                    queue.push_back(o);
                }
        for (int v = 0; v < 3; ++v) {
            if (!pl.veinFound[v]) continue;
            std::vector<double> sx(40, 0.0), sy(40, 0.0);
            for (size_t b = 0; b < bs.size(); ++b) {
                if (vein[b] != v) continue;
                const double w = bs[b].diameter_mm * bs[b].diameter_mm;
                for (const auto& p : bs[b].points) {
                    const Vec3 c = ivcAxisAt(pl, p.z);
                    const size_t bin = size_t(std::hypot(p.x - c.x, p.y - c.y) / 5.0);
                    if (bin >= sx.size()) continue;
                    const double a = angleAroundIvc(pl, p) * kPi / 180.0;
                    sx[bin] += w * std::cos(a);
                    sy[bin] += w * std::sin(a);
                }
            }
            auto& prof = pl.veinProfile[v];
            prof.assign(sx.size(), veinAngles[v]);
            double last = veinAngles[v];
            for (size_t bin = 0; bin < sx.size(); ++bin) {
                if (bin >= 2 && sx[bin] * sx[bin] + sy[bin] * sy[bin] > 0) last = wrap(std::atan2(sy[bin], sx[bin]) * 180.0 / kPi);
                prof[bin] = bin < 2 ? veinAngles[v] : last;
            }
        }
    }

    // Segments 2 and 3: the level of the left portal vein in the left lateral
    // sector (the calibre^2-weighted median height of its portal branches).
    std::vector<std::pair<double, double>> zw;
    double wsum = 0;
    for (const auto& b : bs) {
        if (b.kind != "portal") continue;
        for (size_t i = 0; i + 1 < b.points.size(); ++i) {
            const Vec3 p = (b.points[i] + b.points[i + 1]) * 0.5;
            const Vec3 c = ivcAxisAt(pl, p.z);
            if (angleAroundIvc(pl, p) < veinAngleAt(pl, 2, std::hypot(p.x - c.x, p.y - c.y)) ||
                (liverDistance && liverDistance(p) > 0))
                continue;
            const double w = b.diameter_mm * b.diameter_mm * distance(b.points[i], b.points[i + 1]);
            zw.push_back({p.z, w});
            wsum += w;
        }
    }
    if (wsum > 0) {
        std::sort(zw.begin(), zw.end());
        double acc = 0;
        for (const auto& [z, w] : zw)
            if ((acc += w) >= 0.5 * wsum) {
                pl.leftPortalZ = z;
                break;
            }
    } else {
        pl.warnings.push_back("no portal branch in the left lateral sector: segments 2 and 3 are split at the "
                              "bifurcation's level");
    }
    return pl;
}

double veinAngleAt(const CouinaudPlanes& pl, int v, double r) {
    const double base[3] = {pl.rightAngle_deg, pl.middleAngle_deg, pl.leftAngle_deg};
    auto one = [&](int u) {
        const auto& prof = pl.veinProfile[u];
        if (prof.empty()) return base[u];
        const double x = std::clamp(r / 5.0 - 0.5, 0.0, double(prof.size() - 1));
        const size_t i = size_t(std::floor(x));
        const size_t j = std::min(i + 1, prof.size() - 1);
        return prof[i] + (prof[j] - prof[i]) * (x - double(i));
    };
    // Keep the three in order, at least 10 degrees apart.
    double a = one(0);
    if (v == 0) return a;
    double b = std::max(one(1), a + 10);
    if (v == 1) return b;
    return std::max(one(2), b + 10);
}

bool inCaudate(const CouinaudPlanes& pl, const Vec3& p) {
    if (p.z < pl.bifurcation.z - 10.0 || p.z > pl.confluence.z) return false;
    const Vec3 i = ivcAxisAt(pl, p.z);
    const Vec3 b{pl.bifurcation.x, pl.bifurcation.y, p.z};
    const Vec3 ib = b - i;
    const double len2 = dot(ib, ib);
    if (len2 < 1e-6) return false;
    const double t = dot(p - i, ib) / len2;
    if (t <= 0 || t >= 1) return false;
    const Vec3 foot = i + ib * t;
    return distance(p, foot) <= 0.5 * std::sqrt(len2);
}

int couinaudSegmentAt(const CouinaudPlanes& pl, const Vec3& p) {
    if (inCaudate(pl, p)) return 1;
    const double a = angleAroundIvc(pl, p);
    const Vec3 c = ivcAxisAt(pl, p.z);
    const double r = std::hypot(p.x - c.x, p.y - c.y);
    const bool superior = p.z >= pl.bifurcation.z;
    if (a < veinAngleAt(pl, 0, r)) return superior ? 7 : 6;
    if (a < veinAngleAt(pl, 1, r)) return superior ? 8 : 5;
    if (a < veinAngleAt(pl, 2, r)) return 4;
    return p.z >= pl.leftPortalZ ? 2 : 3;
}

} // namespace irplan
