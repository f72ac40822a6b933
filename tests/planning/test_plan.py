"""Staging real arches under the policy: limits kept at every stage, the last stage is the target,
the movement table gives back what was asked, and contacts that get deeper than the scanned ones
are reported (against neighbours and the opposing arch), never hidden."""

from __future__ import annotations

import numpy as np
import pytest
from orthoplan.kernels.staging import make_problem, movement_components
from orthoplan.planning import plan as P

from tests.planning.test_scans import _arches


def _per_stage_ok(plan: P.ArchPlan, policy: P.Policy) -> None:
    limits = policy.table()
    types = np.array([P.TYPE_ROWS.index(P.TYPES[f % 10]) for f in plan.teeth])
    frames = np.array([plan.arch.teeth[f].frame for f in plan.teeth])
    for s in range(plan.n_stages):
        a, b = plan.poses[s], plan.poses[s + 1]
        # the move from stage s to s+1, measured in each tooth's frame at stage s
        trans, rotvec = movement_components(make_problem(a, b, frames, types, limits))
        lim = limits[types]
        deg = np.degrees(np.abs(rotvec))
        assert (np.abs(trans[:, 0]) <= lim[:, 0] + 1e-4).all() and (np.abs(trans[:, 1]) <= lim[:, 1] + 1e-4).all()
        assert (np.where(trans[:, 2] > 0, trans[:, 2] - lim[:, 3], -trans[:, 2] - lim[:, 2]) <= 1e-4).all()
        assert (deg[:, 2] <= lim[:, 4] + 1e-3).all() and (deg[:, 1] <= lim[:, 5] + 1e-3).all()
        assert (deg[:, 0] <= lim[:, 6] + 1e-3).all()


def test_a_staged_arch_keeps_the_limits_and_ends_on_target():
    upper, lower = _arches("P1")
    moves = {11: {"rotation": 10.0}, 21: {"mesial": 0.6}, 13: {"extrusion": 0.6}, 26: {"buccal": -0.4, "tip": 3.0}}
    targets = P.target_from_movements(upper, moves)
    plan = P.plan_arch(upper, targets, opposing=lower)
    assert plan.n_stages == 5 and plan.over_limit == []  # 10 degrees at 2 per aligner
    assert plan.steps[11] == 5 and plan.steps[21] == 3 and plan.steps[13] == 4 and plan.steps[26] == 2
    for f, mv in moves.items():
        got = plan.movement[f]
        assert all(abs(got[k] - mv.get(k, 0.0)) < 1e-6 for k in P.MOVEMENT_KEYS), (f, got)
        assert np.allclose(plan.poses[-1][plan.teeth.index(f)], targets[f], atol=1e-5)
    still = [i for i, f in enumerate(plan.teeth) if f not in moves]
    assert np.allclose(plan.poses[:, still], np.eye(4), atol=1e-6)
    _per_stage_ok(plan, P.Policy())
    # 21 moves into 11, and 13 comes down onto the lower canine and premolar: reported
    found = {c.teeth for c in plan.collisions}
    assert (11, 21) in found and any(t[0] == 13 and t[1] in (43, 44) for t in found)
    assert all(c.depth > 0.1 and 0 < c.stage <= plan.n_stages for c in plan.collisions)


@pytest.mark.parametrize("patient", ["P2", "P3"])
def test_the_scanned_contacts_are_not_collisions(patient):
    upper, lower = _arches(patient)
    plan = P.plan_arch(upper, P.target_from_movements(upper, {}), opposing=lower)
    assert plan.n_stages == 0 and plan.collisions == []


def test_preferences_and_bad_movements():
    upper, _ = _arches("P4")
    policy = P.Policy(overrides={"canine": {"rotation": 1.0}})
    plan = P.plan_arch(upper, P.target_from_movements(upper, {13: {"rotation": 3.0}, 12: {"rotation": 3.0}}), policy)
    assert plan.steps[13] == 3 and plan.steps[12] == 2  # rounded teeth are slower when the provider says so
    _per_stage_ok(plan, policy)
    with pytest.raises(ValueError, match="overrides: canine.spin"):
        P.Policy(overrides={"canine": {"spin": 1.0}}).table()
    with pytest.raises(ValueError, match="overrides: molar.rotation must be a positive number"):
        P.Policy(overrides={"molar": {"rotation": -1}}).table()
    with pytest.raises(ValueError, match="not tooth types"):
        P.Policy(overrides={"wisdom": {"rotation": 1.0}}).table()
    with pytest.raises(ValueError, match=r"movements: tooth 11: \['twist'\]"):
        P.target_from_movements(upper, {11: {"twist": 1.0}})
    with pytest.raises(ValueError, match=r"movements: teeth \[31\] are not in the upper arch"):
        P.target_from_movements(upper, {31: {"mesial": 1.0}})
