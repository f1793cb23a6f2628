#include "tests/registration/RegistrationTestUtil.h"

#include "core/Files.h"

#include <algorithm>
#include <cmath>

namespace irplan::test {

Volume blobVolume(const Vec3& shift) {
    auto img = FloatImage::New();
    FloatImage::RegionType r;
    r.SetSize({{40, 40, 40}});
    img->SetRegions(r);
    FloatImage::SpacingType sp;
    sp.Fill(2.0);
    img->SetSpacing(sp);
    FloatImage::PointType o;
    o.Fill(-39.0);
    img->SetOrigin(o);
    img->Allocate();
    for (long k = 0; k < 40; ++k)
        for (long j = 0; j < 40; ++j)
            for (long i = 0; i < 40; ++i) {
                const Vec3 p = Vec3{-39.0 + 2 * i, -39.0 + 2 * j, -39.0 + 2 * k} - shift;
                double v = 0;
                if (norm(p - Vec3{-10, 0, 0}) < 12) v = 100;
                if (norm(p - Vec3{14, 6, 4}) < 7) v = 300;
                if (std::abs(p.x) < 30 && std::abs(p.y) < 25 && std::abs(p.z) < 30) v += 20;
                img->SetPixel({{i, j, k}}, float(v));
            }
    Volume v;
    v.image = img;
    v.meta.modality = "PT";
    v.meta.units = Units::SUVbw;
    return v;
}

Volume planted(const Volume& v, Plant how) {
    Volume out = v;
    auto img = FloatImage::New();
    img->CopyInformation(v.image);
    img->SetRegions(v.image->GetLargestPossibleRegion());
    img->Allocate();
    const auto s = v.image->GetLargestPossibleRegion().GetSize();
    const long nx = long(s[0]), ny = long(s[1]), nz = long(s[2]);
    for (long k = 0; k < nz; ++k)
        for (long j = 0; j < ny; ++j)
            for (long i = 0; i < nx; ++i) {
                long si = i, sj = j;
                switch (how) {
                case Plant::MirrorLeftRight: si = nx - 1 - i; break;
                case Plant::SwapXY: si = std::min(j, nx - 1), sj = std::min(i, ny - 1); break;
                case Plant::Rotate90AboutZ:
                    si = std::clamp(long(std::lround(double(nx - 1) / 2 - (double(j) - double(ny - 1) / 2))), 0L, nx - 1);
                    sj = std::clamp(long(std::lround(double(ny - 1) / 2 + (double(i) - double(nx - 1) / 2))), 0L, ny - 1);
                    break;
                }
                img->SetPixel({{i, j, k}}, v.image->GetPixel({{si, sj, k}}));
            }
    out.image = img;
    return out;
}

Volume shifted(const Volume& v, const Vec3& offset) {
    Volume out = v;
    auto img = FloatImage::New();
    img->Graft(v.image);
    auto o = v.image->GetOrigin();
    for (unsigned i = 0; i < 3; ++i) o[i] += offset[int(i)];
    img->SetOrigin(o);
    out.image = img;
    return out;
}

Tre targetRegistrationError(const std::vector<Vec3>& mapped, const std::vector<Vec3>& truth) {
    Tre t;
    for (size_t i = 0; i < mapped.size() && i < truth.size(); ++i) {
        const double d = distance(mapped[i], truth[i]);
        t.mean += d;
        t.max = std::max(t.max, d);
    }
    if (!mapped.empty()) t.mean /= double(mapped.size());
    return t;
}

std::vector<std::string> listDir(const std::filesystem::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) return out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

void writeScript(const std::filesystem::path& path, const std::string& body) {
    files::writeTextAtomic(path, "#!/bin/sh\n" + body);
    std::filesystem::permissions(path, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace);
}

} // namespace irplan::test
