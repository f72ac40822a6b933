"""Resolving collisions: first by re-timing, then by IPR.

Re-timing: for every pair still in contact, candidate schedules delay one of its two teeth by 1 to
`max_delay` stages; all candidates are staged and checked in one batched kernel call, and the best
one is kept (fewest pairs in contact, then shallowest, then fewest aligners, then least delay).
This repeats for a few rounds while it helps.

IPR (when the manifest allows it): a neighbour contact still deeper than the tolerance loses the
enamel it needs, in 0.1 mm steps, split between the two teeth, never more than the per-contact
limit (0.5 mm by default), scheduled before the first stage that needs it. What neither resolves
is reported, never hidden.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import kernels as K
from .plan import TYPE_ROWS, TYPES, ArchPlan, Checker, Collision, Policy, plan_arch
from .scans import Arch, neighbour_pairs

IPR_STEP = 0.1


@dataclass(frozen=True)
class IprSite:
    teeth: tuple[int, int]
    amount_mm: float  # split evenly between the two teeth
    before_stage: int  # done before this aligner is worn


@dataclass
class Resolution:
    plan: ArchPlan
    delays: dict[int, int] = field(default_factory=dict)  # tooth -> stages it waits
    ipr: list[IprSite] = field(default_factory=list)
    unresolved: list[Collision] = field(default_factory=list)
    rounds: int = 0
    candidates: int = 0


def _score(depth: np.ndarray, tol: float, n_stages: np.ndarray, delay: np.ndarray) -> list[tuple]:
    worst = depth.max(axis=1)  # [B, P]
    bad = worst > tol
    return [(int(bad[b].sum()), float(np.where(bad[b], worst[b], 0).sum()), int(n_stages[b]), int(delay[b].sum()))
            for b in range(len(worst))]


def _stretched(x: np.ndarray, stages: int, copies: int) -> np.ndarray:
    """A plan's per-stage array [1, S+1, ...] as `copies` schedules of `stages` stages: a pair whose
    teeth do not change keeps its values, and holds its last one once they have stopped."""
    out = x[:, :stages]
    if out.shape[1] < stages:
        out = np.concatenate([out, np.repeat(out[:, -1:], stages - out.shape[1], axis=1)], axis=1)
    return np.repeat(out, copies, axis=0)


def resolve(arch: Arch, targets: dict[int, np.ndarray], policy: Policy | None = None, *,
            checker: Checker | None = None, ipr_allowed: bool = False, ipr_limit: float = 0.5,
            max_delay: int = 6, rounds: int = 4, backend: str | None = None) -> Resolution:
    policy = policy or Policy()
    checker = checker or Checker(arch)
    teeth = checker.teeth
    t = len(teeth)
    limits = policy.table()
    types = np.array([TYPE_ROWS.index(TYPES[f % 10]) for f in teeth])
    initial = np.tile(np.eye(4), (t, 1, 1))
    target = np.array([targets.get(f, np.eye(4)) for f in teeth])
    frames = np.array([arch.teeth[f].frame for f in teeth])
    moving = np.array([not np.allclose(target[i], np.eye(4), atol=1e-9) for i in range(t)])
    out = Resolution(plan_arch(arch, targets, policy, checker=checker, backend=backend))
    base = np.array([out.plan.start[f] for f in teeth])  # the policy's pattern and custom starts
    start = base.copy()
    for _ in range(rounds):
        if not out.plan.collisions:
            break
        cands = []
        for c in out.plan.collisions:
            for f in c.teeth:
                if f in checker.teeth and moving[teeth.index(f)]:
                    for d in range(1, max_delay + 1):
                        s = start.copy()
                        s[teeth.index(f)] += d
                        cands.append(s)
        if not cands:
            break
        batch = np.unique(np.array(cands), axis=0)
        res = K.stage(initial, target, frames, types, limits, start=batch, backend=backend)
        poses = np.asarray(res.poses).astype(np.float64)
        now_depth = out.plan.depth[None]
        # a candidate delays one tooth: only the pairs with a delayed tooth can change; the others
        # keep the current plan's depths (their teeth run the same schedules)
        delayed = {teeth[i] for i in np.nonzero((batch != start).any(axis=0))[0]}
        rows = np.array([p for p, (a, b) in enumerate(checker.pairs)
                         if checker.name(a) in delayed or checker.name(b) in delayed], dtype=int)
        depth, witness = (_stretched(x, poses.shape[1], len(batch)) for x in (now_depth, out.plan.witness[None]))
        depth[:, :, rows], witness[:, :, rows] = checker.depths(poses, backend=backend, rows=rows)
        scores = _score(depth, policy.collision_tolerance, np.asarray(res.n_stages), batch - base)
        best = min(range(len(batch)), key=lambda b: scores[b])
        out.rounds += 1
        out.candidates += len(batch)
        current = _score(now_depth, policy.collision_tolerance, np.array([out.plan.n_stages]), start[None] - base)[0]
        if scores[best] >= current:
            break
        start = batch[best]
        n_best = int(np.asarray(res.n_stages)[best])
        out.plan = plan_arch(arch, targets, policy, checker=checker, backend=backend,
                             start={f: int(start[i]) for i, f in enumerate(teeth)},
                             measured=(depth[best, : n_best + 1], witness[best, : n_best + 1]))
    out.delays = {f: int(start[i] - base[i]) for i, f in enumerate(teeth) if start[i] > base[i]}
    neighbours = set(neighbour_pairs(arch))
    depth = out.plan.depth[None]
    index = {(checker.name(a), checker.name(b)): p for p, (a, b) in enumerate(checker.pairs)}
    for c in out.plan.collisions:
        if ipr_allowed and c.teeth in neighbours and c.depth <= ipr_limit:
            amount = min(ipr_limit, math.ceil(round(c.depth / IPR_STEP, 6)) * IPR_STEP)
            first = int(np.argmax(depth[0, :, index[c.teeth]] > policy.collision_tolerance))
            out.ipr.append(IprSite(c.teeth, round(amount, 2), max(first, 1)))
        else:
            out.unresolved.append(c)
    return out
