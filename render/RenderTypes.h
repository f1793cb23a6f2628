#pragma once
// Plain types shared by the render module and the viewer (no VTK): which view,
// which layout, colour maps, window/level presets, and an RGBA picture.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace irplan::render {

enum class ViewKind { Axial, Coronal, Sagittal, ThreeD, PetMip };
const char* viewName(ViewKind v);           // "axial", "coronal", "sagittal", "3d", "mip"
std::optional<ViewKind> viewFromName(const std::string& name);
inline bool isSliceView(ViewKind v) { return v == ViewKind::Axial || v == ViewKind::Coronal || v == ViewKind::Sagittal; }

enum class Layout { One, TwoByTwo, OnePlusThree };
const char* layoutName(Layout l);           // "1x1", "2x2", "1+3"
std::optional<Layout> layoutFromName(const std::string& name);

enum class Colormap { Hot, Rainbow, Gray, InvertedGray };
const char* colormapName(Colormap c);       // "hot", "rainbow", "gray", "inverted"
std::optional<Colormap> colormapFromName(const std::string& name);

// CT/MR grey scale: values in [level - width/2, level + width/2] map to black..white.
struct WindowLevel {
    double width = 400;
    double level = 40;
    std::string preset; // name of the preset it came from, empty for custom
};
// Presets radiologists use for contrast CT of the abdomen (HU). Widths and levels
// are the common published defaults (e.g. Radiopaedia "CT windows": liver W150 L30,
// abdomen/soft tissue W400 L40, bone W1800 L400, lung W1500 L-600).
std::optional<WindowLevel> windowPreset(const std::string& name);
std::vector<std::string> windowPresetNames(); // liver, abdomen, bone, lung

// How a label map is drawn on slices.
enum class LabelStyle { Outline, Fill, Hidden };
const char* labelStyleName(LabelStyle s);
std::optional<LabelStyle> labelStyleFromName(const std::string& name);

// 3D presets for the CT part of the fused ray cast.
enum class Volume3dPreset { Vessels, Bone, SoftTissue };
const char* volumePresetName(Volume3dPreset p); // "vessels", "bone", "soft"
std::optional<Volume3dPreset> volumePresetFromName(const std::string& name);

// Row 0 is the top of the picture; 4 bytes per pixel (R, G, B, A).
struct RgbaImage {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels;

    RgbaImage() = default;
    RgbaImage(int w, int h) : width(w), height(h), pixels(static_cast<size_t>(w) * static_cast<size_t>(h) * 4, 0) {}
    bool empty() const { return width <= 0 || height <= 0; }
    std::uint8_t* at(int x, int y) { return pixels.data() + (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 4; }
    const std::uint8_t* at(int x, int y) const {
        return pixels.data() + (static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)) * 4;
    }
};

} // namespace irplan::render
