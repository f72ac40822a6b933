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

// g++ on x86-64: lattice_bounds and wide_dist2 use SSE (baseline there); nvcc, NVRTC and others
// the plain loops, which give the same bits (a host build with -DORTHO_NO_HOST_SSE runs them).
#if defined(__SSE2__) && !defined(__CUDACC__) && !defined(__CUDACC_RTC__) && !defined(ORTHO_NO_HOST_SSE)
#define ORTHO_HOST_SSE 1
#include <emmintrin.h>
#else
#define ORTHO_HOST_SSE 0
#endif

namespace orthoplan {

ORTHO_HD float ofmin(float a, float b) { return a < b ? a : b; }
ORTHO_HD float ofmax(float a, float b) { return a > b ? a : b; }
ORTHO_HD int oimin(int a, int b) { return a < b ? a : b; }
ORTHO_HD int oimax(int a, int b) { return a > b ? a : b; }

ORTHO_HD float ortho_inf() {
#if defined(__CUDA_ARCH__)
  return __int_as_float(0x7f800000);
#else
  return __builtin_inff();
#endif
}
ORTHO_HD float ortho_nan() {
#if defined(__CUDA_ARCH__)
  return __int_as_float(0x7fffffff);
#else
  return __builtin_nanf("");
#endif
}

}  // namespace orthoplan
