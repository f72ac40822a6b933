"""The NumPy reference backend: slow, float64, brute force; the oracle every backend is tested against.

It shares no math with the native kernels: rotations use the matrix's skew/trace axis-angle and
classic two-quaternion slerp, distances test every sample against every triangle, and the
pseudo-normals are recomputed here from the closed crowns' triangles.
"""

from __future__ import annotations

import numpy as np

from ._validate import to_caller
from .clearance import ClearanceQuery, ClearanceResult
from .staging import StagingProblem, StagingResult, step_ratios


def _axis_angle(r: np.ndarray) -> tuple[np.ndarray, float]:
    v = 0.5 * np.array([r[2, 1] - r[1, 2], r[0, 2] - r[2, 0], r[1, 0] - r[0, 1]])
    angle = float(np.arctan2(np.linalg.norm(v), 0.5 * (np.trace(r) - 1.0)))
    if angle < 1e-12:
        return np.array([1.0, 0.0, 0.0]), 0.0
    if angle > np.pi - 1e-3:  # sin ~ 0: read the axis off the symmetric part R + I = 2 a a^T
        s = r + np.eye(3)
        axis = s[:, int(np.argmax(np.diag(s)))]
        axis = axis / np.linalg.norm(axis)
        return (axis if axis @ v >= 0 else -axis), angle
    return v / np.linalg.norm(v), angle


def _quat_matrix(q: np.ndarray) -> np.ndarray:
    w, x, y, z = q / np.linalg.norm(q)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
        [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
        [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
    ])


def _slerp_identity(axis: np.ndarray, angle: float, u: float) -> np.ndarray:
    """Classic slerp between the identity quaternion and the full rotation, at fraction u."""
    q0 = np.array([1.0, 0.0, 0.0, 0.0])
    q1 = np.concatenate([[np.cos(angle / 2)], np.sin(angle / 2) * axis])
    omega = angle / 2
    if omega < 1e-12:
        return q0
    return (np.sin((1 - u) * omega) * q0 + np.sin(u * omega) * q1) / np.sin(omega)


def stage_reference(problem: StagingProblem) -> StagingResult:
    frames_world = problem.initial @ problem.frames
    moves = np.linalg.inv(frames_world) @ (problem.target @ problem.frames)
    axes_angles = [_axis_angle(m[:3, :3]) for m in moves]
    trans = moves[:, :3, 3]
    rotvec = np.array([a * ang for a, ang in axes_angles])
    ratio = step_ratios(problem, trans, rotvec).astype(np.float32)
    b_count, t_count = problem.start.shape
    steps = np.zeros((b_count, t_count), np.int32)
    for b in range(b_count):
        for t in range(t_count):
            if ratio[t] > 0:
                n = np.ceil(ratio[t] / problem.rate[b, t] - np.float32(1e-5))
                steps[b, t] = max(1, int(n))
    moving = steps > 0
    n_stages = np.where(moving, problem.start + steps, 0).max(axis=1).astype(np.int32)
    s1 = int(n_stages.max()) + 1
    poses = np.zeros((b_count, s1, t_count, 4, 4))
    finv = np.linalg.inv(problem.frames)
    for b in range(b_count):
        for t in range(t_count):
            for s in range(s1):
                k, n = s - problem.start[b, t], steps[b, t]
                if n == 0 or k >= n:
                    poses[b, s, t] = problem.target[t]
                elif k <= 0:
                    poses[b, s, t] = problem.initial[t]
                else:
                    u = k / n
                    m = np.eye(4)
                    m[:3, :3] = _quat_matrix(_slerp_identity(*axes_angles[t], u))
                    m[:3, 3] = u * trans[t]
                    poses[b, s, t] = frames_world[t] @ m @ finv[t]
    return StagingResult(n_stages, steps, poses.astype(np.float32))


def winding_numbers(x: np.ndarray, tris: np.ndarray) -> np.ndarray:
    """Generalized winding number [N] of a triangle mesh at points x [N, 3]: the exact sum of signed
    solid angles (Van Oosterom & Strackee) over 4 pi, in float64, every triangle summed."""
    out = np.empty(len(x))
    for lo in range(0, len(x), 256):
        a, b, c = (tris[None, :, k] - x[lo:lo + 256, None] for k in range(3))
        la, lb, lc = (np.linalg.norm(v, axis=2) for v in (a, b, c))
        d = lambda u, v: np.einsum("...k,...k->...", u, v)  # noqa: E731
        det = d(a, np.cross(b, c))
        den = la * lb * lc + d(a, b) * lc + d(b, c) * la + d(c, a) * lb
        out[lo:lo + 256] = 2.0 * np.arctan2(det, den).sum(axis=1) / (4.0 * np.pi)
    return out


def closest_points(x: np.ndarray, tris: np.ndarray):
    """For points x [N, 3] against triangles [F, 3, 3]: distance [N, F] and closest point
    [N, F, 3], by Voronoi regions in float64."""
    a, b, c = (tris[None, :, i] for i in range(3))
    p = x[:, None, :]
    ab, ac, ap, bp, cp = b - a, c - a, p - a, p - b, p - c
    d = lambda u, v: np.einsum("...k,...k->...", u, v)  # noqa: E731
    d1, d2, d3, d4, d5, d6 = d(ab, ap), d(ac, ap), d(ab, bp), d(ac, bp), d(ab, cp), d(ac, cp)
    va, vb, vc = d3 * d6 - d5 * d4, d5 * d2 - d1 * d6, d1 * d4 - d3 * d2
    with np.errstate(divide="ignore", invalid="ignore"):
        denom = va + vb + vc
        v, w = vb / denom, vc / denom
        out = a + ab * v[..., None] + ac * w[..., None]
        regions = [  # later assignments override earlier ones: Ericson's tests in reverse order
            ((va <= 0) & (d4 - d3 >= 0) & (d5 - d6 >= 0),
             b + (c - b) * ((d4 - d3) / ((d4 - d3) + (d5 - d6)))[..., None]),
            ((vb <= 0) & (d2 >= 0) & (d6 <= 0), a + ac * (d2 / (d2 - d6))[..., None]),
            ((d6 >= 0) & (d5 <= d6), np.broadcast_to(c, out.shape)),
            ((vc <= 0) & (d1 >= 0) & (d3 <= 0), a + ab * (d1 / (d1 - d3))[..., None]),
            ((d3 >= 0) & (d4 <= d3), np.broadcast_to(b, out.shape)),
            ((d1 <= 0) & (d2 <= 0), np.broadcast_to(a, out.shape)),
        ]
        for mask, point in regions:
            out = np.where(mask[..., None], point, out)
    return np.linalg.norm(x[:, None, :] - out, axis=2), out


def signed_distances(x: np.ndarray, closed: np.ndarray, scanned: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Exact distance [N] of points to the `scanned` triangles (default: `closed`), negative where
    the winding number of the `closed` mesh exceeds 1/2, and the closest points [N, 3]."""
    scanned = closed if scanned is None else scanned
    sd, cl = np.empty(len(x)), np.empty((len(x), 3))
    for lo in range(0, len(x), 128):
        dist, pts = closest_points(x[lo:lo + 128], scanned)
        j = np.argmin(dist, axis=1)
        rows = np.arange(len(j))
        sd[lo:lo + 128], cl[lo:lo + 128] = dist[rows, j], pts[rows, j]
    inside = winding_numbers(x, closed) > 0.5
    sd[inside] *= -1.0
    return sd, cl


def clearance_reference(query: ClearanceQuery) -> ClearanceResult:
    prep = query.prepared
    closed = [prep.closed_mesh(t).astype(np.float64) for t in range(prep.teeth)]
    scanned = [prep.scanned_mesh(t).astype(np.float64) for t in range(prep.teeth)]
    samples = [prep.samples(t).astype(np.float64) for t in range(prep.teeth)]
    b_count, s_count = query.poses.shape[:2]
    p_count = len(query.pairs)
    c = np.full((b_count, s_count, p_count), np.inf)
    wa = np.full((b_count, s_count, p_count, 3), np.nan)
    wb = np.full((b_count, s_count, p_count, 3), np.nan)
    for b in range(b_count):
        for s in range(s_count):
            pose = query.poses[b, s].astype(np.float64)
            for p, (ia, ib) in enumerate(query.pairs):
                for src, dst, flip in ((ia, ib, False), (ib, ia, True)):
                    m = np.linalg.inv(pose[dst]) @ pose[src]
                    x = samples[src] @ m[:3, :3].T + m[:3, 3]
                    sd, cl = signed_distances(x, closed[dst], scanned[dst])
                    i = int(np.argmin(sd))
                    if sd[i] < min(c[b, s, p], query.max_distance):
                        on_src = pose[src, :3, :3] @ samples[src][i] + pose[src, :3, 3]
                        on_dst = pose[dst, :3, :3] @ cl[i] + pose[dst, :3, 3]
                        c[b, s, p] = sd[i]
                        wa[b, s, p], wb[b, s, p] = (on_dst, on_src) if flip else (on_src, on_dst)
    return ClearanceResult(c.astype(np.float32), wa.astype(np.float32), wb.astype(np.float32))


class ReferenceBackend:
    name = "numpy"

    def stage(self, problem: StagingProblem) -> StagingResult:
        return stage_reference(problem)

    def clearance(self, query: ClearanceQuery, on_device: bool = False) -> ClearanceResult:
        r = clearance_reference(query)
        return ClearanceResult(*to_caller(on_device, r.clearance, r.witness_a, r.witness_b))
