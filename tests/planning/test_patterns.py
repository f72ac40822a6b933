"""Staging patterns of the policy: simultaneous, sequential distalization (molars first, then
premolars, canines, incisors), custom start stages per tooth, and overcorrection aligners past the
target; each within the per-stage limits, and bad settings named in the manifest."""

from __future__ import annotations

import json

import numpy as np
import pytest
from orthoplan.planning import manifest as mf
from orthoplan.planning import plan as P
from orthoplan.planning import procedural

from tests.planning.test_plan import _per_stage_ok

DISTAL = {17: {"mesial": -0.6}, 16: {"mesial": -0.6}, 15: {"mesial": -0.5}, 14: {"mesial": -0.5},
          13: {"mesial": -0.4}, 12: {"mesial": -0.3}, 11: {"mesial": -0.2}}


def _upper():
    return procedural.sample_case(7)[0]["upper"]


def _moving_stages(plan: P.ArchPlan, f: int) -> list[int]:
    i = plan.teeth.index(f)
    seq = plan.sequence
    return [s for s in range(1, len(seq)) if not np.allclose(seq[s, i], seq[s - 1, i], atol=1e-7)]


def test_sequential_distalization_moves_each_group_after_the_one_behind_it():
    upper = _upper()
    targets = P.target_from_movements(upper, DISTAL)
    policy = P.Policy(pattern="sequential_distalization")
    plan = P.plan_arch(upper, targets, policy)
    spans = {f: _moving_stages(plan, f) for f in DISTAL}
    order = [17, 16, 15, 14, 13, 12]
    for behind, ahead in zip(order, order[1:], strict=False):
        assert max(spans[behind]) < min(spans[ahead]), (behind, ahead, spans)
    assert min(spans[12]) == min(spans[11])  # incisors go together
    assert np.allclose(plan.poses[-1], [targets.get(f, np.eye(4)) for f in plan.teeth], atol=1e-5)
    _per_stage_ok(plan, policy)
    together = P.plan_arch(upper, targets, P.Policy())
    assert together.n_stages < plan.n_stages and all(min(_moving_stages(together, f)) == 1 for f in DISTAL)


def test_custom_start_stages_hold_a_tooth_until_its_stage():
    upper = _upper()
    targets = P.target_from_movements(upper, {13: {"rotation": 6.0}, 11: {"mesial": 0.5}})
    plan = P.plan_arch(upper, targets, P.Policy(start={13: 3}))
    assert plan.start[13] == 3 and min(_moving_stages(plan, 13)) == 4 and min(_moving_stages(plan, 11)) == 1


def test_overcorrection_keeps_rotating_and_extruding_past_the_target_at_the_same_rate():
    upper = _upper()
    targets = P.target_from_movements(upper, {13: {"rotation": 9.0}, 23: {"extrusion": 0.6}, 11: {"mesial": 0.5}})
    policy = P.Policy(overcorrection=2)
    plan = P.plan_arch(upper, targets, policy)
    assert plan.total == plan.n_stages + 2 and len(plan.over) == 2
    i13, i23, i11 = (plan.teeth.index(f) for f in (13, 23, 11))
    assert np.allclose(plan.over[:, i11], plan.poses[-1, i11])  # a tooth without lagging moves holds
    frame = upper.teeth[13].frame
    per_stage = 9.0 / plan.steps[13]
    for j in range(2):  # about the long axis, at the tooth's own per-stage rate
        rel = np.linalg.inv(plan.poses[-1, i13] @ frame) @ plan.over[j, i13] @ frame
        angle = np.degrees(np.arctan2(rel[1, 0], rel[0, 0]))
        assert abs(angle - per_stage * (j + 1)) < 1e-6 and np.allclose(rel[:3, 3], 0, atol=1e-9)
    rise = (plan.over[:, i23] @ np.append(upper.teeth[23].frame[:3, 3], 1.0))[:, :3] @ upper.occlusal
    base = (plan.poses[-1, i23] @ np.append(upper.teeth[23].frame[:3, 3], 1.0))[:3] @ upper.occlusal
    assert np.allclose(rise - base, [0.15, 0.3], atol=1e-6)


def test_bad_policy_settings_are_named_in_the_manifest(tmp_path):
    path = tmp_path / "case.json"
    for policy, message in (({"pattern": "zigzag"}, "pattern: 'zigzag' is not one of"),
                            ({"overcorrection": 9}, "overcorrection: 0-5 aligners"),
                            ({"start": {"13": -1}}, "start: tooth 13"),
                            ({"start": ["13"]}, "policy.start: must be an object"),
                            ({"colour": 1}, "policy: may hold")):
        path.write_text(json.dumps({"version": 1, "upper": {"teeth": "t"}, "policy": policy}))
        with pytest.raises(mf.ManifestError, match=message):
            mf.load(path)
