#include "render/RenderTypes.h"

namespace irplan::render {

namespace {
template <class E, size_t N>
std::optional<E> lookup(const std::string& name, const std::pair<const char*, E> (&table)[N]) {
    for (const auto& [n, e] : table)
        if (name == n) return e;
    return std::nullopt;
}
template <class E, size_t N>
const char* nameOf(E e, const std::pair<const char*, E> (&table)[N]) {
    for (const auto& [n, x] : table)
        if (x == e) return n;
    return "?";
}

const std::pair<const char*, ViewKind> kViews[] = {{"axial", ViewKind::Axial},   {"coronal", ViewKind::Coronal},
                                                   {"sagittal", ViewKind::Sagittal}, {"3d", ViewKind::ThreeD},
                                                   {"mip", ViewKind::PetMip}};
const std::pair<const char*, Layout> kLayouts[] = {
    {"1x1", Layout::One}, {"2x2", Layout::TwoByTwo}, {"1+3", Layout::OnePlusThree}};
const std::pair<const char*, Colormap> kColormaps[] = {{"hot", Colormap::Hot},
                                                       {"rainbow", Colormap::Rainbow},
                                                       {"gray", Colormap::Gray},
                                                       {"inverted", Colormap::InvertedGray}};
const std::pair<const char*, LabelStyle> kLabelStyles[] = {
    {"outline", LabelStyle::Outline}, {"fill", LabelStyle::Fill}, {"off", LabelStyle::Hidden}};
const std::pair<const char*, Volume3dPreset> kPresets[] = {
    {"vessels", Volume3dPreset::Vessels}, {"bone", Volume3dPreset::Bone}, {"soft", Volume3dPreset::SoftTissue}};
} // namespace

const char* viewName(ViewKind v) { return nameOf(v, kViews); }
std::optional<ViewKind> viewFromName(const std::string& name) { return lookup(name, kViews); }
const char* layoutName(Layout l) { return nameOf(l, kLayouts); }
std::optional<Layout> layoutFromName(const std::string& name) { return lookup(name, kLayouts); }
const char* colormapName(Colormap c) { return nameOf(c, kColormaps); }
std::optional<Colormap> colormapFromName(const std::string& name) {
    if (name == "iron") return Colormap::Hot; // the same map under the name nuclear medicine uses
    if (name == "grey") return Colormap::Gray;
    return lookup(name, kColormaps);
}
const char* labelStyleName(LabelStyle s) { return nameOf(s, kLabelStyles); }
std::optional<LabelStyle> labelStyleFromName(const std::string& name) { return lookup(name, kLabelStyles); }
const char* volumePresetName(Volume3dPreset p) { return nameOf(p, kPresets); }
std::optional<Volume3dPreset> volumePresetFromName(const std::string& name) { return lookup(name, kPresets); }

std::optional<WindowLevel> windowPreset(const std::string& name) {
    // Radiopaedia "Windowing (CT)": liver W150 L30, soft tissue W400 L50, bone W1800 L400, lung W1500 L-600.
    if (name == "liver") return WindowLevel{150, 30, "liver"};
    if (name == "abdomen") return WindowLevel{400, 50, "abdomen"};
    if (name == "bone") return WindowLevel{1800, 400, "bone"};
    if (name == "lung") return WindowLevel{1500, -600, "lung"};
    return std::nullopt;
}

std::vector<std::string> windowPresetNames() { return {"liver", "abdomen", "bone", "lung"}; }

} // namespace irplan::render
