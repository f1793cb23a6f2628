#pragma once
// From the skeleton graph of the vessel mask to a list of oriented branches:
// connected groups of graph branches (shorter groups dropped), each rooted at
// its thickest branch and walked breadth first so a parent always comes
// before its children and a child starts at the junction it leaves its parent
// at. Centreline points (node centres at both ends, lightly smoothed), the
// mask's inscribed radius at each point, which points lie inside a junction's
// lumen, and which branch owns every vessel voxel (nearest skeleton voxel).
#include "core/Geometry.h"
#include "io/ImageTypes.h"
#include "segmentation/SkeletonGraph.h"

#include <map>
#include <string>
#include <vector>

namespace irplan::seg {

struct BranchWork {
    int graphBranch = -1;
    int parent = -1;            // index into the branch list, -1 for a root
    int startNode = -1, endNode = -1;
    int tree = 0;               // connected group (0..)
    std::vector<Vec3> points;   // centreline, LPS mm
    std::vector<double> r0;     // radius from the mask's distance map (mm)
    std::vector<size_t> voxels; // skeleton voxels, in order (points 1..n-2, or 1..n-1 for an open end)
    std::vector<char> inJunction; // point lies inside the lumen of the junction it starts or ends at
    double blood = 0;
    std::string bloodFrom;
    std::vector<double> diameters;
};

struct BranchSet {
    std::vector<BranchWork> branches;
    std::map<int, std::vector<int>> nodeBranches; // graph node -> live graph branches at it
    std::vector<int> owner;      // per voxel of the grid: owning branch, -1 none
    std::vector<int> ownerPoint; // per voxel: the owning branch's nearest point
    // Degree of a graph node (number of live branches meeting there).
    size_t degree(int node) const;
};

// `mask`: the vessel mask; `edt`: its distance to the background (mm);
// `ownerRegion`: voxels that get an owner (the mask, slightly grown).
BranchSet buildBranches(const SkeletonGraph& graph, const FloatImage* edt, const MaskImage* ownerRegion,
                        double minLength_mm);

// Centre (mean of its voxels, mm) and largest inscribed radius of a graph node.
Vec3 graphNodeCentre(const SkeletonGraph& graph, int node, const itk::ImageBase<3>* grid);

} // namespace irplan::seg
