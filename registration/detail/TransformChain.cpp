#include "registration/detail/TransformChain.h"

#include "core/Error.h"

#include <cmath>

namespace irplan::registration::detail {

Mat3 eulerRotation(double rx, double ry, double rz, bool computeZYX) {
    const double cx = std::cos(rx), sx = std::sin(rx), cy = std::cos(ry), sy = std::sin(ry);
    const double cz = std::cos(rz), sz = std::sin(rz);
    Mat3 X, Y, Z;
    X.m = {1, 0, 0, 0, cx, -sx, 0, sx, cx};
    Y.m = {cy, 0, sy, 0, 1, 0, -sy, 0, cy};
    Z.m = {cz, -sz, 0, sz, cz, 0, 0, 0, 1};
    // itk::Euler3DTransform::ComputeMatrix: Z*X*Y unless ComputeZYX.
    return computeZYX ? Z * Y * X : Z * X * Y;
}

namespace {

Vec3 centreOf(const ParameterFile& p, const std::string& origin) {
    if (!p.has("CenterOfRotationPoint")) return {};
    const auto c = p.numbers("CenterOfRotationPoint");
    if (c.size() != 3) throw Error(origin + ": CenterOfRotationPoint must have 3 numbers");
    return {c[0], c[1], c[2]};
}

std::vector<double> paramsOf(const ParameterFile& p, const std::string& origin, size_t expected) {
    const auto v = p.numbers("TransformParameters");
    if (v.size() != expected)
        throw Error(origin + ": expected " + std::to_string(expected) + " TransformParameters, found " +
                    std::to_string(v.size()));
    return v;
}

} // namespace

std::optional<Affine> linearOf(const ParameterFile& p, const std::string& origin) {
    const std::string type = p.get("Transform");
    if (p.get("FixedImageDimension", "3") != "3")
        throw Error(origin + ": IRPlan handles 3D transforms only");
    if (type == "EulerTransform") {
        const auto v = paramsOf(p, origin, 6);
        const bool zyx = p.get("ComputeZYX", "false") == "true";
        return Affine::rigid(eulerRotation(v[0], v[1], v[2], zyx), centreOf(p, origin), {v[3], v[4], v[5]});
    }
    if (type == "AffineTransform") {
        const auto v = paramsOf(p, origin, 12);
        Mat3 A;
        A.m = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]};
        const Vec3 c = centreOf(p, origin);
        return Affine{A, c - A * c + Vec3{v[9], v[10], v[11]}};
    }
    if (type == "TranslationTransform") {
        const auto v = paramsOf(p, origin, 3);
        return Affine::translation({v[0], v[1], v[2]});
    }
    if (type == "SimilarityTransform") {
        // itk::Similarity3DTransform: versor (x, y, z), translation, scale.
        const auto v = paramsOf(p, origin, 7);
        const double x = v[0], y = v[1], z = v[2];
        const double w2 = 1.0 - (x * x + y * y + z * z);
        if (w2 < -1e-9) throw Error(origin + ": the similarity transform's versor is not a unit quaternion");
        const double w = std::sqrt(std::max(0.0, w2));
        Mat3 R;
        R.m = {1 - 2 * (y * y + z * z), 2 * (x * y - z * w),     2 * (x * z + y * w),
               2 * (x * y + z * w),     1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
               2 * (x * z - y * w),     2 * (y * z + x * w),     1 - 2 * (x * x + y * y)};
        Mat3 S = R;
        for (double& e : S.m) e *= v[6];
        const Vec3 c = centreOf(p, origin);
        return Affine{S, c - S * c + Vec3{v[3], v[4], v[5]}};
    }
    if (type == "BSplineTransform" || type == "RecursiveBSplineTransform" || type == "BSplineStackTransform")
        return std::nullopt;
    throw Error(origin + ": IRPlan does not know elastix's " + (type.empty() ? "(unnamed)" : type) +
                " transform; use EulerTransform, AffineTransform, SimilarityTransform, TranslationTransform or "
                "BSplineTransform");
}

bool TransformChain::isLinear() const {
    for (const auto& t : transforms)
        if (!t.linear) return false;
    return true;
}

Affine TransformChain::linearPart() const {
    Affine total = Affine::identity();
    for (const auto& t : transforms)
        if (t.linear) total = *t.linear * total; // applied after what came before
    return total;
}

std::optional<Affine> TransformChain::fixedToMoving() const {
    if (!isLinear()) return std::nullopt;
    return linearPart();
}

TransformChain readChain(const fs::path& finalFile) {
    TransformChain chain;
    fs::path file = finalFile;
    for (int depth = 0; depth < 32; ++depth) {
        std::error_code ec;
        if (!fs::is_regular_file(file, ec)) throw Error("registration transform file missing: " + file.string());
        ElastixTransform t;
        t.file = file;
        t.parameters = ParameterFile::read(file);
        t.type = t.parameters.get("Transform");
        const std::string combine = t.parameters.get("HowToCombineTransforms", "Compose");
        if (combine != "Compose")
            throw Error(file.string() + ": HowToCombineTransforms \"" + combine +
                        "\" is not supported (IRPlan reads composed transforms only)");
        t.linear = linearOf(t.parameters, file.string());
        chain.transforms.insert(chain.transforms.begin(), t);
        const std::string init = t.parameters.get("InitialTransformParametersFileName", "NoInitialTransform");
        if (init == "NoInitialTransform") return chain;
        fs::path next(init);
        // Stored results name their initial transform by bare file name, next to this
        // one, so the folder can move; other paths are taken as they are when they exist.
        if (!next.has_parent_path() || !fs::exists(next, ec)) next = file.parent_path() / next.filename();
        file = next;
    }
    throw Error(finalFile.string() + ": the chain of initial transforms is too long (a loop?)");
}

void setOutputGrid(ParameterFile& p, const itk::ImageBase<3>* grid) {
    const auto size = grid->GetLargestPossibleRegion().GetSize();
    p.setIntegers("Size", {long(size[0]), long(size[1]), long(size[2])});
    p.setIntegers("Index", {0, 0, 0});
    const auto& s = grid->GetSpacing();
    const auto& o = grid->GetOrigin();
    p.setNumbers("Spacing", {s[0], s[1], s[2]});
    p.setNumbers("Origin", {o[0], o[1], o[2]});
    std::vector<double> d;
    // elastix stores the direction column by column (ITK's matrix, column-major).
    for (unsigned c = 0; c < 3; ++c)
        for (unsigned r = 0; r < 3; ++r) d.push_back(grid->GetDirection()(r, c));
    p.setNumbers("Direction", d);
    p.setString("UseDirectionCosines", "true");
}

ParameterFile affineTransformFile(const Affine& a, const itk::ImageBase<3>* fixedGrid) {
    ParameterFile p;
    p.setString("Transform", "AffineTransform");
    p.setNumber("NumberOfParameters", 12);
    std::vector<double> v(a.A.m.begin(), a.A.m.end());
    v.push_back(a.t.x);
    v.push_back(a.t.y);
    v.push_back(a.t.z);
    p.setNumbers("TransformParameters", v);
    p.setString("InitialTransformParametersFileName", "NoInitialTransform");
    p.setString("HowToCombineTransforms", "Compose");
    p.setNumber("FixedImageDimension", 3);
    p.setNumber("MovingImageDimension", 3);
    p.setString("FixedInternalImagePixelType", "float");
    p.setString("MovingInternalImagePixelType", "float");
    setOutputGrid(p, fixedGrid);
    p.setNumbers("CenterOfRotationPoint", {0, 0, 0});
    p.setString("ResampleInterpolator", "FinalBSplineInterpolator");
    p.setNumber("FinalBSplineInterpolationOrder", 1);
    p.setString("Resampler", "DefaultResampler");
    p.setNumber("DefaultPixelValue", 0);
    p.setString("ResultImageFormat", "mha");
    p.setString("ResultImagePixelType", "float");
    p.setString("CompressResultImage", "false");
    return p;
}

} // namespace irplan::registration::detail
