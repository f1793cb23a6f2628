#pragma once
// One phantom (the default grid, 0.8 x 0.8 x 1.5 mm, seed 1) shared by the
// segmentation tests of one binary, with its liver segmented once on each
// phase, and the ground-truth helpers they compare against.
#include "phantom/Phantom.h"
#include "segmentation/Liver.h"

#include <gtest/gtest.h>

namespace irplan::test {

class SegPhantomTest : public ::testing::Test {
protected:
    static void SetUpTestSuite();
    static const phantom::PhantomCase& P() { return *phantom_; }
    // Liver segmented on the portal / arterial phase (computed once).
    static const seg::LiverResult& liverPortal();
    static const seg::LiverResult& liverArterial();
    // Ground-truth liver: voxels inside the phantom's liver surface that are
    // liver, intrahepatic vessels or lesions (not the IVC or other organs).
    static MaskImage::Pointer truthLiver();
    // Ground-truth mask of one label value of the phantom's label map.
    static MaskImage::Pointer truthLabel(int label);
    // The phantom PET brought onto the CT grid through the true CT->PET
    // mapping (rigid motion plus breathing), as a registration would.
    static Volume petOnCtGrid();

private:
    static inline phantom::PhantomCase* phantom_ = nullptr;
    static inline seg::LiverResult* liverPortal_ = nullptr;
    static inline seg::LiverResult* liverArterial_ = nullptr;
};

} // namespace irplan::test
