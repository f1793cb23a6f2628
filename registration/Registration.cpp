#include "registration/Registration.h"

#include "core/Error.h"
#include "core/Files.h"
#include "core/JsonFile.h"
#include "registration/detail/TransformChain.h"
#include "registration/detail/Transformix.h"

namespace irplan::registration {
namespace fs = std::filesystem;

namespace {
Affine matrixOf(const Json& j, const char* key, const fs::path& dir) {
    if (!j.contains(key) || !j[key].is_array() || j[key].size() != 16)
        throw Error("registration result " + dir.string() + ": " + key + " must hold 16 numbers");
    std::array<double, 16> m{};
    for (size_t i = 0; i < 16; ++i) m[i] = j[key][i].get<double>();
    return Affine::fromRowMajor4x4(m);
}
} // namespace

Registration Registration::load(const fs::path& dir) {
    Registration r;
    r.dir_ = dir;
    const fs::path file = dir / "result.json";
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        throw Error(dir.string() + " is not a registration result (no result.json; did the registration finish?)");
    r.json_ = parseJsonFile(file);
    for (const char* key : {"preset", "transform_kind", "transform_files", "final_transform_file", "qa", "fixed"})
        if (!r.json_.contains(key)) throw Error(file.string() + " lacks \"" + key + "\"");
    if (!fs::is_regular_file(r.finalTransformFile(), ec))
        throw Error("registration result " + dir.string() + " lacks its transform file " +
                    r.finalTransformFile().filename().string());
    return r;
}

std::string Registration::preset() const { return json_.at("preset").get<std::string>(); }
std::string Registration::transformKind() const { return json_.at("transform_kind").get<std::string>(); }

fs::path Registration::finalTransformFile() const {
    return dir_ / json_.at("final_transform_file").get<std::string>();
}

std::optional<Affine> Registration::fixedToMoving() const {
    if (!isLinear()) return std::nullopt;
    return matrixOf(json_, "matrix_fixed_to_moving_lps", dir_);
}

Affine Registration::linearPart() const {
    if (isLinear()) return *fixedToMoving();
    return matrixOf(json_, "linear_part_matrix_fixed_to_moving_lps", dir_);
}

Affine Registration::initialTransform() const { return matrixOf(json_.at("init"), "matrix_fixed_to_moving_lps", dir_); }

QaReport Registration::qa() const { return QaReport::fromJson(json_.at("qa")); }

itk::ImageBase<3>::Pointer Registration::fixedGrid() const {
    const Json& f = json_.at("fixed");
    auto img = FloatImage::New();
    FloatImage::RegionType region;
    FloatImage::SpacingType sp;
    FloatImage::PointType org;
    FloatImage::DirectionType d;
    for (unsigned i = 0; i < 3; ++i) {
        region.SetSize(i, f.at("size")[i].get<size_t>());
        sp[i] = f.at("spacing_mm")[i].get<double>();
        org[i] = f.at("origin_mm")[i].get<double>();
        for (unsigned c = 0; c < 3; ++c) d(i, c) = f.at("direction")[i * 3 + c].get<double>();
    }
    img->SetRegions(region);
    img->SetSpacing(sp);
    img->SetOrigin(org);
    img->SetDirection(d);
    return img.GetPointer();
}

std::vector<Vec3> Registration::mapPoints(const std::vector<Vec3>& points, const ElastixSettings& settings,
                                          const Progress& progress) const {
    if (points.empty()) return {};
    if (auto a = fixedToMoving()) {
        std::vector<Vec3> out;
        for (const auto& p : points) out.push_back(a->apply(p));
        return out;
    }
    detail::TransformixJob job;
    job.finalTransformFile = finalTransformFile();
    job.points = points;
    job.settings = settings;
    job.progress = progress;
    return detail::runTransformix(job).points;
}

} // namespace irplan::registration
