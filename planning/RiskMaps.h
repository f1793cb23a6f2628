#pragma once
// Distance maps of the structures a needle must keep away from (vessels of
// >= 3 mm, bone, air/lung, heart, other organs), built once per case from the
// label map (and the CT for gas outside the lungs), on a grid of about 1.5 mm
// around the target. Downsampling takes the maximum of each class mask, so a
// structure never vanishes: distances err on the safe side.
#include "core/Progress.h"
#include "io/ImageTypes.h"
#include "planning/GridGeometry.h"
#include "planning/Vessels.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace irplan::planning {

enum class RiskClass { LargeVessel = 0, Bone, Air, Heart, Organ };
constexpr int kRiskClasses = 5;
const char* riskClassName(RiskClass c);      // "vessels_ge_3mm", "bone", ...
const char* riskClassLabelText(RiskClass c); // what it holds, for reports

// Tissue codes of the risk grid (from the label at each voxel's centre).
enum TissueCode : std::uint8_t { kOutsideBody = 0, kLiverTissue = 1, kOtherBody = 2 };

struct RiskMapOptions {
    double reach_mm = 280;         // half-size of the region around the target (longest applicator + skin)
    double targetSpacing_mm = 1.5; // downsample finer label maps to about this
    double largeVessel_mm = 3.0;   // DOMAIN.md: vessels >= 3 mm are the ones that matter
    double airHu = -500;           // CT gas (bowel, outside the lung labels); lung parenchyma is ~-850 HU
};

class RiskMaps {
  public:
    // `ct` (may be null) adds gas pockets (HU < airHu inside the body) to the
    // air class; `vessels` (may be null) adds painted lumens of >= 3 mm.
    static RiskMaps build(const LabelImage* labels, const FloatImage* ct, const VesselModel* vessels,
                          const Vec3& centre_mm, const RiskMapOptions& options = {}, const Progress& progress = {});

    const GridGeometry& grid() const { return grid_; }
    // Signed distance (mm) to the class (negative inside it); +1e4 where the
    // class is absent from the region. Trilinear between voxel centres.
    double distance(RiskClass c, const Vec3& p) const;
    bool present(RiskClass c) const { return present_[static_cast<size_t>(c)]; }
    std::uint8_t tissue(const Vec3& p) const;
    bool insideBody(const Vec3& p) const { return tissue(p) != kOutsideBody; }
    const std::vector<std::uint8_t>& classMask(RiskClass c) const { return masks_[static_cast<size_t>(c)]; }
    std::array<int, 3> poolFactor() const { return pool_; }
    double buildSeconds() const { return seconds_; }

  private:
    GridGeometry grid_;
    std::array<int, 3> pool_{1, 1, 1};
    std::array<std::vector<float>, kRiskClasses> distance_;
    std::array<std::vector<std::uint8_t>, kRiskClasses> masks_;
    std::array<bool, kRiskClasses> present_{};
    std::vector<std::uint8_t> tissue_;
    double seconds_ = 0;
};

} // namespace irplan::planning
