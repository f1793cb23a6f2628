#pragma once
// One coarse phantom (1.6 mm voxels) shared by the phantom tests.
#include "phantom/Phantom.h"

#include <gtest/gtest.h>

namespace irplan::test {

class PhantomTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!phantom_) {
            phantom::PhantomOptions o;
            o.seed = 7;
            o.spacing = Vec3{1.6, 1.6, 1.6};
            o.mr = true;
            phantom_ = new phantom::PhantomCase(phantom::generatePhantom(o));
        }
    }
    static const phantom::PhantomCase& P() { return *phantom_; }

    // Voxel values of `image` where the label map equals `label`, restricted to
    // voxels whose 26 neighbours carry the same label (no partial volume).
    static std::vector<float> interiorValues(const FloatImage* image, int label);

private:
    static inline phantom::PhantomCase* phantom_ = nullptr;
};

double mean(const std::vector<float>& v);
double stddev(const std::vector<float>& v);

} // namespace irplan::test
