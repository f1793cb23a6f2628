#include "phantom/CouinaudTruth.h"

#include <array>
#include <map>

namespace irplan::phantom {

CouinaudPlanes couinaudPlanesOf(const Anatomy& a) {
    std::map<int, int> index;
    for (size_t i = 0; i < a.branches.size(); ++i) index[a.branches[i].id] = int(i);
    std::vector<CouinaudBranch> bs;
    for (const auto& b : a.branches) {
        CouinaudBranch c;
        c.points = b.points;
        c.diameter_mm = b.meanDiameter();
        auto it = index.find(b.parent);
        c.parent = b.parent >= 0 && it != index.end() ? it->second : -1;
        c.kind = b.tree == "aorta" ? "artery" : b.tree;
        bs.push_back(std::move(c));
    }
    const ShapePtr liver = a.liver;
    return couinaudPlanes(bs, [liver](const Vec3& p) { return std::max(0.0, liver->sdf(p)); });
}

std::vector<LesionSegments> lesionSegmentsOf(const PhantomCase& p, const CouinaudPlanes& planes) {
    std::map<int, std::array<size_t, 9>> counts;
    const auto* lab = p.labels->GetBufferPointer();
    const Grid& g = p.ctGrid;
    size_t v = 0;
    for (size_t k = 0; k < g.size[2]; ++k)
        for (size_t j = 0; j < g.size[1]; ++j)
            for (size_t i = 0; i < g.size[0]; ++i, ++v) {
                if (lab[v] < kLesionBase) continue;
                ++counts[lab[v] - kLesionBase][size_t(couinaudSegmentAt(planes, g.point(double(i), double(j), double(k))))];
            }
    std::vector<LesionSegments> out;
    for (const auto& l : p.anatomy.lesions) {
        LesionSegments s;
        s.id = l.id;
        const auto& c = counts[l.id];
        size_t best = 0;
        for (int q = 1; q <= 8; ++q) {
            if (c[size_t(q)]) s.touched.push_back(q);
            if (c[size_t(q)] > best) best = c[size_t(q)], s.segment = q;
        }
        out.push_back(s);
    }
    return out;
}

} // namespace irplan::phantom
