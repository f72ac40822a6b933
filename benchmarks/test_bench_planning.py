"""Re-staging after a provider edits one tooth's target, on the full-resolution per-tooth scans
(S1: 28 crowns, about 186,000 vertices), one arch moving and the opposing one checked.

Peers in the same run: the same edit planned cold (the case prepared again: reading excluded) and
warm (the case's prepared structures kept, as a server keeps a warm case). Target: warm under 100 ms.
Run: python -m pytest benchmarks/test_bench_planning.py -p no:cacheprovider --benchmark-only -s
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from orthoplan.planning import plan as P
from orthoplan.planning import scans as S

from tests.scans import require_data

BASE = {11: {"rotation": 8.0}, 21: {"mesial": 0.3}, 13: {"extrusion": 0.3}, 16: {"buccal": 0.5}}


@pytest.fixture(scope="module")
def case():
    data = require_data() / "per-tooth" / "S1"
    upper, lower = S.arch_from_folder(data / "upper", "upper"), S.arch_from_folder(data / "lower", "lower")
    t0 = time.perf_counter()
    checker = P.Checker(upper, lower)
    return upper, lower, checker, time.perf_counter() - t0


def _edit(i: int) -> dict:
    return {**BASE, 12: {"rotation": 2.0 + 0.25 * (i % 20)}}


def test_restage_after_an_edit(benchmark, case):
    upper, lower, checker, prepare_s = case
    counter = iter(range(10**6))
    cold = []
    for i in range(3):
        t0 = time.perf_counter()
        P.plan_arch(upper, P.target_from_movements(upper, _edit(i)), opposing=lower)
        cold.append(time.perf_counter() - t0)
    plan = benchmark.pedantic(lambda: P.plan_arch(upper, P.target_from_movements(upper, _edit(next(counter))),
                                                  checker=checker), rounds=40, iterations=1, warmup_rounds=2)
    warm = np.array(benchmark.stats.stats.data) * 1e3
    teeth = len(upper.teeth) + len(lower.teeth)
    verts = sum(len(t.mesh.vertices) for a in (upper, lower) for t in a.teeth.values())
    print(f"\n{teeth} crowns, {verts:,} vertices; prepare {prepare_s * 1e3:.0f} ms once; re-stage warm p50 "
          f"{np.median(warm):.1f} ms, max {warm.max():.1f} ms; cold {np.median(cold) * 1e3:.0f} ms "
          f"({np.median(cold) * 1e3 / np.median(warm):.0f}x); {plan.n_stages} stages, "
          f"{len(plan.collisions)} contacts reported")
    benchmark.extra_info.update({"prepare_ms": prepare_s * 1e3, "cold_ms": float(np.median(cold) * 1e3)})


@pytest.mark.parametrize("setup", ["given", "proposed"])
def test_whole_pipeline_from_files_to_outputs(benchmark, tmp_path, setup):
    """Both arches of S1 at full resolution: read the files, prepare, (propose a setup,) stage,
    resolve, check the arches against each other, and write every output (plan, tables, charts,
    one STL per stage and arch)."""
    import json

    from orthoplan.planning import manifest as mf
    from orthoplan.planning import outputs

    data = require_data() / "per-tooth" / "S1"
    path = tmp_path / "case.json"
    targets = {"upper": {"11": {"rotation": 8}, "21": {"mesial": 0.4}, "13": {"extrusion": 0.3}},
               "lower": {"41": {"buccal": 0.3}, "33": {"rotation": -6}}}
    path.write_text(json.dumps({
        "version": 1, "upper": {"teeth": str(data / "upper")}, "lower": {"teeth": str(data / "lower")},
        **({"targets": targets} if setup == "given" else {}), "ipr_allowed": True}))
    steps = {}

    def run():
        t0 = time.perf_counter()
        plan = outputs.plan_case(mf.load(path))
        steps["plan_s"] = time.perf_counter() - t0
        files = outputs.write(plan, tmp_path / "out")
        steps["total_s"] = time.perf_counter() - t0
        return plan, files
    plan, files = benchmark.pedantic(run, rounds=1, iterations=1)
    size = sum(f.stat().st_size for f in files) / 1e6
    print(f"\nwhole pipeline, S1 both arches, setup {setup}: {steps['total_s']:.1f} s "
          f"({steps['plan_s']:.1f} s to plan, the rest writing {len(files)} files, {size:.0f} MB); "
          f"{plan.aligners} aligners")
    benchmark.extra_info.update(steps)
