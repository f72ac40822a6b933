// Thin CUDA launchers: include the shared kernels, pick a grid, check errors.
#include <cuda_runtime.h>

#include <stdexcept>

#include "../../kernels/orthoplan_kernels.cu"
#include "cuda_ops.h"

namespace orthoplan::cuda {
namespace {

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}

template <typename T>
T* dp(uintptr_t p) { return reinterpret_cast<T*>(p); }

unsigned blocks(long long n, int threads) { return unsigned((n + threads - 1) / threads); }

}  // namespace

int device_count(std::string* why) {
  int n = 0;
  cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    *why = cudaGetErrorString(e);
    cudaGetLastError();  // clear the sticky error so later calls report their own
    return 0;
  }
  if (n == 0) *why = "no CUDA device";
  return n;
}

std::string device_name(int device) {
  cudaDeviceProp prop;
  check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
  return prop.name;
}

uintptr_t alloc(size_t bytes) {
  void* p = nullptr;
  check(cudaMalloc(&p, bytes ? bytes : 1), "cudaMalloc");
  return reinterpret_cast<uintptr_t>(p);
}
void release(uintptr_t ptr) { cudaFree(reinterpret_cast<void*>(ptr)); }
void upload(uintptr_t dst, const void* src, size_t bytes) {
  check(cudaMemcpy(dp<void>(dst), src, bytes, cudaMemcpyHostToDevice), "upload");
}
void download(void* dst, uintptr_t src, size_t bytes) {
  check(cudaMemcpy(dst, dp<void>(src), bytes, cudaMemcpyDeviceToHost), "download");
}
void zero(uintptr_t dst, size_t bytes) { check(cudaMemset(dp<void>(dst), 0, bytes), "cudaMemset"); }
void synchronize() { check(cudaDeviceSynchronize(), "kernel"); }

void staging_steps(uintptr_t motion, uintptr_t start, uintptr_t rate, int B, int T,
                   uintptr_t steps, uintptr_t n_stages) {
  ortho_staging_steps<<<blocks((long long)B * T, 256), 256>>>(
      dp<const float>(motion), dp<const int>(start), dp<const float>(rate), B, T, dp<int>(steps),
      dp<int>(n_stages));
  check(cudaGetLastError(), "ortho_staging_steps launch");
}

void staging_poses(uintptr_t motion, uintptr_t start, uintptr_t steps, int B, int S1, int T,
                   uintptr_t poses) {
  ortho_staging_poses<<<blocks((long long)B * S1 * T, 256), 256>>>(
      dp<const float>(motion), dp<const int>(start), dp<const int>(steps), B, S1, T,
      dp<float>(poses));
  check(cudaGetLastError(), "ortho_staging_poses launch");
}

void clearance(const ClearanceView& g, uintptr_t poses, int B, int S, int T, uintptr_t pairs,
               int P, float max_distance, uintptr_t c, uintptr_t wa, uintptr_t wb) {
  ortho_clearance<<<blocks((long long)B * S * P, ORTHO_CLEARANCE_THREADS), ORTHO_CLEARANCE_THREADS>>>(
      g.tooth_i, g.tooth_f, g.tris, g.tri_sign, g.wide_box, g.wide_ref, g.wide_dip, g.samples, g.snode, g.snode_child,
      g.grid, dp<const float>(poses), B, S, T, dp<const int>(pairs), P, max_distance, dp<float>(c),
      dp<float>(wa), dp<float>(wb));
  check(cudaGetLastError(), "ortho_clearance launch");
}

void clearance_tasks(const ClearanceView& g, uintptr_t poses, uintptr_t tasks, int N, float max_distance,
                     uintptr_t c, uintptr_t wa, uintptr_t wb) {
  ortho_clearance_tasks<<<blocks(N, ORTHO_CLEARANCE_THREADS), ORTHO_CLEARANCE_THREADS>>>(
      g.tooth_i, g.tooth_f, g.tris, g.tri_sign, g.wide_box, g.wide_ref, g.wide_dip, g.samples, g.snode,
      g.snode_child, g.grid, dp<const float>(poses), dp<const int>(tasks), N, max_distance, dp<float>(c),
      dp<float>(wa), dp<float>(wb));
  check(cudaGetLastError(), "ortho_clearance_tasks launch");
}

}  // namespace orthoplan::cuda
