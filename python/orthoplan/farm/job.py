"""One planning job's work, apart from where it runs: the case's labelled scans from the artifact
store, the planning pipeline, its files back into the store, and the setup a reviewer approves."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain import plan_jobs as dp
from ..domain import setups as ds

Progress = Callable[[int, str], None]  # (percent, step); raises to stop (a cancel, a lost lease)


class JobFailed(Exception):
    """The job cannot be planned as asked; `code` is the google.rpc.Code reported."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Scan:
    jaw: str
    filename: str  # as uploaded, for messages
    sha256: str


@dataclass
class Warm:
    """A case's scans read and prepared, kept to re-stage it within a call."""

    scans: tuple[str, ...]  # sha256 of each scan, by jaw: the key an edit must match
    arches: dict[str, Any]
    checker: Any
    # per jaw: what its last plan was made from, and its resolution (an edit of the other arch reuses it)
    last: dict[str, tuple[str, Any]] = field(default_factory=dict)


@dataclass
class Result:
    plan: ds.Plan
    outputs: list[dict[str, Any]]  # name, sha256, size, content_type
    movements: dict[str, dict[str, dict[str, float]]]  # every tooth's target as planned, by jaw
    warm: Warm | None = None


def scans_key(scans: list[Scan]) -> tuple[str, ...]:
    return tuple(f"{s.jaw}:{s.sha256}" for s in sorted(scans, key=lambda s: s.jaw))


def _by_jaw(targets: dict[int, dict[str, float]]) -> dict[str, dict[int, dict[str, float]]]:
    out: dict[str, dict[int, dict[str, float]]] = {}
    for f, moves in targets.items():
        out.setdefault("upper" if f // 10 in (1, 2) else "lower", {})[f] = moves
    return out


def _policy(spec: dp.Spec):
    from ..planning.plan import Policy

    return Policy(overrides=spec.overrides, collision_tolerance=spec.collision_tolerance or 0.1,
                  pattern=spec.pattern, start=spec.start, overcorrection=spec.overcorrection)


def _movements_json(plan: Any, given: dict[str, dict[int, dict[str, float]]]) -> dict[str, dict[str, dict]]:
    """Every tooth of every arch with its target as planned ({} for one that stays)."""
    planned = plan.movements(given)
    return {jaw: {str(f): dict(planned[jaw].get(f, {})) for f in p.teeth} for jaw, p in plan.arches.items()}


def restage(warm: Warm, spec: dp.Spec) -> Result:
    """A warm case re-staged with every tooth's target given (no proposal, no scans read, nothing
    prepared): staging, re-timing, IPR and the check between the arches. No files are written."""
    from ..planning import outputs as po

    given = _by_jaw(spec.targets)
    for jaw in warm.arches:
        given.setdefault(jaw, {})
    keys = {jaw: _arch_key(spec, moves) for jaw, moves in given.items()}
    reuse = {jaw: r for jaw, (key, r) in warm.last.items() if keys.get(jaw) == key}
    try:
        plan = po.plan_scans(warm.arches, given, _policy(spec), ipr_allowed=spec.ipr_allowed,
                             do_not_move=frozenset(spec.do_not_move), checker=warm.checker, reuse=reuse)
    except ValueError as e:
        raise JobFailed(3, str(e)) from None
    warm.last = {jaw: (keys[jaw], plan.resolutions[jaw]) for jaw in plan.arches if jaw not in reuse} | {
        jaw: warm.last[jaw] for jaw in reuse}
    return Result(setup_plan(plan), [], _movements_json(plan, given), warm)


def _arch_key(spec: dp.Spec, moves: dict[int, dict[str, float]]) -> str:
    """What one arch's staging depends on: its targets and the policy."""
    import json

    policy = {k: v for k, v in spec.as_json().items() if k != "targets"}
    return json.dumps([sorted((f, sorted(m.items())) for f, m in moves.items()), policy], sort_keys=True)


def run(spec: dp.Spec, scans: list[Scan], artifacts: Any, progress: Progress) -> Result:
    """Plans the case and stores every output file in `artifacts`; JobFailed for bad scans."""
    from ..planning import outputs as po
    from ..planning.scans import ScanError, arch_from_labelled

    with tempfile.TemporaryDirectory(prefix="orthoplan-plan-") as tmp:
        work = Path(tmp)
        arches = {}
        progress(5, "reading the scans")
        for scan in scans:
            path = work / f"{scan.jaw}.vtp"
            with path.open("wb") as f:
                for chunk in artifacts.read(scan.sha256):
                    f.write(chunk)
            try:
                arches[scan.jaw] = arch_from_labelled(path, scan.jaw)
            except ScanError as e:
                raise JobFailed(3, str(e).replace(str(path), scan.filename)) from None
        movements = _by_jaw(spec.targets)
        if spec.given_only:  # an edit: every tooth's target is given, none is proposed
            for jaw in arches:
                movements.setdefault(jaw, {})
        steps = iter(range(10, 70, 4))

        def step(what: str) -> None:
            progress(next(steps, 70), what)
        try:
            plan = po.plan_scans(arches, movements, _policy(spec), ipr_allowed=spec.ipr_allowed,
                                 do_not_move=frozenset(spec.do_not_move), progress=step)
        except ValueError as e:  # targets naming teeth the scans do not have, and the like
            raise JobFailed(3, str(e)) from None
        progress(75, "writing the outputs")
        files = po.write(plan, work / "out", progress=lambda what: progress(80, what))
        progress(90, "storing the outputs")
        stored = []
        for path in files:
            staged = artifacts.receive(_chunks(path))
            staged.commit()
            stored.append({"name": path.relative_to(work / "out").as_posix(), "sha256": staged.info.sha256,
                           "size": staged.info.size, "content_type": staged.info.content_type or _type(path)})
        planned = _movements_json(plan, movements)
        warm = Warm(scans_key(scans), arches, plan.checker)
        # as an edit will ask for it: every tooth's target given; an edit of one arch reuses the other
        as_edit = dataclasses.replace(spec, targets={int(f): m for moves in planned.values() for f, m in moves.items()},
                                      given_only=True)
        for jaw, moves in _by_jaw(as_edit.targets).items():
            warm.last[jaw] = (_arch_key(as_edit, moves), plan.resolutions[jaw])
        return Result(setup_plan(plan), stored, planned, warm)


def _chunks(path: Path, size: int = 1 << 20):
    with path.open("rb") as f:
        while chunk := f.read(size):
            yield chunk


def _type(path: Path) -> str:
    return {".json": "application/json", ".csv": "text/csv", ".svg": "image/svg+xml", ".png": "image/png",
            ".stl": "model/stl"}.get(path.suffix, "application/octet-stream")


def setup_plan(plan: Any) -> ds.Plan:
    """The reviewable setup from a planned case: per moving tooth its target and the stages it
    moves in, the IPR, and notes for the reviewer (what the proposal and the checks found)."""
    teeth, ipr, notes = [], [], []
    for jaw, p in plan.arches.items():
        for i, f in enumerate(p.teeth):
            if p.steps[f] == 0:
                continue
            first = p.start[f] + 1
            teeth.append(ds.ToothMovement(f, tuple(float(x) for x in p.poses[-1][i].reshape(-1)), first,
                                          min(p.start[f] + p.steps[f], plan.aligners)))
        for site in plan.resolutions[jaw].ipr:
            ipr.append(ds.IprSite(site.teeth[0], site.teeth[1], round(site.amount_mm, 2),
                                  min(site.before_stage, plan.aligners)))
        if jaw in plan.proposals:
            notes += [f"{jaw}: {n}" for n in plan.proposals[jaw].notes]
        for c in plan.resolutions[jaw].unresolved:
            notes.append(f"{jaw}: unresolved contact {c.teeth[0]}-{c.teeth[1]} of {c.depth:.2f} mm at stage {c.stage}")
    text = "\n".join(notes)
    return ds.Plan(max(plan.aligners, 1), tuple(teeth), tuple(ipr), text[:3990] + ("..." if len(text) > 3990 else ""))
