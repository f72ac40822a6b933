// Surface samples of a crown (vertices plus edge and face points at a spacing) and median trees.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <unordered_set>

#include "orthoplan/clearance/prepare.h"

namespace orthoplan {

// Samples on the real (uncapped) surface: every vertex used by a real face, points along each edge
// at most `spacing` apart, and a barycentric lattice inside faces whose longest edge exceeds it.
std::vector<V3> surface_samples(const ClosedCrown& c, float spacing) {
  std::vector<V3> out;
  std::vector<char> used(c.verts.size(), 0);
  std::unordered_set<uint64_t> edges;
  for (int i = 0; i < c.real_faces; ++i) {
    const int* f = &c.faces[3 * i];
    float longest = 0.f;
    for (int k = 0; k < 3; ++k) {
      int a = f[k], b = f[(k + 1) % 3];
      if (!used[a]) { used[a] = 1; out.push_back(c.verts[a]); }
      float len = norm(c.verts[b] - c.verts[a]);
      longest = std::max(longest, len);
      uint64_t key = (uint64_t(std::min(a, b)) << 32) | uint32_t(std::max(a, b));
      int n = int(std::ceil(len / spacing));
      if (n > 1 && edges.insert(key).second)
        for (int j = 1; j < n; ++j)
          out.push_back(c.verts[a] + (c.verts[b] - c.verts[a]) * (float(j) / float(n)));
    }
    int n = int(std::ceil(longest / spacing));
    for (int i1 = 1; i1 < n; ++i1)
      for (int i2 = 1; i1 + i2 < n; ++i2) {
        float u = float(i1) / float(n), v = float(i2) / float(n);
        out.push_back(c.verts[f[0]] * (1.f - u - v) + c.verts[f[1]] * u + c.verts[f[2]] * v);
      }
  }
  return out;
}

namespace {

struct Builder {
  const std::vector<V3>& pts;
  int leaf;
  TreeTopo t;

  int build(int lo, int hi, int depth) {
    t.depth = std::max(t.depth, depth);
    const int node = int(t.child.size() / 2);
    t.child.insert(t.child.end(), {0, 0});
    t.first.push_back(lo);
    t.count.push_back(hi - lo);
    if (hi - lo <= leaf) {
      t.child[2 * node] = lo;
      t.child[2 * node + 1] = -(hi - lo);
      return node;
    }
    V3 mn = pts[t.perm[lo]], mx = mn;
    for (int i = lo; i < hi; ++i) {
      V3 p = pts[t.perm[i]];
      mn = V3{std::min(mn.x, p.x), std::min(mn.y, p.y), std::min(mn.z, p.z)};
      mx = V3{std::max(mx.x, p.x), std::max(mx.y, p.y), std::max(mx.z, p.z)};
    }
    V3 ext = mx - mn;
    int axis = (ext.x >= ext.y && ext.x >= ext.z) ? 0 : (ext.y >= ext.z ? 1 : 2);
    auto key = [&](int i) { const V3& p = pts[i]; return axis == 0 ? p.x : axis == 1 ? p.y : p.z; };
    const int mid = lo + (hi - lo) / 2;
    std::nth_element(t.perm.begin() + lo, t.perm.begin() + mid, t.perm.begin() + hi,
                     [&](int a, int b) { return key(a) < key(b); });
    int left = build(lo, mid, depth + 1);
    int right = build(mid, hi, depth + 1);
    t.child[2 * node] = left;
    t.child[2 * node + 1] = right;
    return node;
  }
};

}  // namespace

TreeTopo build_median_tree(const std::vector<V3>& centroids, int leaf_size) {
  Builder b{centroids, leaf_size, {}};
  b.t.perm.resize(centroids.size());
  std::iota(b.t.perm.begin(), b.t.perm.end(), 0);
  if (!centroids.empty()) b.build(0, int(centroids.size()), 1);
  return b.t;
}

TreeTopo build_split_tree(const std::vector<V3>& centroids, int split, int leaf_size) {
  const int n = int(centroids.size());
  if (split <= 0 || split >= n) return build_median_tree(centroids, leaf_size);
  Builder b{centroids, leaf_size, {}};
  b.t.perm.resize(centroids.size());
  std::iota(b.t.perm.begin(), b.t.perm.end(), 0);
  b.t.child = {0, 0};
  b.t.first.push_back(0);
  b.t.count.push_back(n);
  b.t.depth = 1;
  const int left = b.build(0, split, 2);
  const int right = b.build(split, n, 2);
  b.t.child[0] = left;
  b.t.child[1] = right;
  return b.t;
}

}  // namespace orthoplan
