#pragma once
// Internal: elastix transform parameter files as IRPlan geometry.
//
// elastix maps fixed-space points to moving-space points. A registration is a
// chain of files, each naming its InitialTransformParametersFileName; with
// HowToCombineTransforms "Compose" a point goes through the initial transform
// first: T(x) = T_last(...T_1(T_initial(x))). Linear transforms become an
// Affine (LPS mm); EulerTransform's angles follow ITK's Euler3DTransform:
// R = Rz * Rx * Ry by default, Rz * Ry * Rx with (ComputeZYX "true").
#include "core/Geometry.h"
#include "io/ImageTypes.h"
#include "registration/detail/ParameterFile.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace irplan::registration::detail {

namespace fs = std::filesystem;

struct ElastixTransform {
    fs::path file;
    std::string type;             // "EulerTransform", "AffineTransform", "BSplineTransform", ...
    std::optional<Affine> linear; // for linear transforms
    ParameterFile parameters;
};

struct TransformChain {
    std::vector<ElastixTransform> transforms; // the first is applied first

    bool isLinear() const;
    // Composition of the linear transforms only (a B-spline stage is skipped):
    // the global pose, for the quality gate.
    Affine linearPart() const;
    // The whole mapping when every transform is linear.
    std::optional<Affine> fixedToMoving() const;
};

// R of an EulerTransform with angles (radians).
Mat3 eulerRotation(double rx, double ry, double rz, bool computeZYX);

// The linear map of one transform file; nullopt for deformable types.
// Throws irplan::Error for a type IRPlan does not know.
std::optional<Affine> linearOf(const ParameterFile& p, const std::string& origin);

// Reads `finalFile` and the files it names as initial transforms. A relative
// InitialTransformParametersFileName is looked up in `dir` (by file name).
TransformChain readChain(const fs::path& finalFile);

// A transform parameter file holding `a` as an AffineTransform (centre 0), with
// the output grid of `fixed` (transformix resamples onto it).
ParameterFile affineTransformFile(const Affine& a, const itk::ImageBase<3>* fixedGrid);

// Sets the output grid (Size/Index/Spacing/Origin/Direction) of a transform file.
void setOutputGrid(ParameterFile& p, const itk::ImageBase<3>* grid);

} // namespace irplan::registration::detail
