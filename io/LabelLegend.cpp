#include "io/LabelLegend.h"

#include "core/Case.h"
#include "core/Error.h"
#include "core/Files.h"
#include "core/JsonFile.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace irplan {
namespace {

// Segmentation property categories (DICOM CID 7150) and types, SNOMED CT codes
// as listed in DICOM PS3.16 / the TG-263 body-structure value set.
const CodedConcept kTissue{"85756007", "SCT", "Tissue"};
const CodedConcept kAnatomicalStructure{"91723000", "SCT", "Anatomical Structure"};
const CodedConcept kMorphologicallyAbnormal{"49755003", "SCT", "Morphologically Abnormal Structure"};

struct Known {
    const char* key; // matched against the lower-case name
    CodedConcept category, type;
    std::array<unsigned char, 3> rgb;
    const char* rtType;
};

// Most specific keys first (a "portal vein" is not matched by "vein" rules).
const Known kKnown[] = {
    {"ablation zone", kMorphologicallyAbnormal, {"6574001", "SCT", "Necrosis"}, {{255, 165, 0}}, "TREATED_VOLUME"},
    {"zone", kMorphologicallyAbnormal, {"6574001", "SCT", "Necrosis"}, {{255, 165, 0}}, "TREATED_VOLUME"},
    {"lesion", kMorphologicallyAbnormal, {"14799000", "SCT", "Neoplasm, Secondary"}, {{230, 40, 40}}, "GTV"},
    {"metasta", kMorphologicallyAbnormal, {"14799000", "SCT", "Neoplasm, Secondary"}, {{230, 40, 40}}, "GTV"},
    {"tumour", kMorphologicallyAbnormal, {"14799000", "SCT", "Neoplasm, Secondary"}, {{230, 40, 40}}, "GTV"},
    {"tumor", kMorphologicallyAbnormal, {"14799000", "SCT", "Neoplasm, Secondary"}, {{230, 40, 40}}, "GTV"},
    {"gtv", kMorphologicallyAbnormal, {"14799000", "SCT", "Neoplasm, Secondary"}, {{230, 40, 40}}, "GTV"},
    {"portal vein", kAnatomicalStructure, {"32764006", "SCT", "Portal vein"}, {{0, 151, 206}}, "ORGAN"},
    {"vena cava", kAnatomicalStructure, {"35532006", "SCT", "Vena cava"}, {{0, 122, 171}}, "ORGAN"},
    {"ivc", kAnatomicalStructure, {"35532006", "SCT", "Vena cava"}, {{0, 122, 171}}, "ORGAN"},
    {"aorta", kAnatomicalStructure, {"15825003", "SCT", "Aorta"}, {{224, 97, 76}}, "ORGAN"},
    {"liver", kAnatomicalStructure, {"10200004", "SCT", "Liver"}, {{221, 130, 101}}, "ORGAN"},
    {"kidney", kAnatomicalStructure, {"64033007", "SCT", "Kidney"}, {{185, 102, 83}}, "ORGAN"},
    {"spleen", kAnatomicalStructure, {"78961009", "SCT", "Spleen"}, {{157, 108, 162}}, "ORGAN"},
    {"lung", kAnatomicalStructure, {"39607008", "SCT", "Lung"}, {{197, 165, 145}}, "ORGAN"},
    {"heart", kAnatomicalStructure, {"80891009", "SCT", "Heart"}, {{206, 110, 84}}, "ORGAN"},
    {"gallbladder", kAnatomicalStructure, {"28231008", "SCT", "Gallbladder"}, {{139, 150, 98}}, "ORGAN"},
    {"stomach", kAnatomicalStructure, {"69695003", "SCT", "Stomach"}, {{216, 132, 105}}, "ORGAN"},
    {"bowel", kAnatomicalStructure, {"113276009", "SCT", "Intestinal structure"}, {{255, 253, 229}}, "ORGAN"},
    {"spinal canal", kAnatomicalStructure, {"61853006", "SCT", "Spinal canal"}, {{244, 214, 49}}, "ORGAN"},
    {"muscle", kAnatomicalStructure, {"71616004", "SCT", "Muscle"}, {{192, 104, 88}}, "ORGAN"},
    {"bone", kAnatomicalStructure, {"119186007", "SCT", "Bone"}, {{241, 214, 145}}, "ORGAN"},
    // Names without a verified body-structure code keep a generic concept and their own label.
    {"hepatic vein", kTissue, kTissue, {{0, 90, 180}}, "ORGAN"},
    {"artery", kTissue, kTissue, {{216, 101, 79}}, "ORGAN"},
    {"fat", kTissue, kTissue, {{230, 220, 70}}, "ORGAN"},
};

const std::array<unsigned char, 3> kPalette[] = {
    {{128, 174, 128}}, {{241, 214, 145}}, {{177, 122, 101}}, {{111, 184, 210}}, {{216, 101, 79}},  {{221, 130, 101}},
    {{144, 238, 144}}, {{192, 104, 88}},  {{220, 245, 20}},  {{78, 63, 0}},     {{255, 250, 220}}, {{230, 220, 70}}};

std::string lower(std::string s) {
    for (auto& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

} // namespace

std::map<int, std::string> readLegend(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw Error("no such legend file: " + path.string());
    files::registerInput(path);
    const Json j = parseJsonFile(path);
    const Json& legend = j.contains("legend") ? j["legend"] : j;
    if (!legend.is_object()) throw Error(path.string() + ": the legend must be an object {\"1\": \"liver\", ...}");
    std::map<int, std::string> out;
    for (auto it = legend.begin(); it != legend.end(); ++it) {
        int label = 0;
        try {
            size_t used = 0;
            label = std::stoi(it.key(), &used);
            if (used != it.key().size()) throw std::invalid_argument("trailing");
        } catch (const std::exception&) {
            throw Error(path.string() + ": legend key '" + it.key() + "' is not a label value");
        }
        if (label <= 0 || label > 65535) throw Error(path.string() + ": legend label " + it.key() + " is out of range");
        if (!it.value().is_string()) throw Error(path.string() + ": the name of label " + it.key() + " is not text");
        out[label] = it.value().get<std::string>();
    }
    return out;
}

std::vector<int> labelsPresent(const LabelImage* labels) {
    std::set<int> s;
    const auto* p = labels->GetBufferPointer();
    const size_t n = labels->GetBufferedRegion().GetNumberOfPixels();
    for (size_t i = 0; i < n; ++i)
        if (p[i]) s.insert(p[i]);
    return {s.begin(), s.end()};
}

std::vector<StructureStyle> styleLabels(const std::vector<int>& labels, const std::map<int, std::string>& legend) {
    std::vector<StructureStyle> out;
    size_t paletteIndex = 0;
    for (int label : labels) {
        StructureStyle s;
        s.label = label;
        auto it = legend.find(label);
        s.name = it != legend.end() ? it->second : "label " + std::to_string(label);
        const std::string n = lower(s.name);
        const Known* match = nullptr;
        for (const auto& k : kKnown)
            if (n.find(k.key) != std::string::npos) {
                match = &k;
                break;
            }
        if (match) {
            s.category = match->category;
            s.type = match->type;
            s.rgb = match->rgb;
            s.rtInterpretedType = match->rtType;
        } else {
            s.category = kTissue;
            s.type = kTissue;
            s.rgb = kPalette[paletteIndex++ % (sizeof kPalette / sizeof kPalette[0])];
        }
        out.push_back(s);
    }
    return out;
}

} // namespace irplan
