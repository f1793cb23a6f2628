#pragma once
// Internal to phantom/: the follow-up CT images of a FollowupCase whose zones
// and motion are set.
#include "phantom/Followup.h"

namespace irplan::phantom {

// Paints the anatomy with the ablation zones in the pre-CT space (no noise),
// moves it by the breath-hold motion onto the follow-up grid, adds fresh CT
// noise, and fills ctPost, labelsPost, zonesPost, zonesPre and postGrid.
void synthesizeFollowupCt(const PhantomCase& phantom, FollowupCase& followup, const Progress& progress);

} // namespace irplan::phantom
