#pragma once
// A registration result folder, read back: the transform (fixed-space points
// to moving-space points, LPS mm), the quality gate's verdict, and point
// mapping. Works the same for rigid, affine and deformable results; rigid and
// affine ones also give their 4x4 matrix so code and users need no elastix.
#include "core/Case.h"
#include "core/Geometry.h"
#include "core/Progress.h"
#include "io/ImageTypes.h"
#include "registration/ElastixSettings.h"
#include "registration/QualityGate.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace irplan::registration {

class Registration {
public:
    // Throws irplan::Error when `dir` is not a complete registration result.
    static Registration load(const std::filesystem::path& dir);

    const std::filesystem::path& directory() const { return dir_; }
    const Json& json() const { return json_; } // result.json
    std::string preset() const;
    std::string transformKind() const; // "rigid", "affine" or "deformable"
    bool isLinear() const { return transformKind() != "deformable"; }
    // The whole mapping, rigid and affine results only.
    std::optional<Affine> fixedToMoving() const;
    // The rigid/affine part (the pose before any B-spline stage).
    Affine linearPart() const;
    // The starting pose handed to elastix.
    Affine initialTransform() const;
    QaReport qa() const;
    std::string verdict() const { return qa().verdict; }
    // The final elastix transform file (transformix's -tp).
    std::filesystem::path finalTransformFile() const;
    // An empty image with the fixed image's grid (size, spacing, origin, direction).
    itk::ImageBase<3>::Pointer fixedGrid() const;

    // Maps fixed-space points to moving-space points. Deformable results run
    // transformix (hence the settings and progress); linear ones do not.
    std::vector<Vec3> mapPoints(const std::vector<Vec3>& fixedPoints, const ElastixSettings& settings = {},
                                const Progress& progress = {}) const;

private:
    std::filesystem::path dir_;
    Json json_;
};

} // namespace irplan::registration
