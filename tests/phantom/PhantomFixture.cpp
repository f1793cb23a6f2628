#include "tests/phantom/PhantomFixture.h"

#include <cmath>

namespace irplan::test {

std::vector<float> PhantomTest::interiorValues(const FloatImage* image, int label) {
    const auto& g = P().ctGrid;
    const auto* lab = P().labels->GetBufferPointer();
    const float* v = image->GetBufferPointer();
    const long nx = static_cast<long>(g.size[0]), ny = static_cast<long>(g.size[1]), nz = static_cast<long>(g.size[2]);
    std::vector<float> out;
    for (long k = 1; k + 1 < nz; ++k)
        for (long j = 1; j + 1 < ny; ++j)
            for (long i = 1; i + 1 < nx; ++i) {
                const long idx = i + nx * (j + ny * k);
                if (lab[idx] != label) continue;
                bool interior = true;
                for (long dz = -1; dz <= 1 && interior; ++dz)
                    for (long dy = -1; dy <= 1 && interior; ++dy)
                        for (long dx = -1; dx <= 1 && interior; ++dx)
                            interior = lab[idx + dx + nx * (dy + ny * dz)] == label;
                if (interior) out.push_back(v[idx]);
            }
    return out;
}

double mean(const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += x;
    return v.empty() ? 0 : s / static_cast<double>(v.size());
}

double stddev(const std::vector<float>& v) {
    const double m = mean(v);
    double s = 0;
    for (float x : v) s += (x - m) * (x - m);
    return v.size() < 2 ? 0 : std::sqrt(s / static_cast<double>(v.size() - 1));
}

} // namespace irplan::test
