#pragma once
// Small helpers shared by the VTK views (internal to render/): coloured line
// batches and a pool of text actors reused from frame to frame.
#include "render/Colormaps.h"

#include <vtkNew.h>
#include <vtkPolyData.h>
#include <vtkSmartPointer.h>

#include <string>
#include <vector>

class vtkActor;
class vtkActor2D;
class vtkCellArray;
class vtkPoints;
class vtkPolyData;
class vtkRenderer;
class vtkTextActor;
class vtkUnsignedCharArray;

namespace irplan::render::detail {

// Line segments with one colour each, in world or display coordinates.
class LineBatch {
public:
    LineBatch();
    ~LineBatch();
    void clear();
    void add(double x0, double y0, double x1, double y1, const Rgb& colour, double z = 0.0);
    void add3(const double a[3], const double b[3], const Rgb& colour);
    void circle(double cx, double cy, double radius, const Rgb& colour, double z = 0.0, int segments = 24);
    // Quads with per-vertex colours (colour bars), display coordinates.
    void quad(double x0, double y0, double x1, double y1, const Rgb& bottom, const Rgb& top);
    vtkPolyData* polyData() const { return polyData_; }
    void commit();

private:
    vtkSmartPointer<vtkPolyData> polyData_;
    vtkSmartPointer<vtkPoints> points_;
    vtkSmartPointer<vtkCellArray> lines_, polys_;
    vtkSmartPointer<vtkUnsignedCharArray> colours_;
};

struct TextStyle {
    int size = 14;
    Rgb colour{1, 1, 1};
    bool bold = false;
    int horizontal = 0; // -1 left, 0 centre, 1 right
    int vertical = 0;   // -1 bottom, 0 centre, 1 top
};

class TextPool {
public:
    explicit TextPool(vtkRenderer* renderer) : renderer_(renderer) {}
    ~TextPool();
    void begin(); // hides every text of the previous frame
    // x, y in VTK display coordinates (origin at the bottom left).
    void add(const std::string& text, double x, double y, const TextStyle& style);

private:
    vtkRenderer* renderer_;
    std::vector<vtkSmartPointer<vtkTextActor>> actors_;
    size_t used_ = 0;
};

} // namespace irplan::render::detail
