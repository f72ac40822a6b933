// Closes an open crown into a solid that stays inside the tooth: drops segmentation debris, then
// fans every open boundary loop shut (design note 002), and packs its triangle records.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <unordered_map>

#include "orthoplan/clearance/closest_impl.h"
#include "orthoplan/clearance/prepare.h"

namespace orthoplan {
namespace {

// A piece is debris when its area is below this fraction of the largest piece's and none of its
// vertices lies within kDebrisGap (mm) of that piece: a fragment the segmentation labelled with
// the wrong tooth, or a speck of the scan. A piece touching the crown (a flap hanging on one
// vertex) is kept whatever its size.
constexpr double kDebrisArea = 0.05;
constexpr float kDebrisGap = 0.1f;

uint64_t edge_key(int a, int b) {
  uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
  return (uint64_t(lo) << 32) | hi;
}

struct EdgeUse {
  int count = 0, a = -1, b = -1, same_dir = 0, face = -1;
};

std::unordered_map<uint64_t, EdgeUse> edge_uses(const std::vector<int>& f, int nf) {
  std::unordered_map<uint64_t, EdgeUse> m;
  m.reserve(size_t(nf) * 2);
  for (int i = 0; i < nf; ++i)
    for (int k = 0; k < 3; ++k) {
      int a = f[3 * i + k], b = f[3 * i + (k + 1) % 3];
      EdgeUse& e = m[edge_key(a, b)];
      if (e.count == 0) { e.a = a; e.b = b; e.face = i; } else if (e.a == a) { ++e.same_dir; }
      ++e.count;
    }
  return m;
}

// Edge-connected pieces: piece id per face (faces sharing an edge share a piece).
std::vector<int> face_pieces(const std::vector<int>& f, int nf) {
  std::vector<int> parent(static_cast<size_t>(nf));
  std::iota(parent.begin(), parent.end(), 0);
  auto root = [&](int x) {
    while (parent[size_t(x)] != x) x = parent[size_t(x)] = parent[size_t(parent[size_t(x)])];
    return x;
  };
  std::unordered_map<uint64_t, int> first;
  first.reserve(size_t(nf) * 2);
  for (int i = 0; i < nf; ++i)
    for (int k = 0; k < 3; ++k) {
      auto it = first.emplace(edge_key(f[3 * i + k], f[3 * i + (k + 1) % 3]), i);
      if (!it.second) parent[size_t(root(i))] = root(it.first->second);
    }
  std::vector<int> piece(static_cast<size_t>(nf));
  for (int i = 0; i < nf; ++i) piece[size_t(i)] = root(i);
  return piece;
}

double face_area(const std::vector<V3>& v, const int* f) {
  return 0.5 * double(norm(cross(v[f[1]] - v[f[0]], v[f[2]] - v[f[0]])));
}

// Removes debris pieces from c.faces (real faces only, before capping) and counts them.
void drop_debris(ClosedCrown& c) {
  const int nf = int(c.faces.size() / 3);
  std::vector<int> piece = face_pieces(c.faces, nf);
  std::unordered_map<int, double> area;
  for (int i = 0; i < nf; ++i) area[piece[size_t(i)]] += face_area(c.verts, &c.faces[3 * size_t(i)]);
  if (area.size() < 2) return;
  int main = piece[0];
  for (const auto& kv : area)
    if (kv.second > area[main]) main = kv.first;
  std::vector<int> main_faces;
  for (int i = 0; i < nf; ++i)
    if (piece[size_t(i)] == main) main_faces.insert(main_faces.end(), &c.faces[3 * size_t(i)], &c.faces[3 * size_t(i)] + 3);
  std::unordered_map<int, bool> debris;  // candidate piece -> still away from the main piece
  for (const auto& kv : area)
    if (kv.first != main && kv.second < kDebrisArea * area[main]) debris[kv.first] = true;
  if (debris.empty()) return;
  const float gap2 = kDebrisGap * kDebrisGap;
  for (int i = 0; i < nf; ++i) {
    auto it = debris.find(piece[size_t(i)]);
    if (it == debris.end() || !it->second) continue;
    for (int k = 0; k < 3 && it->second; ++k) {
      const V3 p = c.verts[c.faces[3 * size_t(i) + k]];
      for (size_t j = 0; j < main_faces.size() && it->second; j += 3) {
        int feat;
        const V3 q = closest_on_triangle(p, c.verts[main_faces[j]], c.verts[main_faces[j + 1]],
                                         c.verts[main_faces[j + 2]], &feat);
        if (norm2(p - q) <= gap2) it->second = false;
      }
    }
  }
  std::vector<int> kept;
  kept.reserve(c.faces.size());
  for (int i = 0; i < nf; ++i) {
    auto it = debris.find(piece[size_t(i)]);
    if (it != debris.end() && it->second) { ++c.stats[ST_DEBRIS_FACES]; continue; }
    kept.insert(kept.end(), &c.faces[3 * size_t(i)], &c.faces[3 * size_t(i)] + 3);
  }
  for (const auto& kv : debris) c.stats[ST_DEBRIS] += kv.second ? 1 : 0;
  c.faces.swap(kept);
}

double signed_volume(const std::vector<V3>& v, const std::vector<int>& f) {
  double vol = 0.0;
  for (size_t i = 0; i + 2 < f.size(); i += 3) {
    V3 a = v[f[i]], b = v[f[i + 1]], c = v[f[i + 2]];
    vol += double(dot(a, cross(b, c)));
  }
  return vol / 6.0;
}

struct Loop {
  std::vector<int> verts;
  int piece;
};

// Chains boundary edges (a -> b as they appear in their face) into loops, one piece at a time: at
// a vertex where two pieces' boundaries meet (a flap hanging on one vertex), a walk stays on its
// own piece. With a consistent orientation every boundary vertex has as many outgoing as incoming
// edges, so walks close.
std::vector<Loop> boundary_loops(ClosedCrown& c, const std::unordered_map<uint64_t, EdgeUse>& uses,
                                 const std::vector<int>& piece) {
  std::unordered_multimap<int, std::pair<int, int>> next;  // a -> (b, piece)
  for (const auto& kv : uses)
    if (kv.second.count == 1) next.emplace(kv.second.a, std::make_pair(kv.second.b, piece[size_t(kv.second.face)]));
  c.stats[ST_BOUNDARY_EDGES] = int(next.size());
  std::vector<Loop> loops;
  while (!next.empty()) {
    auto it = next.begin();
    Loop loop{{it->first}, it->second.second};
    int cur = it->second.first;
    next.erase(it);
    while (cur != loop.verts[0]) {
      loop.verts.push_back(cur);
      auto range = next.equal_range(cur);
      auto nx = range.first;
      while (nx != range.second && nx->second.second != loop.piece) ++nx;
      if (nx == range.second) break;  // only with inconsistent orientation: the fan still closes it
      cur = nx->second.first;
      next.erase(nx);
    }
    if (loop.verts.size() >= 3) loops.push_back(std::move(loop));
  }
  return loops;
}

// Closes every loop with a fan of faces (b, a, apex), which keeps the crown's orientation. The
// largest loop of each piece (the gingival margin and the cuts between neighbours) gets its apex
// at the piece's area centroid, inside the crown: the cap then leaves the margin inwards and
// encloses only space the crown surrounds, never space below the margin or a neighbour's. Other
// loops (holes) are nearly flat: fan at their centroid. Where a fan crosses the crown (a
// scalloped margin), the winding number still tells inside from outside.
void cap_boundary(ClosedCrown& c, const std::unordered_map<uint64_t, EdgeUse>& uses) {
  const int nf = int(c.faces.size() / 3);
  const std::vector<int> piece = face_pieces(c.faces, nf);
  std::vector<Loop> loops = boundary_loops(c, uses, piece);
  std::unordered_map<int, std::pair<double, V3>> centroid;  // piece -> (area, area-weighted sum)
  for (int i = 0; i < nf; ++i) {
    const int* f = &c.faces[3 * size_t(i)];
    const double a = face_area(c.verts, f);
    auto& e = centroid[piece[size_t(i)]];
    e.first += a;
    e.second = e.second + (c.verts[f[0]] + c.verts[f[1]] + c.verts[f[2]]) * float(a / 3.0);
  }
  std::unordered_map<int, size_t> largest;  // piece -> index of its largest loop
  for (size_t i = 0; i < loops.size(); ++i) {
    auto it = largest.emplace(loops[i].piece, i).first;
    if (loops[i].verts.size() > loops[it->second].verts.size()) it->second = i;
  }
  for (size_t i = 0; i < loops.size(); ++i) {
    const std::vector<int>& loop = loops[i].verts;
    V3 apex{0.f, 0.f, 0.f};
    for (int v : loop) apex = apex + c.verts[v] * (1.f / float(loop.size()));
    const auto& pc = centroid[loops[i].piece];
    if (largest[loops[i].piece] == i && pc.first > 0.0) apex = pc.second * float(1.0 / pc.first);
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
  drop_debris(c);
  c.real_faces = int(c.faces.size() / 3);
  c.stats[ST_VERTS] = nv;
  c.stats[ST_FACES] = c.real_faces;
  auto uses = edge_uses(c.faces, c.real_faces);
  for (const auto& kv : uses) {
    c.stats[ST_MISORIENTED_EDGES] += kv.second.same_dir;
    if (kv.second.count > 2) ++c.stats[ST_NONMANIFOLD_EDGES];
  }
  cap_boundary(c, uses);
  if (signed_volume(c.verts, c.faces) < 0.0) {  // scans may come inward-facing: make normals outward
    for (size_t i = 0; i < c.faces.size(); i += 3) std::swap(c.faces[i + 1], c.faces[i + 2]);
    // a cap face keeps its loop edge first and its apex last (clearance.h): (b, apex, a) -> (a, b, apex)
    for (size_t i = 3 * size_t(c.real_faces); i < c.faces.size(); i += 3)
      std::rotate(c.faces.begin() + long(i), c.faces.begin() + long(i) + 2, c.faces.begin() + long(i) + 3);
  }
  return c;
}

void triangle_records(const ClosedCrown& c, std::vector<float>& out) {
  const int nf = int(c.faces.size() / 3);
  out.resize(size_t(nf) * TRI_STRIDE);
  for (int i = 0; i < nf; ++i)
    for (int k = 0; k < 3; ++k) store3(&out[size_t(i) * TRI_STRIDE + TR_V + 3 * k], c.verts[c.faces[3 * i + k]]);
}

}  // namespace orthoplan
