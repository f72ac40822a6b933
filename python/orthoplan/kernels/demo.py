"""Demo on a bundled synthetic case: stage a 14-tooth arch and check every stage for contacts.

Run: python -m orthoplan.kernels.demo [--backend cpu]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from . import clearance, get_backend, prepare_case, stage

LIMITS = np.array([[0.25, 0.25, 0.15, 0.15, 2.0, 2.0, 1.0]])  # mm, mm, mm, mm, deg, deg, deg


def crown(rx: float, ry: float, rz: float, n: int = 24) -> tuple[np.ndarray, np.ndarray]:
    """An open dome (ellipsoid above its equator, cut a little below): a crown-like surface."""
    theta = np.linspace(0.0, 0.6 * np.pi, n // 2)  # from the occlusal pole down past the equator
    phi = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    verts = np.stack([rx * np.sin(t) * np.cos(p), ry * np.sin(t) * np.sin(p), rz * np.cos(t)], -1)
    verts = np.concatenate([[[0.0, 0.0, rz]], verts[1:].reshape(-1, 3)])
    idx = np.arange(1, len(verts)).reshape(len(theta) - 1, n)
    faces = [[0, idx[0, j], idx[0, (j + 1) % n]] for j in range(n)]
    for i in range(len(theta) - 2):
        for j in range(n):
            a, b = idx[i, j], idx[i, (j + 1) % n]
            c, d = idx[i + 1, j], idx[i + 1, (j + 1) % n]
            faces += [[a, c, b], [b, c, d]]
    return verts, np.array(faces)


def sample_case(teeth: int = 14):
    """Crowns spaced along a parabolic arch, crowded by 0.3 mm, with a spaced-out target."""
    x = np.linspace(-1.0, 1.0, teeth)
    meshes, initial, frames, target = [], [], [], []
    for i in range(teeth):
        width = 4.0 if abs(x[i]) < 0.5 else 5.0
        meshes.append(crown(width / 2, 3.5, 4.0))
        pos = np.array([22.0 * x[i], 14.0 * x[i] ** 2, 0.0])
        along = np.array([22.0, 28.0 * x[i], 0.0])
        along /= np.linalg.norm(along)
        frame = np.eye(4)
        frame[:3, 0], frame[:3, 1] = along, np.cross([0, 0, 1.0], along)
        frames.append(frame)
        p0 = np.eye(4)
        p0[:3, 3] = pos * 0.9  # crowded start
        initial.append(p0)
        p1 = np.eye(4)
        c, s = np.cos(0.05), np.sin(0.05)  # ~2.9 degrees about the long axis
        spin = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
        p1[:3, :3] = frame[:3, :3] @ spin @ frame[:3, :3].T
        p1[:3, 3] = pos
        target.append(p1)
    return meshes, np.array(initial), np.array(target), np.tile(np.eye(4), (teeth, 1, 1))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default=None, help="cuda, cupy, cpu or numpy (default: best)")
    args = parser.parse_args(argv)
    meshes, initial, target, frames = sample_case()
    print(f"backend: {get_backend(args.backend).name}")
    t0 = time.perf_counter()
    prep = prepare_case(meshes)
    print(f"prepared {prep.teeth} crowns in {1e3 * (time.perf_counter() - t0):.0f} ms")
    teeth = len(meshes)
    starts = np.stack([np.zeros(teeth, int), np.arange(teeth) % 2 * 3])  # together, or alternating
    plan = stage(initial, target, frames, np.zeros(teeth, int), LIMITS, start=starts, backend=args.backend)
    pairs = np.array([[i, i + 1] for i in range(teeth - 1)])
    t0 = time.perf_counter()
    res = clearance(prep, plan.poses, pairs, backend=args.backend)
    dt = time.perf_counter() - t0
    evals = res.clearance.size
    print(f"checked {evals} pair-stages in {1e3 * dt:.1f} ms")
    for b, name in enumerate(("simultaneous", "alternating")):
        worst = np.nanmin(np.where(np.isfinite(res.clearance[b]), res.clearance[b], np.nan))
        print(f"schedule {name}: {plan.n_stages[b]} aligners, tightest contact {worst:+.3f} mm")


if __name__ == "__main__":
    main()
