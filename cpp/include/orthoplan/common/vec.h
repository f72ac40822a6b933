// Small fixed-size vector and rigid-transform math shared by every kernel (no standard library).
#pragma once
#include "orthoplan/common/hd.h"

namespace orthoplan {

struct V3 {
  float x, y, z;
};

ORTHO_HD V3 v3(float x, float y, float z) { return V3{x, y, z}; }
ORTHO_HD V3 load3(const float* p) { return V3{p[0], p[1], p[2]}; }
ORTHO_HD void store3(float* p, V3 a) { p[0] = a.x; p[1] = a.y; p[2] = a.z; }
ORTHO_HD V3 operator+(V3 a, V3 b) { return V3{a.x + b.x, a.y + b.y, a.z + b.z}; }
ORTHO_HD V3 operator-(V3 a, V3 b) { return V3{a.x - b.x, a.y - b.y, a.z - b.z}; }
ORTHO_HD V3 operator*(V3 a, float s) { return V3{a.x * s, a.y * s, a.z * s}; }
ORTHO_HD float dot(V3 a, V3 b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
ORTHO_HD V3 cross(V3 a, V3 b) {
  return V3{a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
ORTHO_HD float norm2(V3 a) { return dot(a, a); }
ORTHO_HD float norm(V3 a) { return sqrtf(dot(a, a)); }

// Rigid transform stored row-major as the top 3x4 block of a 4x4 matrix: y = R x + t.
struct Rigid {
  float m[12];
};

// Reads the top 3 rows of a row-major 4x4 (or 3x4) matrix.
ORTHO_HD Rigid load_rigid(const float* p) {
  Rigid r;
  for (int i = 0; i < 12; ++i) r.m[i] = p[i];
  return r;
}

// Writes a full row-major 4x4 with the homogeneous row (0, 0, 0, 1).
ORTHO_HD void store_rigid44(float* p, const Rigid& r) {
  for (int i = 0; i < 12; ++i) p[i] = r.m[i];
  p[12] = 0.f; p[13] = 0.f; p[14] = 0.f; p[15] = 1.f;
}

ORTHO_HD V3 apply(const Rigid& r, V3 a) {
  return V3{r.m[0] * a.x + r.m[1] * a.y + r.m[2] * a.z + r.m[3],
            r.m[4] * a.x + r.m[5] * a.y + r.m[6] * a.z + r.m[7],
            r.m[8] * a.x + r.m[9] * a.y + r.m[10] * a.z + r.m[11]};
}

ORTHO_HD Rigid compose(const Rigid& a, const Rigid& b) {  // a * b
  Rigid c;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 4; ++j) {
      float s = (j == 3) ? a.m[i * 4 + 3] : 0.f;
      for (int k = 0; k < 3; ++k) s += a.m[i * 4 + k] * b.m[k * 4 + j];
      c.m[i * 4 + j] = s;
    }
  }
  return c;
}

// Inverse of a rigid transform: R^T, -R^T t (valid because R is orthonormal).
ORTHO_HD Rigid inverse_rigid(const Rigid& a) {
  Rigid r;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) r.m[i * 4 + j] = a.m[j * 4 + i];
  for (int i = 0; i < 3; ++i)
    r.m[i * 4 + 3] = -(r.m[i * 4] * a.m[3] + r.m[i * 4 + 1] * a.m[7] + r.m[i * 4 + 2] * a.m[11]);
  return r;
}

}  // namespace orthoplan
