#include "planning/Vessels.h"
#include <cstdio>
#include <cmath>
using namespace irplan;
using namespace irplan::planning;
int main() {
    for (double h : {1.0, 1.5}) for (double off : {0.0, 0.5, 0.25}) for (Vec3 dir : {Vec3{0,0,1}, normalized(Vec3{1,1,1})}) {
        printf("h=%.1f off=%.2f dir %s: ", h, off, toString(dir).c_str());
        for (double d : {2.0, 3.0, 4.0, 5.0, 8.0}) {
            GridGeometry g;
            g.size = {60, 60, 60};
            g.spacing = {h, h, h};
            g.origin = {-30*h, -30*h, -30*h};
            std::vector<std::uint8_t> mask(g.voxels(), 0);
            Vec3 c{off * h, off * h, 0};
            for (int k = 0; k < 60; ++k) for (int j = 0; j < 60; ++j) for (int i = 0; i < 60; ++i) {
                Vec3 p = g.point(i, j, k) - c;
                Vec3 perp = p - dir * dot(p, dir);
                if (norm(perp) <= d / 2) mask[g.offset(i, j, k)] = 1;
            }
            auto dia = localDiameter(mask, g);
            double s = 0, mx = 0; int n = 0;
            for (size_t i = 0; i < mask.size(); ++i) if (mask[i]) { Vec3 p = g.point(i % 60, (i / 60) % 60, i / 3600); if (norm(p) < 10) { s += dia[i]; n++; mx = std::max(mx, double(dia[i])); } }
            printf("%.0f->%.2f(max %.2f) ", d, s / n, mx);
        }
        printf("\n");
    }
}
