// CPU loop over clearance tasks (OpenMP, dynamic: pairs in contact cost more than distant ones).
// A thread takes one pair through a run of consecutive stages: each stage's witness seeds the
// next, whose search then starts with a tight bound (stages move teeth little).
#include <algorithm>

#include "orthoplan/clearance/clearance_impl.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace orthoplan {

namespace {
// Stages per chunk: as long as possible, since every stage but a chunk's first is seeded, while
// leaving each thread about 8 chunks to balance (pairs in contact cost more than distant ones).
int stage_run(int B, int S, int P) {
#ifdef _OPENMP
  const long long chunks_wanted = 8LL * omp_get_max_threads();
#else
  const long long chunks_wanted = 1;
#endif
  const long long run = static_cast<long long>(B) * S * P / chunks_wanted;
  return int(run < 1 ? 1 : run > S ? S : run);
}
// Tooth t's pose at this stage equals the previous stage's (poses of a stage are T * 16 apart).
bool same_pose(const float* pose_bs, int t, int T) {
  return std::equal(pose_bs + 16 * t, pose_bs + 16 * t + 16, pose_bs + 16 * t - 16LL * T);
}
}  // namespace

void clearance_cpu(const ClearanceView& g, const float* poses, int B, int S, int T,
                   const int* pairs, int P, float max_distance, float* clearance,
                   float* witness_a, float* witness_b) {
  const int run = stage_run(B, S, P), runs = (S + run - 1) / run;
  const long long chunks = static_cast<long long>(B) * runs * P;
#pragma omp parallel for schedule(dynamic, 1)
  for (long long k = 0; k < chunks; ++k) {
    const int p = int(k % P);
    const long long b = k / P / runs;
    const int s0 = int(k / P % runs) * run, s1 = s0 + run < S ? s0 + run : S;
    int seed = -1;
    const int ta = pairs[2 * p], tb = pairs[2 * p + 1];
    for (int s = s0; s < s1; ++s) {
      const long long bs = b * S + s, i = bs * P + p;
      const float* pose = poses + bs * T * 16;
      if (s > s0 && same_pose(pose, ta, T) && same_pose(pose, tb, T)) {
        // neither tooth moved since the last stage (waiting or finished): the same result
        clearance[i] = clearance[i - P];
        std::copy_n(witness_a + 3 * (i - P), 3, witness_a + 3 * i);
        std::copy_n(witness_b + 3 * (i - P), 3, witness_b + 3 * i);
        continue;
      }
      clearance_task(g, pose, ta, tb, max_distance, seed, clearance + i, witness_a + 3 * i,
                     witness_b + 3 * i, &seed);
    }
  }
}

}  // namespace orthoplan
