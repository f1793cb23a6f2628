#include "phantom/Shapes.h"

#include <algorithm>
#include <cmath>

namespace irplan::phantom {
namespace {

class Ellipsoid : public Shape {
public:
    Ellipsoid(const Vec3& c, const Vec3& r, const Mat3& axes) : c_(c), r_(r), axes_(axes), axesT_(axes.transposed()) {}
    double sdf(const Vec3& p) const override {
        const Vec3 q = axesT_ * (p - c_);
        const Vec3 a{q.x / r_.x, q.y / r_.y, q.z / r_.z};
        const Vec3 b{q.x / (r_.x * r_.x), q.y / (r_.y * r_.y), q.z / (r_.z * r_.z)};
        const double k0 = norm(a), k1 = norm(b);
        if (k1 < 1e-12) return -std::min({r_.x, r_.y, r_.z});
        return k0 * (k0 - 1.0) / k1;
    }
    Box bounds() const override {
        Box b;
        const double m = std::max({r_.x, r_.y, r_.z});
        b.add(c_ - Vec3{m, m, m});
        b.add(c_ + Vec3{m, m, m});
        return b;
    }

private:
    Vec3 c_, r_;
    Mat3 axes_, axesT_;
};

class EllipticCylinder : public Shape {
public:
    EllipticCylinder(const Vec3& c, double z0, double z1, double rx0, double ry0, double rx1, double ry1)
        : c_(c), z0_(z0), z1_(z1), rx0_(rx0), ry0_(ry0), rx1_(rx1), ry1_(ry1) {}
    double sdf(const Vec3& p) const override {
        const double t = std::clamp((p.z - z0_) / (z1_ - z0_), 0.0, 1.0);
        const double rx = rx0_ + t * (rx1_ - rx0_), ry = ry0_ + t * (ry1_ - ry0_);
        const double x = p.x - c_.x, y = p.y - c_.y;
        const double k0 = std::hypot(x / rx, y / ry), k1 = std::hypot(x / (rx * rx), y / (ry * ry));
        const double radial = k1 < 1e-12 ? -std::min(rx, ry) : k0 * (k0 - 1.0) / k1;
        const double axial = std::max(z0_ - p.z, p.z - z1_);
        return std::max(radial, axial);
    }
    Box bounds() const override {
        const double mx = std::max(rx0_, rx1_), my = std::max(ry0_, ry1_);
        return {{c_.x - mx, c_.y - my, z0_}, {c_.x + mx, c_.y + my, z1_}};
    }

private:
    Vec3 c_;
    double z0_, z1_, rx0_, ry0_, rx1_, ry1_;
};

class Tube : public Shape {
public:
    Tube(std::vector<Vec3> pts, std::vector<double> radii) : p_(std::move(pts)), r_(std::move(radii)) {
        for (size_t i = 0; i < p_.size(); ++i) box_.add(p_[i]);
        box_ = box_.grown(*std::max_element(r_.begin(), r_.end()));
    }
    double sdf(const Vec3& p) const override {
        double d = 1e300;
        for (size_t i = 0; i + 1 < p_.size(); ++i) d = std::min(d, taperedCapsuleSdf(p, p_[i], p_[i + 1], r_[i], r_[i + 1]));
        return d;
    }
    Box bounds() const override { return box_; }

private:
    std::vector<Vec3> p_;
    std::vector<double> r_;
    Box box_;
};

class SmoothUnion : public Shape {
public:
    SmoothUnion(std::vector<ShapePtr> parts, double k) : parts_(std::move(parts)), k_(k) {
        for (const auto& s : parts_) {
            const Box b = s->bounds();
            box_.add(b.lo);
            box_.add(b.hi);
        }
    }
    double sdf(const Vec3& p) const override {
        double d = parts_[0]->sdf(p);
        for (size_t i = 1; i < parts_.size(); ++i) {
            const double e = parts_[i]->sdf(p);
            const double h = std::clamp(0.5 + 0.5 * (e - d) / k_, 0.0, 1.0);
            d = e + (d - e) * h - k_ * h * (1.0 - h);
        }
        return d;
    }
    Box bounds() const override { return box_; }

private:
    std::vector<ShapePtr> parts_;
    double k_;
    Box box_;
};

class Intersection : public Shape {
public:
    Intersection(ShapePtr a, ShapePtr b) : a_(std::move(a)), b_(std::move(b)) {}
    double sdf(const Vec3& p) const override { return std::max(a_->sdf(p), b_->sdf(p)); }
    Box bounds() const override {
        const Box x = a_->bounds(), y = b_->bounds();
        Box r;
        for (int i = 0; i < 3; ++i) {
            r.lo[i] = std::max(x.lo[i], y.lo[i]);
            r.hi[i] = std::min(x.hi[i], y.hi[i]);
        }
        return r;
    }

private:
    ShapePtr a_, b_;
};

class Subtraction : public Shape {
public:
    Subtraction(ShapePtr a, ShapePtr b) : a_(std::move(a)), b_(std::move(b)) {}
    double sdf(const Vec3& p) const override { return std::max(a_->sdf(p), -b_->sdf(p)); }
    Box bounds() const override { return a_->bounds(); }

private:
    ShapePtr a_, b_;
};

class Offset : public Shape {
public:
    Offset(ShapePtr a, double g) : a_(std::move(a)), g_(g) {}
    double sdf(const Vec3& p) const override { return a_->sdf(p) - g_; }
    Box bounds() const override { return a_->bounds().grown(std::max(0.0, g_)); }

private:
    ShapePtr a_;
    double g_;
};

class Perturbed : public Shape {
public:
    Perturbed(ShapePtr a, double amp, double wavelength, unsigned seed) : a_(std::move(a)), amp_(amp) {
        // Three plane waves with seed-dependent directions and phases.
        for (int i = 0; i < 3; ++i) {
            const double u = std::sin(seed * 12.9898 + i * 78.233) * 43758.5453;
            const double v = std::sin(seed * 39.3468 + i * 11.135) * 24634.6345;
            const double fu = u - std::floor(u), fv = v - std::floor(v);
            const double theta = std::acos(2 * fu - 1), phi = 2 * M_PI * fv;
            k_[i] = Vec3{std::sin(theta) * std::cos(phi), std::sin(theta) * std::sin(phi), std::cos(theta)} *
                    (2 * M_PI / wavelength);
            phase_[i] = 2 * M_PI * fu * fv;
        }
    }
    double sdf(const Vec3& p) const override {
        double bump = 0;
        for (int i = 0; i < 3; ++i) bump += std::sin(dot(k_[i], p) + phase_[i]);
        return a_->sdf(p) + amp_ * bump / 3.0;
    }
    Box bounds() const override { return a_->bounds().grown(amp_); }

private:
    ShapePtr a_;
    double amp_;
    Vec3 k_[3];
    double phase_[3];
};

class Custom : public Shape {
public:
    Custom(std::function<double(const Vec3&)> f, Box b) : f_(std::move(f)), b_(b) {}
    double sdf(const Vec3& p) const override { return f_(p); }
    Box bounds() const override { return b_; }

private:
    std::function<double(const Vec3&)> f_;
    Box b_;
};

} // namespace

double taperedCapsuleSdf(const Vec3& p, const Vec3& a, const Vec3& b, double ra, double rb) {
    const Vec3 ab = b - a;
    const double len2 = dot(ab, ab);
    const double t = len2 > 0 ? std::clamp(dot(p - a, ab) / len2, 0.0, 1.0) : 0.0;
    return distance(p, a + ab * t) - (ra + t * (rb - ra));
}

ShapePtr ellipsoid(const Vec3& c, const Vec3& r, const Mat3& axes) { return std::make_shared<Ellipsoid>(c, r, axes); }
ShapePtr sphere(const Vec3& c, double r) { return std::make_shared<Ellipsoid>(c, Vec3{r, r, r}, Mat3::identity()); }
ShapePtr ellipticCylinder(const Vec3& c, double z0, double z1, double rx0, double ry0, double rx1, double ry1) {
    return std::make_shared<EllipticCylinder>(c, z0, z1, rx0, ry0, rx1, ry1);
}
ShapePtr tube(std::vector<Vec3> pts, std::vector<double> radii) {
    return std::make_shared<Tube>(std::move(pts), std::move(radii));
}
ShapePtr smoothUnion(std::vector<ShapePtr> parts, double k) { return std::make_shared<SmoothUnion>(std::move(parts), k); }
ShapePtr intersection(ShapePtr a, ShapePtr b) { return std::make_shared<Intersection>(std::move(a), std::move(b)); }
ShapePtr subtraction(ShapePtr a, ShapePtr b) { return std::make_shared<Subtraction>(std::move(a), std::move(b)); }
ShapePtr offset(ShapePtr a, double g) { return std::make_shared<Offset>(std::move(a), g); }
ShapePtr perturbed(ShapePtr a, double amp, double wl, unsigned seed) {
    return std::make_shared<Perturbed>(std::move(a), amp, wl, seed);
}
ShapePtr custom(std::function<double(const Vec3&)> f, Box b) { return std::make_shared<Custom>(std::move(f), b); }

} // namespace irplan::phantom
