#pragma once
// A VTK render window for one view (internal to render/). See ViewCanvas.h.
#include "render/ViewCanvas.h"

#include <vtkRenderWindow.h>
#include <vtkSmartPointer.h>

class vtkRenderWindow;
class vtkRenderer;
class vtkCallbackCommand;

namespace irplan::render::detail {

class Canvas {
public:
    explicit Canvas(const CanvasOptions& options);
    ~Canvas();
    Canvas(const Canvas&) = delete;
    Canvas& operator=(const Canvas&) = delete;

    vtkRenderWindow* window() const { return window_; }
    void addRenderer(vtkRenderer* renderer);
    void setSize(int width, int height);
    int width() const { return width_; }
    int height() const { return height_; }
    // Renders every renderer; no-op at zero size (minimised window).
    void render();
    // The last frame, row 0 at the top.
    RgbaImage capture();
    // GL texture name of the last frame (shared context only; 0 before the first render).
    unsigned texture() const;
    // Frees GL resources while the context still exists.
    void release();

private:
    CanvasOptions options_;
    vtkSmartPointer<vtkRenderWindow> window_;
    vtkSmartPointer<vtkCallbackCommand> makeCurrent_, isCurrent_, supportsGl_;
    int width_ = 0, height_ = 0;
    bool rendered_ = false;
};

} // namespace irplan::render::detail
