#pragma once
// A curve skeleton as a graph: nodes are end points and junctions (clusters of
// skeleton voxels with three or more neighbours), branches are the voxel
// chains between them. Short spurs (surface noise of the thinning) are pruned
// and nodes left with two branches are merged away.
#include "io/ImageTypes.h"

#include <cstddef>
#include <vector>

namespace irplan::seg {

struct GraphNode {
    std::vector<size_t> voxels; // linear indices (one for an end point)
    std::vector<int> branches;  // incident branches
};

struct GraphBranch {
    std::vector<size_t> voxels; // chain, from node `a` to node `b` (end nodes' voxels excluded)
    int a = -1, b = -1;         // node ids (a == b for a loop)
    bool removed = false;
};

struct SkeletonGraph {
    std::vector<GraphNode> nodes;
    std::vector<GraphBranch> branches;
};

SkeletonGraph buildGraph(const MaskImage* skeleton);

// Removes spurs, shortest first and again after each round (pruning creates
// new terminals), then merges nodes left with exactly two branches. A spur is
// a terminal branch that ends within max(minSpur_mm, 1.5 mm) of the surface of
// the vessel it leaves; `radius_mm` is the object's distance map.
void pruneGraph(SkeletonGraph& g, const MaskImage* skeleton, const FloatImage* radius_mm, double minSpur_mm);

// Length of a branch's polyline (node centroids included), mm.
double branchLength_mm(const SkeletonGraph& g, int branch, const itk::ImageBase<3>* grid);

} // namespace irplan::seg
