// CPU loops over the staging math (OpenMP across schedules).
#include "orthoplan/staging/staging.h"
#include "orthoplan/staging/staging_impl.h"

namespace orthoplan {

void staging_steps_cpu(const float* motion, const int* start, const float* rate, int B, int T,
                       int* steps, int* n_stages) {
#pragma omp parallel for schedule(static)
  for (int b = 0; b < B; ++b) {
    int total = 0;
    for (int t = 0; t < T; ++t) {
      int k = stage_steps(motion[t * MOTION_STRIDE + MO_RATIO], rate[b * T + t]);
      steps[b * T + t] = k;
      if (k > 0) total = oimax(total, start[b * T + t] + k);
    }
    n_stages[b] = total;
  }
}

void staging_poses_cpu(const float* motion, const int* start, const int* steps, int B, int S1,
                       int T, float* poses) {
#pragma omp parallel for collapse(2) schedule(static)
  for (int b = 0; b < B; ++b)
    for (int s = 0; s < S1; ++s)
      for (int t = 0; t < T; ++t)
        stage_pose(motion + t * MOTION_STRIDE, start[b * T + t], steps[b * T + t], s,
                   poses + ((static_cast<long long>(b) * S1 + s) * T + t) * 16);
}

}  // namespace orthoplan
