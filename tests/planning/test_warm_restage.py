"""A warm re-stage (the case's prepared structures kept, the unchanged arch's resolution reused, the
check across the arches re-measured only where teeth moved) gives exactly what planning from
scratch gives."""

from __future__ import annotations

import dataclasses

from orthoplan.domain import plan_jobs as dp
from orthoplan.farm import job as work
from orthoplan.planning import outputs as po
from orthoplan.planning import procedural
from orthoplan.planning.plan import Policy


def _summary(plan) -> tuple:
    return (work.setup_plan(plan), {jaw: [(c.teeth, c.stage, round(c.depth, 6)) for c in p.collisions]
                                    for jaw, p in plan.arches.items()},
            {jaw: [(c.teeth, c.stage) for c in r.unresolved] for jaw, r in plan.resolutions.items()})


def test_edits_restaged_warm_equal_a_plan_from_scratch():
    arches, _ = procedural.sample_case(7)
    given = {"upper": {11: {"rotation": 4.0}, 21: {"mesial": 0.3}}}
    first = po.plan_scans(arches, given, Policy(), ipr_allowed=True)
    planned = work._movements_json(first, given)
    base = dp.Spec(targets={int(f): m for moves in planned.values() for f, m in moves.items()}, ipr_allowed=True,
                   given_only=True)
    warm = work.Warm(("k",), arches, first.checker)
    for jaw, moves in work._by_jaw(base.targets).items():
        warm.last[jaw] = (work._arch_key(base, moves), first.resolutions[jaw])
    for fdi, moves in ((12, {"rotation": 7.0}), (21, {"mesial": 0.8}), (41, {"buccal": 0.6}),
                       (12, {"rotation": 7.0})):
        spec = dataclasses.replace(base, targets={**base.targets, fdi: moves})
        warm_result = work.restage(warm, spec)
        scratch = po.plan_scans(arches, work._by_jaw(spec.targets), Policy(), ipr_allowed=True)
        assert warm_result.plan == work.setup_plan(scratch), fdi
        assert warm_result.movements == work._movements_json(scratch, work._by_jaw(spec.targets))
        # the collision reports agree too (same checker state reached by another path)
        again = po.plan_scans(arches, work._by_jaw(spec.targets), Policy(), ipr_allowed=True,
                              checker=warm.checker, reuse={})
        assert _summary(again) == _summary(scratch), fdi
