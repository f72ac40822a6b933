"""Bad input gets a ValueError naming the argument and the problem: never a crash or garbage."""

from __future__ import annotations

import numpy as np
import pytest
from orthoplan import kernels as K
from orthoplan.kernels import _core

from tests.kernels.conftest import open_blob

LIMITS = np.array([[0.25, 0.25, 0.15, 0.15, 2.0, 2.0, 1.0]])


@pytest.fixture(scope="module")
def mesh():
    return open_blob(np.random.default_rng(0), subdivisions=1)


@pytest.fixture(scope="module")
def prep(mesh):
    return K.prepare_case([mesh, mesh])


def nan_verts(m):
    v = m[0].copy()
    v[3, 1] = np.nan
    return [(v, m[1])]


@pytest.mark.parametrize("make,match", [
    (lambda m: [], r"meshes: expected a non-empty"),
    (lambda m: "teeth.stl", r"meshes: expected a non-empty"),
    (nan_verts, r"meshes\[0\].vertices: contains NaN"),
    (lambda m: [(np.full_like(m[0], np.inf), m[1])], r"meshes\[0\].vertices: contains NaN or infinite"),
    (lambda m: [(m[0], m[1] + len(m[0]))], r"meshes\[0\].faces: index out of range"),
    (lambda m: [(m[0], -m[1] - 1)], r"meshes\[0\].faces: index out of range"),
    (lambda m: [(m[0][:, :2], m[1])], r"meshes\[0\].vertices: expected shape \(\*, 3\)"),
    (lambda m: [(m[0], m[1].astype(float))], r"meshes\[0\].faces: expected an integer array"),
    (lambda m: [(m[0].astype(str), m[1])], r"meshes\[0\].vertices: expected a real numeric"),
    (lambda m: [(np.zeros((0, 3)), np.zeros((0, 3), int))], r"meshes\[0\]: empty mesh"),
    (lambda m: [(np.zeros((4, 3)), np.array([[0, 1, 2], [1, 2, 3]]))], r"meshes\[0\]: degenerate"),
    (lambda m: [(np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0.]]), np.array([[0, 1, 2]]))],
     r"meshes\[0\]: degenerate mesh \(flat"),
    (lambda m: [m[0]], r"meshes\[0\]: expected a \(vertices, faces\) pair"),
])
def test_prepare_rejects(mesh, make, match):
    with pytest.raises(ValueError, match=match):
        K.prepare_case(make(mesh))


@pytest.mark.parametrize("kw,match", [
    ({"sample_spacing": 0}, r"sample_spacing: must be a positive"),
    ({"sample_spacing": float("nan")}, r"sample_spacing: must be a positive"),
    ({"grid_spacing": -1}, r"grid_spacing: must be a positive"),
    ({"grid_spacing": 1e-4}, r"grid_spacing: .* grid nodes"),
    ({"fine_spacing": -0.1}, r"fine_spacing: must be 0 \(none\) or a positive"),
    ({"fine_spacing": float("inf")}, r"fine_spacing: must be 0 \(none\) or a positive"),
    ({"fine_spacing": 1e-4}, r"fine_spacing: .* fine grid nodes"),
    ({"fine_band": 0}, r"fine_band: must be a positive"),
    ({"sample_spacing": "x"}, r"sample_spacing: expected a number"),
])
def test_prepare_rejects_bad_parameters(mesh, kw, match):
    with pytest.raises(ValueError, match=match):
        K.prepare_case([mesh], **kw)


def eye_poses(b=1, s=2, t=2):
    return np.tile(np.eye(4), (b, s, t, 1, 1))


@pytest.mark.parametrize("poses,pairs,kw,match", [
    (eye_poses(t=3), [[0, 1]], {}, r"poses: expected shape \(\*, \*, 2, 4, 4\)"),
    (eye_poses() * 2, [[0, 1]], {}, r"poses: pose at index .* is not rigid"),
    (np.where(np.eye(4) == 1, -1.0, 0.0) * np.ones((1, 2, 2, 1, 1)), [[0, 1]], {}, r"poses: .* not rigid"),
    (eye_poses() + np.nan, [[0, 1]], {}, r"poses: contains NaN"),
    (eye_poses(), [[0, 2]], {}, r"pairs: tooth indices must be in 0..1"),
    (eye_poses(), [[1, 1]], {}, r"pairs: a pair must name two different teeth"),
    (eye_poses(), [[0, 1, 1]], {}, r"pairs: expected shape"),
    (eye_poses(), [[0.5, 1]], {}, r"pairs: expected integers"),
    (eye_poses(), [[0, 1]], {"max_distance": -1}, r"max_distance: must be a positive"),
    (eye_poses(), [[0, 1]], {"max_distance": float("nan")}, r"max_distance: must be a positive"),
])
def test_clearance_rejects(prep, poses, pairs, kw, match):
    with pytest.raises(ValueError, match=match):
        K.clearance(prep, poses, pairs, backend="cpu", **kw)


def test_clearance_rejects_foreign_prepared():
    with pytest.raises(ValueError, match=r"prepared: expected a PreparedCase"):
        K.clearance({"tris": np.zeros((1, 30))}, eye_poses(), [[0, 1]], backend="cpu")


def test_non_contiguous_inputs_are_accepted_by_the_api_and_refused_by_the_raw_binding(prep):
    poses = np.tile(np.eye(4), (1, 4, 2, 1, 1))
    poses[0, :, 1, 0, 3] = np.linspace(3, 5, 4)
    strided = np.repeat(poses, 2, axis=1)[:, ::2]
    assert not strided.flags.c_contiguous
    a = K.clearance(prep, strided, [[0, 1]], backend="cpu")
    b = K.clearance(prep, poses, [[0, 1]], backend="cpu")
    np.testing.assert_array_equal(a.clearance, b.clearance)
    with pytest.raises(ValueError, match=r"poses: array must be C-contiguous"):
        strided32 = np.repeat(poses.astype(np.float32), 2, axis=1)[:, ::2]
        _core.clearance(dict(prep.arrays), strided32, np.array([[0, 1]], np.int32), 1.0)
    with pytest.raises(ValueError, match=r"poses: expected dtype float32"):
        _core.clearance(dict(prep.arrays), poses, np.array([[0, 1]], np.int32), 1.0)
    with pytest.raises(ValueError, match=r"pairs: tooth index out of range"):
        _core.clearance(dict(prep.arrays), poses.astype(np.float32), np.array([[0, 9]], np.int32), 1.0)


def test_raw_prepare_binding_checks_indices():
    v = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    f = np.array([[0, 1, 7]], np.int32)
    with pytest.raises(ValueError, match=r"faces: tooth 0 has a face index out of range"):
        _core.prepare_case(v, np.array([4], np.int32), f, np.array([1], np.int32), 0.25, 0.5, 0.2, 0.6)
    with pytest.raises(ValueError, match=r"vert_len: lengths do not add up"):
        _core.prepare_case(v, np.array([5], np.int32), f, np.array([1], np.int32), 0.25, 0.5, 0.2, 0.6)
    f = np.array([[0, 1, 2]], np.int32)
    for args, match in (((0.0, 0.5, 0.2, 0.6), "sample_spacing"), ((0.25, float("nan"), 0.2, 0.6), "grid_spacing"),
                        ((0.25, 0.5, -1.0, 0.6), "fine_spacing"), ((0.25, 0.5, 0.2, 0.0), "fine_band")):
        with pytest.raises(ValueError, match=match):
            _core.prepare_case(v, np.array([4], np.int32), f, np.array([1], np.int32), *args)


def staging_args():
    i = np.eye(4)[None]
    t = i.copy()
    t[0, 0, 3] = 1.0
    return dict(initial=i, target=t, frames=i, tooth_types=[0], limits=LIMITS)


@pytest.mark.parametrize("change,match", [
    ({"limits": -LIMITS}, r"limits: every per-stage limit must be positive"),
    ({"limits": np.zeros((1, 7))}, r"limits: every per-stage limit must be positive"),
    ({"limits": LIMITS[:, :6]}, r"limits: expected shape \(\*, 7\)"),
    ({"tooth_types": [3]}, r"tooth_types: values must index a row of limits"),
    ({"target": np.eye(4)[None] * 1.5}, r"target: pose at index \(0,\) is not rigid"),
    ({"initial": np.full((1, 4, 4), np.nan)}, r"initial: contains NaN"),
    ({"frames": np.eye(4)[None][:, :3]}, r"frames: expected shape"),
    ({"start": [[-1]]}, r"start: first stages must be in"),
    ({"rate": [[0.0]]}, r"rate: fractions of the limits must be in \(0, 1\]"),
    ({"rate": [[1e-9]]}, r"rate: the schedule would need more than"),
    ({"initial": np.zeros((0, 4, 4))}, r"initial: needs at least one tooth"),
])
def test_stage_rejects(change, match):
    args = staging_args() | change
    with pytest.raises(ValueError, match=match):
        K.stage(**args, backend="cpu")
