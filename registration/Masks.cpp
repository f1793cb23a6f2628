#include "registration/Masks.h"

#include "core/Error.h"

#include <itkSignedMaurerDistanceMapImageFilter.h>

#include <sstream>

namespace irplan::registration {

MaskImage::Pointer maskFromLabels(const LabelImage* labelMap, const std::set<int>& labels, double dilate_mm) {
    if (!labelMap) throw Error("no label map for the mask");
    if (!(dilate_mm >= 0) || dilate_mm > 200) throw Error("the mask dilation must be between 0 and 200 mm");
    auto mask = MaskImage::New();
    mask->CopyInformation(labelMap);
    mask->SetRegions(labelMap->GetLargestPossibleRegion());
    mask->Allocate();
    const auto* l = labelMap->GetBufferPointer();
    auto* m = mask->GetBufferPointer();
    const size_t n = labelMap->GetBufferedRegion().GetNumberOfPixels();
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
        m[i] = labels.empty() ? l[i] != 0 : labels.count(int(l[i])) != 0;
        count += m[i];
    }
    if (count == 0) throw Error("the mask is empty: no voxel carries the requested labels");
    if (dilate_mm <= 0) return mask;
    // Distance to the mask in mm (spacing-aware), so the growth is the same along every axis.
    using DistanceMap = itk::SignedMaurerDistanceMapImageFilter<MaskImage, FloatImage>;
    auto d = DistanceMap::New();
    d->SetInput(mask);
    d->SetUseImageSpacing(true);
    d->SetSquaredDistance(false);
    d->SetInsideIsPositive(false);
    d->SetBackgroundValue(0);
    d->Update();
    const float* dist = d->GetOutput()->GetBufferPointer();
    for (size_t i = 0; i < n; ++i) m[i] = dist[i] <= dilate_mm ? 1 : 0;
    return mask;
}

std::set<int> parseLabelList(const std::string& text) {
    std::set<int> out;
    std::stringstream s(text);
    std::string item;
    while (std::getline(s, item, ',')) {
        try {
            size_t used = 0;
            const auto dash = item.find('-', 1);
            if (dash == std::string::npos) {
                const int v = std::stoi(item, &used);
                if (used != item.size() || v < 0) throw std::invalid_argument(item);
                out.insert(v);
            } else {
                const int a = std::stoi(item.substr(0, dash), &used);
                const int b = std::stoi(item.substr(dash + 1));
                if (a < 0 || b < a || b - a > 65535) throw std::invalid_argument(item);
                for (int v = a; v <= b; ++v) out.insert(v);
            }
        } catch (const std::exception&) {
            throw Error("expected label numbers like '1,100-110', got '" + text + "'");
        }
    }
    if (out.empty()) throw Error("expected label numbers like '1,100-110', got '" + text + "'");
    return out;
}

} // namespace irplan::registration
