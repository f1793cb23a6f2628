#pragma once
// The chart zone model: the charted ellipsoid along each applicator axis;
// several applicators (overlapping ablations) give the union of their zones.
#include "planning/Applicator.h"
#include "planning/ZoneField.h"

#include <vector>

namespace irplan::planning {

// Field value 1 - normalised radius of the nearest ellipsoid (max over the
// union), on the box that bounds every ellipsoid, on `lattice`.
ZoneField chartZoneField(const std::vector<Ellipsoid>& ellipsoids, const GridGeometry& lattice);

// The chart ellipsoids of placed applicators, each scaled about its centre by
// `linearScale` (1 = the chart; the in-vivo factor for the expected zone).
std::vector<Ellipsoid> chartEllipsoids(const std::vector<PlacedApplicator>& applicators, double linearScale = 1.0);

} // namespace irplan::planning
