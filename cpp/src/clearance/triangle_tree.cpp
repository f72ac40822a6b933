// The triangle BVH of one tooth: per binary node its box, dipole and slab, then the tree
// collapsed to four children per node, the layout the kernels walk (clearance.h).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "orthoplan/clearance/prepare.h"

namespace orthoplan {
namespace {

// Per binary BVH node while building: box corners, then a slab holding its triangles: unit normal
// n and the range [lo, hi] of n.x over them (padded for rounding). The kernels read them from the
// wide tree (collapse_wide).
enum BoxField { NB_LO = 0, NB_HI = 3, NB_N = 6, NB_SLO = 9, NB_SHI = 10, NB_STRIDE = 11 };
// and its dipole: area-weighted centre, area vector, radius
enum DipField { DIP_C = 0, DIP_N = 3, DIP_R = 6, DIP_STRIDE = 7 };

// Per BVH node: area-weighted centre, area vector (sum of half cross products) and the radius of
// the ball about that centre holding the node's box, for the dipole term of winding_number.
std::vector<float> dipoles(const std::vector<float>& tris, const TreeTopo& bt,
                           const std::vector<float>& box) {
  const int nn = int(bt.first.size());
  std::vector<float> dip(size_t(nn) * DIP_STRIDE, 0.f);
  for (int n = 0; n < nn; ++n) {
    double c[3] = {0, 0, 0}, a[3] = {0, 0, 0}, area = 0;
    for (int i = bt.first[n]; i < bt.first[n] + bt.count[n]; ++i) {
      const float* r = &tris[size_t(i) * TRI_STRIDE];
      V3 x = load3(r), y = load3(r + 3), z = load3(r + 6);
      V3 av = cross(y - x, z - x) * 0.5f;
      double w = norm(av);
      V3 m = (x + y + z) * (1.f / 3.f);
      c[0] += w * m.x; c[1] += w * m.y; c[2] += w * m.z;
      a[0] += av.x; a[1] += av.y; a[2] += av.z;
      area += w;
    }
    float* d = &dip[size_t(n) * DIP_STRIDE];
    const float* b = &box[NB_STRIDE * size_t(n)];
    V3 centre = area > 0 ? V3{float(c[0] / area), float(c[1] / area), float(c[2] / area)}
                         : (load3(b + NB_LO) + load3(b + NB_HI)) * 0.5f;
    store3(d + DIP_C, centre);
    store3(d + DIP_N, V3{float(a[0]), float(a[1]), float(a[2])});
    float r = 0.f;
    for (int k = 0; k < 8; ++k) {
      V3 corner{b[k & 1 ? 3 : 0], b[1 + (k & 2 ? 3 : 0)], b[2 + (k & 4 ? 3 : 0)]};
      r = std::max(r, norm(corner - centre));
    }
    d[DIP_R] = r;
  }
  return dip;
}

// Per BVH node the slab of node_box: the normal is the direction of the node's area vector (from
// its dipole record), so a nearly flat patch gets a thin slab. n.x is computed in double; the pad
// covers the float rounding of the query's dot product for points within a few crown widths
// (farther ones are far from every node, and an error of 1e-7 of their distance is below that of
// the distance itself).
void node_slabs(const std::vector<float>& tris, const TreeTopo& bt, const std::vector<float>& dip,
                std::vector<float>& box) {
  for (size_t n = 0; n < bt.first.size(); ++n) {
    const float* av = &dip[DIP_STRIDE * n + DIP_N];
    const double a[3] = {av[0], av[1], av[2]};
    const double len = std::sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
    float* b = &box[NB_STRIDE * n];
    const V3 nrm = len > 0 ? V3{float(a[0] / len), float(a[1] / len), float(a[2] / len)} : V3{0.f, 0.f, 1.f};
    double lo = 1e300, hi = -1e300, reach = 0;
    for (int i = bt.first[n]; i < bt.first[n] + bt.count[n]; ++i)
      for (int k = 0; k < 3; ++k) {
        const float* v = &tris[size_t(i) * TRI_STRIDE + 3 * k];
        const double s = double(nrm.x) * v[0] + double(nrm.y) * v[1] + double(nrm.z) * v[2];
        lo = std::min(lo, s); hi = std::max(hi, s);
        reach = std::max({reach, std::fabs(double(v[0])), std::fabs(double(v[1])), std::fabs(double(v[2]))});
      }
    const double pad = 1e-5 + 1e-6 * reach;
    store3(b + NB_N, nrm);
    b[NB_SLO] = float(lo - pad);
    b[NB_SHI] = float(hi + pad);
  }
}

// The binary tree collapsed to four children per node: wide node k stands for binary node src[k]
// and holds its grandchildren (a leaf child stands in for its own children). A search then bounds
// four children per visit, side by side, and walks half as many levels.
void collapse_wide(const TreeTopo& bt, const std::vector<float>& box, const std::vector<float>& dip,
                   WideTree& wt) {
  std::vector<float>& wbox = wt.box;
  std::vector<int>& wref = wt.ref;
  const auto leaf = [&](int n) { return bt.child[2 * size_t(n) + 1] < 0; };
  std::vector<int> src{0};
  for (size_t k = 0; k < src.size(); ++k) {
    const int n = src[k];
    int kids[4], m = 0;
    if (leaf(n)) kids[m++] = n;  // a tree of one leaf
    else
      for (int c : {bt.child[2 * size_t(n)], bt.child[2 * size_t(n) + 1]}) {
        if (leaf(c)) { kids[m++] = c; continue; }
        kids[m++] = bt.child[2 * size_t(c)];
        kids[m++] = bt.child[2 * size_t(c) + 1];
      }
    wbox.resize((k + 1) * WB_STRIDE, 0.f);
    wref.resize((k + 1) * 4);
    wt.dip.resize((k + 1) * WD_STRIDE, 0.f);
    float* w = &wbox[k * WB_STRIDE];
    float* wd = &wt.dip[k * WD_STRIDE];
    for (int j = 0; j < 4; ++j) {
      if (j >= m) {  // empty: an inverted box is infinitely far from every point; a dipole without
                     // area, far away, adds nothing to a winding number
        w[WB_LOX + j] = w[WB_LOY + j] = w[WB_LOZ + j] = ORTHO_FLT_MAX;
        w[WB_HIX + j] = w[WB_HIY + j] = w[WB_HIZ + j] = -ORTHO_FLT_MAX;
        wd[WD_CX + j] = wd[WD_CY + j] = wd[WD_CZ + j] = 1e18f;
        wref[4 * k + j] = ORTHO_WIDE_LEAF(0, 0);
        continue;
      }
      const int c = kids[j];
      const float* b = &box[NB_STRIDE * size_t(c)];
      const int at[11] = {WB_LOX, WB_LOY, WB_LOZ, WB_HIX, WB_HIY, WB_HIZ, WB_NX, WB_NY, WB_NZ, WB_SLO, WB_SHI};
      for (int f = 0; f < 11; ++f) w[at[f] + j] = b[f];
      const float* d = &dip[DIP_STRIDE * size_t(c)];
      const int dat[7] = {WD_CX, WD_CY, WD_CZ, WD_NX, WD_NY, WD_NZ, WD_R};
      for (int f = 0; f < 7; ++f) wd[dat[f] + j] = d[f];
      if (leaf(c)) {
        if (bt.count[c] > 7) throw std::invalid_argument("meshes: triangle tree leaf too large");
        wref[4 * k + j] = ORTHO_WIDE_LEAF(bt.first[c], bt.count[c]);
      } else {
        wref[4 * k + j] = int(src.size());
        src.push_back(c);
      }
    }
  }
}

}  // namespace

WideTree build_wide_tree(const std::vector<float>& tris, const TreeTopo& bt) {
  const int nn = int(bt.first.size());
  std::vector<float> node_box(size_t(nn) * NB_STRIDE);
  for (int n = 0; n < nn; ++n) {
    float* b = &node_box[size_t(n) * NB_STRIDE];
    b[0] = b[1] = b[2] = ORTHO_FLT_MAX;
    b[3] = b[4] = b[5] = -ORTHO_FLT_MAX;
    for (int i = bt.first[n]; i < bt.first[n] + bt.count[n]; ++i)
      for (int k = 0; k < 9; ++k) {
        float x = tris[size_t(i) * TRI_STRIDE + k];
        b[k % 3] = std::min(b[k % 3], x);
        b[3 + k % 3] = std::max(b[3 + k % 3], x);
      }
  }
  const std::vector<float> node_dip = dipoles(tris, bt, node_box);
  node_slabs(tris, bt, node_dip, node_box);
  WideTree wt;
  collapse_wide(bt, node_box, node_dip, wt);
  wt.lo = load3(&node_box[NB_LO]);
  wt.hi = load3(&node_box[NB_HI]);
  return wt;
}

}  // namespace orthoplan
