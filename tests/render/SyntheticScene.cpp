#include "SyntheticScene.h"

#include <cmath>

namespace irplan::test {

namespace {
template <class TImage>
typename TImage::Pointer image(const std::array<size_t, 3>& size, const Vec3& spacing, const Vec3& firstCentre,
                               bool flipped) {
    auto img = TImage::New();
    typename TImage::RegionType region;
    region.SetSize({{size[0], size[1], size[2]}});
    img->SetRegions(region);
    typename TImage::SpacingType sp;
    typename TImage::PointType org;
    typename TImage::DirectionType dir;
    dir.SetIdentity();
    for (unsigned a = 0; a < 3; ++a) sp[a] = spacing[static_cast<int>(a)];
    // Voxel (0,0,0) sits at the low LPS corner, or at the high x/y corner when flipped.
    org[0] = flipped ? firstCentre.x + spacing.x * static_cast<double>(size[0] - 1) : firstCentre.x;
    org[1] = flipped ? firstCentre.y + spacing.y * static_cast<double>(size[1] - 1) : firstCentre.y;
    org[2] = firstCentre.z;
    if (flipped) {
        dir(0, 0) = -1;
        dir(1, 1) = -1;
    }
    img->SetSpacing(sp);
    img->SetOrigin(org);
    img->SetDirection(dir);
    img->Allocate();
    img->FillBuffer(0);
    return img;
}

template <class TImage, class F>
void fill(TImage* img, F&& f) {
    const auto size = img->GetLargestPossibleRegion().GetSize();
    typename TImage::IndexType idx;
    for (idx[2] = 0; idx[2] < static_cast<long>(size[2]); ++idx[2])
        for (idx[1] = 0; idx[1] < static_cast<long>(size[1]); ++idx[1])
            for (idx[0] = 0; idx[0] < static_cast<long>(size[0]); ++idx[0]) {
                typename TImage::PointType p;
                img->TransformIndexToPhysicalPoint(idx, p);
                img->SetPixel(idx, f(Vec3{p[0], p[1], p[2]}));
            }
}
} // namespace

SyntheticPatient makeSyntheticPatient(bool flipped) {
    SyntheticPatient s;
    auto body = [](const Vec3& p) { return (p.x / 100) * (p.x / 100) + (p.y / 75) * (p.y / 75) <= 1.0; };
    auto liver = [](const Vec3& p) {
        const Vec3 q = p - Vec3{-40, 0, 0};
        return (q.x / 45) * (q.x / 45) + (q.y / 45) * (q.y / 45) + (q.z / 40) * (q.z / 40) <= 1.0;
    };
    auto lesion = [&](const Vec3& p) { return distance(p, s.lesionCentre) <= s.lesionRadius; };
    auto spine = [](const Vec3& p) { return std::hypot(p.x, p.y - 50) <= 12; };
    auto marker = [&](const Vec3& p) {
        return p.x >= s.markerLo.x && p.x <= s.markerHi.x && p.y >= s.markerLo.y && p.y <= s.markerHi.y &&
               p.z >= s.markerLo.z && p.z <= s.markerHi.z;
    };
    // CT: 2.5 mm voxels over 220 x 170 x 110 mm.
    const std::array<size_t, 3> ctSize{88, 68, 44};
    const Vec3 ctSpacing{2.5, 2.5, 2.5};
    const Vec3 ctFirst{-108.75, -83.75, -53.75};
    auto ct = image<FloatImage>(ctSize, ctSpacing, ctFirst, flipped);
    fill(ct.GetPointer(), [&](const Vec3& p) -> float {
        if (marker(p)) return 1000;
        if (!body(p)) return -1000;
        if (spine(p)) return 700;
        if (lesion(p)) return 140;
        if (liver(p)) return 70;
        return 30;
    });
    auto ctVolume = std::make_shared<Volume>();
    ctVolume->image = ct;
    ctVolume->meta.modality = "CT";
    ctVolume->meta.units = Units::HU;
    s.scene.ct = ctVolume;

    auto labels = image<LabelImage>(ctSize, ctSpacing, ctFirst, flipped);
    fill(labels.GetPointer(), [&](const Vec3& p) -> std::uint16_t {
        if (lesion(p)) return 101;
        if (liver(p)) return 1;
        return 0;
    });
    s.scene.labels.labels = labels;
    s.scene.labels.legend = {{1, "liver"}, {101, "lesion 1"}};

    // PET: 4 mm voxels, SUV stored directly.
    auto pet = image<FloatImage>({56, 44, 28}, {4, 4, 4}, {-110, -86, -54}, false);
    fill(pet.GetPointer(), [&](const Vec3& p) -> float {
        if (distance(p, s.leftHotSpot) <= s.leftHotRadius) return 25;
        if (lesion(p)) return 30;
        if (liver(p)) return 6;
        if (body(p)) return 1;
        return 0;
    });
    auto petVolume = std::make_shared<Volume>();
    petVolume->image = pet;
    petVolume->meta.modality = "PT";
    petVolume->meta.units = Units::SUVbw;
    petVolume->meta.suv.available = true;
    petVolume->meta.suv.alreadySuv = true;
    petVolume->meta.suv.factor = 1.0;
    s.scene.pet.volume = petVolume;
    s.scene.pet.alignment = "identity (synthetic)";
    s.scene.pet.ctToPet = Affine::identity();
    return s;
}

} // namespace irplan::test
