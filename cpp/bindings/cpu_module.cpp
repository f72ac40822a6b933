// pybind11 module orthoplan.kernels._core: the CPU extension, one m.def per op.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>

#include "checks.h"
#include "orthoplan/clearance/clearance.h"
#include "orthoplan/clearance/prepare.h"
#include "orthoplan/staging/staging.h"

namespace py = pybind11;
using orthoplan::bind::checked;
using orthoplan::bind::require;

namespace {

template <typename T>
py::array_t<T> to_numpy(std::vector<T>&& v, std::vector<py::ssize_t> shape) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(shape, heap->data(), owner);
}

py::dict prepare_case(const py::array& verts, const py::array& vert_len, const py::array& faces,
                      const py::array& face_len, float sample_spacing, float grid_spacing,
                      float fine_spacing, float fine_band) {
  require(std::isfinite(sample_spacing) && sample_spacing > 0.f, "sample_spacing: must be a positive finite number");
  require(std::isfinite(grid_spacing) && grid_spacing > 0.f, "grid_spacing: must be a positive finite number");
  require(std::isfinite(fine_spacing) && fine_spacing >= 0.f,
          "fine_spacing: must be 0 (none) or a positive finite number");
  require(std::isfinite(fine_band) && fine_band > 0.f, "fine_band: must be a positive finite number");
  const int* vl = checked<int>(vert_len, "vert_len", {-1});
  const int teeth = int(vert_len.shape(0));
  const int* fl = checked<int>(face_len, "face_len", {teeth});
  const float* v = checked<float>(verts, "verts", {-1, 3});
  const int* f = checked<int>(faces, "faces", {-1, 3});
  long long sv = 0, sf = 0;
  for (int t = 0; t < teeth; ++t) {
    require(vl[t] > 0 && fl[t] > 0, "meshes: tooth " + std::to_string(t) + " is empty");
    sv += vl[t];
    sf += fl[t];
  }
  require(sv == verts.shape(0), "vert_len: lengths do not add up to verts rows");
  require(sf == faces.shape(0), "face_len: lengths do not add up to faces rows");
  for (long long i = 0, fo = 0; i < teeth; fo += fl[i], ++i)
    for (long long k = 3 * fo; k < 3 * (fo + fl[i]); ++k)
      require(f[k] >= 0 && f[k] < vl[i], "faces: tooth " + std::to_string(i) +
                                              " has a face index out of range [0, " +
                                              std::to_string(vl[i]) + ")");
  orthoplan::PreparedCase pc;
  try {
    py::gil_scoped_release release;
    pc = orthoplan::prepare_case(v, vl, f, fl, teeth, sample_spacing, grid_spacing, fine_spacing,
                                 fine_band);
  } catch (const std::invalid_argument& e) {
    throw py::value_error(e.what());
  }
  const py::ssize_t T = teeth;
  py::dict d;
  d["tooth_i"] = to_numpy(std::move(pc.tooth_i), {T, orthoplan::TI_STRIDE});
  d["tooth_f"] = to_numpy(std::move(pc.tooth_f), {T, orthoplan::TF_STRIDE});
  const py::ssize_t ntri = py::ssize_t(pc.tris.size() / orthoplan::TRI_STRIDE);
  d["tris"] = to_numpy(std::move(pc.tris), {ntri, orthoplan::TRI_STRIDE});
  d["tri_sign"] = to_numpy(std::move(pc.tri_sign), {ntri, orthoplan::SG_STRIDE});
  const py::ssize_t nw = py::ssize_t(pc.wide_ref.size() / 4);
  d["wide_box"] = to_numpy(std::move(pc.wide_box), {nw, orthoplan::WB_STRIDE});
  d["wide_ref"] = to_numpy(std::move(pc.wide_ref), {nw, 4});
  d["wide_dip"] = to_numpy(std::move(pc.wide_dip), {nw, orthoplan::WD_STRIDE});
  const py::ssize_t ns = py::ssize_t(pc.samples.size() / 3);
  d["samples"] = to_numpy(std::move(pc.samples), {ns, 3});
  const py::ssize_t nsn = py::ssize_t(pc.snode_child.size() / 2);
  d["snode"] = to_numpy(std::move(pc.snode), {nsn, 4});
  d["snode_child"] = to_numpy(std::move(pc.snode_child), {nsn, 2});
  d["grid"] = to_numpy(std::move(pc.grid), {py::ssize_t(pc.grid.size())});
  d["stats"] = to_numpy(std::move(pc.stats), {T, orthoplan::ST_STRIDE});
  return d;
}

orthoplan::ClearanceView view_of(const py::dict& d, int* teeth) {
  const int* ti = checked<int>(d["tooth_i"], "prepared.tooth_i", {-1, orthoplan::TI_STRIDE});
  *teeth = int(py::array(d["tooth_i"]).shape(0));
  return orthoplan::ClearanceView{
      ti,
      checked<float>(d["tooth_f"], "prepared.tooth_f", {*teeth, orthoplan::TF_STRIDE}),
      checked<float>(d["tris"], "prepared.tris", {-1, orthoplan::TRI_STRIDE}),
      checked<float>(d["tri_sign"], "prepared.tri_sign", {-1, orthoplan::SG_STRIDE}),
      checked<float>(d["wide_box"], "prepared.wide_box", {-1, orthoplan::WB_STRIDE}),
      checked<int>(d["wide_ref"], "prepared.wide_ref", {-1, 4}),
      checked<float>(d["wide_dip"], "prepared.wide_dip", {-1, orthoplan::WD_STRIDE}),
      checked<float>(d["samples"], "prepared.samples", {-1, 3}),
      checked<float>(d["snode"], "prepared.snode", {-1, 4}),
      checked<int>(d["snode_child"], "prepared.snode_child", {-1, 2}),
      checked<float>(d["grid"], "prepared.grid", {-1})};
}

py::tuple clearance(const py::dict& prepared, const py::array& poses, const py::array& pairs,
                    float max_distance) {
  int T = 0;
  orthoplan::ClearanceView g = view_of(prepared, &T);
  const float* po = checked<float>(poses, "poses", {-1, -1, T, 4, 4});
  const int* pa = checked<int>(pairs, "pairs", {-1, 2});
  const int B = int(poses.shape(0)), S = int(poses.shape(1)), P = int(pairs.shape(0));
  for (int i = 0; i < 2 * P; ++i) require(pa[i] >= 0 && pa[i] < T, "pairs: tooth index out of range");
  py::array_t<float> c({B, S, P}), wa({B, S, P, 3}), wb({B, S, P, 3});
  float *pc = c.mutable_data(), *pwa = wa.mutable_data(), *pwb = wb.mutable_data();
  {
    py::gil_scoped_release release;
    orthoplan::clearance_cpu(g, po, B, S, T, pa, P, max_distance, pc, pwa, pwb);
  }
  return py::make_tuple(c, wa, wb);
}

py::tuple staging_steps(const py::array& motion, const py::array& start, const py::array& rate) {
  const float* mo = checked<float>(motion, "motion", {-1, orthoplan::MOTION_STRIDE});
  const int T = int(motion.shape(0));
  const int* st = checked<int>(start, "start", {-1, T});
  const int B = int(start.shape(0));
  const float* ra = checked<float>(rate, "rate", {B, T});
  py::array_t<int> steps({B, T}), n_stages({B});
  int *ps = steps.mutable_data(), *pn = n_stages.mutable_data();
  {
    py::gil_scoped_release release;
    orthoplan::staging_steps_cpu(mo, st, ra, B, T, ps, pn);
  }
  return py::make_tuple(steps, n_stages);
}

py::array_t<float> staging_poses(const py::array& motion, const py::array& start,
                                 const py::array& steps, int S1) {
  const float* mo = checked<float>(motion, "motion", {-1, orthoplan::MOTION_STRIDE});
  const int T = int(motion.shape(0));
  const int* st = checked<int>(start, "start", {-1, T});
  const int B = int(start.shape(0));
  const int* sp = checked<int>(steps, "steps", {B, T});
  require(S1 >= 1, "stages: must be >= 1");
  py::array_t<float> poses({py::ssize_t(B), py::ssize_t(S1), py::ssize_t(T), py::ssize_t(4), py::ssize_t(4)});
  float* out = poses.mutable_data();
  {
    py::gil_scoped_release release;
    orthoplan::staging_poses_cpu(mo, st, sp, B, S1, T, out);
  }
  return poses;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "orthoplan CPU kernels (see orthoplan.kernels for the public API)";
  m.def("prepare_case", &prepare_case, py::arg("verts"), py::arg("vert_len"), py::arg("faces"),
        py::arg("face_len"), py::arg("sample_spacing"), py::arg("grid_spacing"), py::arg("fine_spacing"),
        py::arg("fine_band"));
  m.def("clearance", &clearance, py::arg("prepared"), py::arg("poses"), py::arg("pairs"),
        py::arg("max_distance"));
  m.def("staging_steps", &staging_steps, py::arg("motion"), py::arg("start"), py::arg("rate"));
  m.def("staging_poses", &staging_poses, py::arg("motion"), py::arg("start"), py::arg("steps"),
        py::arg("stages"));
  m.attr("MOTION_STRIDE") = orthoplan::MOTION_STRIDE;
  m.attr("SG_W") = int(orthoplan::SG_W);
  m.attr("WB_FIELDS") = py::dict(py::arg("lo") = py::make_tuple(int(orthoplan::WB_LOX), int(orthoplan::WB_LOY),
                                                                 int(orthoplan::WB_LOZ)),
                                  py::arg("hi") = py::make_tuple(int(orthoplan::WB_HIX), int(orthoplan::WB_HIY),
                                                                 int(orthoplan::WB_HIZ)),
                                  py::arg("normal") = py::make_tuple(int(orthoplan::WB_NX), int(orthoplan::WB_NY),
                                                                     int(orthoplan::WB_NZ)),
                                  py::arg("slab") = py::make_tuple(int(orthoplan::WB_SLO), int(orthoplan::WB_SHI)));
  m.attr("WD_FIELDS") = py::dict(py::arg("centre") = py::make_tuple(int(orthoplan::WD_CX), int(orthoplan::WD_CY),
                                                                     int(orthoplan::WD_CZ)),
                                  py::arg("area") = py::make_tuple(int(orthoplan::WD_NX), int(orthoplan::WD_NY),
                                                                   int(orthoplan::WD_NZ)),
                                  py::arg("radius") = py::make_tuple(int(orthoplan::WD_R)));
  // tooth_i columns that are row offsets into packed arrays, for merging cases
  m.attr("TI_OFFSETS") = py::dict(py::arg("tris") = py::make_tuple(int(orthoplan::TI_TRI)),
                                  py::arg("wide_ref") = py::make_tuple(int(orthoplan::TI_WIDE)),
                                  py::arg("samples") = py::make_tuple(int(orthoplan::TI_SAMP)),
                                  py::arg("snode") = py::make_tuple(int(orthoplan::TI_SNODE)),
                                  py::arg("grid") = py::make_tuple(int(orthoplan::TI_GRID),
                                                                   int(orthoplan::TI_FGRID)));
  m.attr("SG_UNSAFE") = ORTHO_SG_UNSAFE;
  m.attr("STAT_NAMES") = py::make_tuple("verts", "faces", "degenerate", "boundary_edges", "caps",
                                        "misoriented_edges", "nonmanifold_edges", "samples",
                                        "grid_nodes", "debris_fragments", "debris_faces");
  m.attr("TI_CAP0") = int(orthoplan::TI_CAP0);
}
