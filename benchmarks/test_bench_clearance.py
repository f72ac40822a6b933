"""Clearance throughput and accuracy: our CPU backend against the peers a user would otherwise
pick (benchmarks/peers.py), on the same real tooth pairs and poses, in one run.

Real P1 arches (../shared/data), each crown midpoint-subdivided twice (~3k vertices per tooth,
scanner-like density). Run: python -m pytest benchmarks/test_bench_clearance.py -p no:cacheprovider
--benchmark-only -s. The peers need the 'bench' extra (Open3D also needs libusb-1.0-0 from apt);
a missing one is skipped, saying so.

Errors are against our cpu backend's values on the same (stage, pair) items: the parity tests hold
it to the exact NumPy reference within 1e-4 mm on the real scans, and the reference itself takes
about 20 s per pair at this size.
"""

from __future__ import annotations

import importlib.util
import time

import numpy as np
import pytest
from orthoplan import kernels as K

from tests.scans import arch_teeth, neighbour_pairs, subdivide

from . import peers as P

STAGES = 40
RESULTS: dict[str, tuple[float, float, int, int]] = {}  # name: (evals/s, max error mm, with value, items)


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
    ours = K.clearance(prep, poses, pairs, backend="cpu").clearance[0].astype(np.float64)
    return teeth, prep, poses, pairs, ours


def test_case_recheck_cpu(benchmark, case):
    _, prep, poses, pairs, ours = case
    res = benchmark(K.clearance, prep, poses, pairs, backend="cpu")
    evals = poses.shape[1] * len(pairs)
    rate = evals / benchmark.stats["mean"]
    RESULTS["orthoplan cpu backend"] = (rate, 0.0, evals, evals)
    ms = 1000 * benchmark.stats["mean"]
    print(f"\ncpu: {evals} pair-stages per case in {ms:.1f} ms, {rate:.0f} pair-stage evals/s")
    assert np.array_equal(res.clearance[0], ours.astype(np.float32))


# stages each peer runs (x 40 pairs): the vertex-sampled peers are slow
PEER_STAGES = {"python-fcl": 4, "coal": 4, "open3d": 2, "libigl": 2, "warp": 2}


@pytest.mark.parametrize("key", list(P.PEERS))
def test_peer(benchmark, case, key):
    module, make = P.PEERS[key]
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{key} not installed (extra 'bench')")
    _, prep, poses, pairs, ours = case
    try:
        peer = make(prep)
    except ImportError as e:  # e.g. Open3D without libusb
        pytest.skip(f"{key} cannot load: {e}")
    work = [(poses[0, s], int(a), int(b)) for s in range(PEER_STAGES[key]) for a, b in pairs]
    out = benchmark.pedantic(peer.run, args=(work,), rounds=3 if PEER_STAGES[key] > 2 else 1, iterations=1)
    exact = ours[: PEER_STAGES[key]].reshape(-1)
    valued = np.isfinite(out)
    err = float(np.max(np.abs(out[valued] - exact[valued]))) if valued.any() else float("nan")
    rate = len(work) / benchmark.stats["mean"]
    RESULTS[peer.name] = (rate, err, int(valued.sum()), len(work))
    print(f"\n{peer.name}: {rate:.0f} pair-stage evals/s, max error {err:.1e} mm on {valued.sum()}/{len(work)} items")
    assert len(out) == len(work)


@pytest.fixture(scope="module", autouse=True)
def summary():
    """After the module: the table for docs/benchmarks.md, every method against ours."""
    yield
    if "orthoplan cpu backend" not in RESULTS:
        return
    ours = RESULTS["orthoplan cpu backend"][0]
    print("\n\n| method | pair-stage evals/s | ours / it | max error (mm) | items with a value |")
    print("|---|---|---|---|---|")
    for name, (rate, err, valued, items) in sorted(RESULTS.items(), key=lambda r: -r[1][0]):
        print(f"| {name} | {rate:,.0f} | {ours / rate:.1f}x | {err:.1e} | {valued}/{items} |")
