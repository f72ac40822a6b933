// CPU loop over clearance tasks (OpenMP, dynamic: pairs in contact cost more than distant ones).
#include "orthoplan/clearance/clearance_impl.h"

namespace orthoplan {

void clearance_cpu(const ClearanceView& g, const float* poses, int B, int S, int T,
                   const int* pairs, int P, float max_distance, float* clearance,
                   float* witness_a, float* witness_b) {
  const long long tasks = static_cast<long long>(B) * S * P;
#pragma omp parallel for schedule(dynamic, 8)
  for (long long i = 0; i < tasks; ++i) {
    const long long bs = i / P;
    const int p = int(i % P);
    clearance_task(g, poses + bs * T * 16, pairs[2 * p], pairs[2 * p + 1], max_distance,
                   clearance + i, witness_a + 3 * i, witness_b + 3 * i);
  }
}

}  // namespace orthoplan
