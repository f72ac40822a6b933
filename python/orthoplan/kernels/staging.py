"""Staging: every tooth's pose at every stage for a batch of candidate schedules.

Movement components are measured in the tooth's local frame at its initial pose: x mesial-distal,
y buccal-lingual, z the long axis pointing occlusally (+z = extrusion, -z = intrusion); rotation
is the rotation vector of the whole move in the same axes (z = rotation, y = tip, x = torque).
A tooth moves at a constant fraction of its path per stage, with rotations slerped from identity,
so each component changes by the same amount every stage and never by more than its limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validate import real_array, rigid_poses
from .backends import get_backend

# Columns of the limits table (mm, mm, mm, mm, deg, deg, deg).
LIMIT_COLUMNS = ("mesial_distal", "buccal_lingual", "intrusion", "extrusion", "rotation", "tip", "torque")
MAX_STAGES = 4096
MOTION_STRIDE = 56


@dataclass(frozen=True)
class StagingProblem:
    """Validated inputs (float64 poses). T teeth, K tooth types, B schedules."""

    initial: np.ndarray  # [T, 4, 4] mesh -> world at the start
    target: np.ndarray  # [T, 4, 4] mesh -> world at the end
    frames: np.ndarray  # [T, 4, 4] tooth frame in mesh coordinates (origin = crown centre)
    tooth_types: np.ndarray  # [T] int32 row of `limits`
    limits: np.ndarray  # [K, 7] float64 per-stage limits, LIMIT_COLUMNS
    start: np.ndarray  # [B, T] int32 first stage each tooth moves
    rate: np.ndarray  # [B, T] float32 fraction of the limits used, in (0, 1]


@dataclass(frozen=True)
class StagingResult:
    """n_stages [B] aligners per schedule; steps [B, T]; poses [B, S+1, T, 4, 4] float32."""

    n_stages: Any
    steps: Any
    poses: Any


def make_problem(initial, target, frames, tooth_types, limits, start=None, rate=None) -> StagingProblem:
    p0 = rigid_poses(initial, "initial", (None,))
    t = p0.shape[0]
    if t == 0:
        raise ValueError("initial: needs at least one tooth")
    p1 = rigid_poses(target, "target", (t,))
    fr = rigid_poses(frames, "frames", (t,))
    lim = real_array(limits, "limits", (None, 7), np.float64)
    if lim.shape[0] == 0 or (lim <= 0).any():
        raise ValueError("limits: every per-stage limit must be positive (mm or degrees)")
    types = real_array(tooth_types, "tooth_types", (t,), np.int32)
    if ((types < 0) | (types >= lim.shape[0])).any():
        raise ValueError(f"tooth_types: values must index a row of limits (0..{lim.shape[0] - 1})")
    st = np.zeros((1, t), np.int32) if start is None else real_array(start, "start", (None, t), np.int32)
    if (st < 0).any() or (st > MAX_STAGES).any():
        raise ValueError(f"start: first stages must be in 0..{MAX_STAGES}")
    ra = np.ones(st.shape, np.float32) if rate is None else real_array(rate, "rate", st.shape, np.float32)
    if ((ra <= 0) | (ra > 1)).any():
        raise ValueError("rate: fractions of the limits must be in (0, 1]")
    return StagingProblem(p0, p1, fr, types, lim, st, ra)


def _quat_from_matrix(r: np.ndarray) -> np.ndarray:
    """Unit quaternion (w, x, y, z), w >= 0, of a rotation matrix (Shepperd's method)."""
    tr = np.trace(r)
    k = int(np.argmax([tr, r[0, 0], r[1, 1], r[2, 2]]))
    if k == 0:
        s = 2.0 * np.sqrt(1.0 + tr)
        q = [0.25 * s, (r[2, 1] - r[1, 2]) / s, (r[0, 2] - r[2, 0]) / s, (r[1, 0] - r[0, 1]) / s]
    else:
        i, j, m = (k - 1), k % 3, (k + 1) % 3
        s = 2.0 * np.sqrt(1.0 + r[i, i] - r[j, j] - r[m, m])
        q = [0.0] * 4
        q[0] = (r[m, j] - r[j, m]) / s
        q[1 + i] = 0.25 * s
        q[1 + j] = (r[j, i] + r[i, j]) / s
        q[1 + m] = (r[m, i] + r[i, m]) / s
    q = np.array(q)
    return q if q[0] >= 0 else -q


def movement_components(problem: StagingProblem) -> tuple[np.ndarray, np.ndarray]:
    """Per tooth: translation [T, 3] (mm) and rotation vector [T, 3] (rad), in the initial frame."""
    a = problem.initial @ problem.frames
    m = np.linalg.inv(a) @ (problem.target @ problem.frames)
    rotvec = np.zeros((len(m), 3))
    for i, mi in enumerate(m):
        q = _quat_from_matrix(mi[:3, :3])
        s = np.linalg.norm(q[1:])
        if s > 1e-12:
            rotvec[i] = 2.0 * np.arctan2(s, q[0]) * q[1:] / s
    return m[:, :3, 3], rotvec


def step_ratios(problem: StagingProblem, trans: np.ndarray, rotvec: np.ndarray) -> np.ndarray:
    """Per tooth, the largest component-to-limit ratio: full-rate stages it needs (not rounded)."""
    lim = problem.limits[problem.tooth_types]
    vertical = np.where(trans[:, 2] > 0, trans[:, 2] / lim[:, 3], -trans[:, 2] / lim[:, 2])
    ratios = np.stack([
        np.abs(trans[:, 0]) / lim[:, 0], np.abs(trans[:, 1]) / lim[:, 1], vertical,
        np.abs(np.degrees(rotvec[:, 2])) / lim[:, 4], np.abs(np.degrees(rotvec[:, 1])) / lim[:, 5],
        np.abs(np.degrees(rotvec[:, 0])) / lim[:, 6],
    ], axis=1).max(axis=1)
    # A tooth whose target equals its start reads ~1e-15 after the matrix round trip: not a move.
    return np.where(ratios < 1e-6, 0.0, ratios)


def motion_records(problem: StagingProblem) -> np.ndarray:
    """float32 [T, MOTION_STRIDE] records read by the accelerated kernels (staging.h)."""
    trans, rotvec = movement_components(problem)
    ratio = step_ratios(problem, trans, rotvec)
    if (problem.start.max(initial=0) + np.ceil(ratio.max(initial=0) / problem.rate.min())) > MAX_STAGES:
        raise ValueError(f"rate: the schedule would need more than {MAX_STAGES} stages")
    a = problem.initial @ problem.frames
    finv = np.linalg.inv(problem.frames)
    angle = np.linalg.norm(rotvec, axis=1)
    axis = np.divide(rotvec, angle[:, None], out=np.zeros_like(rotvec), where=angle[:, None] > 0)
    rec = np.zeros((len(trans), MOTION_STRIDE), np.float64)
    rec[:, 0:12] = a[:, :3].reshape(-1, 12)
    rec[:, 12:24] = finv[:, :3].reshape(-1, 12)
    rec[:, 24:36] = problem.initial[:, :3].reshape(-1, 12)
    rec[:, 36:48] = problem.target[:, :3].reshape(-1, 12)
    rec[:, 48:51] = trans
    rec[:, 51:54] = axis
    rec[:, 54] = angle
    rec[:, 55] = ratio
    return np.ascontiguousarray(rec, np.float32)


def stage(initial, target, frames, tooth_types, limits, start=None, rate=None, *, backend=None) -> StagingResult:
    """Stage T teeth from `initial` to `target` poses for B candidate schedules.

    Args: initial, target [T, 4, 4] rigid mesh->world (mm); frames [T, 4, 4] tooth frames in mesh
    coordinates; tooth_types [T] int (row of limits); limits [K, 7] per-stage limits in
    LIMIT_COLUMNS order (mm, degrees); start [B, T] int first moving stage (default 0);
    rate [B, T] float in (0, 1] (default 1). Returns a StagingResult (on the caller's side).
    """
    problem = make_problem(initial, target, frames, tooth_types, limits, start, rate)
    return get_backend(backend).stage(problem)
