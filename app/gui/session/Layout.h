#pragma once
// Where each view sits in the view area for a layout.
//   1x1: the main view alone.
//   2x2: axial | 3D (or the PET MIP when it is the main view) over coronal | sagittal
//        (3D Slicer's four-up habit).
//   1+3: the main view large on the left, the three others stacked on the right.
#include "render/RenderTypes.h"

#include <vector>

namespace irplan::viewer {

struct ViewRect {
    render::ViewKind view;
    int x = 0, y = 0, width = 0, height = 0; // pixels, from the top-left of the view area
    bool contains(double px, double py) const { return px >= x && py >= y && px < x + width && py < y + height; }
};

// `gap` pixels separate the views.
std::vector<ViewRect> layoutRects(render::Layout layout, render::ViewKind main, int width, int height, int gap = 2);

} // namespace irplan::viewer
