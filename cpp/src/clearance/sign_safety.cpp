// Per-triangle sign records (tri_sign): where the closed crown is a clean manifold around a
// triangle, the inside test of a point whose closest point lies on it is the side of the closest
// feature's pseudo-normal, and the winding number on each side is a constant of the triangle.
//
// A triangle is safe when
//   1. no other triangle crosses or touches it (within kTouch): those sharing none of its
//      vertices by a triangle test; those sharing one vertex only where that vertex is not good
//      (below), by testing each one's far edge against the other; and
//   2. the winding number just off its outer side is known: safe triangles connected by edges
//      share it (their front sheets touch with no surface between), so it is sampled a few
//      times per connected patch, checked to be an integer and one less than behind the sheet.
// Its face test is then exact. Its edge tests are exact where the edge joins it to one other safe
// triangle, and its vertex tests where the vertex is good: the vertex's faces form one fan around
// it that projects one-to-one onto the plane normal to its pseudo-normal. A feature without a
// valid test stores a zero pseudo-normal. Anything else falls back to the winding number (the
// apex of a cap over a scalloped margin is never good: its faces still are safe).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <unordered_map>

#include "orthoplan/clearance/clearance_impl.h"
#include "orthoplan/clearance/prepare.h"

namespace orthoplan {
namespace {

constexpr float kTouch = 1e-4f;  // mm: triangles this close count as intersecting

struct Tri {
  V3 v[3];
};

Tri load_tri(const float* rec) { return Tri{{load3(rec), load3(rec + 3), load3(rec + 6)}}; }

// Squared distance between segments p1q1 and p2q2 (Ericson 5.1.9), in double.
double segment_segment_d2(V3 p1, V3 q1, V3 p2, V3 q2) {
  double d1[3] = {double(q1.x) - p1.x, double(q1.y) - p1.y, double(q1.z) - p1.z};
  double d2[3] = {double(q2.x) - p2.x, double(q2.y) - p2.y, double(q2.z) - p2.z};
  double r[3] = {double(p1.x) - p2.x, double(p1.y) - p2.y, double(p1.z) - p2.z};
  auto dt = [](const double* a, const double* b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; };
  double a = dt(d1, d1), e = dt(d2, d2), f = dt(d2, r), s = 0, t = 0;
  if (a <= 1e-18 && e <= 1e-18) return dt(r, r);
  if (a <= 1e-18) {
    t = std::clamp(f / e, 0.0, 1.0);
  } else {
    double c = dt(d1, r);
    if (e <= 1e-18) {
      s = std::clamp(-c / a, 0.0, 1.0);
    } else {
      double b = dt(d1, d2), den = a * e - b * b;
      s = den > 1e-18 ? std::clamp((b * f - c * e) / den, 0.0, 1.0) : 0.0;
      t = (b * s + f) / e;
      if (t < 0) { t = 0; s = std::clamp(-c / a, 0.0, 1.0); }
      else if (t > 1) { t = 1; s = std::clamp((b - c) / a, 0.0, 1.0); }
    }
  }
  double w[3];
  for (int k = 0; k < 3; ++k) w[k] = r[k] + d1[k] * s - d2[k] * t;
  return dt(w, w);
}

// Does segment pq pass through triangle x (beyond kTouch of its plane on both sides)?
bool segment_crosses(V3 p, V3 q, const Tri& x) {
  V3 n = cross(x.v[1] - x.v[0], x.v[2] - x.v[0]);
  const float len = norm(n);
  if (!(len > 1e-12f)) return true;  // degenerate: count it, which only costs speed
  n = n * (1.f / len);
  const float sp = dot(p - x.v[0], n), sq = dot(q - x.v[0], n);
  if ((sp > kTouch && sq > kTouch) || (sp < -kTouch && sq < -kTouch)) return false;
  if (std::fabs(sp - sq) <= kTouch) return false;  // in plane: the edge-edge distances decide
  V3 y = p + (q - p) * (sp / (sp - sq));
  int feat;
  return norm2(y - closest_on_triangle(y, x.v[0], x.v[1], x.v[2], &feat)) <= kTouch * kTouch;
}

// Are all of b's vertices farther than kTouch from a's plane, on the same side? (then b cannot
// touch a: the cheap test that settles most neighbouring pairs)
bool beside_plane(const Tri& a, const Tri& b) {
  const V3 n = cross(a.v[1] - a.v[0], a.v[2] - a.v[0]);
  const float tol = kTouch * norm(n);
  const float s0 = dot(b.v[0] - a.v[0], n), s1 = dot(b.v[1] - a.v[0], n), s2 = dot(b.v[2] - a.v[0], n);
  return (s0 > tol && s1 > tol && s2 > tol) || (s0 < -tol && s1 < -tol && s2 < -tol);
}

// Do two triangles with no common vertex intersect or come within kTouch?
bool triangles_touch(const Tri& a, const Tri& b) {
  if (beside_plane(a, b) || beside_plane(b, a)) return false;
  for (int i = 0; i < 3; ++i) {
    const int j = (i + 1) % 3;
    if (segment_crosses(a.v[i], a.v[j], b) || segment_crosses(b.v[i], b.v[j], a)) return true;
    int feat;
    if (norm2(a.v[i] - closest_on_triangle(a.v[i], b.v[0], b.v[1], b.v[2], &feat)) <= kTouch * kTouch ||
        norm2(b.v[i] - closest_on_triangle(b.v[i], a.v[0], a.v[1], a.v[2], &feat)) <= kTouch * kTouch)
      return true;
    for (int k = 0; k < 3; ++k)
      if (segment_segment_d2(a.v[i], a.v[j], b.v[k], b.v[(k + 1) % 3]) <= double(kTouch) * kTouch)
        return true;
  }
  return false;
}

// clean[i]: no triangle without a common vertex touches triangle i (wide BVH box traversal).
std::vector<char> clean_triangles(const ClearanceView& g, int t, const std::vector<int>& faces) {
  const int wide0 = g.tooth_i[t * TI_STRIDE + TI_WIDE], tri0 = g.tooth_i[t * TI_STRIDE + TI_TRI];
  const int nt = int(faces.size() / 3);
  std::vector<char> clean(size_t(nt), 1);
#pragma omp parallel for schedule(dynamic, 64)
  for (int i = 0; i < nt; ++i) {
    const Tri a = load_tri(g.tris + size_t(tri0 + i) * TRI_STRIDE);
    V3 lo = a.v[0], hi = a.v[0];
    for (const V3& v : a.v) {
      lo = V3{std::min(lo.x, v.x), std::min(lo.y, v.y), std::min(lo.z, v.z)};
      hi = V3{std::max(hi.x, v.x), std::max(hi.y, v.y), std::max(hi.z, v.z)};
    }
    lo = lo - V3{kTouch, kTouch, kTouch};
    hi = hi + V3{kTouch, kTouch, kTouch};
    int stack[64], sp = 0;  // wide depth <= 20, checked when built: at most 61 entries
    stack[sp++] = 0;
    while (sp > 0 && clean[size_t(i)]) {
      const int ref = stack[--sp];
      if (ref >= 0) {
        const float* w = g.wide_box + size_t(wide0 + ref) * WB_STRIDE;
        for (int k = 0; k < 4; ++k)
          if (w[WB_LOX + k] <= hi.x && w[WB_HIX + k] >= lo.x && w[WB_LOY + k] <= hi.y &&
              w[WB_HIY + k] >= lo.y && w[WB_LOZ + k] <= hi.z && w[WB_HIZ + k] >= lo.z)
            stack[sp++] = g.wide_ref[4 * size_t(wide0 + ref) + k];
        continue;
      }
      const int code = -1 - ref;
      for (int j = code >> 3; j < (code >> 3) + (code & 7); ++j) {
        const int* fi = &faces[3 * size_t(i)];
        const int* fj = &faces[3 * size_t(j)];
        bool shared = false;
        for (int u = 0; u < 3; ++u)
          for (int w = 0; w < 3; ++w) shared |= fi[u] == fj[w];
        if (shared) continue;
        if (triangles_touch(a, load_tri(g.tris + size_t(tri0 + j) * TRI_STRIDE))) {
          clean[size_t(i)] = 0;
          break;
        }
      }
    }
  }
  return clean;
}

float angle_at(V3 p, V3 a, V3 b) {  // interior angle at p of triangle (p, a, b)
  return std::atan2(norm(cross(a - p, b - p)), dot(a - p, b - p));
}

}  // namespace

std::vector<float> sign_records(const ClearanceView& g, int t, const std::vector<int>& faces,
                                int nverts) {
  const int tri0 = g.tooth_i[t * TI_STRIDE + TI_TRI];
  const int nt = int(faces.size() / 3);
  std::vector<Tri> tri(nt);
  std::vector<V3> normal(nt);
  for (int i = 0; i < nt; ++i) {
    tri[i] = load_tri(g.tris + size_t(tri0 + i) * TRI_STRIDE);
    V3 n = cross(tri[i].v[1] - tri[i].v[0], tri[i].v[2] - tri[i].v[0]);
    const float len = norm(n);
    normal[i] = len > 1e-12f ? n * (1.f / len) : V3{0.f, 0.f, 0.f};
  }
  // Fans: per vertex the (next-vertex -> face) map of its faces, walked once around.
  std::vector<std::vector<int>> incident(static_cast<size_t>(nverts));
  for (int i = 0; i < nt; ++i)
    for (int k = 0; k < 3; ++k) incident[size_t(faces[3 * i + k])].push_back(i);
  std::vector<V3> vpn(static_cast<size_t>(nverts), V3{0.f, 0.f, 0.f});
  std::vector<char> good(static_cast<size_t>(nverts), 0);
  for (int v = 0; v < nverts; ++v) {
    const std::vector<int>& fan = incident[size_t(v)];
    if (fan.size() < 3) continue;
    std::unordered_map<int, int> next;  // vertex after v in face -> that face
    bool ok = true;
    for (int f : fan) {
      int k = 0;
      while (faces[3 * f + k] != v) ++k;
      const int a = faces[3 * f + (k + 1) % 3];
      ok &= next.emplace(a, f).second && norm2(normal[f]) > 0.5f;  // no degenerate face
      vpn[size_t(v)] = vpn[size_t(v)] + normal[f] * angle_at(tri[f].v[k], tri[f].v[(k + 1) % 3], tri[f].v[(k + 2) % 3]);
    }
    if (!ok) continue;
    // Walk the fan: a -> face (v, a, b) -> b must visit every face once and close.
    const float len = norm(vpn[size_t(v)]);
    if (!(len > 1e-12f)) continue;
    const V3 nv = vpn[size_t(v)] * (1.f / len);
    const int start = next.begin()->first;
    int a = start, steps = 0;
    double turn = 0.0;
    do {
      auto it = next.find(a);
      if (it == next.end() || !(dot(normal[it->second], nv) > 0.05f)) { ok = false; break; }
      const int f = it->second;
      int k = 0;
      while (faces[3 * f + k] != v) ++k;
      const int b = faces[3 * f + (k + 2) % 3];
      V3 pa = tri[f].v[(k + 1) % 3] - tri[f].v[k], pb = tri[f].v[(k + 2) % 3] - tri[f].v[k];
      pa = pa - nv * dot(pa, nv);
      pb = pb - nv * dot(pb, nv);
      turn += std::atan2(double(dot(cross(pa, pb), nv)), double(dot(pa, pb)));
      a = b;
    } while (++steps < int(fan.size()) && a != start);
    good[size_t(v)] = ok && steps == int(fan.size()) && a == start && std::fabs(turn - 2 * M_PI) < 1e-3;
  }
  std::vector<char> safe = clean_triangles(g, t, faces);
  // faces sharing a vertex that is not good may cross each other: test each pair's far edges
  for (int v = 0; v < nverts; ++v) {
    if (good[size_t(v)]) continue;
    const std::vector<int>& fan = incident[size_t(v)];
    for (size_t x = 0; x < fan.size(); ++x)
      for (size_t y = x + 1; y < fan.size(); ++y) {
        const int f1 = fan[x], f2 = fan[y];
        int shared = 0;
        for (int u = 0; u < 3; ++u)
          for (int w = 0; w < 3; ++w) shared += faces[3 * f1 + u] == faces[3 * f2 + w];
        if (shared > 1) {  // an edge: only a face folded back onto the other overlaps it
          if (dot(normal[f1], normal[f2]) < -0.99f) safe[size_t(f1)] = safe[size_t(f2)] = 0;
          continue;
        }
        V3 far1[2], far2[2];
        for (int u = 0, j = 0, k = 0; u < 3; ++u) {
          if (faces[3 * f1 + u] != v) far1[j++] = tri[f1].v[u];
          if (faces[3 * f2 + u] != v) far2[k++] = tri[f2].v[u];
        }
        if (segment_crosses(far1[0], far1[1], tri[f2]) || segment_crosses(far2[0], far2[1], tri[f1]))
          safe[size_t(f1)] = safe[size_t(f2)] = 0;
      }
  }
  // Patches: safe triangles joined across shared edges (union-find).
  std::vector<int> parent(nt);
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  std::unordered_map<uint64_t, int> edge_face;
  edge_face.reserve(size_t(nt) * 3);
  for (int i = 0; i < nt; ++i) {
    if (!safe[size_t(i)]) continue;
    for (int k = 0; k < 3; ++k) {
      const uint32_t a = faces[3 * i + k], b = faces[3 * i + (k + 1) % 3];
      const uint64_t key = (uint64_t(std::min(a, b)) << 32) | std::max(a, b);
      auto it = edge_face.emplace(key, i);
      if (!it.second) parent[root(i)] = root(it.first->second);
    }
  }
  std::unordered_map<int, std::vector<int>> patches;
  for (int i = 0; i < nt; ++i)
    if (safe[size_t(i)]) patches[root(i)].push_back(i);
  // Winding number in front of each patch, sampled at up to three of its triangles.
  std::vector<float> w_out(static_cast<size_t>(nt), ORTHO_SG_UNSAFE);
  for (auto& kv : patches) {
    const std::vector<int>& members = kv.second;
    int agreed = 0, w = 0;
    bool consistent = true;
    for (int s = 0; s < 3 && consistent; ++s) {
      const int i = members[members.size() * size_t(s) / 3];
      const V3 c = (tri[i].v[0] + tri[i].v[1] + tri[i].v[2]) * (1.f / 3.f);
      const float eps = std::min(1e-3f, 0.05f * std::sqrt(norm(cross(tri[i].v[1] - tri[i].v[0], tri[i].v[2] - tri[i].v[0]))));
      const V3 front = c + normal[i] * eps, back = c - normal[i] * eps;
      // both probes must see only this triangle within eps: no other sheet between them and it
      const float r2 = eps * eps * 0.98f;
      if (closest_on_tooth(g, t, front, r2).tri >= 0 || closest_on_tooth(g, t, back, r2).tri >= 0) continue;
      const float wf = winding_number(g, t, front), wb = winding_number(g, t, back);
      const float rf = std::round(wf), rb = std::round(wb);
      if (std::fabs(wf - rf) > 0.25f || std::fabs(wb - rb) > 0.25f || rb - rf != 1.f) { consistent = false; break; }
      if (agreed > 0 && int(rf) != w) consistent = false;
      w = int(rf);
      ++agreed;
    }
    if (!consistent || agreed == 0) continue;
    for (int i : members) w_out[size_t(i)] = float(w);
  }
  std::vector<float> out(size_t(nt) * SG_STRIDE, 0.f);
  for (int i = 0; i < nt; ++i) {
    float* r = &out[size_t(i) * SG_STRIDE];
    r[SG_W] = w_out[size_t(i)];
    if (!(w_out[size_t(i)] < ORTHO_SG_UNSAFE)) continue;
    store3(r + SG_N, normal[i]);
    for (int k = 0; k < 3; ++k) {
      const int vk = faces[3 * i + k];
      if (good[size_t(vk)]) store3(r + SG_V + 3 * k, vpn[size_t(vk)]);
      // edge k runs from vertex k to k + 1; its pseudo-normal is the sum of its two face normals
      const int a = vk, b = faces[3 * i + (k + 1) % 3];
      V3 e = normal[i];
      int others = 0;
      bool other_safe = false;
      for (int f : incident[size_t(a)])
        if (f != i && std::find(&faces[3 * f], &faces[3 * f] + 3, b) != &faces[3 * f] + 3) {
          e = e + normal[f];
          ++others;
          other_safe = w_out[size_t(f)] < ORTHO_SG_UNSAFE;
        }
      if (others == 1 && other_safe) store3(r + SG_E + 3 * k, e);
    }
  }
  return out;
}

}  // namespace orthoplan
