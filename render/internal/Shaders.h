#pragma once
// GLSL from shaders/, embedded at build time (see render/CMakeLists.txt).
#include <string>

namespace irplan::render::detail {

// The text of shaders/fused_raycast.glsl.
const char* fusedRaycastGlsl();
// Its section after the marker line `//IRPLAN::<name>` up to the next marker.
std::string glslSection(const char* source, const std::string& name);

} // namespace irplan::render::detail
