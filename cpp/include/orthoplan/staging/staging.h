// Staging kernel API: rigid poses of every tooth at every stage for a batch of candidate schedules.
//
// Per tooth t the host prepares (float32, see python/orthoplan/kernels/staging.py):
//   motion  [T, MOTION_STRIDE]  A = P0*F (3x4), Finv (3x4), P0 (3x4), P1 (3x4), translation t (3, frame axes),
//                               unit rotation axis (3, frame axes), angle (rad), ratio (1)
//           where ratio = max_i |component_i| / limit_i, the number of full-rate steps it needs.
// Per schedule b and tooth t:
//   start   [B, T] int32   first stage at which the tooth moves (>= 0)
//   rate    [B, T] float32 fraction of the per-stage limit used, in (0, 1]
// Returns:
//   steps   [B, T] int32   stages the tooth moves for (0 when it does not move)
//   n_stages[B]    int32   aligners in the schedule = max_t(start + steps) over moving teeth
//   poses   [B, S+1, T, 4, 4] float32, S = max_b n_stages; stage 0 is the initial pose and stages
//           past n_stages[b] repeat the target pose.
#pragma once

namespace orthoplan {

constexpr int MOTION_STRIDE = 56;

// Host loops: NVRTC rejects host declarations in JIT mode, so it does not see them.
#ifndef __CUDACC_RTC__
void staging_steps_cpu(const float* motion, const int* start, const float* rate, int B, int T,
                       int* steps, int* n_stages);
void staging_poses_cpu(const float* motion, const int* start, const int* steps, int B, int S1,
                       int T, float* poses);
#endif

}  // namespace orthoplan
