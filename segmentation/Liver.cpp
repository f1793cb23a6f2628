#include "segmentation/Liver.h"

#include "core/Error.h"
#include "core/Log.h"
#include "segmentation/FocalLesions.h"
#include "segmentation/ImageOps.h"

#include <itkGradientAnisotropicDiffusionImageFilter.h>
#include "segmentation/LesionOutline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

namespace irplan::seg {

namespace {

std::string fmt(double v, int precision = 1) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", precision, v);
    return b;
}

// A liver volume outside this range means the wrong organ was found. Adult
// livers are about 1-2.5 L (standard liver volume, Heinemann et al., Liver
// Transpl Surg 1999); the bounds leave room for hepatomegaly and partial coverage.
constexpr double kMinLiver_ml = 400.0;
constexpr double kMaxLiver_ml = 5000.0;
// Local growth (growLocally) may follow the liver's intensity this far beyond
// the region its global window found, and this many SDs from its median.
constexpr double kMaxDrift_mm = 25.0;
constexpr double kMaxDriftSd = 6.0;
// Gradient anisotropic diffusion on the working grid (Perona-Malik as in ITK).
constexpr unsigned kDiffusionIterations = 8;
constexpr double kDiffusionConductance = 1.0;

struct Working {
    FloatImage::Pointer smooth;   // working grid, smoothed
    MaskImage::Pointer body;      // body with internal air filled slice by slice
    FloatImage::Pointer depth;    // distance to the body surface, mm
    double bodyCentreX = 0;       // patient x (LPS) of the body's centre
    double rangeLow = 0, rangeHigh = 0; // intensities that may be liver
};

FloatImage::Pointer edgePreservingSmooth(const FloatImage* coarse) {
    using Filter = itk::GradientAnisotropicDiffusionImageFilter<FloatImage, FloatImage>;
    auto f = Filter::New();
    f->SetInput(coarse);
    f->SetNumberOfIterations(kDiffusionIterations);
    const double hMin = std::min({coarse->GetSpacing()[0], coarse->GetSpacing()[1], coarse->GetSpacing()[2]});
    f->SetTimeStep(0.9 * hMin / 16.0); // stable below h / 2^(N+1) in 3D
    f->SetConductanceParameter(kDiffusionConductance);
    f->Update();
    FloatImage::Pointer out = f->GetOutput();
    out->DisconnectPipeline();
    return out;
}

Working prepare(const FloatImage* coarse, ImageKind kind) {
    Working w;
    // Smoothing over ~0.6 working voxels on top of the block average: the
    // noise of low-dose CT drops ~2x more, edges blur by less than a voxel.
    // Edge-preserving smoothing: noise inside organs drops while the steps
    // between them (liver against muscle, 25 HU in the arterial phase) stay,
    // so the intensity window does not have to widen to the noise.
    w.smooth = edgePreservingSmooth(coarse);
    const auto n = dims(coarse);
    const size_t total = n[0] * n[1] * n[2];
    const float* s = w.smooth->GetBufferPointer();
    double bodyThreshold;
    if (kind == ImageKind::CT) {
        bodyThreshold = -400; // between air/lung (< -700 HU) and fat (-100 HU)
        w.rangeLow = -30;     // liver on any CT: ~40-70 HU unenhanced, up to ~150 HU portal
        w.rangeHigh = 250;
    } else {
        std::vector<float> v(s, s + total);
        const double p99 = percentile(v, 99.0);
        bodyThreshold = 0.12 * p99; // MR background is noise near 0
        w.rangeLow = bodyThreshold;
        w.rangeHigh = p99;
    }
    auto raw = newMask(coarse);
    auto* r = raw->GetBufferPointer();
    for (size_t i = 0; i < total; ++i) r[i] = s[i] > bodyThreshold;
    auto body = largestComponent(raw);
    w.body = fillHolesSlices(body, voxelAxisClosestTo(coarse, 2));
    w.depth = distanceToOff(w.body);
    std::vector<float> xs;
    const auto* b = w.body->GetBufferPointer();
    for (size_t k = 0; k < n[2]; k += 2)
        for (size_t j = 0; j < n[1]; j += 2)
            for (size_t i = 0; i < n[0]; i += 2)
                if (b[linearIndex(n, i, j, k)]) xs.push_back(static_cast<float>(indexToPoint(coarse, {double(i), double(j), double(k)}).x));
    if (xs.size() < 100) throw Error("no body found in the image (is it empty or all air?)");
    w.bodyCentreX = percentile(xs, 50);
    return w;
}

struct SeedChoice {
    Index3 index{};
    double intensity = 0;
    double radius_mm = 0;
};

// The liver is the thickest homogeneous soft tissue on the patient's right:
// for each peak of the intensity histogram there, the largest inscribed ball
// of the tissue within the peak's window; the peak with the largest ball wins.
SeedChoice findSeed(const FloatImage* coarse, const Working& w, ImageKind kind, const Progress& progress) {
    const auto n = dims(coarse);
    const size_t total = n[0] * n[1] * n[2];
    const float* s = w.smooth->GetBufferPointer();
    const auto* body = w.body->GetBufferPointer();
    const float* depth = w.depth->GetBufferPointer();
    std::vector<char> right(total, 0);
    for (size_t k = 0; k < n[2]; ++k)
        for (size_t j = 0; j < n[1]; ++j)
            for (size_t i = 0; i < n[0]; ++i) {
                const size_t idx = linearIndex(n, i, j, k);
                // Patient right is -x in LPS; the liver's core lies >= 15 mm right of the midline.
                right[idx] = indexToPoint(coarse, {double(i), double(j), double(k)}).x < w.bodyCentreX - 15.0;
            }
    const int bins = 160;
    const double lo = w.rangeLow, hi = w.rangeHigh, bw = (hi - lo) / bins;
    std::vector<double> hist(bins, 0.0);
    for (size_t i = 0; i < total; ++i) {
        if (!body[i] || !right[i] || depth[i] < 15.0f) continue;
        const int b = static_cast<int>((s[i] - lo) / bw);
        if (b >= 0 && b < bins) hist[static_cast<size_t>(b)] += 1;
    }
    std::vector<double> sm(bins, 0.0);
    for (int b = 0; b < bins; ++b)
        for (int d = -3; d <= 3; ++d)
            if (b + d >= 0 && b + d < bins) sm[static_cast<size_t>(b)] += hist[static_cast<size_t>(b + d)];
    const double top = *std::max_element(sm.begin(), sm.end());
    if (top <= 0) throw Error("no soft tissue found on the patient's right: is this an abdominal image?");
    std::vector<std::pair<double, int>> peaks;
    for (int b = 1; b + 1 < bins; ++b)
        if (sm[static_cast<size_t>(b)] >= sm[static_cast<size_t>(b - 1)] && sm[static_cast<size_t>(b)] > sm[static_cast<size_t>(b + 1)] &&
            sm[static_cast<size_t>(b)] >= 0.12 * top)
            peaks.emplace_back(sm[static_cast<size_t>(b)], b);
    std::sort(peaks.rbegin(), peaks.rend());
    if (peaks.size() > 4) peaks.resize(4);

    SeedChoice best;
    for (size_t p = 0; p < peaks.size(); ++p) {
        progress.update(double(p) / double(peaks.size()), "liver: looking for the liver");
        const int b = peaks[p].second;
        const double m = lo + (b + 0.5) * bw;
        // Half width at half maximum of the peak -> window of ~2.5 SD.
        int l = b, r = b;
        while (l > 0 && sm[static_cast<size_t>(l)] > 0.5 * sm[static_cast<size_t>(b)]) --l;
        while (r + 1 < bins && sm[static_cast<size_t>(r)] > 0.5 * sm[static_cast<size_t>(b)]) ++r;
        const double hwhm = 0.5 * (r - l) * bw;
        const double half = std::max(kind == ImageKind::CT ? 12.0 : 0.04 * (hi - lo), 2.1 * hwhm);
        auto mask = newMask(coarse);
        auto* mk = mask->GetBufferPointer();
        for (size_t i = 0; i < total; ++i) mk[i] = body[i] && std::abs(s[i] - m) < half;
        auto inside = distanceToOff(mask);
        const float* d = inside->GetBufferPointer();
        double rmax = 0;
        size_t at = 0;
        for (size_t i = 0; i < total; ++i)
            if (right[i] && d[i] > rmax) {
                rmax = d[i];
                at = i;
            }
        if (rmax > best.radius_mm) {
            best.radius_mm = rmax;
            best.intensity = m;
            best.index = {long(at % n[0]), long((at / n[0]) % n[1]), long(at / (n[0] * n[1]))};
        }
    }
    return best;
}

// Moves the coarse surface to where each voxel on the input grid is closer to
// the liver than to the tissue just outside it. Both references are local
// means (normalised Gaussian averages) of the smoothed image, so the surface
// sits half-way up each edge whatever the neighbour is (fat, muscle, kidney),
// instead of where a fixed window cuts the blurred edge (~3 mm inside).
MaskImage::Pointer refineSurface(const FloatImage* input, const MaskImage* coarse, const FloatImage* coarseSmooth,
                                 double mu, double sd, const Progress& progress) {
    // The reference means vary slowly: compute them on the working grid.
    const auto nc = dims(coarse);
    const size_t totalC = nc[0] * nc[1] * nc[2];
    FloatImage::Pointer muInC, muOutC, wInC, wOutC;
    {
        auto dOn = distanceToOn(coarse);
        auto dOff = distanceToOff(coarse);
        const float* a = dOn->GetBufferPointer();
        const float* b = dOff->GetBufferPointer();
        const float* sc = coarseSmooth->GetBufferPointer();
        // Reference shells: 6-14 mm inside (liver-like values only, so vessels
        // and lesions do not pull the mean) and 7-12 mm outside.
        const float tol = static_cast<float>(std::max(4.0 * sd, 30.0));
        auto inShell = newMask(coarse), outShell = newMask(coarse);
        for (size_t i = 0; i < totalC; ++i) {
            const float dc = std::isfinite(a[i]) && std::isfinite(b[i]) ? a[i] - b[i] : (std::isfinite(a[i]) ? a[i] : -b[i]);
            inShell->GetBufferPointer()[i] = dc <= -6.0f && dc >= -14.0f && std::abs(sc[i] - static_cast<float>(mu)) < tol;
            outShell->GetBufferPointer()[i] = dc >= 7.0f && dc <= 12.0f;
        }
        auto weightOf = [&](const MaskImage* m) {
            auto w = newFloat(coarse);
            for (size_t i = 0; i < totalC; ++i) w->GetBufferPointer()[i] = m->GetBufferPointer()[i] ? 1.0f : 0.0f;
            return gaussianSmooth(w, 8.0);
        };
        wInC = weightOf(inShell);
        wOutC = weightOf(outShell);
        muInC = localMean(coarseSmooth, inShell, 8.0, static_cast<float>(mu), 0.02f);
        muOutC = localMean(coarseSmooth, outShell, 8.0, static_cast<float>(mu), 0.02f);
    }
    progress.update(0.3, "liver: refining the surface");
    const Region box = regionCovering(input, coarse, boundingRegion(coarse, 0.0), 15.0);
    auto sub = crop(input, box);
    const double hIn = std::max({input->GetSpacing()[0], input->GetSpacing()[1], input->GetSpacing()[2]});
    auto S = gaussianSmooth(sub, std::max(1.0, 0.5 * hIn));
    Region all;
    all.SetSize(sub->GetLargestPossibleRegion().GetSize());
    auto D = signedDistanceOnGrid(coarse, sub, all, 1000.0f);
    progress.update(0.6, "liver: refining the surface");
    const auto n = dims(sub);
    const float* s = S->GetBufferPointer();
    const float* d = D->GetBufferPointer();
    const float tol = static_cast<float>(std::max(4.0 * sd, 30.0));
    auto fine = newMask(sub);
    {
        auto* f = fine->GetBufferPointer();
        const float bandIn = -4.0f, bandOut = 6.0f;
        for (size_t k = 0; k < n[2]; ++k)
            for (size_t j = 0; j < n[1]; ++j)
                for (size_t i = 0; i < n[0]; ++i) {
                    const size_t idx = linearIndex(n, i, j, k);
                    if (d[idx] <= bandIn) f[idx] = 1;
                    else if (d[idx] >= bandOut) f[idx] = 0;
                    else {
                        const Vec3 q = pointToIndex(coarse, indexToPoint(sub, {double(i), double(j), double(k)}));
                        const float muIn = sampleLinear(wInC->GetBufferPointer(), nc, q) > 0.02
                                               ? static_cast<float>(sampleLinear(muInC->GetBufferPointer(), nc, q))
                                               : static_cast<float>(mu);
                        if (sampleLinear(wOutC->GetBufferPointer(), nc, q) > 0.02) {
                            const float muOut = static_cast<float>(sampleLinear(muOutC->GetBufferPointer(), nc, q));
                            f[idx] = std::abs(s[idx] - muIn) <= std::abs(s[idx] - muOut);
                        } else {
                            f[idx] = std::abs(s[idx] - muIn) < tol;
                        }
                    }
                }
    }
    fine = largestComponent(fine);
    fine = fillHolesSlices(fillHoles(fine), voxelAxisClosestTo(sub, 2));
    auto out = newMask(input);
    paste(out.GetPointer(), fine.GetPointer());
    progress.update(1.0, "liver: surface refined");
    return out;
}

// Opening that keeps the part at the seed: erode by r, keep the eroded
// component at (or nearest to) the seed, dilate it back within `grown`.
// Null when nothing survives the erosion.
MaskImage::Pointer openAtSeed(const MaskImage* grown, const Index3& seed, double r_mm) {
    auto eroded = erode(grown, r_mm);
    const auto n = dims(grown);
    const auto& sp = grown->GetSpacing();
    Index3 start = seed;
    const auto* e = eroded->GetBufferPointer();
    if (!e[linearIndex(n, size_t(seed[0]), size_t(seed[1]), size_t(seed[2]))]) {
        double best = 1e300;
        for (size_t i = 0; i < n[0] * n[1] * n[2]; ++i) {
            if (!e[i]) continue;
            const long x = long(i % n[0]), y = long((i / n[0]) % n[1]), z = long(i / (n[0] * n[1]));
            const double d2 = std::pow((x - seed[0]) * sp[0], 2) + std::pow((y - seed[1]) * sp[1], 2) +
                              std::pow((z - seed[2]) * sp[2], 2);
            if (d2 < best) {
                best = d2;
                start = {x, y, z};
            }
        }
        if (best == 1e300) return nullptr;
    }
    return andMask(dilate(componentAt(eroded, start), r_mm + 0.01), grown);
}

// Lets the region follow slow intensity changes across the liver (beam
// hardening behind the arms, perfusion differences: 30 HU from front to back
// on a real scan): a voxel within `reach_mm` of the region joins when it is
// within k SD of the region's own local mean there (12 mm Gaussian), and the
// front advances until it stops growing. The opening then cuts what leaked
// through a neck.
MaskImage::Pointer growLocally(const FloatImage* smooth, const MaskImage* start, const MaskImage* body, const Index3& seed,
                               double median, double sd, double k, double openRadius_mm, const Progress& progress) {
    const size_t total = smooth->GetBufferedRegion().GetNumberOfPixels();
    const float* s = smooth->GetBufferPointer();
    MaskImage::Pointer region = andMask(start, start);
    const float tol = static_cast<float>(k * sd);
    // Guards against walking into a neighbour (heart through the diaphragm,
    // spleen at the left lobe's tip, partial volume at every edge): never more
    // than kMaxDrift_mm beyond the window's region, never beyond kMaxDriftSd of
    // the liver's own median.
    const auto reach = dilate(start, kMaxDrift_mm);
    // The region grows from where `start` is (the opening may have moved it off the seed).
    Index3 anchor = seed;
    {
        const auto n = dims(start);
        const auto& sp = start->GetSpacing();
        if (!start->GetBufferPointer()[linearIndex(n, size_t(seed[0]), size_t(seed[1]), size_t(seed[2]))]) {
            double best = 1e300;
            for (size_t i = 0; i < total; ++i) {
                if (!start->GetBufferPointer()[i]) continue;
                const long x = long(i % n[0]), y = long((i / n[0]) % n[1]), z = long(i / (n[0] * n[1]));
                const double d2 = std::pow((x - seed[0]) * sp[0], 2) + std::pow((y - seed[1]) * sp[1], 2) +
                                  std::pow((z - seed[2]) * sp[2], 2);
                if (d2 < best) {
                    best = d2;
                    anchor = {x, y, z};
                }
            }
        }
    }
    const float lo = static_cast<float>(median - kMaxDriftSd * sd), hi = static_cast<float>(median + kMaxDriftSd * sd);
    for (int it = 0; it < 12; ++it) {
        progress.checkCancel();
        auto mu = localMean(smooth, region, 12.0, std::numeric_limits<float>::quiet_NaN(), 0.02f);
        auto ring = dilate(region, 8.0);
        const size_t before = countOn(region);
        auto next = newMask(smooth);
        auto* nx = next->GetBufferPointer();
        const float* m = mu->GetBufferPointer();
        for (size_t i = 0; i < total; ++i)
            nx[i] = region->GetBufferPointer()[i] ||
                    (ring->GetBufferPointer()[i] && reach->GetBufferPointer()[i] && body->GetBufferPointer()[i] &&
                     s[i] > lo && s[i] < hi && std::isfinite(m[i]) && std::abs(s[i] - m[i]) < tol);
        region = componentAt(next, anchor);
        const size_t after = countOn(region);
        if (after < before + before / 500) break;
    }
    auto opened = openAtSeed(region, anchor, openRadius_mm);
    return opened ? opened : region;
}

// Tumours at the liver's surface fall outside the parenchyma's intensity
// window and are open to the outside, so neither the closing nor the hole
// filling brings them in (on a real CT two 2-3 cm metastases were 40-60%
// outside the mask). Lesions darker than the liver are looked for where
// closing the liver's dents would reach (FocalLesions.h) and each one found
// joins the liver with its outline. Bright findings are left out: at the
// liver's edge they are the IVC and the portal vein at the hilum.
void includeLesions(const Volume& image, LiverResult& res, const Progress& progress) {
    FocalOptions fo;
    fo.isCt = true;
    fo.progress = progress;
    // Only where the parenchyma mask may have cut something off: outside its
    // core (lesions deep inside are holes, filled already).
    OutlineOptions oo;
    const Region box = boundingRegion(res.mask, 20.0);
    auto liverC = crop(res.mask.GetPointer(), box);
    auto bound = lesionBound(crop(image.image.GetPointer(), box), liverC, oo);
    auto core = erode(liverC, 3.0);
    auto regionC = newMask(liverC);
    const size_t nb = regionC->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < nb; ++i)
        regionC->GetBufferPointer()[i] = bound->GetBufferPointer()[i] && !core->GetBufferPointer()[i];
    auto region = newMask(res.mask);
    paste(region.GetPointer(), regionC.GetPointer());
    const FocalDetection det = detectFocalLesions(image.image, res.mask, region, nullptr, nullptr, fo);
    auto* m = res.mask->GetBufferPointer();
    size_t added = 0, lesions = 0;
    for (const auto& f : det.findings) {
        if (f.outline.sign > 0 || f.confidence < 0.3) continue;
        auto full = newMask(res.mask);
        paste(full.GetPointer(), f.outline.mask.GetPointer());
        const size_t n = full->GetBufferedRegion().GetNumberOfPixels();
        size_t here = 0;
        for (size_t i = 0; i < n; ++i)
            if (full->GetBufferPointer()[i] && !m[i]) {
                m[i] = 1;
                ++here;
            }
        added += here;
        lesions += here > 0;
    }
    if (added) {
        res.mask = fillHoles(res.mask);
        res.lesionsIncluded = int(lesions);
        res.lesionVolumeIncluded_ml = double(added) * voxelVolume_mm3(res.mask) / 1000.0;
    }
}

} // namespace

const char* imageKindName(ImageKind k) {
    switch (k) {
    case ImageKind::CT: return "CT";
    case ImageKind::MR: return "MR";
    case ImageKind::PET: return "PET";
    }
    return "?";
}

ImageKind imageKindFromName(const std::string& name) {
    if (name == "CT" || name == "ct") return ImageKind::CT;
    if (name == "MR" || name == "mr" || name == "MRI") return ImageKind::MR;
    if (name == "PET" || name == "pet" || name == "PT" || name == "NM" || name == "SPECT" || name == "spect") return ImageKind::PET;
    throw Error("unknown image kind '" + name + "' (expected CT, MR or PET)");
}

ImageKind imageKindOf(const Volume& v, std::vector<std::string>* warnings) {
    const auto& m = v.meta;
    if (m.units == Units::HU || m.modality == "CT") return ImageKind::CT;
    if (m.units == Units::BQML || m.units == Units::SUVbw || m.units == Units::Counts || m.modality == "PT" ||
        m.modality == "NM")
        return ImageKind::PET;
    if (m.units == Units::Signal || m.modality == "MR") return ImageKind::MR;
    // The file does not say (plain NIfTI): CT has air at about -1000 HU.
    const float* p = v.image->GetBufferPointer();
    const size_t n = v.image->GetBufferedRegion().GetNumberOfPixels();
    size_t air = 0, negative = 0;
    for (size_t i = 0; i < n; i += 7) {
        air += p[i] < -850.0f && p[i] > -1200.0f;
        negative += p[i] < -1.0f;
    }
    if (air > n / 7 / 50) {
        if (warnings) warnings->push_back(m.sourcePath + " does not state its units; treated as CT in HU (air at about -1000)");
        return ImageKind::CT;
    }
    if (negative == 0) {
        if (warnings) warnings->push_back(m.sourcePath + " does not state its units or modality; treated as MR (no negative values, no air at -1000 HU)");
        return ImageKind::MR;
    }
    throw Error(m.sourcePath + " does not say whether it is CT, MR or PET (no units in the header) and its values do not tell; say which with --modality CT|MR");
}

LiverResult segmentLiver(const Volume& image, const LiverOptions& opt) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!image.image) throw Error("liver segmentation: no image");
    LiverResult res;
    const ImageKind kind = opt.kind ? *opt.kind : imageKindOf(image, &res.warnings);
    if (kind == ImageKind::PET)
        throw Error("liver segmentation needs a CT or an MR; " + image.meta.sourcePath + " is " +
                    (image.meta.modality.empty() ? std::string("an emission image") : image.meta.modality) +
                    " (segment the liver on the CT and give it with --liver)");
    res.imageKind = imageKindName(kind);
    const Progress& progress = opt.progress;
    progress.update(0.0, "liver: working grid");

    const FloatImage* input = image.image;
    auto coarse = blockDownsample(input, opt.workingSpacing_mm);
    Working w = prepare(coarse, kind);
    progress.update(0.15, "liver: body found");
    const auto n = dims(coarse);
    const size_t total = n[0] * n[1] * n[2];
    const float* s = w.smooth->GetBufferPointer();

    Index3 seed{};
    double guess = 0;
    if (opt.seed_mm) {
        res.seedGiven = true;
        const Vec3 ci = pointToIndex(coarse, *opt.seed_mm);
        for (int a = 0; a < 3; ++a) {
            seed[static_cast<size_t>(a)] = std::lround(ci[a]);
            if (seed[static_cast<size_t>(a)] < 0 || seed[static_cast<size_t>(a)] >= long(n[static_cast<size_t>(a)]))
                throw Error("the liver seed " + toString(*opt.seed_mm) + " mm lies outside the image");
        }
        guess = s[linearIndex(n, size_t(seed[0]), size_t(seed[1]), size_t(seed[2]))];
        if (!w.body->GetBufferPointer()[linearIndex(n, size_t(seed[0]), size_t(seed[1]), size_t(seed[2]))])
            throw Error("the liver seed " + toString(*opt.seed_mm) + " mm lies outside the body (value " + fmt(guess) + ")");
    } else {
        const SeedChoice c = findSeed(coarse, w, kind, progress.sub(0.15, 0.45));
        if (c.radius_mm < 15.0)
            throw Error("no liver found: the thickest homogeneous soft tissue on the patient's right is only " +
                        fmt(2 * c.radius_mm) + " mm across (give a seed inside the liver with --seed x,y,z)");
        seed = c.index;
        guess = c.intensity;
    }
    res.seed_mm = indexToPoint(coarse, {double(seed[0]), double(seed[1]), double(seed[2])});
    progress.update(0.45, "liver: intensity model");

    // Robust intensity of the liver around the seed (12 mm ball, values close
    // to the first guess so a vessel next to the seed does not bias it).
    std::vector<float> around;
    const auto& sp = coarse->GetSpacing();
    const long rr[3] = {long(std::ceil(12.0 / sp[0])), long(std::ceil(12.0 / sp[1])), long(std::ceil(12.0 / sp[2]))};
    for (long dz = -rr[2]; dz <= rr[2]; ++dz)
        for (long dy = -rr[1]; dy <= rr[1]; ++dy)
            for (long dx = -rr[0]; dx <= rr[0]; ++dx) {
                const double d2 = std::pow(dx * sp[0], 2) + std::pow(dy * sp[1], 2) + std::pow(dz * sp[2], 2);
                const long x = seed[0] + dx, y = seed[1] + dy, z = seed[2] + dz;
                if (d2 > 144.0 || x < 0 || y < 0 || z < 0 || x >= long(n[0]) || y >= long(n[1]) || z >= long(n[2])) continue;
                around.push_back(s[linearIndex(n, size_t(x), size_t(y), size_t(z))]);
            }
    RobustStats st = robustStats(around);
    // Floor on the SD: a perfectly smooth image must still grow.
    const double minSd = kind == ImageKind::CT ? 4.0 : 0.02 * st.median;
    st.sd = std::max(st.sd, minSd);
    progress.update(0.5, "liver: growing");
    const size_t seedIndex = linearIndex(n, size_t(seed[0]), size_t(seed[1]), size_t(seed[2]));
    // Grows the intensity window from the seed, then opens: erode, keep the
    // part at the seed, dilate back within the grown region.
    auto growAndOpen = [&](double median, double sd) {
        res.median = median;
        res.sd = sd;
        res.windowLow = median - opt.toleranceSd * sd;
        res.windowHigh = median + opt.toleranceSd * sd;
        auto window = newMask(coarse);
        auto* wk = window->GetBufferPointer();
        const auto* body = w.body->GetBufferPointer();
        const float lo = static_cast<float>(res.windowLow), hi = static_cast<float>(res.windowHigh);
        for (size_t i = 0; i < total; ++i) wk[i] = body[i] && s[i] >= lo && s[i] <= hi;
        wk[seedIndex] = 1;
        auto grown = componentAt(window, seed);
        auto opened = openAtSeed(grown, seed, opt.openRadius_mm);
        if (!opened)
            throw Error("no liver found: the region at the seed (" + fmt(median) + " +- " + fmt(sd) + ") is thinner than " +
                        fmt(2 * opt.openRadius_mm) + " mm");
        return opened;
    };
    auto opened = growAndOpen(st.median, st.sd);
    progress.update(0.6, "liver: second pass");
    // Second pass with the intensity of the whole first region: the seed's
    // neighbourhood may be brighter or darker than the rest of the liver. The
    // statistics come from the interior of the closed, filled first region,
    // not from the region itself: the window has cut its tails, and an SD
    // taken inside a window only shrinks (on a real liver the first window
    // left out a tenth of the parenchyma).
    {
        auto interior = erode(fillHoles(close(opened, opt.closeRadius_mm)), 5.0);
        if (countOn(interior) < 1000) interior = opened;
        std::vector<float> values;
        const auto* o = interior->GetBufferPointer();
        for (size_t i = 0; i < total; ++i)
            if (o[i]) values.push_back(s[i]);
        RobustStats all = robustStats(values);
        all.sd = std::max(all.sd, minSd);
        opened = growAndOpen(all.median, all.sd);
    }
    progress.update(0.65, "liver: following the liver's own intensity");
    if (opt.localToleranceSd > 0)
        opened = growLocally(w.smooth, opened, w.body, seed, res.median, res.sd, opt.localToleranceSd, opt.openRadius_mm,
                             progress);
    progress.update(0.7, "liver: closing and filling");
    auto closed = close(opened, opt.closeRadius_mm);
    auto filled = fillHolesSlices(fillHoles(closed), voxelAxisClosestTo(coarse, 2));
    const double coarseMl = double(countOn(filled)) * voxelVolume_mm3(coarse) / 1000.0;
    if (coarseMl < kMinLiver_ml || coarseMl > kMaxLiver_ml)
        throw Error("no liver found: the region grown from " + toString(res.seed_mm, 0) + " mm (" + fmt(st.median) +
                    " +- " + fmt(st.sd) + ") measures " + fmt(coarseMl, 0) + " mL, outside the plausible " +
                    fmt(kMinLiver_ml, 0) + "-" + fmt(kMaxLiver_ml, 0) + " mL (give a seed inside the liver with --seed x,y,z)");
    progress.update(0.85, "liver: back to the image grid");
    res.mask = refineSurface(input, filled, w.smooth, res.median, res.sd, progress.sub(0.85, 0.9));
    if (kind == ImageKind::CT && opt.includeLesions) includeLesions(image, res, progress.sub(0.9, 1.0));
    res.volume_ml = double(countOn(res.mask)) * voxelVolume_mm3(input) / 1000.0;
    if (res.volume_ml < kMinLiver_ml)
        throw Error("no liver found: only " + fmt(res.volume_ml, 0) + " mL survived on the image grid");
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress.update(1.0, "liver: done");
    return res;
}

} // namespace irplan::seg
