"""Clearance throughput: our CPU backend vs python-fcl on the same real tooth pairs and poses.

Real P1 arches (../shared/data), each crown midpoint-subdivided twice (~3k vertices per tooth,
scanner-like density). Run: python -m pytest benchmarks -p no:cacheprovider --benchmark-only
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from orthoplan import kernels as K

from tests.scans import arch_teeth, neighbour_pairs, subdivide

STAGES = 40


@pytest.fixture(scope="module")
def case():
    teeth = [subdivide(v, f, 2) for v, f in arch_teeth("P1", "upper") + arch_teeth("P1", "lower")]
    cu = np.array([v.mean(0) for v, _ in teeth[:14]])
    cl = np.array([v.mean(0) for v, _ in teeth[14:]])
    opposing = [[i, 14 + int(np.argmin(np.linalg.norm(cl - cu[i], axis=1)))] for i in range(14)]
    pairs = np.concatenate([neighbour_pairs(), neighbour_pairs() + 14, opposing]).astype(np.int32)
    rng = np.random.default_rng(0)
    poses = np.tile(np.eye(4), (1, STAGES, 28, 1, 1))
    poses[..., :3, 3] += rng.normal(scale=0.1, size=(1, STAGES, 28, 3))  # +-0.1 mm jitter per stage
    t0 = time.perf_counter()
    prep = K.prepare_case(teeth)
    prep_s = time.perf_counter() - t0
    print(f"\nprepare_case: 28 teeth, {np.mean([len(v) for v, _ in teeth]):.0f} vertices/tooth: {prep_s:.2f} s")
    return teeth, prep, poses, pairs


def test_case_recheck_cpu(benchmark, case):
    _, prep, poses, pairs = case
    res = benchmark(K.clearance, prep, poses, pairs, backend="cpu")
    evals = poses.shape[1] * len(pairs)
    print(f"\ncpu: {evals} pair-stages per case, {evals / benchmark.stats['mean']:.0f} pair-stage evals/s")
    assert res.clearance.shape == (1, STAGES, len(pairs))


def test_peer_python_fcl(benchmark, case):
    fcl = pytest.importorskip("fcl", reason="python-fcl not installed (extra 'bench')")
    teeth, prep, poses, pairs = case
    models = []
    for t in range(len(teeth)):
        tris = prep.closed_mesh(t).astype(np.float64)
        m = fcl.BVHModel()
        m.beginModel(len(tris) * 3, len(tris))
        m.addSubModel(tris.reshape(-1, 3), np.arange(len(tris) * 3).reshape(-1, 3))
        m.endModel()
        models.append(m)
    work = [(s, a, b) for s in range(4) for a, b in pairs]  # 4 stages: fcl is slow

    def run():
        out = []
        for s, a, b in work:
            pa, pb = poses[0, s, a], poses[0, s, b]
            oa = fcl.CollisionObject(models[a], fcl.Transform(pa[:3, :3], pa[:3, 3]))
            ob = fcl.CollisionObject(models[b], fcl.Transform(pb[:3, :3], pb[:3, 3]))
            out.append(fcl.distance(oa, ob, fcl.DistanceRequest(), fcl.DistanceResult()))
        return out

    dist = benchmark(run)
    print(f"\npython-fcl: {len(work) / benchmark.stats['mean']:.0f} pair-stage evals/s (unsigned, no depth)")
    assert len(dist) == len(work)
