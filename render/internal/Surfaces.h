#pragma once
// The opaque surface types of render/Surfaces.h (internal to render/).
#include "render/Surfaces.h"

#include <vtkPolyData.h>
#include <vtkSmartPointer.h>

#include <vector>

namespace irplan::render {

class LabelSurfaces {
public:
    struct Item {
        int label = 0;
        vtkSmartPointer<vtkPolyData> mesh; // LPS mm
    };
    std::vector<Item> items;
};

class VesselTubes {
public:
    vtkSmartPointer<vtkPolyData> mesh; // LPS mm, point array "colours"
    int branches = 0;
    int branchesAtLeast3mm = 0;
    bool kindsKnown = false; // coloured by kind (else by diameter)
};

} // namespace irplan::render
