// extern "C" CUDA entry points, compiled by nvcc (the CUDA extension) and by NVRTC (CuPy backend).
#include "orthoplan/clearance/clearance_impl.h"
#include "orthoplan/staging/staging_impl.h"

// Threads per block of the clearance kernels, for every launcher (CuPy passes its own as a define).
#ifndef ORTHO_CLEARANCE_THREADS
#define ORTHO_CLEARANCE_THREADS 128
#endif
// Unbounded, sm_90 gives the clearance kernels 165 registers a thread: three blocks of 128 an SM.
// -DORTHO_CLEARANCE_MIN_BLOCKS=4 caps them at 128 (ptxas spills 8 bytes) for four; which is faster
// is for a GPU to say (benchmarks/test_bench_gpu.py measures both on CuPy).
#ifdef ORTHO_CLEARANCE_MIN_BLOCKS
#define ORTHO_CLEARANCE_BOUNDS __launch_bounds__(ORTHO_CLEARANCE_THREADS, ORTHO_CLEARANCE_MIN_BLOCKS)
#else
#define ORTHO_CLEARANCE_BOUNDS
#endif

// steps [B, T], n_stages [B] (zeroed by the caller): one thread per (schedule, tooth).
extern "C" __global__ void ortho_staging_steps(const float* motion, const int* start,
                                               const float* rate, int B, int T, int* steps,
                                               int* n_stages) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= (long long)B * T) return;
  const int t = (int)(i % T);
  const int k = orthoplan::stage_steps(motion[t * orthoplan::MOTION_STRIDE + orthoplan::MO_RATIO], rate[i]);
  steps[i] = k;
  if (k > 0) atomicMax(n_stages + i / T, start[i] + k);
}

// poses [B, S1, T, 4, 4]: one thread per (schedule, stage, tooth).
extern "C" __global__ void ortho_staging_poses(const float* motion, const int* start,
                                               const int* steps, int B, int S1, int T,
                                               float* poses) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= (long long)B * S1 * T) return;
  const int t = (int)(i % T);
  const long long b = i / ((long long)S1 * T);
  const int s = (int)((i / T) % S1);
  orthoplan::stage_pose(motion + t * orthoplan::MOTION_STRIDE, start[b * T + t], steps[b * T + t], s, poses + i * 16);
}

// One thread per (schedule, stage, pair); outputs laid out [B, S, P] (witnesses x3). Threads are
// numbered pair-major: a warp takes one pair of teeth at 32 consecutive (schedule, stage) poses, so
// its lanes walk the same trees and grids along nearly the same paths (pose-major numbering put 32
// different pairs in a warp, each lane with its own teeth, traversal and memory).
extern "C" __global__ void ORTHO_CLEARANCE_BOUNDS ortho_clearance(const int* tooth_i, const float* tooth_f,
                                           const float* tris, const float* tri_sign,
                                           const float* wide_box, const int* wide_ref,
                                           const float* wide_dip,
                                           const float* samples,
                                           const float* snode, const int* snode_child,
                                           const float* grid, const float* poses, int B, int S,
                                           int T, const int* pairs, int P, float max_distance,
                                           float* clearance, float* witness_a, float* witness_b) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= (long long)B * S * P) return;
  const orthoplan::ClearanceView g{tooth_i, tooth_f, tris, tri_sign, wide_box, wide_ref, wide_dip,
                                   samples, snode, snode_child, grid};
  const long long bs_count = (long long)B * S;
  const int p = (int)(i / bs_count);
  const long long bs = i % bs_count, o = bs * P + p;
  // no seeds: a thread has no previous stage (the CPU loop seeds stage s from stage s - 1)
  orthoplan::clearance_task(g, poses + bs * T * 16, pairs[2 * p], pairs[2 * p + 1], max_distance, -1,
                            clearance + o, witness_a + 3 * o, witness_b + 3 * o, nullptr);
}

// A task list, one thread per task: tasks [N, 4] = (pose of tooth a, pose of tooth b, tooth a,
// tooth b), poses counted in 4x4 matrices. Several cases merged into one view are checked in one
// launch, each with its own schedules and stages; outputs [N] (witnesses x3) in task order.
extern "C" __global__ void ORTHO_CLEARANCE_BOUNDS ortho_clearance_tasks(const int* tooth_i, const float* tooth_f,
                                                 const float* tris, const float* tri_sign,
                                                 const float* wide_box, const int* wide_ref,
                                                 const float* wide_dip,
                                                 const float* samples,
                                                 const float* snode, const int* snode_child,
                                                 const float* grid, const float* poses,
                                                 const int* tasks, int N, float max_distance,
                                                 float* clearance, float* witness_a, float* witness_b) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= N) return;
  const orthoplan::ClearanceView g{tooth_i, tooth_f, tris, tri_sign, wide_box, wide_ref, wide_dip,
                                   samples, snode, snode_child, grid};
  const int* k = tasks + 4 * i;
  orthoplan::clearance_pair(g, poses + 16LL * k[0], poses + 16LL * k[1], k[2], k[3], max_distance, -1,
                            clearance + i, witness_a + 3 * i, witness_b + 3 * i, nullptr);
}
