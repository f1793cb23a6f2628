#pragma once
// Template parts of ImageOps.h (crop and paste keep ITK geometry).
#include <algorithm>
#include <cstring>

namespace irplan::seg {

template <class TImage>
typename TImage::Pointer crop(const TImage* image, const Region& region) {
    auto out = TImage::New();
    typename TImage::PointType origin;
    image->TransformIndexToPhysicalPoint(region.GetIndex(), origin);
    Region r;
    r.SetSize(region.GetSize());
    out->SetRegions(r);
    out->SetSpacing(image->GetSpacing());
    out->SetDirection(image->GetDirection());
    out->SetOrigin(origin);
    out->Allocate();
    const auto full = image->GetLargestPossibleRegion().GetSize();
    const auto size = region.GetSize();
    const auto start = region.GetIndex();
    const auto* src = image->GetBufferPointer();
    auto* dst = out->GetBufferPointer();
    for (size_t k = 0; k < size[2]; ++k)
        for (size_t j = 0; j < size[1]; ++j) {
            const size_t from = static_cast<size_t>(start[0]) +
                                full[0] * (static_cast<size_t>(start[1]) + j + full[1] * (static_cast<size_t>(start[2]) + k));
            std::memcpy(dst + size[0] * (j + size[1] * k), src + from, size[0] * sizeof(*src));
        }
    return out;
}

template <class TImage>
void paste(TImage* whole, const TImage* part) {
    typename TImage::IndexType start;
    whole->TransformPhysicalPointToIndex(part->GetOrigin(), start);
    const auto full = whole->GetLargestPossibleRegion().GetSize();
    const auto size = part->GetLargestPossibleRegion().GetSize();
    const auto* src = part->GetBufferPointer();
    auto* dst = whole->GetBufferPointer();
    for (size_t k = 0; k < size[2]; ++k)
        for (size_t j = 0; j < size[1]; ++j) {
            const long z = start[2] + static_cast<long>(k), y = start[1] + static_cast<long>(j);
            if (z < 0 || y < 0 || z >= static_cast<long>(full[2]) || y >= static_cast<long>(full[1])) continue;
            for (size_t i = 0; i < size[0]; ++i) {
                const long x = start[0] + static_cast<long>(i);
                if (x < 0 || x >= static_cast<long>(full[0])) continue;
                dst[static_cast<size_t>(x) + full[0] * (static_cast<size_t>(y) + full[1] * static_cast<size_t>(z))] =
                    src[i + size[0] * (j + size[1] * k)];
            }
        }
}

template <class F>
void forEachOnIn(const MaskImage* part, const itk::ImageBase<3>* grid, F f) {
    const auto size = part->GetLargestPossibleRegion().GetSize();
    const auto full = grid->GetLargestPossibleRegion().GetSize();
    typename MaskImage::IndexType start;
    grid->TransformPhysicalPointToIndex(part->GetOrigin(), start);
    const auto* src = part->GetBufferPointer();
    for (size_t k = 0; k < size[2]; ++k) {
        const long z = start[2] + static_cast<long>(k);
        if (z < 0 || z >= static_cast<long>(full[2])) continue;
        for (size_t j = 0; j < size[1]; ++j) {
            const long y = start[1] + static_cast<long>(j);
            if (y < 0 || y >= static_cast<long>(full[1])) continue;
            for (size_t i = 0; i < size[0]; ++i) {
                if (!src[i + size[0] * (j + size[1] * k)]) continue;
                const long x = start[0] + static_cast<long>(i);
                if (x < 0 || x >= static_cast<long>(full[0])) continue;
                f(static_cast<size_t>(x) + full[0] * (static_cast<size_t>(y) + full[1] * static_cast<size_t>(z)));
            }
        }
    }
}

} // namespace irplan::seg
