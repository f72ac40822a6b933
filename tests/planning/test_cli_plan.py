"""`orthoplan plan` on real scans: the outputs, their reproducibility (same manifest, same bytes),
the printable stage models, and manifests that are wrong in several ways at once."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner
from orthoplan.client.cli import main

from tests.scans import require_data


def _manifest(tmp_path, **changes) -> str:
    data = require_data() / "arches" / "P3"
    doc = {"version": 1, "upper": {"labelled": str(data / "p3_upper.vtp")},
           "lower": {"labelled": str(data / "p3_lower.vtp")},
           "targets": {"upper": {"11": {"rotation": 6}, "22": {"buccal": -0.5}}, "lower": {"31": {"extrusion": 0.45}}},
           "policy": {"overrides": {"incisor": {"rotation": 1.5}}}, "do_not_move": [16, 26]}
    doc.update(changes)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc))
    return str(path)


def test_plan_writes_reproducible_outputs(tmp_path):
    trimesh = pytest.importorskip("trimesh")
    manifest = _manifest(tmp_path)
    runs = []
    for name in ("a", "b"):
        res = CliRunner().invoke(main, ["plan", manifest, "--out", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        runs.append(sorted(p.relative_to(tmp_path / name) for p in (tmp_path / name).rglob("*") if p.is_file()))
    assert "aligners" in res.output and "upper" in res.output
    assert runs[0] == runs[1]
    for rel in runs[0]:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    plan = json.loads((tmp_path / "a" / "plan.json").read_text())
    up, lo = plan["arches"]["upper"], plan["arches"]["lower"]
    assert plan["format"] == "orthoplan.plan/1" and plan["aligners"] == 4  # 6 degrees at 1.5 per aligner
    assert (up["active_aligners"], up["passive_aligners"]) == (4, 0)
    assert (lo["active_aligners"], lo["passive_aligners"]) == (3, 1)  # 0.45 mm at 0.15: finishes with the upper
    assert up["movement"]["11"]["rotation"] == 6.0 and up["movement"]["22"]["buccal"] == -0.5
    assert len(up["poses"]) == 5 and len(lo["poses"]) == 4
    table = (tmp_path / "a" / "movement_table.csv").read_text().splitlines()
    assert table[0].startswith("arch,tooth,stages") and "-0.000" not in "".join(table)
    assert any(line.startswith("lower,31,3,0.000,0.000,0.450") for line in table)
    models = [r for r in runs[0] if r.parts[0] == "models"]
    assert len(models) == 2 * 5
    first = trimesh.load_mesh(tmp_path / "a" / "models" / "stage_00_upper.stl", process=False)
    last = trimesh.load_mesh(tmp_path / "a" / "models" / "stage_04_upper.stl", process=False)
    assert len(first.faces) == len(last.faces) > 9000  # every crown and the gums
    assert not np.allclose(first.vertices, last.vertices)


def test_a_wrong_manifest_lists_every_problem(tmp_path):
    manifest = _manifest(tmp_path, version=2, colour="blue", targets={
        "upper": {"11": {"twist": 4}, "16": {"mesial": 0.2}, "x": 1}, "middle": {}},
        policy={"overrides": {"canine": {"rotation": -1}}}, proposal={"twist": 1, "rotation": 99})
    res = CliRunner().invoke(main, ["plan", manifest, "--out", str(tmp_path / "o")])
    assert res.exit_code != 0
    for part in ("proposal.twist: unknown bound", "proposal.rotation: must be a number",
                 "colour: unknown key", "version: must be 1", "targets.upper.11.twist: unknown movement",
                 "targets.upper.16: moves a tooth listed in do_not_move", "targets.upper.x",
                 "targets.middle: names an arch", "canine.rotation must be a positive number"):
        assert part in res.output, (part, res.output)
    assert not (tmp_path / "o").exists()
    res = CliRunner().invoke(main, ["plan", str(tmp_path / "missing.json"), "--out", str(tmp_path / "o")])
    assert res.exit_code != 0 and "missing.json: no such file" in res.output
    broken = _manifest(tmp_path, upper={"labelled": str(tmp_path / "nope.vtp")})
    res = CliRunner().invoke(main, ["plan", broken, "--out", str(tmp_path / "o")])
    assert res.exit_code != 0 and "nope.vtp: no such file" in res.output and "Traceback" not in res.output


def test_an_arch_without_targets_gets_a_proposed_setup_within_its_bounds(tmp_path):
    manifest = _manifest(tmp_path, targets={"upper": {"11": {"rotation": 6}}}, proposal={"rotation": 10},
                         ipr_allowed=True)
    res = CliRunner().invoke(main, ["plan", manifest, "--out", str(tmp_path / "o"), "--no-models"])
    assert res.exit_code == 0, res.output
    plan = json.loads((tmp_path / "o" / "plan.json").read_text())
    up, lo = plan["arches"]["upper"], plan["arches"]["lower"]
    assert up["setup"] == {"source": "manifest"}
    assert lo["setup"]["source"] == "proposed" and lo["setup"]["movements"]
    assert all(abs(m.get("rotation", 0.0)) <= 10.0 for m in lo["setup"]["movements"].values())
    assert all(abs(lo["movement"][f]["rotation"]) <= 10.01 for f in lo["setup"]["movements"])
