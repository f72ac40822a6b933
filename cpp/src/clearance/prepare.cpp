// Builds a case's packed clearance structures: closed crowns, BVHs, sample trees and SDF grids.
#include "orthoplan/clearance/prepare.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "orthoplan/clearance/clearance_impl.h"

namespace orthoplan {
namespace {

constexpr int kTriLeaf = 4;
constexpr int kSampleLeaf = 16;
// The grid box reaches this far past the crown: samples beyond it are bounded only by their
// distance to the box, so a margin of a few cells would leave nearby teeth poorly culled.
constexpr float kMinMargin = 1.0f;  // mm
// The coarse grid's values are exact up to this distance (mm), so it prunes pairs up to about
// 2 mm apart (the default max_distance) fully; farther ones stay exact, only slower.
constexpr float kCoarseReach = 2.5f;
constexpr long long kMaxGridNodes = 16LL << 20;  // per tooth: 64 MiB of float32

struct ToothBuild {
  std::vector<float> tris, samples, snode;
  std::vector<int> snode_child, faces;  // faces: vertex ids in BVH order
  WideTree tree;
  int nverts = 0, real_faces = 0, cap_slot = 4;
  int stats[ST_STRIDE];
};

ToothBuild build_tooth(const float* v, int nv, const int* f, int nf, float spacing, int tooth) {
  ClosedCrown c = close_crown(v, nv, f, nf);
  if (c.real_faces == 0)
    throw std::invalid_argument("meshes: tooth " + std::to_string(tooth) +
                                " has no non-degenerate triangle");
  ToothBuild tb;
  std::copy(c.stats, c.stats + ST_STRIDE, tb.stats);
  std::vector<float> recs;
  triangle_records(c, recs);
  const int ntri = int(c.faces.size() / 3);
  std::vector<V3> cen(ntri);
  for (int i = 0; i < ntri; ++i) {
    const float* r = &recs[size_t(i) * TRI_STRIDE];
    cen[i] = (load3(r) + load3(r + 3) + load3(r + 6)) * (1.f / 3.f);
  }
  TreeTopo bt = build_split_tree(cen, c.real_faces, kTriLeaf);  // caps keep the last indices
  // the kernels' stacks hold 64 entries: a wide visit pops one and pushes four, over at most 20
  // wide levels
  if (bt.depth > 40) throw std::invalid_argument("meshes: triangle tree too deep");
  tb.tris.resize(recs.size());
  tb.faces.resize(size_t(ntri) * 3);
  tb.nverts = int(c.verts.size());
  tb.real_faces = c.real_faces;
  for (int i = 0; i < ntri; ++i) {
    std::copy_n(&recs[size_t(bt.perm[i]) * TRI_STRIDE], TRI_STRIDE, &tb.tris[size_t(i) * TRI_STRIDE]);
    std::copy_n(&c.faces[size_t(bt.perm[i]) * 3], 3, &tb.faces[size_t(i) * 3]);
  }
  tb.tree = build_wide_tree(tb.tris, bt);
  // the root's wide slots: the scanned subtree's one or two children, then the caps' (clearance.h)
  if (ntri > c.real_faces && c.real_faces > 0) tb.cap_slot = bt.child[2 * size_t(bt.child[0]) + 1] < 0 ? 1 : 2;
  std::vector<V3> samp = surface_samples(c, spacing);
  TreeTopo st = build_median_tree(samp, kSampleLeaf);
  if (st.depth > 60) throw std::invalid_argument("meshes: sample tree too deep");
  tb.samples.resize(samp.size() * 3);
  for (size_t i = 0; i < samp.size(); ++i) store3(&tb.samples[3 * i], samp[st.perm[i]]);
  tb.snode_child = st.child;
  tb.snode.resize(st.first.size() * 4);
  for (size_t n = 0; n < st.first.size(); ++n) {
    V3 mn = load3(&tb.samples[3 * size_t(st.first[n])]), mx = mn;
    for (int i = st.first[n]; i < st.first[n] + st.count[n]; ++i) {
      V3 p = load3(&tb.samples[3 * size_t(i)]);
      mn = V3{std::min(mn.x, p.x), std::min(mn.y, p.y), std::min(mn.z, p.z)};
      mx = V3{std::max(mx.x, p.x), std::max(mx.y, p.y), std::max(mx.z, p.z)};
    }
    V3 centre = (mn + mx) * 0.5f;
    float r = 0.f;
    for (int i = st.first[n]; i < st.first[n] + st.count[n]; ++i)
      r = std::max(r, norm(load3(&tb.samples[3 * size_t(i)]) - centre));
    store3(&tb.snode[4 * n], centre);
    tb.snode[4 * n + 3] = r * (1.f + 1e-6f) + 1e-6f;  // cover float rounding of the centre
  }
  tb.stats[ST_SAMPLES] = int(samp.size());
  return tb;
}

// Signed distance to the closed surface at every coarse grid node of tooth t, exact up to the
// truncation distance ct (farther nodes hold +-ct: the searches of far nodes were the slowest part
// of prepare, and a bound of ct prunes any pair the default max_distance keeps). The winding-number
// sign is computed only at nodes within one spacing of the surface. A farther node shares its sign
// with its six neighbours (none is across the surface), so a breadth-first sweep carries the sign
// outwards.
void fill_grid(const ClearanceView& view, int t, float* grid) {
  const int* ti = view.tooth_i + size_t(t) * TI_STRIDE;
  const float* tf = view.tooth_f + size_t(t) * TF_STRIDE;
  const long long nx = ti[TI_NX], ny = ti[TI_NY], nz = ti[TI_NZ], total = nx * ny * nz;
  const float h = tf[TF_H], ct = tf[TF_CT];
  std::vector<signed char> sign(size_t(total), 0);
#pragma omp parallel for schedule(dynamic, 1)
  for (long long row = 0; row < ny * nz; ++row) {
    int last = -1;  // along a row, each search starts from the previous node's closest triangle
    const float y = tf[TF_OY] + h * float(row % ny), z = tf[TF_OZ] + h * float(row / ny);
    for (long long i = row * nx; i < (row + 1) * nx; ++i) {
      const V3 p{tf[TF_OX] + h * float(i - row * nx), y, z};
      const Closest c = closest_hinted(view, t, p, ct * ct * (1.f + 1e-5f), &last);
      const float d = c.tri < 0 ? ct : std::fmin(std::sqrt(c.d2), ct);
      grid[i] = d;
      if (d <= h * 1.001f) sign[size_t(i)] = inside_closed(view, t, c, p) ? -1 : 1;
    }
  }
  std::vector<long long> queue;
  queue.reserve(size_t(total));
  for (long long i = 0; i < total; ++i)
    if (sign[size_t(i)] != 0) queue.push_back(i);
  for (size_t q = 0; q < queue.size(); ++q) {
    const long long i = queue[q];
    const long long x = i % nx, y = (i / nx) % ny, z = i / (nx * ny);
    const long long nb[6] = {x > 0 ? i - 1 : -1, x + 1 < nx ? i + 1 : -1, y > 0 ? i - nx : -1,
                             y + 1 < ny ? i + nx : -1, z > 0 ? i - nx * ny : -1,
                             z + 1 < nz ? i + nx * ny : -1};
    for (long long j : nb)
      if (j >= 0 && sign[size_t(j)] == 0) { sign[size_t(j)] = sign[size_t(i)]; queue.push_back(j); }
  }
  for (long long i = 0; i < total; ++i) grid[i] *= float(sign[size_t(i)] ? sign[size_t(i)] : 1);
}

// Value of fine-grid node p of tooth t (after its coarse grid): its exact signed distance when
// within ft of the surface, else +-ft. The coarse bounds settle most far nodes and most signs
// without a query; the closest-point search is capped at ft.
float fine_node(const ClearanceView& view, int t, V3 p, float ft, int* last) {
  float hi;
  bool in_box;
  const float lo = grid_bounds(view, t, p, -ortho_inf(), &hi, &in_box);  // need -inf: coarse only
  if (!in_box) hi = ortho_inf();  // past the coarse box (a band wider than its margin): lo only
  if (lo >= ft) return ft;
  if (hi <= -ft) return -ft;
  const Closest c = closest_hinted(view, t, p, ft * ft * (1.f + 1e-5f), last);
  if (c.tri < 0 || c.d2 >= ft * ft)  // |h| >= ft: only its sign is stored
    return lo > -ft ? ft : hi < ft ? -ft : (winding_number(view, t, p) > 0.5f ? -ft : ft);
  const float d = std::sqrt(c.d2);
  return (d > -lo ? false : d > hi ? true : inside_closed(view, t, c, p)) ? -d : d;
}

void fill_fine_grid(const ClearanceView& view, int t, float* grid) {
  const int* ti = view.tooth_i + size_t(t) * TI_STRIDE;
  const float* tf = view.tooth_f + size_t(t) * TF_STRIDE;
  const long long nx = ti[TI_FNX], ny = ti[TI_FNY], nz = ti[TI_FNZ];
  const float h = tf[TF_FH];
#pragma omp parallel for schedule(dynamic, 1)
  for (long long row = 0; row < ny * nz; ++row) {
    int last = -1;  // along a row, each search starts from the previous node's closest triangle
    const float y = tf[TF_FOY] + h * float(row % ny), z = tf[TF_FOZ] + h * float(row / ny);
    for (long long x = 0; x < nx; ++x)
      grid[row * nx + x] = fine_node(view, t, V3{tf[TF_FOX] + h * float(x), y, z}, tf[TF_FT], &last);
  }
}

// Nodes per axis of a lattice of spacing h over a crown of extent ext plus `cells` cells on each
// side; a ValueError naming `arg` when tooth t would exceed the per-tooth limit.
void lattice_dims(V3 ext, float h, float cells, const char* arg, const char* noun, int t, long long n[3]) {
  n[0] = (long long)std::ceil(ext.x / h + 2.f * cells) + 1;
  n[1] = (long long)std::ceil(ext.y / h + 2.f * cells) + 1;
  n[2] = (long long)std::ceil(ext.z / h + 2.f * cells) + 1;
  if (n[0] * n[1] * n[2] > kMaxGridNodes)
    throw std::invalid_argument(std::string(arg) + ": " + std::to_string(h) + " mm gives " +
                                std::to_string(n[0] * n[1] * n[2]) + " " + noun + " nodes for tooth " +
                                std::to_string(t) + " (limit " + std::to_string(kMaxGridNodes) +
                                "): use a coarser spacing");
}

template <typename T>
int append(std::vector<T>& dst, const std::vector<T>& src, int stride) {
  int off = int(dst.size() / stride);
  dst.insert(dst.end(), src.begin(), src.end());
  return off;
}

}  // namespace

PreparedCase prepare_case(const float* verts, const int* vert_len, const int* faces,
                          const int* face_len, int teeth, float sample_spacing, float grid_spacing,
                          float fine_spacing, float fine_band) {
  std::vector<ToothBuild> tb(teeth);
  std::vector<long long> voff(teeth + 1, 0), foff(teeth + 1, 0);
  for (int t = 0; t < teeth; ++t) {
    voff[t + 1] = voff[t] + vert_len[t];
    foff[t + 1] = foff[t] + face_len[t];
  }
  std::string error;
#pragma omp parallel for schedule(dynamic, 1)
  for (int t = 0; t < teeth; ++t) {
    try {
      tb[t] = build_tooth(verts + 3 * voff[t], vert_len[t], faces + 3 * foff[t], face_len[t],
                          sample_spacing, t);
    } catch (const std::exception& e) {
#pragma omp critical
      error = e.what();
    }
  }
  if (!error.empty()) throw std::invalid_argument(error);

  PreparedCase pc;
  pc.teeth = teeth;
  pc.tooth_i.resize(size_t(teeth) * TI_STRIDE);
  pc.tooth_f.resize(size_t(teeth) * TF_STRIDE);
  pc.stats.resize(size_t(teeth) * ST_STRIDE);
  std::vector<long long> goff(teeth + 1, 0);
  for (int t = 0; t < teeth; ++t) {
    int* ti = &pc.tooth_i[size_t(t) * TI_STRIDE];
    float* tf = &pc.tooth_f[size_t(t) * TF_STRIDE];
    ti[TI_TRI] = append(pc.tris, tb[t].tris, TRI_STRIDE);
    ti[TI_CAP0] = tb[t].real_faces;
    ti[TI_CAPSLOT] = tb[t].cap_slot;
    ti[TI_WIDE] = append(pc.wide_box, tb[t].tree.box, WB_STRIDE);
    append(pc.wide_ref, tb[t].tree.ref, 4);
    append(pc.wide_dip, tb[t].tree.dip, WD_STRIDE);
    ti[TI_SAMP] = append(pc.samples, tb[t].samples, 3);
    ti[TI_SNODE] = append(pc.snode, tb[t].snode, 4);
    append(pc.snode_child, tb[t].snode_child, 2);
    const float h = grid_spacing, margin = std::ceil(std::max(2.f * h, kMinMargin) / h) * h;
    const V3 lo = tb[t].tree.lo, ext = tb[t].tree.hi - lo;
    long long n[3];
    lattice_dims(ext, h, std::round(margin / h), "grid_spacing", "grid", t, n);
    ti[TI_NX] = int(n[0]); ti[TI_NY] = int(n[1]); ti[TI_NZ] = int(n[2]);
    ti[TI_GRID] = int(goff[t]);
    long long nodes = n[0] * n[1] * n[2];
    tf[TF_OX] = lo.x - margin; tf[TF_OY] = lo.y - margin; tf[TF_OZ] = lo.z - margin;
    tf[TF_H] = h;
    tf[TF_IH] = 1.f / h;
    tf[TF_MARGIN] = margin;
    tf[TF_PAD] = 1e-4f * h + 1e-5f;  // float rounding of the cone bounds
    tf[TF_CT] = std::max(kCoarseReach, 4.f * h);
    if (fine_spacing > 0.f) {  // past ft from the crown every node holds ft: the box stops there
      const float fh = fine_spacing, fcells = std::ceil(fine_band / fh) + 1.f;
      long long m[3];
      lattice_dims(ext, fh, fcells, "fine_spacing", "fine grid", t, m);
      ti[TI_FNX] = int(m[0]); ti[TI_FNY] = int(m[1]); ti[TI_FNZ] = int(m[2]);
      ti[TI_FGRID] = int(goff[t] + nodes);
      nodes += m[0] * m[1] * m[2];
      tf[TF_FOX] = lo.x - fcells * fh; tf[TF_FOY] = lo.y - fcells * fh; tf[TF_FOZ] = lo.z - fcells * fh;
      tf[TF_FH] = fh;
      tf[TF_FIH] = 1.f / fh;
      tf[TF_FT] = fine_band;
    }
    goff[t + 1] = goff[t] + nodes;
    std::copy(tb[t].stats, tb[t].stats + ST_STRIDE, &pc.stats[size_t(t) * ST_STRIDE]);
    pc.stats[size_t(t) * ST_STRIDE + ST_GRID_NODES] = int(nodes);
  }
  if (goff[teeth] > (1LL << 31) - 1) throw std::invalid_argument("meshes: case too large for grids");
  pc.grid.resize(size_t(goff[teeth]));
  pc.tri_sign.resize(pc.tris.size() / TRI_STRIDE * SG_STRIDE);
  const ClearanceView view = pc.view();
#pragma omp parallel for schedule(dynamic, 1)  // teeth apart: each writes its own triangles
  for (int t = 0; t < teeth; ++t) {
    std::vector<float> sg = sign_records(view, t, tb[t].faces, tb[t].nverts);
    std::copy(sg.begin(), sg.end(), pc.tri_sign.begin() + size_t(pc.tooth_i[size_t(t) * TI_STRIDE + TI_TRI]) * SG_STRIDE);
  }
  for (int t = 0; t < teeth; ++t) {
    fill_grid(view, t, &pc.grid[size_t(goff[t])]);
    if (pc.tooth_i[size_t(t) * TI_STRIDE + TI_FNX] > 0)
      fill_fine_grid(view, t, &pc.grid[size_t(pc.tooth_i[size_t(t) * TI_STRIDE + TI_FGRID])]);
  }
  return pc;
}

}  // namespace orthoplan
