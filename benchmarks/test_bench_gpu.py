"""GPU throughput: 1,000 candidate schedules of a full case, staged and checked, against the CPU backend.

Real P1 arches (../shared/data), each crown midpoint-subdivided twice (~3k vertices per tooth), 28
teeth, neighbour and opposing pairs (40). Each schedule starts and paces every tooth differently, so
its stage count differs (the batch is padded to the longest, as the kernels return it). Skips, saying
why, without a CUDA device. Run: python -m pytest benchmarks/test_bench_gpu.py --benchmark-only -s
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pytest
from orthoplan import kernels as K
from scipy.spatial.transform import Rotation

from tests.scans import arch_teeth, neighbour_pairs, subdivide

SCHEDULES = 1000
LIMITS = np.array([[0.25, 0.25, 0.15, 0.15, 2.0, 2.0, 1.0]])
ROWS: dict[str, dict] = {}


def _gpu_backends() -> list[str]:
    status = K.available_backends()
    return [b for b in ("cuda", "cupy") if status[b] == "available"]


@pytest.fixture(scope="module")
def case():
    if not _gpu_backends():
        pytest.skip(f"no GPU backend: {K.available_backends()}")
    teeth = [subdivide(v, f, 2) for v, f in arch_teeth("P1", "upper") + arch_teeth("P1", "lower")]
    centres = np.array([v.mean(0) for v, _ in teeth])
    opposing = [[i, 14 + int(np.argmin(np.linalg.norm(centres[14:] - centres[i], axis=1)))] for i in range(14)]
    pairs = np.concatenate([neighbour_pairs(), neighbour_pairs() + 14, opposing]).astype(np.int32)
    rng = np.random.default_rng(0)
    t = len(teeth)
    frames = np.tile(np.eye(4), (t, 1, 1))
    frames[:, :3, 3] = centres
    initial = np.tile(np.eye(4), (t, 1, 1))
    move = np.tile(np.eye(4), (t, 1, 1))  # up to ~2 mm and ~10 degrees about each crown's centre
    move[:, :3, :3] = Rotation.from_rotvec(rng.normal(scale=0.08, size=(t, 3))).as_matrix()
    move[:, :3, 3] = rng.normal(scale=0.8, size=(t, 3))
    target = frames @ move @ np.linalg.inv(frames)
    start = rng.integers(0, 8, (SCHEDULES, t))
    rate = rng.uniform(0.6, 1.0, (SCHEDULES, t)).astype(np.float32)
    staging = (initial, target, frames, np.zeros(t, int), LIMITS, start, rate)
    prep = K.prepare_case(teeth)
    return prep, staging, pairs


def _bandwidth_gbs(cp) -> float:
    """Device-to-device copy rate (bytes read + written per second), measured in this run."""
    a = cp.empty(1 << 30, cp.uint8)
    b = cp.empty_like(a)
    b[...] = a
    cp.cuda.Device().synchronize()
    start, stop = cp.cuda.Event(), cp.cuda.Event()
    start.record()
    for _ in range(10):
        b[...] = a
    stop.record()
    stop.synchronize()
    return 2 * 10 * a.nbytes / (cp.cuda.get_elapsed_time(start, stop) / 1e3) / 1e9


def test_cpu_reference_rate(benchmark, case):
    """The CPU backend on the first 8 schedules: its rate per pair-stage, for the ratio."""
    prep, staging, pairs = case
    head = (*staging[:5], staging[5][:8], staging[6][:8])
    staged = K.stage(*head, backend="cpu")
    res = benchmark.pedantic(K.clearance, (prep, staged.poses, pairs), {"backend": "cpu"}, rounds=3)
    evals = staged.poses.shape[0] * staged.poses.shape[1] * len(pairs)
    ROWS["cpu"] = {"evals_s": evals / benchmark.stats["median"], "clearance": res.clearance,
                   "stages": staged.poses.shape[1]}


@pytest.mark.parametrize("name", ["cuda", "cupy"])
def test_gpu_batch(benchmark, case, name):
    if name not in _gpu_backends():
        pytest.skip(f"{name} backend unavailable: {K.available_backends()[name]}")
    cp = pytest.importorskip("cupy", reason="CuPy keeps the batch on the device between calls")
    prep, staging, pairs = case
    staged = K.stage(*staging, backend=name)
    poses = cp.asarray(staged.poses)
    K.clearance(prep, poses, pairs, backend=name)  # warm: structures uploaded, kernels loaded

    def run():
        out = K.clearance(prep, poses, pairs, backend=name)
        cp.cuda.Device().synchronize()
        return out

    res = benchmark.pedantic(run, rounds=10, warmup_rounds=1)
    b, s = poses.shape[:2]
    evals = b * s * len(pairs)
    t0 = time.perf_counter()
    for _ in range(3):
        K.stage(*staging, backend=name)
    stage_s = (time.perf_counter() - t0) / 3
    # fewest bytes a batch must move: every pose read once, every result written once
    floor = poses.nbytes + evals * 4 * (1 + 3 + 3)
    seconds = benchmark.stats["median"]
    row = {"evals_s": evals / seconds, "seconds": seconds, "stage_s": stage_s, "schedules": b, "stages": s,
           "bytes_gbs": floor / seconds / 1e9, "peak_gbs": _bandwidth_gbs(cp)}
    cpu = ROWS.get("cpu")
    if cpu is not None:
        head = cp.asnumpy(res.clearance[:8, : cpu["stages"]])
        cap = K.DEFAULT_MAX_DISTANCE  # farther reads +inf: compare the capped values
        row["max_diff_mm"] = float(np.abs(np.fmin(head, cap) - np.fmin(cpu["clearance"], cap)).max())
        assert row["max_diff_mm"] < 1e-3
    ROWS[name] = row
    print(f"\n{name} on {cp.cuda.runtime.getDeviceProperties(0)['name'].decode()}: {b} schedules x {s} stages x "
          f"{len(pairs)} pairs = {evals:,} pair-stages in {seconds * 1e3:.1f} ms: {row['evals_s']:,.0f} evals/s"
          + (f", {row['evals_s'] / cpu['evals_s']:.0f}x the cpu backend ({cpu['evals_s']:,.0f}/s)" if cpu else "")
          + f"; staging the batch {stage_s * 1e3:.1f} ms; least bytes moved {row['bytes_gbs']:.1f} GB/s of "
          f"{row['peak_gbs']:.0f} GB/s measured copy rate"
          + (f"; max |gpu - cpu| {row['max_diff_mm']:.2e} mm" if "max_diff_mm" in row else ""))


CAPPED: dict[int, tuple[float, np.ndarray]] = {}


@pytest.mark.parametrize("min_blocks", [0, 4])
def test_clearance_occupancy_cap(benchmark, case, min_blocks):
    """The batch above on CuPy, the kernels compiled unbounded (0: 165 registers a thread on sm_90,
    three blocks of 128 an SM) and with ORTHO_CLEARANCE_MIN_BLOCKS=4 (128 registers, four blocks):
    the figure that decides which the kernels ship with."""
    if "cupy" not in _gpu_backends():
        pytest.skip(f"cupy backend unavailable: {K.available_backends()['cupy']}")
    cp = pytest.importorskip("cupy")
    from orthoplan.kernels._gpu import CupyBackend
    from orthoplan.kernels.clearance import make_query

    backend = CupyBackend((f"ORTHO_CLEARANCE_MIN_BLOCKS={min_blocks}",) if min_blocks else ())
    prep, staging, pairs = case
    query = make_query(prep, K.stage(*staging, backend="cupy").poses, pairs, K.DEFAULT_MAX_DISTANCE)
    query = dataclasses.replace(query, poses=cp.asarray(query.poses))  # on the device: time the kernel

    def run():
        out = backend.clearance(query, on_device=True)
        cp.cuda.Device().synchronize()
        return out

    res = benchmark.pedantic(run, rounds=10, warmup_rounds=1)
    CAPPED[min_blocks] = (benchmark.stats["median"], cp.asnumpy(res.clearance))
    if len(CAPPED) == 2:
        (free, c_free), (capped, c_capped) = CAPPED[0], CAPPED[4]
        print(f"\ncupy clearance, unbounded {free * 1e3:.1f} ms, capped at 128 registers {capped * 1e3:.1f} ms: "
              f"the cap runs at {free / capped:.2f}x the unbounded speed")
        np.testing.assert_array_equal(c_capped, c_free)  # the same arithmetic, only registers differ


@pytest.fixture(scope="module")
def many_cases():
    """8 cases (P1..P4, each arch its own case; crowns subdivided twice), each asking what a re-timing
    round asks: 8 candidate schedules x 24 stages, its 13 neighbour pairs."""
    if not _gpu_backends():
        pytest.skip(f"no GPU backend: {K.available_backends()}")
    rng = np.random.default_rng(1)
    out = []
    for patient in ("P1", "P2", "P3", "P4"):
        for jaw in ("upper", "lower"):
            teeth = [subdivide(v, f, 2) for v, f in arch_teeth(patient, jaw)]
            poses = np.tile(np.eye(4), (8, 24, len(teeth), 1, 1))
            poses[..., :3, 3] += rng.normal(scale=0.1, size=(8, 24, len(teeth), 3))
            out.append((K.prepare_case(teeth), poses, neighbour_pairs()))
    return out


@pytest.mark.parametrize("name", ["cuda", "cupy"])
def test_cases_batched_in_one_launch(benchmark, many_cases, name):
    """Peers in one run: each case in its own call (cpu, and the GPU) against all cases in one launch."""
    if name not in _gpu_backends():
        pytest.skip(f"{name} backend unavailable: {K.available_backends()[name]}")

    def each(backend):
        return [K.clearance(p, x, q, backend=backend) for p, x, q in many_cases]

    def timed(fn, rounds=10):
        fn()
        times = []
        for _ in range(rounds):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return float(np.median(times))

    cpu_s = timed(lambda: each("cpu"), rounds=3)
    alone_s = timed(lambda: each(name))
    batched = benchmark.pedantic(K.clearance_many, (many_cases,), {"backend": name}, rounds=10, warmup_rounds=1)
    batched_s = benchmark.stats["median"]
    for got, want in zip(batched, each("cpu"), strict=True):
        cap = K.DEFAULT_MAX_DISTANCE
        assert np.abs(np.fmin(got.clearance, cap) - np.fmin(want.clearance, cap)).max() < 1e-3
    evals = sum(x.shape[0] * x.shape[1] * len(q) for _, x, q in many_cases)
    print(f"\n{name}: {len(many_cases)} cases, {evals:,} pair-stages: one call per case on the cpu backend "
          f"{cpu_s * 1e3:.1f} ms, on the GPU {alone_s * 1e3:.1f} ms; all in one launch {batched_s * 1e3:.1f} ms "
          f"({alone_s / batched_s:.1f}x the GPU one call per case, {cpu_s / batched_s:.1f}x the cpu)")


@pytest.mark.parametrize("name", ["cuda", "cupy"])
def test_jobs_pooled_by_the_batcher(benchmark, many_cases, name):
    """As a GPU planner runs them: one thread per case (a job), each calling clearance for its own
    case. Peers in one run: each call alone on the GPU, and the calls pooled by a ClearanceBatcher."""
    if name not in _gpu_backends():
        pytest.skip(f"{name} backend unavailable: {K.available_backends()[name]}")
    import threading

    def jobs(call, rounds=5):
        def job(item):
            for _ in range(rounds):
                call(*item)
        threads = [threading.Thread(target=job, args=(item,)) for item in many_cases]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return time.perf_counter() - t0

    batcher = K.ClearanceBatcher(backend=name, window_s=0.002)

    def pooled(p, x, q):
        with batcher.joined():
            return K.clearance_pooled(p, x, q)

    jobs(lambda p, x, q: K.clearance(p, x, q, backend=name), rounds=1)  # warm: device copies
    jobs(pooled, rounds=1)
    alone_s = float(np.median([jobs(lambda p, x, q: K.clearance(p, x, q, backend=name)) for _ in range(3)]))
    pooled_s = benchmark.pedantic(jobs, (pooled,), rounds=3, iterations=1)
    pooled_s = benchmark.stats["median"]
    stats = batcher.stats()
    print(f"\n{name}: {len(many_cases)} jobs x 5 calls: alone {alone_s * 1e3:.0f} ms, pooled {pooled_s * 1e3:.0f} ms "
          f"({alone_s / pooled_s:.1f}x), {stats['calls_per_batch']:.1f} calls per launch")
