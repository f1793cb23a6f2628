#include "render/Scene.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace irplan::render {

PetQuantity petQuantity(const VolumeMeta& meta) {
    PetQuantity q;
    if (meta.suv.available) {
        q.isSuv = true;
        q.factor = meta.suv.factor;
        q.unit = "SUVbw";
        return q;
    }
    q.why = meta.suv.reason.empty() ? "SUV tags unavailable" : meta.suv.reason;
    switch (meta.units) {
    case Units::BQML: q.unit = "Bq/mL"; break;
    case Units::Counts: q.unit = "counts"; break;
    case Units::SUVbw: q.unit = "SUVbw"; q.isSuv = true; q.why.clear(); break; // stored as SUV
    default: q.unit = "units unknown"; break;
    }
    return q;
}

void defaultPetWindow(const Volume& pet, double& low, double& high) {
    const PetQuantity q = petQuantity(pet.meta);
    if (q.isSuv) {
        low = 2.0;
        high = 20.0;
        return;
    }
    // Subsample the voxels; the 99.5th percentile ignores a few hot outliers.
    const float* p = pet.image->GetBufferPointer();
    const size_t n = pet.image->GetBufferedRegion().GetNumberOfPixels();
    std::vector<float> values;
    const size_t stride = std::max<size_t>(1, n / 200000);
    for (size_t i = 0; i < n; i += stride)
        if (std::isfinite(p[i])) values.push_back(p[i]);
    if (values.empty()) {
        low = 0;
        high = 1;
        return;
    }
    const size_t k = static_cast<size_t>(0.995 * static_cast<double>(values.size() - 1));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    high = std::max(1e-6, static_cast<double>(values[k]) * q.factor);
    low = 0.1 * high;
}

} // namespace irplan::render
