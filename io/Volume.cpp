#include "io/Volume.h"

#include "core/Error.h"

#include <itkImageDuplicator.h>

namespace irplan {

const char* unitsName(Units u) {
    switch (u) {
    case Units::Unknown: return "unknown";
    case Units::HU: return "HU";
    case Units::BQML: return "BQML";
    case Units::SUVbw: return "SUVbw";
    case Units::Counts: return "CNTS";
    case Units::Signal: return "signal";
    }
    return "unknown";
}

Units unitsFromName(const std::string& name) {
    for (Units u : {Units::Unknown, Units::HU, Units::BQML, Units::SUVbw, Units::Counts, Units::Signal})
        if (name == unitsName(u)) return u;
    throw Error("unknown units '" + name + "' (expected HU, BQML, SUVbw, CNTS, signal or unknown)");
}

Volume toSuv(const Volume& v) {
    if (!v.meta.suv.available)
        throw Error("SUV is not available for " + v.meta.sourcePath + ": " + v.meta.suv.reason);
    Volume out;
    out.meta = v.meta;
    auto dup = itk::ImageDuplicator<FloatImage>::New();
    dup->SetInputImage(v.image);
    dup->Update();
    out.image = dup->GetOutput();
    const double f = v.meta.suv.factor;
    if (f != 1.0) {
        float* p = out.image->GetBufferPointer();
        const size_t n = out.image->GetBufferedRegion().GetNumberOfPixels();
        for (size_t i = 0; i < n; ++i) p[i] = static_cast<float>(p[i] * f);
    }
    out.meta.units = Units::SUVbw;
    out.meta.suv.alreadySuv = true;
    out.meta.suv.factor = 1.0;
    if (out.meta.suv.sulAvailable && !v.meta.suv.alreadySuv)
        out.meta.suv.sulFactor = out.meta.suv.leanBodyMassKg / out.meta.suv.weightKg;
    return out;
}

} // namespace irplan
