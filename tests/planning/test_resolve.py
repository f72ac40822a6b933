"""Resolving collisions on a real arch: re-timing in batched candidate schedules first, IPR in
0.1 mm steps within its limit when allowed, and what is left reported."""

from __future__ import annotations

from orthoplan.planning import plan as P
from orthoplan.planning import resolve as R

from tests.planning.test_plan import _per_stage_ok
from tests.planning.test_scans import _arches

MOVES = {11: {"rotation": 10.0}, 21: {"mesial": 0.6}, 12: {"mesial": 0.5}, 22: {"rotation": -6}}


def test_retiming_then_ipr():
    upper, _ = _arches("P1")
    targets = P.target_from_movements(upper, MOVES)
    checker = P.Checker(upper)
    before = P.plan_arch(upper, targets, checker=checker)
    assert len(before.collisions) == 2
    out = R.resolve(upper, targets, checker=checker, ipr_allowed=True)
    assert out.candidates > 10 and out.rounds >= 1 and out.delays  # several schedules, one kernel call a round
    assert len(out.plan.collisions) < len(before.collisions)
    assert out.plan.n_stages <= before.n_stages + 1 and out.plan.start == {f: out.delays.get(f, 0)
                                                                              for f in out.plan.teeth}
    _per_stage_ok(out.plan, P.Policy())
    for f in MOVES:  # still ends on the target
        assert abs(out.plan.poses[-1][out.plan.teeth.index(f)] - targets[f]).max() < 1e-5
    assert out.unresolved == [] and out.ipr
    for site in out.ipr:
        assert 0 < site.amount_mm <= 0.5 and round(site.amount_mm * 10, 6) == int(round(site.amount_mm * 10))
        assert 1 <= site.before_stage <= out.plan.n_stages
        assert site.amount_mm >= next(c.depth for c in out.plan.collisions if c.teeth == site.teeth)
    # without IPR the same contact is reported, not hidden
    no_ipr = R.resolve(upper, targets, checker=checker, ipr_allowed=False)
    assert no_ipr.ipr == [] and {c.teeth for c in no_ipr.unresolved} == {s.teeth for s in out.ipr}


def test_too_deep_for_ipr_is_reported():
    upper, _ = _arches("P2")
    targets = P.target_from_movements(upper, {21: {"mesial": 1.2}})
    out = R.resolve(upper, targets, ipr_allowed=True, max_delay=2, rounds=1)
    assert out.unresolved and all(c.depth > 0.5 for c in out.unresolved)
    assert all(s.amount_mm <= 0.5 for s in out.ipr)
