// pybind11 module orthoplan.kernels._cuda: device memory and launches over integer device pointers.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "../src/cuda/cuda_ops.h"
#include "checks.h"

namespace py = pybind11;
namespace oc = orthoplan::cuda;

namespace {

void upload(uintptr_t dst, const py::array& src) {
  orthoplan::bind::require(bool(src.flags() & py::array::c_style), "src: array must be C-contiguous");
  oc::upload(dst, src.data(), size_t(src.nbytes()));
}

void download(py::array& dst, uintptr_t src) {
  orthoplan::bind::require(bool(dst.flags() & py::array::c_style) && dst.writeable(),
                           "dst: array must be C-contiguous and writeable");
  oc::download(dst.mutable_data(), src, size_t(dst.nbytes()));
}

// ptrs: the eleven prepared arrays' device addresses in ClearanceView order.
orthoplan::ClearanceView view(const py::tuple& ptrs) {
  orthoplan::bind::require(ptrs.size() == 11, "prepared: expected 11 device pointers");
  auto f = [&](int i) { return reinterpret_cast<const float*>(ptrs[i].cast<uintptr_t>()); };
  auto n = [&](int i) { return reinterpret_cast<const int*>(ptrs[i].cast<uintptr_t>()); };
  return orthoplan::ClearanceView{n(0), f(1), f(2), f(3), f(4), n(5), f(6), f(7), f(8), n(9), f(10)};
}

void clearance(const py::tuple& ptrs, uintptr_t poses, int B, int S, int T, uintptr_t pairs,
               int P, float max_distance, uintptr_t c, uintptr_t wa, uintptr_t wb) {
  const orthoplan::ClearanceView g = view(ptrs);
  py::gil_scoped_release release;
  oc::clearance(g, poses, B, S, T, pairs, P, max_distance, c, wa, wb);
  oc::synchronize();
}

void clearance_tasks(const py::tuple& ptrs, uintptr_t poses, uintptr_t tasks, int N, float max_distance,
                     uintptr_t c, uintptr_t wa, uintptr_t wb) {
  const orthoplan::ClearanceView g = view(ptrs);
  py::gil_scoped_release release;
  oc::clearance_tasks(g, poses, tasks, N, max_distance, c, wa, wb);
  oc::synchronize();
}

}  // namespace

PYBIND11_MODULE(_cuda, m) {
  m.doc() = "orthoplan CUDA kernels (see orthoplan.kernels for the public API)";
  m.def("device_count", [] {
    std::string why;
    int n = oc::device_count(&why);
    return py::make_tuple(n, why);
  });
  m.def("device_name", &oc::device_name);
  m.def("alloc", &oc::alloc);
  m.def("release", &oc::release);
  m.def("upload", &upload);
  m.def("download", &download);
  m.def("zero", &oc::zero);
  m.def("synchronize", [] { py::gil_scoped_release r; oc::synchronize(); });
  m.def("staging_steps", [](uintptr_t mo, uintptr_t st, uintptr_t ra, int B, int T, uintptr_t sp,
                            uintptr_t ns) { oc::staging_steps(mo, st, ra, B, T, sp, ns); });
  m.def("staging_poses", [](uintptr_t mo, uintptr_t st, uintptr_t sp, int B, int S1, int T,
                            uintptr_t out) { oc::staging_poses(mo, st, sp, B, S1, T, out); });
  m.def("clearance", &clearance);
  m.def("clearance_tasks", &clearance_tasks);
}
