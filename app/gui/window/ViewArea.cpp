#include "app/gui/window/ViewArea.h"

#include "core/Error.h"
#include "core/Log.h"
#include "segmentation/ImageOps.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <GL/gl.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <sstream>

namespace irplan::viewer {

using render::ViewKind;

namespace {
ImU32 frameColour(ViewKind v, bool active) {
    const Rgb c = viewFrameColour(v);
    const float k = active ? 1.0f : 0.7f;
    return IM_COL32(static_cast<int>(c.r * 255 * k), static_cast<int>(c.g * 255 * k), static_cast<int>(c.b * 255 * k), 255);
}

void reportError(GuiState& gui, const std::exception& e) {
    log::error(e.what());
    gui.notices.push_back(e.what());
}
} // namespace

Vec3 ViewArea::toLps(ViewKind view, ImVec2 local) const {
    return const_cast<ViewSet&>(views_).slice(view).pixelToLps(local.x, local.y);
}

bool ViewArea::findProbeHandle(ViewKind view, ImVec2 local, std::string& id, bool& tip) const {
    auto& s = const_cast<ViewSet&>(views_).slice(view);
    double best = 9.0; // pixels
    bool found = false;
    for (const auto& p : viewer_.currentCase().probes)
        for (bool isTip : {true, false}) {
            double x, y;
            s.lpsToPixel(isTip ? p.tip_mm : p.entry_mm, x, y);
            const double d = std::hypot(x - local.x, y - local.y);
            if (d < best) {
                best = d;
                id = p.id;
                tip = isTip;
                found = true;
            }
        }
    return found;
}

void ViewArea::dab(ViewKind view, const Vec3& p) {
    EditSession& e = viewer_.editor();
    const auto& labels = viewer_.images().labels.labels;
    // The disc lies in the slice this view shows: the voxel axis closest to its normal.
    const int patientAxis = view == ViewKind::Axial ? 2 : view == ViewKind::Coronal ? 1 : 0;
    const int axis = labels ? seg::voxelAxisClosestTo(labels.GetPointer(), patientAxis) : -1;
    if (gui_.tool == Tool::Paint) e.paint(p, std::nullopt, std::nullopt, axis);
    else e.erase(p, std::nullopt, std::nullopt, axis);
}

void ViewArea::draw(ImVec2 origin, ImVec2 size) {
    const ViewState& st = viewer_.state();
    const auto rects = layoutRects(st.layout, st.mainView, static_cast<int>(size.x), static_cast<int>(size.y), 3);
    std::optional<ViewKind> hovered;
    for (const auto& r : rects) {
        drawView(r, origin);
        const ImVec2 p0(origin.x + r.x, origin.y + r.y);
        const bool isHovered = ImGui::IsMouseHoveringRect(p0, ImVec2(p0.x + r.width, p0.y + r.height)) &&
                               !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId);
        if (isHovered) hovered = r.view;
        handleInput(r, p0, isHovered);
    }
    if (!hovered && !drag_) gui_.hoverText.clear();
    keyboard(hovered);
    // Back to full quality once the 3D view has been still for a moment.
    render::VolumeView& vol = views_.volume();
    if (vol.interactive() && !drag_ && ImGui::GetTime() - lastInteraction_ > 0.2) {
        vol.setInteractive(false);
        views_.markDirty(ViewKind::ThreeD);
    }
}

void ViewArea::drawView(const ViewRect& r, ImVec2 origin) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0(origin.x + r.x, origin.y + r.y);
    const ImVec2 p1(p0.x + r.width, p0.y + r.height);
    const int inset = 2;
    const int w = r.width - 2 * inset, h = r.height - 2 * inset;
    if (w <= 0 || h <= 0) return;
    views_.render(r.view, w, h);
    const unsigned tex = views_.texture(r.view);
    dl->AddRectFilled(p0, p1, IM_COL32(0, 0, 0, 255));
    if (tex) {
        // The views are opaque pictures: draw them without blending, whatever alpha VTK left.
        dl->AddCallback([](const ImDrawList*, const ImDrawCmd*) { glDisable(GL_BLEND); }, nullptr);
        dl->AddImage(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(tex)), ImVec2(p0.x + inset, p0.y + inset),
                     ImVec2(p1.x - inset, p1.y - inset), ImVec2(0, 1), ImVec2(1, 0));
        dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    }
    dl->AddRect(p0, p1, frameColour(r.view, viewer_.state().mainView == r.view), 0, 0, 2.0f);
    if (!viewer_.hasImage() && r.view == viewer_.state().mainView) {
        const char* hint = "Open a case (File > Open case) or the built-in phantom (Case panel).";
        dl->AddText(ImVec2(p0.x + 16, p0.y + 16), IM_COL32(200, 200, 200, 255), hint);
    }
    // Items being drawn right now (committed ones are drawn by the views).
    if (render::isSliceView(r.view) && viewer_.hasImage()) {
        auto& s = views_.slice(r.view);
        auto screen = [&](const Vec3& p) {
            double x, y;
            s.lpsToPixel(p, x, y);
            return ImVec2(p0.x + inset + static_cast<float>(x), p0.y + inset + static_cast<float>(y));
        };
        if (drag_ && drag_->kind == DragKind::Ruler && drag_->view == r.view) {
            const ImVec2 a = screen(drag_->rulerStart);
            const ImVec2 b = ImGui::GetMousePos();
            dl->AddLine(a, b, IM_COL32(255, 255, 100, 255), 2.0f);
            const Vec3 end = toLps(r.view, ImVec2(b.x - p0.x - inset, b.y - p0.y - inset));
            std::ostringstream t;
            t << std::fixed << std::setprecision(1) << distance(drag_->rulerStart, end) << " mm";
            dl->AddText(ImVec2(b.x + 10, b.y), IM_COL32(255, 255, 100, 255), t.str().c_str());
        }
        if ((gui_.tool == Tool::Paint || gui_.tool == Tool::Erase) && ImGui::IsMouseHoveringRect(p0, p1)) {
            // The brush's outline under the cursor, its radius in this view's scale.
            const float radius = static_cast<float>(viewer_.editor().brush().radius_mm / std::max(1e-6, s.mmPerPixel()));
            const ImU32 colour = gui_.tool == Tool::Paint ? IM_COL32(80, 255, 120, 230) : IM_COL32(255, 90, 90, 230);
            dl->AddCircle(ImGui::GetMousePos(), radius, colour, 48, 1.5f);
        }
        if (gui_.tool == Tool::Probe && gui_.pendingProbeTip) {
            const ImVec2 a = screen(*gui_.pendingProbeTip);
            dl->AddCircle(a, 6, IM_COL32(50, 230, 255, 255), 16, 2.0f);
            if (ImGui::IsMouseHoveringRect(p0, p1)) dl->AddLine(a, ImGui::GetMousePos(), IM_COL32(50, 230, 255, 200), 1.5f);
        }
    }
}

void ViewArea::handleInput(const ViewRect& r, ImVec2 p0, bool hovered) {
    ImGuiIO& io = ImGui::GetIO();
    const int inset = 2;
    const ImVec2 local(io.MousePos.x - p0.x - inset, io.MousePos.y - p0.y - inset);
    const bool slice = render::isSliceView(r.view) || r.view == ViewKind::PetMip;
    const bool image = viewer_.hasImage();
    try {
        if (hovered && image && slice && !drag_) gui_.hoverText = viewer_.readout(toLps(r.view, local)).text();
        if (hovered && image && drag_ && drag_->view == r.view && slice) gui_.hoverText = viewer_.readout(toLps(r.view, local)).text();

        // Start of a drag or click.
        if (hovered && !drag_ && image && !io.WantCaptureKeyboard) {
            for (int button = 0; button < 3; ++button) {
                if (!ImGui::IsMouseClicked(button)) continue;
                Drag d;
                d.view = r.view;
                d.start = io.MousePos;
                d.startWindow = viewer_.state().display.window;
                if (ImGui::IsMouseDoubleClicked(0) && button == 0) {
                    // Maximise this view, or go back to the layout it came from.
                    if (gui_.restoreLayout) {
                        viewer_.setLayout(*gui_.restoreLayout);
                        viewer_.setMainView(*gui_.restoreMain);
                        gui_.restoreLayout.reset();
                    } else {
                        gui_.restoreLayout = viewer_.state().layout;
                        gui_.restoreMain = viewer_.state().mainView;
                        viewer_.setLayout(render::Layout::One);
                        viewer_.setMainView(r.view);
                    }
                    return;
                }
                if (button == 1) d.kind = DragKind::Zoom;
                else if (button == 2) d.kind = DragKind::Pan;
                else if (r.view == ViewKind::ThreeD) d.kind = DragKind::Rotate;
                else if ((gui_.tool == Tool::Paint || gui_.tool == Tool::Erase) && render::isSliceView(r.view)) {
                    d.kind = DragKind::Brush;
                    d.lastDab = toLps(r.view, local);
                    viewer_.editor().beginStroke();
                    drag_ = d; // a failing dab still ends the stroke on release
                    dab(r.view, d.lastDab);
                    break;
                } else if (gui_.tool == Tool::Ruler && slice && r.view != ViewKind::PetMip) {
                    d.kind = DragKind::Ruler;
                    d.rulerStart = toLps(r.view, local);
                } else if (gui_.tool == Tool::Navigate && findProbeHandle(r.view, local, d.probeId, d.probeTip)) {
                    d.kind = DragKind::ProbeEnd;
                    viewer_.beginEditGroup("move probe " + d.probeId);
                } else {
                    d.kind = DragKind::WindowLevel;
                }
                drag_ = d;
                break;
            }
        }
        if (hovered && image && !drag_ && io.MouseWheel != 0) {
            const int steps = io.MouseWheel > 0 ? 1 : -1;
            if (r.view == ViewKind::ThreeD) {
                views_.zoom(r.view, steps > 0 ? 1.1 : 1 / 1.1);
            } else if (io.KeyCtrl || r.view == ViewKind::PetMip) {
                views_.slice(r.view).zoom(steps > 0 ? 1.15 : 1 / 1.15, std::make_pair(double(local.x), double(local.y)));
                views_.markDirty(r.view);
            } else {
                viewer_.stepSlice(r.view, steps);
            }
        }
        if (!drag_ || drag_->view != r.view) return;
        Drag& d = *drag_;
        const ImVec2 delta = io.MouseDelta;
        if (std::hypot(io.MousePos.x - d.start.x, io.MousePos.y - d.start.y) > 3) d.moved = true;
        if (d.kind == DragKind::Brush && (delta.x != 0 || delta.y != 0)) {
            // Dabs half a radius apart along the drag (each one is cheap: its box only).
            const Vec3 p = toLps(r.view, local);
            const double step = std::max(0.25, 0.5 * viewer_.editor().brush().radius_mm);
            const double len = distance(p, d.lastDab);
            const int n = static_cast<int>(len / step);
            for (int i = 1; i <= n; ++i) dab(r.view, d.lastDab + (p - d.lastDab) * (i * step / len));
            if (n > 0) d.lastDab = d.lastDab + (p - d.lastDab) * (n * step / len);
        }
        if (d.moved && (delta.x != 0 || delta.y != 0)) {
            switch (d.kind) {
            case DragKind::WindowLevel:
                if (r.view != ViewKind::PetMip) {
                    // Horizontal: width, vertical: level; faster for wide windows.
                    const double k = std::max(1.0, d.startWindow.width / 200.0);
                    const double dx = io.MousePos.x - d.start.x, dy = io.MousePos.y - d.start.y;
                    viewer_.setWindow({std::max(1.0, d.startWindow.width + dx * k), d.startWindow.level - dy * k, ""});
                }
                break;
            case DragKind::Rotate:
                views_.volume().setInteractive(true);
                views_.volume().rotate(delta.x, delta.y);
                views_.markDirty(r.view);
                lastInteraction_ = ImGui::GetTime();
                break;
            case DragKind::Zoom:
                if (r.view == ViewKind::ThreeD) {
                    views_.volume().setInteractive(true);
                    lastInteraction_ = ImGui::GetTime();
                }
                views_.zoom(r.view, std::exp(-delta.y * 0.01));
                break;
            case DragKind::Pan:
                if (r.view == ViewKind::ThreeD) {
                    views_.volume().setInteractive(true);
                    views_.volume().pan(delta.x, delta.y);
                    lastInteraction_ = ImGui::GetTime();
                } else {
                    views_.slice(r.view).pan(delta.x, delta.y);
                }
                views_.markDirty(r.view);
                break;
            case DragKind::ProbeEnd:
                viewer_.moveProbeEnd(d.probeId, d.probeTip, toLps(r.view, local));
                break;
            default: break;
            }
        }
        const int button = d.kind == DragKind::Zoom ? 1 : (d.kind == DragKind::Pan ? 2 : 0);
        if (ImGui::IsMouseReleased(button)) {
            if (d.kind == DragKind::ProbeEnd) viewer_.endEditGroup();
            if (d.kind == DragKind::Brush) {
                viewer_.editor().endStroke(); // the drag is one undo step
                drag_.reset();
                return;
            }
            if (!d.moved && button == 0 && slice) {
                const Vec3 p = toLps(r.view, local);
                if (gui_.tool == Tool::Point && r.view != ViewKind::PetMip) {
                    viewer_.addPoint(p);
                } else if (gui_.tool == Tool::Seed && r.view != ViewKind::PetMip) {
                    viewer_.segmentation().growFromSeed(p); // one click grows a lesion (background)
                    gui_.tool = Tool::Navigate;
                } else if (gui_.tool == Tool::Probe && r.view != ViewKind::PetMip) {
                    if (!gui_.pendingProbeTip) {
                        gui_.pendingProbeTip = p;
                    } else {
                        viewer_.placeProbe(viewer_.nextProbeId(), *gui_.pendingProbeTip, p);
                        gui_.pendingProbeTip.reset();
                    }
                } else if (r.view == ViewKind::PetMip) {
                    // The MIP is a coronal projection: keep the crosshair's depth (y).
                    viewer_.setCrosshair({p.x, viewer_.state().crosshair_mm.y, p.z});
                } else {
                    viewer_.setCrosshair(p);
                }
            }
            if (d.kind == DragKind::Ruler && d.moved) {
                const Vec3 end = toLps(r.view, local);
                if (distance(d.rulerStart, end) >= 0.5) viewer_.addRuler(d.rulerStart, end);
            }
            if (d.kind == DragKind::Rotate || d.kind == DragKind::Zoom || d.kind == DragKind::Pan)
                lastInteraction_ = ImGui::GetTime();
            drag_.reset();
        }
    } catch (const Error& e) {
        if (drag_ && drag_->kind == DragKind::ProbeEnd && ImGui::IsMouseReleased(0)) viewer_.endEditGroup();
        if (drag_ && drag_->kind == DragKind::Brush) {
            // A brush that cannot paint (no label chosen, no map) says so once, not every frame.
            viewer_.editor().endStroke();
            drag_.reset();
        }
        reportError(gui_, e);
        if (drag_ && !ImGui::IsMouseDown(0) && !ImGui::IsMouseDown(1) && !ImGui::IsMouseDown(2)) drag_.reset();
    }
}

void ViewArea::keyboard(std::optional<ViewKind> hovered) {
    ImGuiIO& io = ImGui::GetIO();
    if (io.WantCaptureKeyboard || !viewer_.hasImage()) return;
    try {
        const ViewKind target = hovered && render::isSliceView(*hovered) ? *hovered
                                : render::isSliceView(viewer_.state().mainView) ? viewer_.state().mainView
                                                                                 : ViewKind::Axial;
        if (ImGui::IsKeyPressed(GLFW_KEY_UP)) viewer_.stepSlice(target, 1);
        if (ImGui::IsKeyPressed(GLFW_KEY_DOWN)) viewer_.stepSlice(target, -1);
        if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_UP)) viewer_.stepSlice(target, 10);
        if (ImGui::IsKeyPressed(GLFW_KEY_PAGE_DOWN)) viewer_.stepSlice(target, -10);
        if (ImGui::IsKeyPressed(GLFW_KEY_R, false) && !io.KeyCtrl) views_.resetViews();
        if (ImGui::IsKeyPressed(GLFW_KEY_ESCAPE, false)) {
            gui_.tool = Tool::Navigate;
            gui_.pendingProbeTip.reset();
        }
        if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Z, false)) {
            if (io.KeyShift) viewer_.redo();
            else viewer_.undo();
        }
        if (io.KeyCtrl && ImGui::IsKeyPressed(GLFW_KEY_Y, false)) viewer_.redo();
    } catch (const Error& e) {
        reportError(gui_, e);
    }
}

} // namespace irplan::viewer
