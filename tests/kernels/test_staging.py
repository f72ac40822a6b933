"""Staging: every backend against the NumPy reference, and the invariants as property tests."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from orthoplan import kernels as K
from scipy.spatial.transform import Rotation

LIMITS = np.array([[0.25, 0.25, 0.15, 0.15, 2.0, 2.0, 1.0], [0.2, 0.2, 0.1, 0.15, 1.5, 2.0, 1.0]])
POSE_ATOL = 2e-4  # float32 kernels vs float64 reference, mm and rotation-matrix entries


def random_problem(seed: int, teeth: int, schedules: int, scale: float = 1.0):
    rng = np.random.default_rng(seed)
    def rigid(rot_scale, trans_scale):
        m = np.tile(np.eye(4), (teeth, 1, 1))
        m[:, :3, :3] = Rotation.from_rotvec(rng.normal(size=(teeth, 3)) * rot_scale).as_matrix()
        m[:, :3, 3] = rng.normal(size=(teeth, 3)) * trans_scale
        return m
    initial, frames = rigid(0.3, 10.0), rigid(1.0, 5.0)
    target = initial @ rigid(0.15 * scale, 1.5 * scale)
    types = rng.integers(0, len(LIMITS), teeth)
    start = rng.integers(0, 6, (schedules, teeth))
    rate = rng.uniform(0.3, 1.0, (schedules, teeth)).astype(np.float32)
    return initial, target, frames, types, LIMITS, start, rate


def frame_motion(result, problem, b, t, s0, s1):
    """Translation (mm) and rotation vector (deg) from stage s0 to s1, in the initial tooth frame."""
    initial, _, frames = problem[0], problem[1], problem[2]
    f0 = initial[t] @ frames[t]
    a = np.linalg.inv(f0) @ result.poses[b, s0, t].astype(np.float64) @ frames[t]
    c = np.linalg.inv(f0) @ result.poses[b, s1, t].astype(np.float64) @ frames[t]
    rel = c @ np.linalg.inv(a)
    return c[:3, 3] - a[:3, 3], np.degrees(Rotation.from_matrix(rel[:3, :3]).as_rotvec())


@pytest.mark.parametrize("seed,teeth,schedules", [(0, 1, 1), (1, 5, 3), (2, 14, 8), (3, 28, 4)])
def test_matches_reference(backend, seed, teeth, schedules):
    problem = random_problem(seed, teeth, schedules)
    got = K.stage(*problem, backend=backend)
    ref = K.stage(*problem, backend="numpy")
    np.testing.assert_array_equal(got.n_stages, ref.n_stages)
    np.testing.assert_array_equal(got.steps, ref.steps)
    np.testing.assert_allclose(got.poses, ref.poses, atol=POSE_ATOL, rtol=0)


def test_teeth_that_do_not_move_stay_exactly_put(backend):
    initial, target, frames, types, limits, start, rate = random_problem(4, 6, 2)
    target[2] = initial[2]
    res = K.stage(initial, target, frames, types, limits, start, rate, backend=backend)
    assert (res.steps[:, 2] == 0).all()
    assert (res.poses[:, :, 2] == initial[2].astype(np.float32)).all()


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31), teeth=st.integers(1, 6), schedules=st.integers(1, 3),
       scale=st.floats(0.01, 3.0))
def test_invariants(seed, teeth, schedules, scale):
    problem = random_problem(seed, teeth, schedules, scale)
    initial, target, frames, types, limits, start, rate = problem
    res = K.stage(*problem, backend="cpu")
    again = K.stage(*problem, backend="cpu")
    np.testing.assert_array_equal(res.poses, again.poses)  # deterministic
    for b in range(schedules):
        assert res.n_stages[b] == max([start[b, t] + res.steps[b, t] for t in range(teeth)
                                       if res.steps[b, t] > 0], default=0)
        for t in range(teeth):
            lim = limits[types[t]]
            # exact target at the end, exact initial pose before the tooth starts
            assert (res.poses[b, -1, t] == target[t].astype(np.float32)).all()
            assert (res.poses[b, 0, t] == initial[t].astype(np.float32)).all()
            remaining = []
            for s in range(res.poses.shape[1] - 1):
                dt, dr = frame_motion(res, problem, b, t, s, s + 1)
                tol = 1e-3
                assert abs(dt[0]) <= lim[0] + tol and abs(dt[1]) <= lim[1] + tol
                assert -lim[2] - tol <= dt[2] <= lim[3] + tol
                assert abs(dr[2]) <= lim[4] + 10 * tol and abs(dr[1]) <= lim[5] + 10 * tol
                assert abs(dr[0]) <= lim[6] + 10 * tol
                to_go_t, to_go_r = frame_motion(res, problem, b, t, s, res.poses.shape[1] - 1)
                remaining.append(np.abs(np.concatenate([to_go_t, to_go_r])))
            # monotone progress: no component's remaining movement ever grows
            for r0, r1 in zip(remaining, remaining[1:], strict=False):
                assert (r1 <= r0 + 1e-3).all()


def test_full_rate_uses_the_fewest_stages():
    # 1 mm mesial movement at 0.25 mm/stage: exactly 4 stages, each 0.25 mm.
    initial = np.eye(4)[None]
    target = initial.copy()
    target[0, 0, 3] = 1.0
    res = K.stage(initial, target, np.eye(4)[None], [0], LIMITS[:1], backend="cpu")
    assert res.n_stages.tolist() == [4]
    np.testing.assert_allclose(res.poses[0, :, 0, 0, 3], [0, 0.25, 0.5, 0.75, 1.0], atol=1e-6)
    slow = K.stage(initial, target, np.eye(4)[None], [0], LIMITS[:1], rate=[[0.5]], backend="cpu")
    assert slow.n_stages.tolist() == [8]


def test_rotation_is_slerped_not_lerped():
    # 90 degrees about the long axis: every intermediate pose stays a rotation with equal steps.
    target = np.eye(4)[None].copy()
    target[0, :3, :3] = Rotation.from_euler("z", 90, degrees=True).as_matrix()
    res = K.stage(np.eye(4)[None], target, np.eye(4)[None], [0], LIMITS[:1], backend="cpu")
    assert res.n_stages[0] == 45
    angles = Rotation.from_matrix(res.poses[0, :, 0, :3, :3].astype(np.float64)).as_euler("xyz", degrees=True)[:, 2]
    np.testing.assert_allclose(np.diff(angles), 2.0, atol=1e-4)
