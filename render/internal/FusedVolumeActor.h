#pragma once
// The fused CT + PET volume of the 3D view (internal to render/): a
// three-component vtkImageData rendered by vtkGPUVolumeRayCastMapper with the
// project's shader (shaders/fused_raycast.glsl) spliced in.
#include "render/FusedVolume.h"

#include <vtkSmartPointer.h>

#include <memory>

class vtkGPUVolumeRayCastMapper;
class vtkImageData;
class vtkVolume;

namespace irplan::render::detail {

class FusedVolumeActor {
public:
    FusedVolumeActor();
    vtkVolume* volume() const { return volume_; }
    void setData(std::shared_ptr<const FusedVolumeData> data);
    bool hasData() const { return data_ != nullptr; }
    const FusedVolumeData* data() const { return data_.get(); }
    // Pushes the display settings into the shader's uniforms.
    // restSampleDistance: rays per pixel side at rest (1 = every pixel).
    void apply(const DisplaySettings& settings, bool interactive, int width, int height, double restSampleDistance = 1.0);

private:
    std::shared_ptr<const FusedVolumeData> data_;
    vtkSmartPointer<vtkImageData> image_;
    vtkSmartPointer<vtkGPUVolumeRayCastMapper> mapper_;
    vtkSmartPointer<vtkVolume> volume_;
};

} // namespace irplan::render::detail
