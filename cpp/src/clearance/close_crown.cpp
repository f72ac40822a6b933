// Closes an open crown with fan caps over its boundary loops and packs its triangle records.
#include <cmath>
#include <cstdint>
#include <unordered_map>

#include "orthoplan/clearance/prepare.h"

namespace orthoplan {
namespace {


uint64_t edge_key(int a, int b) {
  uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
  return (uint64_t(lo) << 32) | hi;
}

struct EdgeUse {
  int count = 0, a = -1, b = -1, same_dir = 0;
};

std::unordered_map<uint64_t, EdgeUse> edge_uses(const std::vector<int>& f, int nf) {
  std::unordered_map<uint64_t, EdgeUse> m;
  m.reserve(size_t(nf) * 2);
  for (int i = 0; i < nf; ++i)
    for (int k = 0; k < 3; ++k) {
      int a = f[3 * i + k], b = f[3 * i + (k + 1) % 3];
      EdgeUse& e = m[edge_key(a, b)];
      if (e.count == 0) { e.a = a; e.b = b; } else if (e.a == a) { ++e.same_dir; }
      ++e.count;
    }
  return m;
}

double signed_volume(const std::vector<V3>& v, const std::vector<int>& f) {
  double vol = 0.0;
  for (size_t i = 0; i + 2 < f.size(); i += 3) {
    V3 a = v[f[i]], b = v[f[i + 1]], c = v[f[i + 2]];
    vol += double(dot(a, cross(b, c)));
  }
  return vol / 6.0;
}

// Chains boundary edges (a -> b as they appear in their face) into loops. With a consistent
// orientation every boundary vertex has as many outgoing as incoming edges, so walks close.
std::vector<std::vector<int>> boundary_loops(ClosedCrown& c,
                                             const std::unordered_map<uint64_t, EdgeUse>& uses) {
  std::unordered_multimap<int, int> next;
  for (const auto& kv : uses)
    if (kv.second.count == 1) next.emplace(kv.second.a, kv.second.b);
  c.stats[ST_BOUNDARY_EDGES] = int(next.size());
  std::vector<std::vector<int>> loops;
  while (!next.empty()) {
    auto it = next.begin();
    std::vector<int> loop{it->first};
    int cur = it->second;
    next.erase(it);
    while (cur != loop[0]) {
      loop.push_back(cur);
      auto nx = next.find(cur);
      if (nx == next.end()) break;  // only with inconsistent orientation: the fan still closes it
      cur = nx->second;
      next.erase(nx);
    }
    if (loop.size() >= 3) loops.push_back(std::move(loop));
  }
  return loops;
}

// Closes every loop with a fan of faces (b, a, apex), which keeps the crown's orientation. The
// largest loop (the gingival margin) gets a cone whose apex lies beyond the margin, half a crown
// size along the crown-centre -> margin-centre direction: seen from there the scalloped margin
// is a simple curve, so the cone never folds through the crown (a flat fan over the margin can,
// and then pseudo-normal signs go wrong). Small loops (holes) are nearly flat: fan at the centroid.
void cap_boundary(ClosedCrown& c, const std::unordered_map<uint64_t, EdgeUse>& uses) {
  std::vector<std::vector<int>> loops = boundary_loops(c, uses);
  size_t largest = 0;
  for (size_t i = 1; i < loops.size(); ++i)
    if (loops[i].size() > loops[largest].size()) largest = i;
  V3 lo = c.verts[c.faces[0]], hi = lo, crown{0.f, 0.f, 0.f};
  for (int v : c.faces) {
    lo = V3{std::fmin(lo.x, c.verts[v].x), std::fmin(lo.y, c.verts[v].y), std::fmin(lo.z, c.verts[v].z)};
    hi = V3{std::fmax(hi.x, c.verts[v].x), std::fmax(hi.y, c.verts[v].y), std::fmax(hi.z, c.verts[v].z)};
    crown = crown + c.verts[v] * (1.f / float(c.faces.size()));
  }
  for (size_t i = 0; i < loops.size(); ++i) {
    const std::vector<int>& loop = loops[i];
    V3 centre{0.f, 0.f, 0.f};
    for (int v : loop) centre = centre + c.verts[v] * (1.f / float(loop.size()));
    V3 apex = centre;
    V3 dir = centre - crown;
    if (i == largest && norm(dir) > 1e-6f) apex = centre + dir * (0.5f * norm(hi - lo) / norm(dir));
    const int ai = int(c.verts.size());
    c.verts.push_back(apex);
    for (size_t k = 0; k < loop.size(); ++k) {
      const int a = loop[k], b = loop[(k + 1) % loop.size()];
      c.faces.insert(c.faces.end(), {b, a, ai});
    }
    ++c.stats[ST_CAPS];
  }
}

}  // namespace

ClosedCrown close_crown(const float* verts, int nv, const int* faces, int nf) {
  ClosedCrown c;
  c.verts.reserve(size_t(nv) + 16);
  for (int i = 0; i < nv; ++i) c.verts.push_back(load3(verts + 3 * i));
  for (int i = 0; i < nf; ++i) {
    int a = faces[3 * i], b = faces[3 * i + 1], d = faces[3 * i + 2];
    V3 n = cross(c.verts[b] - c.verts[a], c.verts[d] - c.verts[a]);
    if (a == b || b == d || a == d || norm2(n) <= 1e-20f) { ++c.stats[ST_DEGENERATE]; continue; }
    c.faces.insert(c.faces.end(), {a, b, d});
  }
  c.real_faces = int(c.faces.size() / 3);
  c.stats[ST_VERTS] = nv;
  c.stats[ST_FACES] = c.real_faces;
  auto uses = edge_uses(c.faces, c.real_faces);
  for (const auto& kv : uses) {
    c.stats[ST_MISORIENTED_EDGES] += kv.second.same_dir;
    if (kv.second.count > 2) ++c.stats[ST_NONMANIFOLD_EDGES];
  }
  cap_boundary(c, uses);
  if (signed_volume(c.verts, c.faces) < 0.0)  // scans may come inward-facing: make normals outward
    for (size_t i = 0; i < c.faces.size(); i += 3) std::swap(c.faces[i + 1], c.faces[i + 2]);
  return c;
}

void triangle_records(const ClosedCrown& c, std::vector<float>& out) {
  const int nf = int(c.faces.size() / 3);
  out.resize(size_t(nf) * TRI_STRIDE);
  for (int i = 0; i < nf; ++i)
    for (int k = 0; k < 3; ++k) store3(&out[size_t(i) * TRI_STRIDE + TR_V + 3 * k], c.verts[c.faces[3 * i + k]]);
}

}  // namespace orthoplan
