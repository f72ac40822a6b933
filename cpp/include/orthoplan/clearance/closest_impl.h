// Closest points on a tooth's closed surface or on its scanned part alone, one source for g++, nvcc
// and NVRTC: the exact point-triangle distance and the depth-first search over the 4-wide tree.
#pragma once
#include "orthoplan/clearance/clearance.h"
#include "orthoplan/common/vec.h"

namespace orthoplan {

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

// Global index of tooth t's first cap triangle: the scanned triangles come before it.
ORTHO_HD int cap_start(const ClearanceView& g, int t) {
  return g.tooth_i[t * TI_STRIDE + TI_TRI] + g.tooth_i[t * TI_STRIDE + TI_CAP0];
}

// Closest point to p (mesh frame) of tooth t's triangles with global index below tri_end (all of
// them by default; cap_start: the scanned surface alone), searching within sqrt(r2max). Depth
// first over the wide tree, nearest child first.
ORTHO_HD Closest closest_on_tooth(const ClearanceView& g, int t, V3 p, float r2max,
                                  int tri_end = 0x7fffffff) {
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
      const int last = oimin(first + (code & 7), tri_end - tri0);
      for (int i = first; i < last; ++i) {
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

// closest_on_tooth (the closed surface) for a run of nearby points: *last is the closest triangle
// of the previous point (neighbours mostly share it), or -1; its distance caps the search radius.
// Updated when a triangle is found. A scanned hint (below stop_end) within `stop` of p is
// returned as it is, without a search (callers that only need to know that some scanned triangle
// is that close).
ORTHO_HD Closest closest_hinted(const ClearanceView& g, int t, V3 p, float r2max, int* last,
                                float stop = -1.f, int stop_end = 0) {
  if (*last >= 0) {
    const float* tr = g.tris + (long long)*last * TRI_STRIDE;
    Closest h;
    h.point = closest_on_triangle(p, load3(tr), load3(tr + 3), load3(tr + 6), &h.feat);
    h.d2 = norm2(p - h.point);
    h.tri = *last;
    if (*last < stop_end && sqrtf(h.d2) <= stop) return h;
    r2max = ofmin(r2max, h.d2 * (1.f + 1e-5f) + 1e-12f);
  }
  const Closest c = closest_on_tooth(g, t, p, r2max);
  if (c.tri >= 0) *last = c.tri;
  return c;
}

}  // namespace orthoplan
