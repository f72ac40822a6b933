"""`orthoplan demo`: the bundled procedural case planned end to end (no real scans needed)."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner
from orthoplan.client.cli import main
from orthoplan.planning import plan as P
from orthoplan.planning import procedural

from tests.planning.test_plan import _per_stage_ok


def test_the_demo_plans_the_sample_case_reproducibly(tmp_path):
    runs = []
    for name in ("a", "b"):
        res = CliRunner().invoke(main, ["demo", "--out", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        runs.append({p.relative_to(tmp_path / name): p.read_bytes() for p in (tmp_path / name).rglob("*")
                     if p.is_file()})
    assert "aligners" in res.output and "unresolved" in res.output
    assert runs[0] == runs[1]  # same seed, same bytes
    plan = json.loads(runs[0][next(k for k in runs[0] if k.name == "plan.json")])
    up, lo = plan["arches"]["upper"], plan["arches"]["lower"]
    # the setup is proposed from the crowns: the diastema closes (0.8 mm each, read in the frames
    # computed from the crowns) and the crowded incisors come toward the line of the arch
    assert up["setup"]["source"] == lo["setup"]["source"] == "proposed"
    assert abs(up["movement"]["11"]["mesial"] - 0.8) < 0.1 and abs(up["movement"]["21"]["mesial"] - 0.8) < 0.1
    assert abs(lo["movement"]["41"]["buccal"]) > 0.2
    assert plan["aligners"] == max(up["active_aligners"], lo["active_aligners"])
    assert up["passive_aligners"] + up["active_aligners"] == lo["passive_aligners"] + lo["active_aligners"]
    models = [k for k in runs[0] if k.parts[0] == "models"]
    assert len(models) == 2 * (plan["aligners"] + 1)


def test_the_procedural_case():
    arches, targets = procedural.sample_case(seed=7)
    for jaw, arch in arches.items():
        staged = P.plan_arch(arch, targets[jaw])
        _per_stage_ok(staged, P.Policy())
        assert np.allclose(staged.poses[-1], [targets[jaw][f] for f in staged.teeth], atol=1e-5)
    other, _ = procedural.sample_case(seed=8)
    assert not all(np.allclose(other["upper"].teeth[f].mesh.vertices, arches["upper"].teeth[f].mesh.vertices)
                   for f in arches["upper"].teeth)
    big, _ = procedural.sample_case(points=120)
    assert min(len(t.mesh.vertices) for t in big["upper"].teeth.values()) > 5000  # scanner-like crowns
    res = CliRunner().invoke(main, ["demo", "--points", "2"])
    assert res.exit_code != 0 and "--points" in res.output
