#include "app/gui/session/Tour.h"

namespace irplan::viewer {

const std::vector<TourStep>& phantomTour() {
    static const std::vector<TourStep> steps = {
        {"1. Hypervascular metastases",
         "Liver metastases of neuroendocrine tumours are hypervascular: they enhance strongly in the late arterial "
         "phase (about 25-35 s after contrast injection) and wash out in portal and late phases. Lesion 1 (34 mm, "
         "right lobe) is bright on this arterial CT in the liver window. Lesions under 5 mm are often missed.",
         {"use-ct ct", "layout 1x1", "view axial", "window liver", "pet off", "labels off", "lesion 1"}},
        {"2. Arterial versus portal phase",
         "The same slice in the portal-venous phase: the lesion has washed out and is much harder to see. Comparing "
         "phases is how these lesions are found on CT.",
         {"use-ct ct_portal", "layout 1x1", "view axial", "window liver", "pet off", "labels off", "lesion 1"}},
        {"3. Somatostatin-receptor PET",
         "68Ga-DOTATATE PET is about 97% sensitive for NET liver involvement. Lesion 4 is only 12 HU brighter than the "
         "liver on arterial CT but clearly hot on the fused PET: lesions invisible on CT can be targeted on PET/CT. "
         "Hover over it to read SUVbw.",
         {"use-ct ct", "layout 2x2", "window liver", "pet on", "pet-colormap hot", "pet-opacity 0.5", "labels off",
          "lesion 4"}},
        {"4. Fusion needs registration",
         "PET and CT from one scanner are roughly aligned, but breathing moves the liver between a breath-hold CT and a "
         "free-breathing PET. Here the PET is placed by the phantom's known alignment; without it the hot spots sit "
         "about 9 mm off the lesions. A registration that fails silently (a mirrored PET scores almost as well) is "
         "why IRPlan checks registrations before fusing.",
         {"layout 1+3", "view coronal", "pet on", "pet-opacity 0.7", "labels outline", "lesion 2"}},
        {"5. Heat sink next to vessels of 3 mm or more",
         "Flowing blood cools the tissue next to a vessel of 3 mm or more, so radiofrequency (and less so microwave) "
         "ablation under-treats there: a sink was seen next to 32 of 44 veins over 3 mm and none of 20 under 3 mm. "
         "Lesion 2 abuts a 5.3 mm portal-vein branch; in 3D, vessels of 3 mm or more are orange to red. "
         "Irreversible electroporation is not affected by heat sink.",
         {"layout 1+3", "view 3d", "preset3d vessels", "surfaces on", "pet3d on", "lesion 2"}},
        {"6. Margins",
         "The aim of every ablation is the tumour plus a 5-10 mm margin of healthy tissue; a minimal ablative margin of "
         "4-5 mm or more predicts no local progression. For a 2 cm tumour a zone of about 3-4 cm is needed. Measure "
         "lesion 1 with the ruler (Measure panel); zones and margin maps are drawn when planning is added.",
         {"layout 1x1", "view axial", "window abdomen", "pet on", "labels outline", "lesion 1"}},
    };
    return steps;
}

bool tourFits(const std::string& caseName) { return caseName == "IRPlan phantom (seed 1)"; }

} // namespace irplan::viewer
