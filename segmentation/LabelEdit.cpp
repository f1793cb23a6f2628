#include "segmentation/LabelEdit.h"

#include "core/Error.h"
#include "segmentation/ImageOps.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>
#include <set>

namespace irplan::seg {

bool LabelTarget::member(LabelValue v) const { return std::find(members.begin(), members.end(), v) != members.end(); }

bool LabelTarget::writable(LabelValue v) const {
    return v == 0 || std::find(overwrite.begin(), overwrite.end(), v) != overwrite.end();
}

namespace {

bool emptyRegion(const EditRegion& r) { return r.GetNumberOfPixels() == 0; }

// Calls f(full linear index, region linear index) for every voxel of `region`.
template <class F>
void forEachInRegion(const itk::ImageBase<3>* grid, const EditRegion& region, F f) {
    const auto n = dims(grid);
    const auto start = region.GetIndex();
    const auto size = region.GetSize();
    size_t local = 0;
    for (size_t k = 0; k < size[2]; ++k)
        for (size_t j = 0; j < size[1]; ++j) {
            const size_t row = static_cast<size_t>(start[0]) +
                               n[0] * (static_cast<size_t>(start[1]) + j + n[1] * (static_cast<size_t>(start[2]) + k));
            for (size_t i = 0; i < size[0]; ++i, ++local) f(row + i, local);
        }
}

// The segment as a 0/1 mask over `region` (its own image, geometry of the crop).
MaskImage::Pointer segmentMask(const LabelImage* labels, const EditRegion& region, const LabelTarget& target) {
    auto sub = crop(labels, region);
    auto mask = newMask(sub);
    const auto* l = sub->GetBufferPointer();
    auto* m = mask->GetBufferPointer();
    const size_t total = region.GetNumberOfPixels();
    for (size_t i = 0; i < total; ++i) m[i] = target.member(l[i]);
    return mask;
}

EditRegion grownRegion(const itk::ImageBase<3>* grid, const long lo[3], const long hi[3], double margin_mm) {
    const auto n = dims(grid);
    const auto& s = grid->GetSpacing();
    EditRegion r;
    for (unsigned a = 0; a < 3; ++a) {
        const long m = static_cast<long>(std::ceil(margin_mm / s[a] - 1e-9));
        const long l = std::max(0L, lo[a] - m), h = std::min(static_cast<long>(n[a]) - 1, hi[a] + m);
        if (l > h) return EditRegion{};
        r.SetIndex(a, l);
        r.SetSize(a, static_cast<itk::SizeValueType>(h - l + 1));
    }
    return r;
}

double largestSpacing(const itk::ImageBase<3>* grid) {
    const auto& s = grid->GetSpacing();
    return std::max({s[0], s[1], s[2]});
}

} // namespace

std::vector<size_t> brushVoxels(const itk::ImageBase<3>* grid, const Vec3& centre, const Brush& brush) {
    std::vector<size_t> out;
    forEachInBrush(grid, centre, brush, [&](size_t i) { out.push_back(i); });
    return out;
}

EditRegion brushRegion(const itk::ImageBase<3>* grid, const Vec3& centre, const Brush& brush) {
    return forEachInBrush(grid, centre, brush, [](size_t) {});
}

EditRegion paint(LabelImage* labels, const Vec3& centre, const Brush& brush, const LabelTarget& target,
                 const std::optional<IntensityLimit>& limit) {
    auto* l = labels->GetBufferPointer();
    if (limit) {
        if (!limit->image || !sameGrid(limit->image, labels))
            throw Error("threshold paint: the image is not on the label map's grid");
        const float* v = limit->image->GetBufferPointer();
        const double lo = limit->low, hi = limit->high;
        return forEachInBrush(labels, centre, brush, [&](size_t i) {
            if (v[i] >= lo && v[i] <= hi && target.writable(l[i])) l[i] = target.paint;
        });
    }
    return forEachInBrush(labels, centre, brush, [&](size_t i) {
        if (target.writable(l[i])) l[i] = target.paint;
    });
}

EditRegion erase(LabelImage* labels, const Vec3& centre, const Brush& brush, const LabelTarget& target) {
    auto* l = labels->GetBufferPointer();
    return forEachInBrush(labels, centre, brush, [&](size_t i) {
        if (target.member(l[i])) l[i] = target.parent;
    });
}

EditRegion segmentRegion(const LabelImage* labels, const LabelTarget& target, double margin_mm) {
    const auto n = dims(labels);
    long lo[3] = {long(n[0]), long(n[1]), long(n[2])}, hi[3] = {-1, -1, -1};
    const auto* l = labels->GetBufferPointer();
    // A lookup table: the member test runs on every voxel of the map.
    std::vector<std::uint8_t> isMember(size_t(std::numeric_limits<LabelValue>::max()) + 1, 0);
    for (LabelValue v : target.members) isMember[v] = 1;
    const long nx = long(n[0]);
    for (long z = 0; z < long(n[2]); ++z)
        for (long y = 0; y < long(n[1]); ++y) {
            const LabelValue* row = l + size_t(nx) * (size_t(y) + n[1] * size_t(z));
            // First and last member of the row (most rows have none: one pass).
            long first = 0;
            while (first < nx && !isMember[row[first]]) ++first;
            if (first == nx) continue;
            long last = nx - 1;
            while (!isMember[row[last]]) --last;
            lo[0] = std::min(lo[0], first);
            hi[0] = std::max(hi[0], last);
            lo[1] = std::min(lo[1], y);
            hi[1] = std::max(hi[1], y);
            lo[2] = std::min(lo[2], z);
            hi[2] = std::max(hi[2], z);
        }
    if (hi[0] < 0) return EditRegion{};
    return grownRegion(labels, lo, hi, margin_mm);
}

EditRegion keepIsland(LabelImage* labels, const LabelTarget& target, const std::optional<Vec3>& at) {
    const EditRegion region = segmentRegion(labels, target, 0);
    if (emptyRegion(region)) throw Error("remove islands: the segment has no voxel");
    auto mask = segmentMask(labels, region, target);
    std::vector<size_t> sizes;
    auto comp = components(mask, true, &sizes);
    std::uint32_t keep = 0;
    if (at) {
        const Vec3 ci = pointToIndex(mask, *at);
        const auto n = dims(mask);
        const long x = std::lround(ci.x), y = std::lround(ci.y), z = std::lround(ci.z);
        if (x >= 0 && y >= 0 && z >= 0 && x < long(n[0]) && y < long(n[1]) && z < long(n[2]))
            keep = comp->GetBufferPointer()[linearIndex(n, size_t(x), size_t(y), size_t(z))];
        if (!keep) throw Error("remove islands: the point is not on the segment");
    } else {
        for (size_t c = 1; c < sizes.size(); ++c)
            if (!keep || sizes[c] > sizes[keep]) keep = static_cast<std::uint32_t>(c);
    }
    auto* l = labels->GetBufferPointer();
    const auto* cp = comp->GetBufferPointer();
    forEachInRegion(labels, region, [&](size_t full, size_t local) {
        if (cp[local] && cp[local] != keep) l[full] = target.parent;
    });
    return region;
}

EditRegion growShrink(LabelImage* labels, const LabelTarget& target, double mm) {
    if (!std::isfinite(mm)) throw Error("margin: not a number");
    if (mm == 0) return EditRegion{};
    // One more voxel around the box, so the crop's border is background.
    const EditRegion region = segmentRegion(labels, target, std::abs(mm) + largestSpacing(labels));
    if (emptyRegion(region)) throw Error("margin: the segment has no voxel");
    auto mask = segmentMask(labels, region, target);
    auto* l = labels->GetBufferPointer();
    const auto* m = mask->GetBufferPointer();
    if (mm > 0) {
        auto grown = dilate(mask, mm);
        const auto* g = grown->GetBufferPointer();
        forEachInRegion(labels, region, [&](size_t full, size_t local) {
            if (g[local] && !m[local] && target.writable(l[full])) l[full] = target.paint;
        });
    } else {
        auto kept = erode(mask, -mm);
        const auto* k = kept->GetBufferPointer();
        forEachInRegion(labels, region, [&](size_t full, size_t local) {
            if (m[local] && !k[local]) l[full] = target.parent;
        });
    }
    return region;
}

EditRegion fillHoles(LabelImage* labels, const LabelTarget& target) {
    const EditRegion region = segmentRegion(labels, target, largestSpacing(labels));
    if (emptyRegion(region)) throw Error("fill holes: the segment has no voxel");
    auto mask = segmentMask(labels, region, target);
    auto filled = seg::fillHoles(mask);
    auto* l = labels->GetBufferPointer();
    const auto* m = mask->GetBufferPointer();
    const auto* f = filled->GetBufferPointer();
    forEachInRegion(labels, region, [&](size_t full, size_t local) {
        if (f[local] && !m[local] && target.writable(l[full])) l[full] = target.paint;
    });
    return region;
}

EditRegion fillBetweenSlices(LabelImage* labels, const LabelTarget& target) {
    // In-plane room for the shape to move between two outlines.
    const EditRegion region = segmentRegion(labels, target, 10.0);
    if (emptyRegion(region)) throw Error("fill between slices: the segment has no voxel");
    auto mask = segmentMask(labels, region, target);
    const auto n = dims(mask.GetPointer());
    const size_t plane = n[0] * n[1];
    const auto* m = mask->GetBufferPointer();
    std::vector<size_t> drawn;
    for (size_t k = 0; k < n[2]; ++k)
        if (std::any_of(m + k * plane, m + (k + 1) * plane, [](std::uint8_t v) { return v != 0; })) drawn.push_back(k);
    if (drawn.size() < 2) throw Error("fill between slices: outline the segment on at least two axial slices");
    // Signed distance (mm, negative inside) of one slice's outline, in its plane.
    const double halfVoxel = 0.5 * std::min(labels->GetSpacing()[0], labels->GetSpacing()[1]);
    auto signedDistance = [&](size_t k) {
        EditRegion r({{0, 0, long(k)}}, {{n[0], n[1], 1}});
        auto slice = crop(mask.GetPointer(), r);
        auto depth = distanceToOff(slice);
        auto away = distanceToOn(slice);
        std::vector<float> d(plane);
        for (size_t i = 0; i < plane; ++i)
            d[i] = slice->GetBufferPointer()[i] ? -(depth->GetBufferPointer()[i] - float(halfVoxel))
                                                : away->GetBufferPointer()[i] - float(halfVoxel);
        return d;
    };
    // Between each pair of outlined slices with a gap, the shape whose signed
    // distance is the linear blend of the two (shape-based interpolation).
    std::vector<std::uint8_t> fill(mask->GetBufferedRegion().GetNumberOfPixels(), 0);
    for (size_t p = 0; p + 1 < drawn.size(); ++p) {
        const size_t k0 = drawn[p], k1 = drawn[p + 1];
        if (k1 - k0 < 2) continue;
        const std::vector<float> d0 = signedDistance(k0), d1 = signedDistance(k1);
        for (size_t k = k0 + 1; k < k1; ++k) {
            const double t = double(k - k0) / double(k1 - k0);
            for (size_t i = 0; i < plane; ++i) fill[k * plane + i] = (1.0 - t) * d0[i] + t * d1[i] < 0.0;
        }
    }
    auto* l = labels->GetBufferPointer();
    forEachInRegion(labels, region, [&](size_t full, size_t local) {
        if (fill[local] && !m[local] && target.writable(l[full])) l[full] = target.paint;
    });
    return region;
}

size_t relabel(LabelImage* labels, LabelValue value, LabelValue parent, EditRegion* changed) {
    const auto n = dims(labels);
    auto* l = labels->GetBufferPointer();
    long lo[3] = {long(n[0]), long(n[1]), long(n[2])}, hi[3] = {-1, -1, -1};
    size_t count = 0, i = 0;
    for (long z = 0; z < long(n[2]); ++z)
        for (long y = 0; y < long(n[1]); ++y)
            for (long x = 0; x < long(n[0]); ++x, ++i) {
                if (l[i] != value) continue;
                l[i] = parent;
                ++count;
                const long c[3] = {x, y, z};
                for (int a = 0; a < 3; ++a) {
                    lo[a] = std::min(lo[a], c[a]);
                    hi[a] = std::max(hi[a], c[a]);
                }
            }
    if (changed) *changed = count ? grownRegion(labels, lo, hi, 0) : EditRegion{};
    return count;
}

size_t splitAtPlane(LabelImage* labels, LabelValue value, const Vec3& p, const Vec3& normal, LabelValue newValue,
                    EditRegion* changed) {
    const double len = norm(normal);
    if (!(len > 0) || !std::isfinite(len)) throw Error("split: the plane's normal is not a direction");
    const Vec3 u = normal / len;
    LabelTarget t;
    t.members = {value};
    const EditRegion region = segmentRegion(labels, t, 0);
    if (changed) *changed = region;
    if (emptyRegion(region)) return 0;
    auto* l = labels->GetBufferPointer();
    const auto n = dims(labels);
    size_t count = 0;
    forEachInRegion(labels, region, [&](size_t full, size_t) {
        if (l[full] != value) return;
        const Vec3 x = indexToPoint(labels, {double(full % n[0]), double((full / n[0]) % n[1]), double(full / (n[0] * n[1]))});
        if (dot(x - p, u) > 0) {
            l[full] = newValue;
            ++count;
        }
    });
    return count;
}

int freeLesionNumber(const LabelImage* labels, int lesionBase) {
    std::set<int> used;
    const auto* l = labels->GetBufferPointer();
    const size_t total = labels->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < total; ++i)
        if (l[i] > lesionBase) used.insert(l[i] - lesionBase);
    int k = 1;
    while (used.count(k)) ++k;
    return k;
}

} // namespace irplan::seg
