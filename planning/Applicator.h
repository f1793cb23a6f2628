#pragma once
// From a probe (tip and entry point in LPS mm) and its device setting to the
// geometry every zone model needs: the applicator axis, each needle of a
// cluster or IRE array, and the charted ellipsoid.
#include "core/Geometry.h"
#include "planning/DeviceCatalogue.h"
#include "planning/Ellipsoid.h"

#include <string>
#include <vector>

namespace irplan::planning {

// One applicator insertion as the user (or the proposal engine) places it.
struct Probe {
    std::string id;       // "p1", ...
    std::string deviceId; // empty: the plan's device
    std::string setting;  // empty: the plan's setting
    Vec3 tip_mm;
    Vec3 entry_mm;
};

// Parses "tip=x,y,z;entry=x,y,z" (mm, LPS). Throws irplan::Error quoting the text.
Probe parseProbe(const std::string& text);

struct Needle {
    Vec3 tip_mm;
    Vec3 entry_mm;
};

struct PlacedApplicator {
    const Device* device = nullptr;
    const DeviceSetting* setting = nullptr;
    Probe probe;
    Vec3 axis;                   // unit vector from the tip towards the entry
    Vec3 across1, across2;       // unit vectors across the axis (across1 lies in the axial plane when it can)
    std::vector<Needle> needles; // one per needle (cluster / IRE array), parallel to the axis
    Ellipsoid chart;             // the charted zone of the whole applicator (cluster: the cluster's chart)
    double insertedDepth_mm() const { return distance(probe.tip_mm, probe.entry_mm); }
};

// Places `probe` with `device`/`setting`. A cluster's needles sit on an
// equilateral triangle (side = spacing) around the axis; a single IRE probe
// becomes the setting's electrode array (2: pair, 3: triangle, 4: square,
// 5: square with a centre electrode, 6: 2 x 3), centred on the axis.
// Throws irplan::Error when tip and entry coincide.
PlacedApplicator placeApplicator(const Probe& probe, const Device& device, const DeviceSetting& setting);

// IRE plans may instead give one probe per electrode: each probe is then one
// electrode and the chart ellipsoid is centred on their mean.
PlacedApplicator placeIreElectrodes(const std::vector<Probe>& electrodes, const Device& device,
                                    const DeviceSetting& setting);

// Unit vector across `axis`, in the axial plane when the axis is not vertical.
Vec3 acrossAxis(const Vec3& axis);

// Angle (degrees) between the line tip-entry and the axial plane (0 = in-plane).
double angleToAxialPlane_deg(const Vec3& tip, const Vec3& entry);

} // namespace irplan::planning
