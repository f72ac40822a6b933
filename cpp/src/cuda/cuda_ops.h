// Host-callable CUDA operations (device memory and kernel launches) for the _cuda extension.
// Pointers are device addresses as integers so the bindings need no CUDA headers.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "orthoplan/clearance/clearance.h"

namespace orthoplan::cuda {

// Number of usable devices; 0 with `why` set when the driver or a device is missing.
int device_count(std::string* why);
std::string device_name(int device);
uintptr_t alloc(size_t bytes);
void release(uintptr_t ptr);
void upload(uintptr_t dst, const void* src, size_t bytes);
void download(void* dst, uintptr_t src, size_t bytes);
void zero(uintptr_t dst, size_t bytes);
void synchronize();

void staging_steps(uintptr_t motion, uintptr_t start, uintptr_t rate, int B, int T,
                   uintptr_t steps, uintptr_t n_stages);
void staging_poses(uintptr_t motion, uintptr_t start, uintptr_t steps, int B, int S1, int T,
                   uintptr_t poses);
void clearance(const ClearanceView& device_view, uintptr_t poses, int B, int S, int T,
               uintptr_t pairs, int P, float max_distance, uintptr_t clearance,
               uintptr_t witness_a, uintptr_t witness_b);

// tasks [N, 4] int32: (pose of a, pose of b, tooth a, tooth b); outputs [N] in task order.
void clearance_tasks(const ClearanceView& device_view, uintptr_t poses, uintptr_t tasks, int N,
                     float max_distance, uintptr_t clearance, uintptr_t witness_a, uintptr_t witness_b);

}  // namespace orthoplan::cuda
