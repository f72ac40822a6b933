// Argument checks shared by the bindings: dtype, C-contiguity and shape, with the argument's name.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace orthoplan::bind {

namespace py = pybind11;

// Checks `a` is a C-contiguous array of T whose shape matches `shape` (-1 = any extent).
template <typename T>
const T* checked(const py::array& a, const char* name, const std::vector<long long>& shape) {
  // equal, not is: an array that went through pickle (another process) has its own dtype object
  if (!py::isinstance<py::array_t<T>>(a) || !a.dtype().equal(py::dtype::of<T>()))
    throw py::value_error(std::string(name) + ": expected dtype " +
                          std::string(py::str(py::dtype::of<T>())) + ", got " +
                          std::string(py::str(a.dtype())));
  if (!(a.flags() & py::array::c_style))
    throw py::value_error(std::string(name) + ": array must be C-contiguous");
  bool ok = a.ndim() == static_cast<py::ssize_t>(shape.size());
  for (size_t i = 0; ok && i < shape.size(); ++i) ok = shape[i] < 0 || a.shape(i) == shape[i];
  if (!ok) {
    std::string got = "(";
    for (py::ssize_t i = 0; i < a.ndim(); ++i) got += std::to_string(a.shape(i)) + (i + 1 < a.ndim() ? ", " : "");
    throw py::value_error(std::string(name) + ": wrong shape " + got + ")");
  }
  return static_cast<const T*>(a.data());
}

inline void require(bool ok, const std::string& message) {
  if (!ok) throw py::value_error(message);
}

}  // namespace orthoplan::bind
