// Clearance math, one source for g++, nvcc and NVRTC: exact point-triangle distance, BVH
// closest-point search, the fast winding number, the pseudo-normal sign shortcut, the SDF-grid
// bounds and the per-(b, s, pair) query.
#pragma once
#include "orthoplan/clearance/clearance.h"
#include "orthoplan/common/vec.h"

// g++ on x86-64: lattice_bounds and wide_dist2 use SSE (baseline there); nvcc, NVRTC and others
// the plain loops, which give the same bits (a host build with -DORTHO_NO_HOST_SSE runs them).
#if defined(__SSE2__) && !defined(__CUDACC__) && !defined(__CUDACC_RTC__) && !defined(ORTHO_NO_HOST_SSE)
#define ORTHO_HOST_SSE 1
#include <emmintrin.h>
#else
#define ORTHO_HOST_SSE 0
#endif

namespace orthoplan {

ORTHO_HD float ortho_inf() {
#if defined(__CUDA_ARCH__)
  return __int_as_float(0x7f800000);
#else
  return __builtin_inff();
#endif
}
ORTHO_HD float ortho_nan() {
#if defined(__CUDA_ARCH__)
  return __int_as_float(0x7fffffff);
#else
  return __builtin_nanf("");
#endif
}

// Closest point on triangle (a, b, c) to p (Ericson, Real-Time Collision Detection 5.1.5).
// *feat receives the feature it lies on: vertex a, b, c (0-2), edge ab, bc, ca (3-5), face (6).
ORTHO_HD V3 closest_on_triangle(V3 p, V3 a, V3 b, V3 c, int* feat) {
  V3 ab = b - a, ac = c - a, ap = p - a;
  float d1 = dot(ab, ap), d2 = dot(ac, ap);
  if (d1 <= 0.f && d2 <= 0.f) { *feat = 0; return a; }
  V3 bp = p - b;
  float d3 = dot(ab, bp), d4 = dot(ac, bp);
  if (d3 >= 0.f && d4 <= d3) { *feat = 1; return b; }
  float vc = d1 * d4 - d3 * d2;
  if (vc <= 0.f && d1 >= 0.f && d3 <= 0.f) { *feat = 3; return a + ab * (d1 / (d1 - d3)); }
  V3 cp = p - c;
  float d5 = dot(ab, cp), d6 = dot(ac, cp);
  if (d6 >= 0.f && d5 <= d6) { *feat = 2; return c; }
  float vb = d5 * d2 - d1 * d6;
  if (vb <= 0.f && d2 >= 0.f && d6 <= 0.f) { *feat = 5; return a + ac * (d2 / (d2 - d6)); }
  float va = d3 * d6 - d5 * d4;
  if (va <= 0.f && (d4 - d3) >= 0.f && (d5 - d6) >= 0.f) {
    *feat = 4;
    return b + (c - b) * ((d4 - d3) / ((d4 - d3) + (d5 - d6)));
  }
  float inv = 1.f / (va + vb + vc);
  *feat = 6;
  return a + ab * (vb * inv) + ac * (vc * inv);
}

// Squared lower bounds of the distance from p to the triangles of each of a wide node's four
// children: the child's box, or its slab where that is farther (nearly flat nodes, seen from
// above). An empty slot's inverted box gives +inf.
ORTHO_HD void wide_dist2(const float* w, V3 p, float* d) {
#if ORTHO_HOST_SSE
  // the loop below, four children per instruction: same operations in the same order
  const __m128 px = _mm_set1_ps(p.x), py = _mm_set1_ps(p.y), pz = _mm_set1_ps(p.z), zero = _mm_setzero_ps();
  const __m128 dx = _mm_max_ps(_mm_max_ps(_mm_sub_ps(_mm_loadu_ps(w + WB_LOX), px), zero),
                               _mm_sub_ps(px, _mm_loadu_ps(w + WB_HIX)));
  const __m128 dy = _mm_max_ps(_mm_max_ps(_mm_sub_ps(_mm_loadu_ps(w + WB_LOY), py), zero),
                               _mm_sub_ps(py, _mm_loadu_ps(w + WB_HIY)));
  const __m128 dz = _mm_max_ps(_mm_max_ps(_mm_sub_ps(_mm_loadu_ps(w + WB_LOZ), pz), zero),
                               _mm_sub_ps(pz, _mm_loadu_ps(w + WB_HIZ)));
  const __m128 bd = _mm_add_ps(_mm_add_ps(_mm_mul_ps(dx, dx), _mm_mul_ps(dy, dy)), _mm_mul_ps(dz, dz));
  const __m128 s = _mm_add_ps(_mm_add_ps(_mm_mul_ps(_mm_loadu_ps(w + WB_NX), px), _mm_mul_ps(_mm_loadu_ps(w + WB_NY), py)),
                              _mm_mul_ps(_mm_loadu_ps(w + WB_NZ), pz));
  const __m128 ds = _mm_max_ps(_mm_max_ps(_mm_sub_ps(_mm_loadu_ps(w + WB_SLO), s), _mm_sub_ps(s, _mm_loadu_ps(w + WB_SHI))),
                               zero);
  _mm_storeu_ps(d, _mm_max_ps(bd, _mm_mul_ps(ds, ds)));
#else
  for (int k = 0; k < 4; ++k) {
    const float dx = ofmax(ofmax(w[WB_LOX + k] - p.x, 0.f), p.x - w[WB_HIX + k]);
    const float dy = ofmax(ofmax(w[WB_LOY + k] - p.y, 0.f), p.y - w[WB_HIY + k]);
    const float dz = ofmax(ofmax(w[WB_LOZ + k] - p.z, 0.f), p.z - w[WB_HIZ + k]);
    const float bd = dx * dx + dy * dy + dz * dz;
    const float s = w[WB_NX + k] * p.x + w[WB_NY + k] * p.y + w[WB_NZ + k] * p.z;
    const float ds = ofmax(ofmax(w[WB_SLO + k] - s, s - w[WB_SHI + k]), 0.f);
    d[k] = ofmax(bd, ds * ds);
  }
#endif
}

struct Closest {
  float d2;   // squared distance (r2max when nothing closer was found)
  V3 point;   // closest point (mesh frame)
  int tri;    // global triangle index, -1 when nothing within the radius
  int feat;   // feature of that triangle holding the point (closest_on_triangle)
};

// Closest point of tooth t's capped surface to p (mesh frame), searching within sqrt(r2max).
// Depth first over the wide tree, nearest child first.
ORTHO_HD Closest closest_on_tooth(const ClearanceView& g, int t, V3 p, float r2max) {
  const int wide0 = g.tooth_i[t * TI_STRIDE + TI_WIDE];
  const int tri0 = g.tooth_i[t * TI_STRIDE + TI_TRI];
  Closest best;
  best.d2 = r2max; best.tri = -1; best.point = p; best.feat = 6;
  // a visit pops one entry and pushes at most four: wide depth <= 20 (binary depth <= 40, checked
  // when built) bounds the stack at 61 entries
  int stack[64];
  float sd2[64];
  stack[0] = 0; sd2[0] = 0.f;
  int sp = 1;
  while (sp > 0) {
    --sp;
    if (sd2[sp] >= best.d2) continue;
    const int ref = stack[sp];
    if (ref < 0) {  // leaf: triangles [first, first + count)
      const int code = -1 - ref, first = code >> 3;
      for (int i = first; i < first + (code & 7); ++i) {
        const float* tr = g.tris + (long long)(tri0 + i) * TRI_STRIDE;
        int feat;
        V3 q = closest_on_triangle(p, load3(tr), load3(tr + 3), load3(tr + 6), &feat);
        float d2 = norm2(p - q);
        if (d2 < best.d2) { best.d2 = d2; best.point = q; best.tri = tri0 + i; best.feat = feat; }
      }
      continue;
    }
    const long long w = (long long)(wide0 + ref);
    float d[4];
    wide_dist2(g.wide_box + w * WB_STRIDE, p, d);
    // children within the radius, the nearest pushed last so that it is searched first
    const int* wr = g.wide_ref + 4 * w;
    int top = -1;
    for (int k = 0; k < 4; ++k) {
      if (!(d[k] < best.d2)) continue;
      if (top < 0) { top = k; continue; }
      int push = k;
      if (d[k] < d[top]) { push = top; top = k; }
      if (sp < 63) { stack[sp] = wr[push]; sd2[sp] = d[push]; ++sp; }
    }
    if (top >= 0) { stack[sp] = wr[top]; sd2[sp] = d[top]; ++sp; }
  }
  return best;
}

// closest_on_tooth for a run of nearby points: *last is the closest triangle of the previous
// point (neighbours mostly share it), or -1; its distance caps the search radius. Updated when a
// triangle is found. A hint within `stop` of p is returned as it is, without a search (callers
// that only need to know that some triangle is that close).
ORTHO_HD Closest closest_hinted(const ClearanceView& g, int t, V3 p, float r2max, int* last,
                                float stop = -1.f) {
  if (*last >= 0) {
    const float* tr = g.tris + (long long)*last * TRI_STRIDE;
    Closest h;
    h.point = closest_on_triangle(p, load3(tr), load3(tr + 3), load3(tr + 6), &h.feat);
    h.d2 = norm2(p - h.point);
    h.tri = *last;
    if (sqrtf(h.d2) <= stop) return h;
    r2max = ofmin(r2max, h.d2 * (1.f + 1e-5f) + 1e-12f);
  }
  const Closest c = closest_on_tooth(g, t, p, r2max);
  if (c.tri >= 0) *last = c.tri;
  return c;
}

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
// the triangle; returns -1 elsewhere (or exactly on the surface) and the winding number decides.
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

// Bounds of sd(p) from one lattice of nodes (spacing h, x fastest) whose cell (ix, iy, iz) holds p
// at fractions (tx, ty, tz). A node's value v is exact when |v| < trunc; v >= trunc means only
// sd >= trunc there, and v <= -trunc only sd <= -trunc. sd is 1-Lipschitz, so each corner c gives
// sd(c) - |p - c| <= sd(p) <= sd(c) + |p - c| where its value allows; the tightest of the eight
// are kept in *lo and *up. (This cone bound is never looser than trilinear interpolation minus
// its Jensen error bound, and is exact at the nodes.)
ORTHO_HD void lattice_bounds(const float* gv, long long sy, long long sz, float tx, float ty, float tz,
                             float h, float trunc, float* lo, float* up) {
  const float ux = 1.f - tx, uy = 1.f - ty, uz = 1.f - tz;
  // corner (x, y) of a z layer: qxy[x + 2y] = squared offset in x and y, in cells
  const float qxy[4] = {tx * tx + ty * ty, ux * ux + ty * ty, tx * tx + uy * uy, ux * ux + uy * uy};
  const float qz[2] = {tz * tz, uz * uz};
#if ORTHO_HOST_SSE
  // the loop below, four corners per instruction (g++ does not vectorise it): same operations in
  // the same order, so the same bits
  const __m128 q = _mm_loadu_ps(qxy), hh = _mm_set1_ps(h), pt = _mm_set1_ps(trunc), nt = _mm_set1_ps(-trunc);
  __m128 l = _mm_set1_ps(*lo), u = _mm_set1_ps(*up);
  for (int z = 0; z < 2; ++z) {
    const float* gz = gv + (z ? sz : 0);
    const __m128 v = _mm_setr_ps(gz[0], gz[1], gz[sy], gz[sy + 1]);
    const __m128 r = _mm_mul_ps(hh, _mm_sqrt_ps(_mm_add_ps(q, _mm_set1_ps(qz[z]))));
    const __m128 in_lo = _mm_cmpgt_ps(v, nt), in_up = _mm_cmplt_ps(v, pt);
    l = _mm_max_ps(l, _mm_or_ps(_mm_and_ps(in_lo, _mm_sub_ps(v, r)), _mm_andnot_ps(in_lo, l)));
    u = _mm_min_ps(u, _mm_or_ps(_mm_and_ps(in_up, _mm_add_ps(v, r)), _mm_andnot_ps(in_up, u)));
  }
  l = _mm_max_ps(l, _mm_movehl_ps(l, l));
  u = _mm_min_ps(u, _mm_movehl_ps(u, u));
  *lo = _mm_cvtss_f32(_mm_max_ss(l, _mm_shuffle_ps(l, l, 1)));
  *up = _mm_cvtss_f32(_mm_min_ss(u, _mm_shuffle_ps(u, u, 1)));
#else
  for (int z = 0; z < 2; ++z)
    for (int j = 0; j < 4; ++j) {
      const float r = h * sqrtf(qxy[j] + qz[z]);
      const float v = gv[(z ? sz : 0) + ((j & 2) ? sy : 0) + (j & 1)];
      if (v > -trunc) *lo = ofmax(*lo, v - r);
      if (v < trunc) *up = ofmin(*up, v + r);
    }
#endif
}

// Bounds of sd_t(p) from tooth t's grids: the coarse grid everywhere in its box, tightened by the
// fine grid near the surface where the coarse lower bound is still below `need` (a bound at or
// above it already prunes). Returns the lower bound, *hi the upper one. Outside the coarse box:
// distance to the box plus the margin between box and crown (p is outside), with *in_box false and
// *hi unset.
ORTHO_HD float grid_bounds(const ClearanceView& g, int t, V3 p, float need, float* hi, bool* in_box) {
  const int* ti = g.tooth_i + t * TI_STRIDE;
  const float* tf = g.tooth_f + t * TF_STRIDE;
  const int nx = ti[TI_NX], ny = ti[TI_NY], nz = ti[TI_NZ];
  const float h = tf[TF_H];
  const float ih = tf[TF_IH];
  float fx = (p.x - tf[TF_OX]) * ih, fy = (p.y - tf[TF_OY]) * ih, fz = (p.z - tf[TF_OZ]) * ih;
  float ex = ofmax(ofmax(-fx, 0.f), fx - (float)(nx - 1));
  float ey = ofmax(ofmax(-fy, 0.f), fy - (float)(ny - 1));
  float ez = ofmax(ofmax(-fz, 0.f), fz - (float)(nz - 1));
  if (ex > 0.f || ey > 0.f || ez > 0.f) {
    *in_box = false;
    return h * sqrtf(ex * ex + ey * ey + ez * ez) + tf[TF_MARGIN];
  }
  int ix = oimin((int)fx, nx - 2), iy = oimin((int)fy, ny - 2), iz = oimin((int)fz, nz - 2);
  float lo = -ortho_inf(), up = ortho_inf();
  lattice_bounds(g.grid + ti[TI_GRID] + ((long long)iz * ny + iy) * nx + ix, nx, (long long)nx * ny,
                 fx - (float)ix, fy - (float)iy, fz - (float)iz, h, tf[TF_CT], &lo, &up);
  const float ft = tf[TF_FT];
  const int mx = ti[TI_FNX], my = ti[TI_FNY], mz = ti[TI_FNZ];
  if (mx > 0 && lo < need && lo < ft && up > -ft) {
    const float fh = tf[TF_FH];
    const float fih = tf[TF_FIH];
    fx = (p.x - tf[TF_FOX]) * fih; fy = (p.y - tf[TF_FOY]) * fih; fz = (p.z - tf[TF_FOZ]) * fih;
    if (fx >= 0.f && fy >= 0.f && fz >= 0.f && fx <= (float)(mx - 1) && fy <= (float)(my - 1) &&
        fz <= (float)(mz - 1)) {
      ix = oimin((int)fx, mx - 2); iy = oimin((int)fy, my - 2); iz = oimin((int)fz, mz - 2);
      lattice_bounds(g.grid + ti[TI_FGRID] + ((long long)iz * my + iy) * mx + ix, mx, (long long)mx * my,
                     fx - (float)ix, fy - (float)iy, fz - (float)iz, fh, ft, &lo, &up);
    }
  }
  *in_box = true;
  *hi = up + tf[TF_PAD];
  return lo - tf[TF_PAD];
}

struct Hit {
  float best;   // smallest signed distance found so far (starts at max_distance)
  int dir;      // -1 none, 0: sample on a, closest point on b; 1: the reverse
  int sample_id;  // global index of that sample
  V3 sample;    // sample (its own mesh frame)
  V3 closest;   // closest point (the other tooth's mesh frame)
};

// Lowers hit.best with sample ps (global index si) measured against the closed surface of tooth
// tt; M maps the sample's mesh frame to tt's. *last: the closest triangle of the previous exact
// query, or -1 (closest_hinted).
ORTHO_HD void sample_query(const ClearanceView& g, int tt, const Rigid& M, V3 ps, int si, int dir,
                           Hit* hit, int* last) {
  const V3 p = apply(M, ps);
  float hi;  // upper bound of sd at p (valid when in_box)
  bool in_box;
  const float lb = grid_bounds(g, tt, p, hit->best, &hi, &in_box);
  if (lb >= hit->best) return;
  // sd(p) < best needs |sd| < best (outside) or p inside with |sd| <= -lb.
  const float r = ofmax(hit->best, in_box ? -lb : 0.f);
  if (!(r > 0.f)) return;
  // with best < 0, any triangle within -best of p settles it (|sd| <= -best, so sd >= best either
  // side): the previous query's triangle often is one
  const Closest c = closest_hinted(g, tt, p, (r == ortho_inf()) ? r : (r + 1e-6f) * (r + 1e-6f), last,
                                   -hit->best);
  if (c.tri < 0) return;
  const float d = sqrtf(c.d2);
  if (d <= -hit->best) return;  // best <= 0 and |sd| too small: neither sign improves it
  // sd(p) is +d or -d and lies in [lb, hi]: usually only one of them fits, which settles the
  // sign; only when both do (p within a cell's reach of the surface) is it computed.
  bool inside;
  if (!in_box || d > -lb) inside = false;
  else if (d > hi) inside = true;
  else inside = inside_closed(g, tt, c, p);
  const float sd = inside ? -d : d;
  if (sd < hit->best) {
    hit->best = sd; hit->dir = dir; hit->sample_id = si; hit->sample = ps; hit->closest = c.point;
  }
}

// Lowers hit.best with samples of tooth ts measured against the closed surface of tooth tt;
// M maps ts's mesh frame to tt's. Branch and bound over ts's sample sphere tree.
ORTHO_HD void min_signed_distance(const ClearanceView& g, int ts, int tt, const Rigid& M, int dir,
                                  Hit* hit) {
  const int snode0 = g.tooth_i[ts * TI_STRIDE + TI_SNODE];
  const int samp0 = g.tooth_i[ts * TI_STRIDE + TI_SAMP];
  int stack[64];
  float slb[64];
  int sp = 0;
  float hi;  // unused here: node bounds only prune
  bool in_box;
  int last = -1;
  {
    const float* s = g.snode + 4 * snode0;
    float lb = grid_bounds(g, tt, apply(M, load3(s)), hit->best + s[3], &hi, &in_box) - s[3];
    if (lb < hit->best) { stack[0] = 0; slb[0] = lb; sp = 1; }
  }
  while (sp > 0) {
    --sp;
    if (slb[sp] >= hit->best) continue;
    const int n = snode0 + stack[sp];
    const int c0 = g.snode_child[2 * n], c1 = g.snode_child[2 * n + 1];
    if (c1 < 0) {  // leaf: samples [c0, c0 - c1)
      // sd(centre) >= lbc, so sd(p) >= lbc - |p - centre|: prunes many samples without a lookup
      const V3 centre = load3(g.snode + 4 * n);
      const float lbc = slb[sp] + g.snode[4 * n + 3];
      for (int i = samp0 + c0; i < samp0 + c0 - c1; ++i) {
        const V3 ps = load3(g.samples + 3 * (long long)i);
        const float room = lbc - hit->best;  // prune when |ps - centre| <= room
        if (room >= 0.f && norm2(ps - centre) <= room * room) continue;
        sample_query(g, tt, M, ps, i, dir, hit, &last);
      }
      continue;
    }
    const float* s0 = g.snode + 4 * (snode0 + c0);
    const float* s1 = g.snode + 4 * (snode0 + c1);
    float l0 = grid_bounds(g, tt, apply(M, load3(s0)), hit->best + s0[3], &hi, &in_box) - s0[3];
    float l1 = grid_bounds(g, tt, apply(M, load3(s1)), hit->best + s1[3], &hi, &in_box) - s1[3];
    int near = c0, far = c1;
    float ln = l0, lf = l1;
    if (l1 < l0) { near = c1; far = c0; ln = l1; lf = l0; }
    if (lf < hit->best && sp < 63) { stack[sp] = far; slb[sp] = lf; ++sp; }
    if (ln < hit->best && sp < 63) { stack[sp] = near; slb[sp] = ln; ++sp; }
  }
}

// One pair at one pose. pose_a, pose_b: the two teeth's 4x4 mesh->world poses; ia, ib: the
// teeth in g. seed: a sample likely to be the witness (2 * global index + dir, from the previous
// stage's *out_seed), or -1. It is measured first, so the search starts with a tight bound; the
// result is the same with or without it (up to which of equally near samples is the witness).
ORTHO_HD void clearance_pair(const ClearanceView& g, const float* pose_a, const float* pose_b, int ia,
                             int ib, float max_distance, int seed, float* out_c, float* out_wa,
                             float* out_wb, int* out_seed) {
  Rigid Ta = load_rigid(pose_a), Tb = load_rigid(pose_b);
  const Rigid Mab = compose(inverse_rigid(Tb), Ta), Mba = compose(inverse_rigid(Ta), Tb);
  Hit hit;
  hit.best = max_distance; hit.dir = -1; hit.sample_id = -1;
  hit.sample = v3(0.f, 0.f, 0.f); hit.closest = hit.sample;
  if (seed >= 0) {
    const int si = seed >> 1, dir = seed & 1;
    int last = -1;
    sample_query(g, dir ? ia : ib, dir ? Mba : Mab, load3(g.samples + 3 * (long long)si), si, dir, &hit,
                 &last);
  }
  min_signed_distance(g, ia, ib, Mab, 0, &hit);
  min_signed_distance(g, ib, ia, Mba, 1, &hit);
  if (out_seed) *out_seed = hit.dir < 0 ? -1 : 2 * hit.sample_id + hit.dir;
  if (hit.dir < 0) {
    *out_c = ortho_inf();
    float nan = ortho_nan();
    store3(out_wa, v3(nan, nan, nan));
    store3(out_wb, v3(nan, nan, nan));
    return;
  }
  *out_c = hit.best;
  if (hit.dir == 0) {
    store3(out_wa, apply(Ta, hit.sample));
    store3(out_wb, apply(Tb, hit.closest));
  } else {
    store3(out_wb, apply(Tb, hit.sample));
    store3(out_wa, apply(Ta, hit.closest));
  }
}

// One (schedule, stage, pair) evaluation. pose_bs points at the T poses (4x4) of that stage.
ORTHO_HD void clearance_task(const ClearanceView& g, const float* pose_bs, int ia, int ib,
                             float max_distance, int seed, float* out_c, float* out_wa, float* out_wb,
                             int* out_seed) {
  clearance_pair(g, pose_bs + 16 * ia, pose_bs + 16 * ib, ia, ib, max_distance, seed, out_c, out_wa, out_wb,
                 out_seed);
}

}  // namespace orthoplan
