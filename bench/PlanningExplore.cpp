#include "planning/Ellipsoid.h"
#include <chrono>
#include <cstdio>
#include <random>
using namespace irplan;
using namespace irplan::planning;
int main() {
    Ellipsoid e{{0, 0, 0}, normalized(Vec3{0.3, 0.2, 1}), 23.5, 17.5};
    std::mt19937 rng(1);
    std::uniform_real_distribution<double> u(-25, 25);
    std::vector<Vec3> pts(100000);
    for (auto& p : pts) p = {u(rng), u(rng), u(rng)};
    auto t0 = std::chrono::steady_clock::now();
    double s = 0;
    for (int rep = 0; rep < 10; ++rep)
        for (auto& p : pts) s += e.signedDistance(p);
    double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / 1e6;
    printf("%.1f ns per query (%g)\n", ns, s);
}
