// Host-only preparation of a case's per-tooth clearance structures (see clearance.h for layout).
#pragma once
#include <vector>

#include "orthoplan/clearance/clearance.h"
#include "orthoplan/common/vec.h"

namespace orthoplan {

// Per-tooth statistics returned for diagnostics (docs/kernels.md).
// ST_DEBRIS: fragments dropped as debris (close_crown.cpp), ST_DEBRIS_FACES: their faces.
enum ToothStat { ST_VERTS = 0, ST_FACES, ST_DEGENERATE, ST_BOUNDARY_EDGES, ST_CAPS,
                 ST_MISORIENTED_EDGES, ST_NONMANIFOLD_EDGES, ST_SAMPLES, ST_GRID_NODES, ST_DEBRIS,
                 ST_DEBRIS_FACES, ST_STRIDE };

struct PreparedCase {
  int teeth = 0;
  std::vector<int> tooth_i, wide_ref, snode_child, stats;
  std::vector<float> tooth_f, tris, tri_sign, wide_box, wide_dip, samples, snode, grid;
  ClearanceView view() const {
    return ClearanceView{tooth_i.data(), tooth_f.data(), tris.data(), tri_sign.data(), wide_box.data(),
                         wide_ref.data(), wide_dip.data(), samples.data(), snode.data(), snode_child.data(),
                         grid.data()};
  }
};

// A crown closed by caps over its open boundary loops, outward-oriented, debris dropped.
struct ClosedCrown {
  std::vector<V3> verts;
  std::vector<int> faces;  // 3 per face; real faces first, then cap faces
  int real_faces = 0;
  int stats[ST_STRIDE] = {0};
};

ClosedCrown close_crown(const float* verts, int nv, const int* faces, int nf);
void triangle_records(const ClosedCrown& c, std::vector<float>& out);  // TRI_STRIDE per face
std::vector<V3> surface_samples(const ClosedCrown& c, float spacing);
// tri_sign records (SG_STRIDE per triangle) of tooth t, whose packed triangles in g have the
// vertex indices `faces` (3 per triangle, same order) into nverts vertices.
std::vector<float> sign_records(const ClearanceView& g, int t, const std::vector<int>& faces,
                                int nverts);

// Balanced median-split tree over points; node child = (left, right) or (first, -count) at leaves.
struct TreeTopo {
  std::vector<int> perm, child, first, count;
  int depth = 0;
};
TreeTopo build_median_tree(const std::vector<V3>& centroids, int leaf_size);
// The same, with the root splitting [0, split) from [split, n): the scanned triangles from the cap
// triangles, so that these keep the last indices (TI_CAP0). split == n: build_median_tree.
TreeTopo build_split_tree(const std::vector<V3>& centroids, int split, int leaf_size);

// A tooth's triangle BVH as the kernels walk it (wide_box, wide_ref, wide_dip in clearance.h),
// from its packed triangles (TRI_STRIDE each, in tree order) and their median tree; lo, hi: the
// crown's box.
struct WideTree {
  std::vector<float> box, dip;
  std::vector<int> ref;
  V3 lo, hi;
};
WideTree build_wide_tree(const std::vector<float>& tris, const TreeTopo& bt);

// verts [sum V, 3], faces [sum F, 3] with per-tooth lengths; throws std::invalid_argument.
PreparedCase prepare_case(const float* verts, const int* vert_len, const int* faces,
                          const int* face_len, int teeth, float sample_spacing, float grid_spacing,
                          float fine_spacing, float fine_band);

}  // namespace orthoplan
