// Host/device qualifiers and the few math builtins the kernels use, for g++, nvcc and NVRTC alike.
#pragma once

#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define ORTHO_HD __host__ __device__ __forceinline__
#else
#include <math.h>
#define ORTHO_HD inline
#endif

// NVRTC has no <cfloat>; the literal is the IEEE single-precision maximum.
#define ORTHO_FLT_MAX 3.402823466e+38f

namespace orthoplan {

ORTHO_HD float ofmin(float a, float b) { return a < b ? a : b; }
ORTHO_HD float ofmax(float a, float b) { return a > b ? a : b; }
ORTHO_HD int oimin(int a, int b) { return a < b ? a : b; }
ORTHO_HD int oimax(int a, int b) { return a > b ? a : b; }

}  // namespace orthoplan
