// Clearance kernel API: signed clearance and witness points for tooth pairs at many poses.
//
// Semantics (docs/kernels.md): each crown X is its scanned surface S_X (debris dropped) closed by
// caps that stay inside the tooth into a solid; inside means a generalized winding number of the
// closed surface above 1/2 (robust where a cap folds through the crown). sd_X(p) is the exact
// distance from p to S_X (never to a cap), negative where p is inside. The clearance of pair
// (a, b) is min( min_{v in samples(a)} sd_b(v), min_{w in samples(b)} sd_a(w) ), samples being
// points of the scanned surface no farther apart than the sample spacing. Values at or above
// max_distance are reported as +inf with NaN witnesses.
//
// sd_X jumps across a cap (from +d to -d), so the grids hold the closed-surface signed distance
// h_X instead (continuous, 1-Lipschitz). sd_X = h_X wherever the scanned surface is nearer than the
// caps, and sd_X >= h_X outside; only inside, nearer a cap than the scanned surface, is sd_X below
// h_X. So a bound of h prunes as it is where it is positive; below zero, sd_X >= -g_X settles a
// point or ball once a scanned triangle is found within -best of it (best: the value so far).
//
// Prepared per-case structures (built once by prepare.cpp, all coordinates in mesh frame, mm):
//   tooth_i [T, TI_STRIDE] int32   offsets and grid dimensions of each tooth; TI_CAP0: index (in
//            the tooth) of its first cap triangle: triangles before it are scanned, from it on caps;
//            TI_CAPSLOT: the first slot of the wide root that holds caps (4: none)
//   tooth_f [T, TF_STRIDE] float32 grid origin, spacing, margin, rounding pad of the error bound and
//            truncation distance ct; the fine grid's origin, spacing and truncation distance ft;
//            the reciprocals of both spacings (a lookup multiplies instead of dividing)
//   tris    [NT, TRI_STRIDE] float32 closed-surface triangles (3 vertices, outward winding); a cap
//            triangle's first two vertices are a boundary edge of the scanned surface, its third
//            the cap's apex
//   tri_sign [NT, SG_STRIDE] float32 per triangle: face, edge (ab, bc, ca) and vertex (a, b, c)
//            angle-weighted pseudo-normals and the winding number just off its outer side, or
//            SG_UNSAFE where the crown is not a clean manifold around the triangle (sign_safety.cpp)
//   wide_box [NW, WB_STRIDE] float32, wide_ref [NW, 4] int32, wide_dip [NW, WD_STRIDE] float32
//            triangle BVH, a median-split binary tree (its root splits scanned from cap triangles)
//            collapsed to four children per node (two levels per visit). Per child, four children
//            side by side per field: its box and slab (unit normal n, range of n.x over its
//            triangles, padded for rounding) for closest-point searches; its dipole (area-weighted
//            centre, area vector, radius of the ball about the centre holding its box) for the
//            fast winding number. wide_ref per child: a wide node, or a leaf (ORTHO_WIDE_LEAF), or
//            an empty slot (inverted box, no area)
//   samples [NS, 3] float32, snode [NSN, 4] float32 (centre, radius), snode_child [NSN, 2] int32
//   grid    [NG] float32 h at grid nodes (x fastest): per tooth a coarse grid over the crown's box
//            plus the margin, exact where |h| < ct and +-ct elsewhere (meaning h >= ct or h <= -ct),
//            then a fine grid over the box plus ft, exact where |h| < ft and +-ft elsewhere
//            (TI_FNX = 0: none).
// Query inputs:
//   poses [B, S, T, 4, 4] float32 rigid mesh->world transforms; pairs [P, 2] int32
// Returns:
//   clearance [B, S, P] float32; witness_a, witness_b [B, S, P, 3] float32 (world, on a and on b)
#pragma once

namespace orthoplan {

enum ToothInt { TI_TRI = 0, TI_WIDE, TI_SAMP, TI_SNODE, TI_GRID, TI_NX, TI_NY, TI_NZ, TI_FGRID, TI_FNX,
                TI_FNY, TI_FNZ, TI_CAP0, TI_CAPSLOT, TI_STRIDE };
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
