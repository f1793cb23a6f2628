#pragma once
// The 3D view's displayables, one small class per kind of case item (3D Slicer's
// displayable-manager habit): each owns its VTK actors and keeps them in step
// with plain data. An ablation zone or a heat-sink marker is added the same way:
// a class here, a setter on VolumeView. Internal to render/.
#include "render/Scene.h"
#include "render/Surfaces.h"

#include <vtkSmartPointer.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

class vtkActor;
class vtkRenderer;

namespace irplan::render::detail {

// Smoothed label-map surfaces: the liver translucent, lesions and vessels solid.
class LabelSurfaceActors {
public:
    explicit LabelSurfaceActors(vtkRenderer* renderer) : renderer_(renderer) {}
    ~LabelSurfaceActors();
    // `skipVessels`: vessel labels are drawn as centreline tubes instead.
    void set(std::shared_ptr<const LabelSurfaces> surfaces, const std::set<int>& hidden, bool skipVessels);
    void setVisible(bool visible);
    const std::shared_ptr<const LabelSurfaces>& surfaces() const { return surfaces_; }

private:
    vtkRenderer* renderer_;
    std::shared_ptr<const LabelSurfaces> surfaces_;
    std::vector<vtkSmartPointer<vtkActor>> actors_;
    bool visible_ = true;
};

// Vessel centrelines as tubes coloured by diameter (>= 3 mm orange to red).
class VesselTubeActor {
public:
    explicit VesselTubeActor(vtkRenderer* renderer);
    ~VesselTubeActor();
    void set(std::shared_ptr<const VesselTubes> tubes);
    void setVisible(bool visible);
    const std::shared_ptr<const VesselTubes>& tubes() const { return tubes_; }

private:
    vtkRenderer* renderer_;
    vtkSmartPointer<vtkActor> actor_;
    std::shared_ptr<const VesselTubes> tubes_;
};

// Applicators: the shaft from entry to tip and a ball at the tip.
class ProbeActors {
public:
    explicit ProbeActors(vtkRenderer* renderer);
    ~ProbeActors();
    void set(const std::vector<ProbeShape>& probes);

private:
    vtkRenderer* renderer_;
    vtkSmartPointer<vtkActor> actor_;
};

// Ablation zones as translucent surfaces (iso-surface 0 of each zone's field)
// and warning markers as spheres.
class ZoneActors {
public:
    explicit ZoneActors(vtkRenderer* renderer);
    ~ZoneActors();
    void set(const std::vector<ZoneOverlay>& zones, const std::vector<MarkerShape>& markers);

private:
    vtkRenderer* renderer_;
    std::vector<vtkSmartPointer<vtkActor>> actors_;
};

} // namespace irplan::render::detail
