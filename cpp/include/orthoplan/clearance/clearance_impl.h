// Clearance math, one source for g++, nvcc and NVRTC: the grid bounds and the per-(b, s, pair)
// query, over the closest-point search (closest_impl.h) and the inside test (inside_impl.h).
#pragma once
#include "orthoplan/clearance/inside_impl.h"

namespace orthoplan {

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

// Bounds of h_t(p), the closed-surface signed distance, from tooth t's grids: the coarse grid
// everywhere in its box, tightened by the fine grid near the surface where the coarse lower bound
// is still below `need` (a bound at or above it already prunes). Returns the lower bound, *hi the
// upper one. Outside the coarse box: distance to the box plus the margin between box and crown
// (p is outside), with *in_box false and *hi unset.
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

// Is some scanned triangle of tooth t within r of p (mesh frame)? Depth first, nearest child first,
// returning at the first one: the wide root's cap slots (TI_CAPSLOT on) are skipped.
ORTHO_HD bool scanned_within(const ClearanceView& g, int t, V3 p, float r) {
  const int wide0 = g.tooth_i[t * TI_STRIDE + TI_WIDE];
  const int tri0 = g.tooth_i[t * TI_STRIDE + TI_TRI];
  const int slots = g.tooth_i[t * TI_STRIDE + TI_CAPSLOT];
  const int scanned = g.tooth_i[t * TI_STRIDE + TI_CAP0];
  const float r2 = r * r;
  int stack[64];
  int sp = 0;
  stack[sp++] = 0;
  bool root = true;
  while (sp > 0) {
    const int ref = stack[--sp];
    if (ref < 0) {
      const int code = -1 - ref, first = code >> 3;
      for (int i = first; i < oimin(first + (code & 7), scanned); ++i) {
        const float* tr = g.tris + (long long)(tri0 + i) * TRI_STRIDE;
        int feat;
        if (norm2(p - closest_on_triangle(p, load3(tr), load3(tr + 3), load3(tr + 6), &feat)) <= r2) return true;
      }
      continue;
    }
    const long long w = (long long)(wide0 + ref);
    float d[4];
    wide_dist2(g.wide_box + w * WB_STRIDE, p, d);
    const int end = root ? oimin(slots, 4) : 4;
    root = false;
    int near = -1;  // the nearest child within reach is pushed last, so searched first
    for (int k = 0; k < end; ++k) {
      if (!(d[k] <= r2)) continue;
      if (near < 0) { near = k; continue; }
      int push = k;
      if (d[k] < d[near]) { push = near; near = k; }
      if (sp < 63) stack[sp++] = g.wide_ref[4 * w + push];
    }
    if (near >= 0) stack[sp++] = g.wide_ref[4 * w + near];
  }
  return false;
}

// Do bounds of h over the ball (q, radius), lb from below, keep sd at or above best? With lb > 0
// the ball is outside the crown, where sd >= h >= lb. Inside sd >= -g, and g <= -best wherever a
// scanned triangle lies within -best less the radius of q.
ORTHO_HD bool ball_settled(const ClearanceView& g, int t, V3 q, float radius, float lb, float best) {
  if (!(lb >= best)) return false;
  if (lb > 0.f) return true;
  const float r = (-best - radius) * (1.f - 1e-5f) - 1e-5f;
  return r > 0.f && scanned_within(g, t, q, r);
}

struct Hit {
  float best;   // smallest signed distance found so far (starts at max_distance)
  int dir;      // -1 none, 0: sample on a, closest point on b; 1: the reverse
  int sample_id;  // global index of that sample
  V3 sample;    // sample (its own mesh frame)
  V3 closest;   // closest point (the other tooth's mesh frame)
};

// Lowers hit.best with sample ps (global index si) measured against tooth tt (sd_tt: distance to
// its scanned surface, negative inside its closed surface); M maps the sample's mesh frame to
// tt's. *last: the closed-surface triangle closest to the previous exact query, or -1
// (closest_hinted).
ORTHO_HD void sample_query(const ClearanceView& g, int tt, const Rigid& M, V3 ps, int si, int dir,
                           Hit* hit, int* last) {
  const V3 p = apply(M, ps);
  float hi;  // upper bound of h at p (valid when in_box)
  bool in_box;
  const float lb = grid_bounds(g, tt, p, hit->best, &hi, &in_box);  // lower bound of h
  // settled: sd >= best, as ball_settled shows or, inside, a scanned triangle within -best
  if (ball_settled(g, tt, p, 0.f, lb, hit->best)) return;
  // sd(p) < best needs p outside with |sd| < best, or p inside, where |h| <= -lb; the closed
  // surface is never farther than the scanned one, so its closest point lies within that radius.
  const float r = ofmax(hit->best, in_box ? -lb : 0.f);
  if (!(r > 0.f)) return;
  const int cap0 = cap_start(g, tt);
  // with best < 0, a scanned triangle within -best of p settles it (|sd| <= -best, so sd >= best
  // either side): the previous query's triangle often is one
  Closest c = closest_hinted(g, tt, p, (r == ortho_inf()) ? r : (r + 1e-6f) * (r + 1e-6f), last, -hit->best,
                             cap0);
  if (c.tri < 0) return;
  const float dc = sqrtf(c.d2);  // |h|, at most |sd|
  const bool on_cap = c.tri >= cap0;
  if (!on_cap && dc <= -hit->best) return;  // best <= 0 and |sd| = dc too small: no sign improves it
  // h is +dc or -dc and lies in [lb, hi]: usually only one of them fits, which settles the side;
  // only when both do (p within a cell's reach of the surface) is it computed.
  bool inside;
  if (!in_box || dc > -lb) inside = false;
  else if (dc > hi) inside = true;
  else inside = inside_closed(g, tt, c, p);
  if (on_cap) {  // a cap is nearest: |sd| is the distance to the scanned surface, farther
    if (!inside && dc >= hit->best) return;
    // but within dc plus the way from that cap point to its face's scanned edge (clearance.h)
    const float* tr = g.tris + (long long)c.tri * TRI_STRIDE;
    const V3 a = load3(tr), e = load3(tr + 3) - a;
    const float len2 = norm2(e);
    const float u = len2 > 0.f ? ofmin(ofmax(dot(c.point - a, e) / len2, 0.f), 1.f) : 0.f;
    const float rho = (dc + norm(c.point - (a + e * u))) * (1.f + 1e-5f) + 1e-5f;
    if (inside && rho <= -hit->best) return;  // |sd| <= rho <= -best
    const float reach = inside ? rho : ofmin(hit->best, rho);  // outside, only below best matters
    c = closest_on_tooth(g, tt, p, reach == ortho_inf() ? reach : (reach + 1e-6f) * (reach + 1e-6f), cap0);
    if (c.tri < 0) return;
    if (inside && sqrtf(c.d2) <= -hit->best) return;
  }
  const float d = sqrtf(c.d2);
  const float sd = inside ? -d : d;
  if (sd < hit->best) {
    hit->best = sd; hit->dir = dir; hit->sample_id = si; hit->sample = ps; hit->closest = c.point;
  }
}

// Lowers hit.best with samples of tooth ts measured against tooth tt (sample_query); M maps ts's
// mesh frame to tt's. Branch and bound over ts's sample sphere tree: a ball is skipped when the
// grid bounds at its centre, widened by its radius, settle it (ball_settled).
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
    const V3 q = apply(M, load3(s));
    const float lb = grid_bounds(g, tt, q, hit->best + s[3], &hi, &in_box) - s[3];
    if (!ball_settled(g, tt, q, s[3], lb, hit->best)) { stack[0] = 0; slb[0] = lb; sp = 1; }
  }
  while (sp > 0) {
    --sp;
    const int n = snode0 + stack[sp];
    const float radius = g.snode[4 * n + 3];
    if (slb[sp] >= hit->best && ball_settled(g, tt, apply(M, load3(g.snode + 4 * n)), radius, slb[sp], hit->best))
      continue;
    const int c0 = g.snode_child[2 * n], c1 = g.snode_child[2 * n + 1];
    if (c1 < 0) {  // leaf: samples [c0, c0 - c1)
      // h(centre) >= lbc, so h(p) >= lbc - |p - centre|: prunes many samples without a lookup
      // while that bound is positive (outside, sd >= h)
      const V3 centre = load3(g.snode + 4 * n);
      const float lbc = slb[sp] + radius;
      for (int i = samp0 + c0; i < samp0 + c0 - c1; ++i) {
        const V3 ps = load3(g.samples + 3 * (long long)i);
        const float d2 = norm2(ps - centre);
        const float room = lbc - hit->best;  // prune when |ps - centre| <= room, the bound staying > 0
        if (room >= 0.f && d2 <= room * room && lbc > 0.f && d2 < lbc * lbc) continue;
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
    // pushed unless plainly settled (outside); inside, ball_settled decides when the node is popped
    if ((lf < hit->best || lf <= 0.f) && sp < 63) { stack[sp] = far; slb[sp] = lf; ++sp; }
    if ((ln < hit->best || ln <= 0.f) && sp < 63) { stack[sp] = near; slb[sp] = ln; ++sp; }
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
