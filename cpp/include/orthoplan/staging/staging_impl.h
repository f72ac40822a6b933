// Staging math, one source for g++, nvcc and NVRTC: step counts and the pose of one tooth at one stage.
#pragma once
#include "orthoplan/common/vec.h"
#include "orthoplan/staging/staging.h"

namespace orthoplan {

// Offsets into one tooth's motion record (see staging.h).
enum MotionField { MO_A = 0, MO_FINV = 12, MO_P0 = 24, MO_P1 = 36, MO_T = 48, MO_AXIS = 51,
                   MO_ANGLE = 54, MO_RATIO = 55 };

// Steps needed at a fraction `rate` of the limits. The small slack absorbs float rounding of an
// exact multiple (3.0000001 limits -> 3 steps); the per-step overshoot it allows is < 1e-5 relative.
ORTHO_HD int stage_steps(float ratio, float rate) {
  if (!(ratio > 0.f)) return 0;
  float n = ceilf(ratio / rate - 1e-5f);
  return n < 1.f ? 1 : (int)n;
}

// Rotation matrix of angle `ang` about unit axis `a`, built from the unit quaternion
// (cos(ang/2), sin(ang/2) a): the slerp from identity at fraction u is this with ang = u * angle.
ORTHO_HD void quat_rotation(V3 a, float ang, float* R /*3x3 row-major*/) {
  float h = 0.5f * ang;
  float w = cosf(h), s = sinf(h);
  float x = a.x * s, y = a.y * s, z = a.z * s;
  R[0] = 1.f - 2.f * (y * y + z * z); R[1] = 2.f * (x * y - w * z); R[2] = 2.f * (x * z + w * y);
  R[3] = 2.f * (x * y + w * z); R[4] = 1.f - 2.f * (x * x + z * z); R[5] = 2.f * (y * z - w * x);
  R[6] = 2.f * (x * z - w * y); R[7] = 2.f * (y * z + w * x); R[8] = 1.f - 2.f * (x * x + y * y);
}

// Pose (4x4 row-major into out) of the tooth with motion record `mo` at `stage`, given it starts
// moving at `start` and takes `steps` stages: P(u) = A * [R(u) | u t] * Finv, u = (stage-start)/steps.
ORTHO_HD void stage_pose(const float* mo, int start, int steps, int stage, float* out) {
  int k = stage - start;
  if (steps <= 0 || k >= steps) {  // finished (or never moves): exactly the target
    store_rigid44(out, load_rigid(mo + MO_P1));
    return;
  }
  if (k <= 0) {  // not started: exactly the initial pose
    store_rigid44(out, load_rigid(mo + MO_P0));
    return;
  }
  float u = (float)k / (float)steps;
  float R[9];
  quat_rotation(load3(mo + MO_AXIS), u * mo[MO_ANGLE], R);
  Rigid M;
  V3 t = load3(mo + MO_T) * u;
  M.m[0] = R[0]; M.m[1] = R[1]; M.m[2] = R[2]; M.m[3] = t.x;
  M.m[4] = R[3]; M.m[5] = R[4]; M.m[6] = R[5]; M.m[7] = t.y;
  M.m[8] = R[6]; M.m[9] = R[7]; M.m[10] = R[8]; M.m[11] = t.z;
  store_rigid44(out, compose(compose(load_rigid(mo + MO_A), M), load_rigid(mo + MO_FINV)));
}

}  // namespace orthoplan
