#include "app/gui/session/Layout.h"

#include <algorithm>

namespace irplan::viewer {

using render::ViewKind;

std::vector<ViewRect> layoutRects(render::Layout layout, ViewKind main, int w, int h, int gap) {
    std::vector<ViewRect> rects;
    if (w <= 0 || h <= 0) return rects;
    switch (layout) {
    case render::Layout::One: rects.push_back({main, 0, 0, w, h}); break;
    case render::Layout::TwoByTwo: {
        const int w0 = (w - gap) / 2, h0 = (h - gap) / 2;
        const ViewKind topRight = main == ViewKind::PetMip ? ViewKind::PetMip : ViewKind::ThreeD;
        rects.push_back({ViewKind::Axial, 0, 0, w0, h0});
        rects.push_back({topRight, w0 + gap, 0, w - w0 - gap, h0});
        rects.push_back({ViewKind::Coronal, 0, h0 + gap, w0, h - h0 - gap});
        rects.push_back({ViewKind::Sagittal, w0 + gap, h0 + gap, w - w0 - gap, h - h0 - gap});
        break;
    }
    case render::Layout::OnePlusThree: {
        const int big = std::max(1, (w * 2) / 3);
        const int side = w - big - gap;
        rects.push_back({main, 0, 0, big, h});
        std::vector<ViewKind> others;
        for (ViewKind v : {ViewKind::Axial, ViewKind::Coronal, ViewKind::Sagittal, ViewKind::ThreeD})
            if (v != main && others.size() < 3) others.push_back(v);
        const int each = (h - 2 * gap) / 3;
        for (size_t i = 0; i < others.size(); ++i) {
            const int y = static_cast<int>(i) * (each + gap);
            const int hh = i + 1 == others.size() ? h - y : each;
            rects.push_back({others[i], big + gap, y, side, hh});
        }
        break;
    }
    }
    return rects;
}

} // namespace irplan::viewer
