// Inside or outside a tooth's closed surface, one source for g++, nvcc and NVRTC: the fast
// winding number over the wide tree, and the pseudo-normal shortcut where it is exact.
#pragma once
#include "orthoplan/clearance/closest_impl.h"

namespace orthoplan {

// atan2 for solid angles: an odd polynomial in min/max of |x|, |y| on [0, 1] (error below 4e-7
// rad, a least-squares fit reweighted towards equal ripple), folded into the four quadrants.
// Inline and the same on every backend; libm's atan2f was a call per triangle. A winding number
// sums a few hundred of them against a threshold of 1/2.
ORTHO_HD float ortho_atan2(float y, float x) {
  const float ax = fabsf(x), ay = fabsf(y);
  const float mx = ofmax(ax, ay), mn = ay > ax ? ax : ay;
  const float a = mx > 0.f ? mn / mx : 0.f, s = a * a;
  float r = ((((((0.006811772f * s - 0.03360416f) * s + 0.07962361f) * s - 0.13233338f) * s + 0.19807816f) * s -
              0.33317369f) * s + 0.99999613f) * a;
  if (ay > ax) r = 1.57079633f - r;
  if (x < 0.f) r = 3.14159265f - r;
  return y < 0.f ? -r : r;
}

// Signed solid angle of triangle (a, b, c) seen from the origin (Van Oosterom & Strackee 1983).
ORTHO_HD float solid_angle(V3 a, V3 b, V3 c) {
  const float la = norm(a), lb = norm(b), lc = norm(c);
  const float den = la * lb * lc + dot(a, b) * lc + dot(b, c) * la + dot(c, a) * lb;
  return 2.f * ortho_atan2(dot(a, cross(b, c)), den);
}

// Far-field acceptance: a BVH node is replaced by its dipole once p is this many node radii away
// from its centre (Barill et al. 2018 use 2; 2.5 keeps the error far below the 1/2 threshold).
#define ORTHO_WN_BETA 2.5f

// Generalized winding number of tooth t's closed surface at p (mesh frame): 1 inside, 0 outside,
// and still a clean 0/1 where a cap folds through the crown, because it counts sheets, not normals.
// Near triangles are summed exactly, far BVH nodes by their dipole term.
ORTHO_HD float winding_number(const ClearanceView& g, int t, V3 p) {
  const int wide0 = g.tooth_i[t * TI_STRIDE + TI_WIDE];
  const int tri0 = g.tooth_i[t * TI_STRIDE + TI_TRI];
  float omega = 0.f;
  int stack[64];  // at most 61 entries, as in closest_on_tooth
  int sp = 0;
  stack[sp++] = 0;
  while (sp > 0) {
    const int ref = stack[--sp];
    if (ref < 0) {
      const int code = -1 - ref, first = code >> 3;
      for (int i = first; i < first + (code & 7); ++i) {
        const float* tr = g.tris + (long long)(tri0 + i) * TRI_STRIDE;
        omega += solid_angle(load3(tr) - p, load3(tr + 3) - p, load3(tr + 6) - p);
      }
      continue;
    }
    const long long w = (long long)(wide0 + ref);
    const float* d = g.wide_dip + w * WD_STRIDE;
    for (int k = 0; k < 4; ++k) {
      const V3 r = v3(d[WD_CX + k] - p.x, d[WD_CY + k] - p.y, d[WD_CZ + k] - p.z);
      const float r2 = norm2(r), reach = ORTHO_WN_BETA * d[WD_R + k];
      if (r2 > reach * reach)
        omega += (d[WD_NX + k] * r.x + d[WD_NY + k] * r.y + d[WD_NZ + k] * r.z) / (r2 * sqrtf(r2));
      else if (sp < 64)
        stack[sp++] = g.wide_ref[4 * w + k];
    }
  }
  return omega * 0.0795774715f;  // 1 / (4 pi)
}

// Inside test for p from its closest point q on triangle c.tri: the side of the closest feature's
// angle-weighted pseudo-normal (Baerentzen & Aanaes 2005) picks the winding number of the sheet
// in front of or behind the triangle. Exact where prepare found the crown a clean manifold around
// that feature (sign_safety.cpp); returns -1 elsewhere (a zero pseudo-normal), or exactly on the
// surface, and the winding number decides.
ORTHO_HD int inside_by_side(const ClearanceView& g, const Closest& c, V3 p) {
  const float* s = g.tri_sign + (long long)c.tri * SG_STRIDE;
  const float w_out = s[SG_W];
  if (!(w_out < ORTHO_SG_UNSAFE)) return -1;
  const int f = c.feat;
  const float side = dot(p - c.point, load3(s + (f < 3 ? SG_V + 3 * f : f < 6 ? SG_E + 3 * (f - 3) : SG_N)));
  if (side == 0.f) return -1;
  return (side > 0.f ? w_out : w_out + 1.f) > 0.5f ? 1 : 0;
}

// Winding-number inside test, through the pseudo-normal shortcut where it is exact.
ORTHO_HD bool inside_closed(const ClearanceView& g, int t, const Closest& c, V3 p) {
  const int s = inside_by_side(g, c, p);
  return s >= 0 ? s == 1 : winding_number(g, t, p) > 0.5f;
}

}  // namespace orthoplan
