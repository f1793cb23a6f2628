#pragma once
// Where a view's pixels go. Offscreen: VTK's own hidden X window (headless
// screenshots, tests, benchmarks; needs an X display such as Xvfb). Shared
// context: VTK renders inside the GUI's OpenGL context into its own framebuffer,
// and the GUI shows the colour texture (STYLE.md: vtkGenericOpenGLRenderWindow
// answering WindowIsCurrent/WindowMakeCurrent). No VTK in this header.
#include "render/RenderTypes.h"

#include <functional>

namespace irplan::render {

struct GlContextHooks {
    std::function<void()> makeCurrent;
    std::function<bool()> isCurrent;
};

enum class CanvasKind { Offscreen, SharedContext };

struct CanvasOptions {
    CanvasKind kind = CanvasKind::Offscreen;
    GlContextHooks hooks; // SharedContext only
};

// True when an X display can be opened (DISPLAY set and reachable). VTK's X
// render window aborts without one, so every offscreen render checks first.
bool displayAvailable();

} // namespace irplan::render
