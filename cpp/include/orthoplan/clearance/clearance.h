// Clearance kernel API: signed clearance and witness points for tooth pairs at many poses.
//
// Semantics (docs/kernels.md): each crown is closed by capping its open gingival boundary; the
// clearance of pair (a, b) is min( min_{v in samples(a)} sd_b(v), min_{w in samples(b)} sd_a(w) ),
// where sd_x is the exact distance to closed crown x, negative inside; inside means a generalized
// winding number above 1/2 (robust where a cap folds through the crown, unlike pseudo-normals),
// and samples are the crown's vertices plus points
// added so no surface point is farther than the sample spacing from a sample. Values at or above
// max_distance are reported as +inf with NaN witnesses.
//
// Prepared per-case structures (built once by prepare.cpp, all coordinates in mesh frame, mm):
//   tooth_i [T, TI_STRIDE] int32   offsets and grid dimensions of each tooth
//   tooth_f [T, TF_STRIDE] float32 grid origin, spacing, margin, rounding pad of the error bound and
//            truncation distance ct; the fine grid's origin, spacing and truncation distance ft;
//            the reciprocals of both spacings (a lookup multiplies instead of dividing)
//   tris    [NT, TRI_STRIDE] float32 capped triangles (3 vertices, outward winding)
//   tri_sign [NT, SG_STRIDE] float32 per triangle: face, edge (ab, bc, ca) and vertex (a, b, c)
//            angle-weighted pseudo-normals and the winding number just off its outer side, or
//            SG_UNSAFE where the crown is not a clean manifold around the triangle (sign_safety.cpp)
//   wide_box [NW, WB_STRIDE] float32, wide_ref [NW, 4] int32, wide_dip [NW, WD_STRIDE] float32
//            triangle BVH, a median-split binary tree collapsed to four children per node (two
//            levels per visit). Per child, four children side by side per field: its box and slab
//            (unit normal n, range of n.x over its triangles, padded for rounding) for
//            closest-point searches; its dipole (area-weighted centre, area vector, radius of the
//            ball about the centre holding its box) for the fast winding number. wide_ref per
//            child: a wide node, or a leaf (ORTHO_WIDE_LEAF), or an empty slot (inverted box, no
//            area)
//   samples [NS, 3] float32, snode [NSN, 4] float32 (centre, radius), snode_child [NSN, 2] int32
//   grid    [NG] float32 signed distance at grid nodes (x fastest), same sign rule: per tooth a
//            coarse grid over the crown's box plus the margin, exact where |sd| < ct and +-ct
//            elsewhere (meaning sd >= ct or sd <= -ct), then a fine grid over the box plus ft,
//            exact where |sd| < ft and +-ft elsewhere. TI_FNX = 0: no fine grid.
// Query inputs:
//   poses [B, S, T, 4, 4] float32 rigid mesh->world transforms; pairs [P, 2] int32
// Returns:
//   clearance [B, S, P] float32; witness_a, witness_b [B, S, P, 3] float32 (world, on a and on b)
#pragma once

namespace orthoplan {

enum ToothInt { TI_TRI = 0, TI_WIDE, TI_SAMP, TI_SNODE, TI_GRID, TI_NX, TI_NY, TI_NZ, TI_FGRID, TI_FNX,
                TI_FNY, TI_FNZ, TI_STRIDE };
enum ToothFloat { TF_OX = 0, TF_OY, TF_OZ, TF_H, TF_MARGIN, TF_PAD, TF_CT, TF_FOX, TF_FOY, TF_FOZ, TF_FH,
                  TF_FT, TF_IH, TF_FIH, TF_STRIDE };
enum TriField { TR_V = 0, TRI_STRIDE = 9 };
enum SignField { SG_N = 0, SG_E = 3, SG_V = 12, SG_W = 21, SG_STRIDE = 24 };
#define ORTHO_SG_UNSAFE 1e30f
// wide_box row: field f of child k at f + k (four children side by side); 192 bytes per row
enum WideField { WB_LOX = 0, WB_LOY = 4, WB_LOZ = 8, WB_HIX = 12, WB_HIY = 16, WB_HIZ = 20, WB_NX = 24,
                 WB_NY = 28, WB_NZ = 32, WB_SLO = 36, WB_SHI = 40, WB_STRIDE = 48 };
// wide_ref of a leaf holding triangles [first, first + count), count <= 7; refs >= 0 are wide nodes
#define ORTHO_WIDE_LEAF(first, count) (-1 - (((first) << 3) | (count)))
// wide_dip row, laid out like wide_box
enum WideDip { WD_CX = 0, WD_CY = 4, WD_CZ = 8, WD_NX = 12, WD_NY = 16, WD_NZ = 20, WD_R = 24, WD_STRIDE = 28 };

struct ClearanceView {
  const int* tooth_i;
  const float* tooth_f;
  const float* tris;
  const float* tri_sign;
  const float* wide_box;
  const int* wide_ref;
  const float* wide_dip;
  const float* samples;
  const float* snode;
  const int* snode_child;
  const float* grid;
};

// Host loops: NVRTC rejects host declarations in JIT mode, so it does not see them.
#ifndef __CUDACC_RTC__
void clearance_cpu(const ClearanceView& g, const float* poses, int B, int S, int T,
                   const int* pairs, int P, float max_distance, float* clearance,
                   float* witness_a, float* witness_b);
#endif

}  // namespace orthoplan
