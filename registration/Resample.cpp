#include "registration/Resample.h"

#include "core/Error.h"
#include "registration/detail/ImageOps.h"
#include "registration/detail/Transformix.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace irplan::registration {

FloatImage::Pointer resampleToFixed(const Registration& reg, const FloatImage* moving, Interpolation interpolation,
                                    const ResampleOptions& o) {
    if (!moving) throw Error("nothing to resample");
    itk::ImageBase<3>::Pointer grid = o.referenceGrid ? nullptr : reg.fixedGrid();
    const itk::ImageBase<3>* target = o.referenceGrid ? o.referenceGrid : grid.GetPointer();
    const bool nearest = interpolation == Interpolation::Nearest;
    if (auto a = reg.fixedToMoving()) {
        o.progress.update(0.0, "resampling");
        FloatImage::Pointer out = detail::resampleAffine(moving, *a, target, nearest, o.outsideValue);
        o.progress.update(1.0, "resampled");
        return out;
    }
    detail::TransformixJob job;
    job.finalTransformFile = reg.finalTransformFile();
    job.image = moving;
    job.nearest = nearest;
    job.outsideValue = o.outsideValue;
    job.grid = target;
    job.settings = o.elastix;
    job.progress = o.progress;
    return detail::runTransformix(job).image;
}

Volume resampleVolumeToFixed(const Registration& reg, const Volume& moving, const ResampleOptions& o) {
    Volume out;
    out.image = resampleToFixed(reg, moving.image, Interpolation::Linear, o);
    out.meta = moving.meta;
    out.meta.sourcePath.clear();
    return out;
}

LabelImage::Pointer resampleLabelsToFixed(const Registration& reg, const LabelImage* labels,
                                          const ResampleOptions& o) {
    if (!labels) throw Error("no label map to resample");
    auto f = FloatImage::New();
    f->CopyInformation(labels);
    f->SetRegions(labels->GetLargestPossibleRegion());
    f->Allocate();
    const auto* in = labels->GetBufferPointer();
    float* fp = f->GetBufferPointer();
    const size_t n = labels->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < n; ++i) fp[i] = float(in[i]);
    ResampleOptions oo = o;
    oo.outsideValue = 0.0f;
    FloatImage::Pointer r = resampleToFixed(reg, f, Interpolation::Nearest, oo);
    auto out = LabelImage::New();
    out->CopyInformation(r);
    out->SetRegions(r->GetLargestPossibleRegion());
    out->Allocate();
    const float* rp = r->GetBufferPointer();
    auto* op = out->GetBufferPointer();
    const size_t m = r->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < m; ++i)
        op[i] = static_cast<LabelImage::PixelType>(std::clamp(std::lround(rp[i]), 0L, 65535L));
    return out;
}

} // namespace irplan::registration
