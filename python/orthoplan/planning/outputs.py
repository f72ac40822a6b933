"""A whole case planned from its manifest, and the files a clinician reviews: plan.json (versioned),
the tooth movement table and the collision report as CSV, and one printable STL model per stage
and arch. The same manifest gives the same bytes."""

from __future__ import annotations

import csv
import dataclasses
import io
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import charts
from . import manifest as mf
from .attachments import suggest
from .plan import MOVEMENT_KEYS, ArchPlan, Checker, Policy, target_from_movements
from .resolve import IprSite, Resolution, resolve
from .scans import Arch, Mesh
from .setup import Proposal, SetupLimits, clear_bite, propose

PLAN_FORMAT = "orthoplan.plan/1"


@dataclass
class CasePlan:
    manifest: mf.Manifest | None
    arches: dict[str, ArchPlan]
    aligners: int  # both arches finish together: the shorter one gets passive aligners
    resolutions: dict[str, Resolution]
    proposals: dict[str, Proposal] = field(default_factory=dict)  # the arches whose setup was proposed
    checker: Checker | None = None  # the case's prepared clearance structures, to re-stage it warm

    def movements(self, given: dict[str, dict[int, dict[str, float]]]) -> dict[str, dict[int, dict[str, float]]]:
        """Every arch's targets as planned: the proposal's where there was one, else `given`."""
        return {jaw: (self.proposals[jaw].movements if jaw in self.proposals else given.get(jaw, {}))
                for jaw in self.arches}

    def poses_at(self, jaw: str, stage: int) -> np.ndarray:
        plan = self.arches[jaw]
        return plan.sequence[min(stage, plan.total)]


def plan_case(m: mf.Manifest, progress: Callable[[str], None] = lambda _: None) -> CasePlan:
    """A case from its manifest."""
    progress("reading scans")
    return plan_scans(mf.arches(m), m.targets, m.policy, ipr_allowed=m.ipr_allowed, do_not_move=m.do_not_move,
                      bounds=m.proposal, manifest=m, progress=progress)


def plan_scans(arches: dict[str, Arch], movements: dict[str, dict[int, dict[str, float]]], policy: Policy, *,
               ipr_allowed: bool, do_not_move: frozenset[int] = frozenset(), bounds: SetupLimits | None = None,
               manifest: mf.Manifest | None = None, progress: Callable[[str], None] = lambda _: None,
               checker: Checker | None = None, reuse: dict[str, Resolution] | None = None) -> CasePlan:
    """Arches and their targets as clinical movement values; an arch without any gets a proposed
    setup (planning/setup.py). `checker`: the case's prepared structures from an earlier plan of
    the same scans (a warm case), else they are prepared here."""
    checker = checker or _case_checker(arches)
    targets, proposals = {}, {}
    name = manifest.path.name if manifest is not None else "case"
    for jaw, arch in arches.items():
        if movements.get(jaw) is None:
            progress(f"proposing a setup for the {jaw} arch")
            proposals[jaw] = propose(arch, do_not_move=do_not_move, limits=bounds or SetupLimits(),
                                     ipr_allowed=ipr_allowed, checker=checker)
        moves = proposals[jaw].movements if jaw in proposals else movements[jaw]
        try:
            targets[jaw] = target_from_movements(arch, moves)
        except ValueError as e:
            raise mf.ManifestError(f"{name}: targets.{jaw}: {e}") from None
    if len(arches) == 2 and proposals:  # levelling must not drive a tooth into the opposing arch
        every = {jaw: proposals[jaw].movements if jaw in proposals else movements[jaw] for jaw in arches}
        clear_bite(checker, every, proposals, policy.collision_tolerance)
        targets.update({jaw: target_from_movements(arches[jaw], p.movements) for jaw, p in proposals.items()})
    plan = plan_arches(arches, targets, policy, ipr_allowed=ipr_allowed, manifest=manifest, progress=progress,
                       checker=checker, reuse=reuse)
    plan.proposals, plan.checker = proposals, checker
    return plan


def _case_checker(arches: dict[str, Arch]) -> Checker:
    """The case's clearance structures, prepared once: both arches when there are two."""
    if len(arches) == 2:
        return Checker(arches["upper"], arches["lower"])
    return Checker(next(iter(arches.values())))


def plan_arches(arches: dict[str, Arch], targets: dict[str, dict[int, np.ndarray]], policy: Policy, *,
                ipr_allowed: bool, manifest: mf.Manifest | None = None,
                progress: Callable[[str], None] = lambda _: None, checker: Checker | None = None,
                reuse: dict[str, Resolution] | None = None) -> CasePlan:
    """Each arch staged and its collisions resolved, then the arches checked against each other at
    every stage (the shorter one holding its final poses: passive aligners). `checker`: the case's
    prepared structures (`_case_checker`), when the caller has them. `reuse`: an arch's resolution
    from an earlier call with the same targets and policy (an edit of the other arch)."""
    plans: dict[str, ArchPlan] = {}
    resolutions: dict[str, Resolution] = {}
    case = checker or _case_checker(arches)
    both = case if len(arches) == 2 else None
    for jaw, arch in arches.items():
        progress(f"staging the {jaw} arch")
        other = arches["lower" if jaw == "upper" else "upper"] if both is not None else None
        own = both.own(arch, other) if both is not None else case
        if reuse and jaw in reuse:  # copied: the check across the arches adds to its lists
            r = reuse[jaw]
            resolutions[jaw] = dataclasses.replace(r, plan=dataclasses.replace(r.plan, collisions=list(
                r.plan.collisions)), unresolved=list(r.unresolved))
        else:
            resolutions[jaw] = resolve(arch, targets[jaw], policy, checker=own, ipr_allowed=ipr_allowed)
        plans[jaw] = resolutions[jaw].plan
    aligners = max(p.total for p in plans.values())
    if both is not None:
        progress("checking the arches against each other")
        up, lo = plans["upper"], plans["lower"]

        def padded(p: ArchPlan) -> np.ndarray:
            return np.concatenate([p.sequence, np.repeat(p.sequence[-1:], aligners - p.total, axis=0)])
        # the upper arch's own contacts were checked while staging it: only those across the arches now
        across = both.check_across(padded(up), padded(lo), policy)
        up.collisions = sorted(up.collisions + across, key=lambda c: -c.depth)
        # contacts between the arches: re-timing and IPR work within an arch, so these are reported
        seen = {c.teeth for c in resolutions["upper"].unresolved}
        resolutions["upper"].unresolved += [c for c in up.collisions if c.teeth[1] // 10 in (3, 4)
                                            and c.teeth not in seen]
    return CasePlan(manifest, plans, aligners, resolutions)


def _arch_mesh(arch: Arch, poses: np.ndarray, order: list[int]) -> Mesh:
    verts, faces, offset = [], [], 0
    parts = [(arch.teeth[f].mesh, poses[i]) for i, f in enumerate(order)]
    if arch.gingiva is not None:
        parts.append((arch.gingiva, np.eye(4)))
    for mesh, pose in parts:
        verts.append(mesh.vertices @ pose[:3, :3].T + pose[:3, 3])
        faces.append(mesh.faces + offset)
        offset += len(mesh.vertices)
    return Mesh(np.concatenate(verts), np.concatenate(faces))


def stl_bytes(mesh: Mesh, name: str) -> bytes:
    """Binary STL (little-endian float32), facet normals from the winding."""
    tri = mesh.vertices[mesh.faces].astype(np.float64)
    n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    rec = np.zeros(len(tri), dtype=[("n", "<f4", 3), ("v", "<f4", (3, 3)), ("attr", "<u2")])
    rec["n"], rec["v"] = n, tri
    header = f"orthoplan {name}".encode()[:80].ljust(80, b" ")
    return header + struct.pack("<I", len(tri)) + rec.tobytes()


def _ipr(site: IprSite) -> dict:
    return {"teeth": list(site.teeth), "amount_mm": site.amount_mm, "before_stage": site.before_stage}


def summary(plan: CasePlan) -> dict:
    allowed = plan.manifest.attachments_allowed if plan.manifest is not None else True
    out = {"format": PLAN_FORMAT, "aligners": plan.aligners, "attachments_allowed": allowed, "arches": {}}
    for jaw, p in plan.arches.items():
        out["arches"][jaw] = {
            "active_aligners": p.n_stages, "overcorrection_aligners": p.total - p.n_stages,
            "passive_aligners": plan.aligners - p.total, "start": {str(f): p.start[f] for f in p.teeth},
            "teeth": p.teeth, "stages_per_tooth": {str(f): p.steps[f] for f in p.teeth},
            "movement": {str(f): p.movement[f] for f in p.teeth},
            "over_limit": [{"tooth": f, "component": c, "per_stage": v, "limit": lim}
                           for f, c, v, lim in p.over_limit],
            "collisions": [{"teeth": list(c.teeth), "stage": c.stage, "depth_mm": c.depth, "witness": list(c.where)}
                           for c in p.collisions],
            "delays": {str(f): d for f, d in plan.resolutions[jaw].delays.items()},
            "ipr": [_ipr(s) for s in plan.resolutions[jaw].ipr],
            "unresolved": [{"teeth": list(c.teeth), "stage": c.stage, "depth_mm": c.depth}
                           for c in plan.resolutions[jaw].unresolved],
            "attachments": [{"tooth": a.tooth, "reasons": list(a.reasons)} for a in suggest(p)],
            "poses": [[pose[:3].reshape(-1).tolist() for pose in stage] for stage in p.sequence],
            # how models/stage_SS_<jaw>.stl splits: these teeth's triangles in order, then the gingiva's
            "model_faces": [len(p.arch.teeth[f].mesh.faces) for f in p.teeth],
            "setup": ({"source": "proposed", **plan.proposals[jaw].as_dict()} if jaw in plan.proposals
                      else {"source": "manifest"}),
        }
    return out


def _num(v: float, places: int = 3) -> str:
    return f"{round(v, places) + 0.0:.{places}f}"  # + 0.0: no "-0.000"


def write(plan: CasePlan, out: str | Path, *, models: bool = True,
          progress: Callable[[str], None] = lambda _: None) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []

    def put(name: str, data: bytes) -> None:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    put("plan.json", mf.as_json(summary(plan)).encode())
    table = io.StringIO()
    w = csv.writer(table, lineterminator="\n")
    w.writerow(["arch", "tooth", "stages", *[f"{k}_total" for k in MOVEMENT_KEYS], *[f"{k}_per_stage"
                                                                                   for k in MOVEMENT_KEYS]])
    for jaw, p in plan.arches.items():
        for f in p.teeth:
            k = max(p.steps[f], 1)
            mv = p.movement[f]
            w.writerow([jaw, f, p.steps[f], *[_num(mv[c]) for c in MOVEMENT_KEYS],
                        *[_num(mv[c] / k) for c in MOVEMENT_KEYS]])
    put("movement_table.csv", table.getvalue().encode())
    report = io.StringIO()
    w = csv.writer(report, lineterminator="\n")
    w.writerow(["tooth_a", "tooth_b", "stage", "depth_mm", "x", "y", "z"])
    for p in plan.arches.values():
        for c in p.collisions:
            w.writerow([*c.teeth, c.stage, _num(c.depth), *[_num(v, 2) for v in c.where]])
    put("collisions.csv", report.getvalue().encode())
    chart = io.StringIO()
    w = csv.writer(chart, lineterminator="\n")
    w.writerow(["arch", "tooth_a", "tooth_b", "amount_mm", "each_tooth_mm", "before_stage"])
    for jaw, r in plan.resolutions.items():
        for site in r.ipr:
            w.writerow([jaw, *site.teeth, _num(site.amount_mm, 2), _num(site.amount_mm / 2, 2), site.before_stage])
    put("ipr_chart.csv", chart.getvalue().encode())
    progress("drawing the charts")
    for fmt in ("svg", "png"):
        put(f"charts/ipr_chart.{fmt}", charts.ipr_chart(plan, fmt))
        put(f"charts/movement_chart.{fmt}", charts.movement_chart(plan, fmt))
    if models:
        for s in range(plan.aligners + 1):
            progress(f"writing stage {s} of {plan.aligners}")
            for jaw, p in plan.arches.items():
                put(f"models/stage_{s:02d}_{jaw}.stl",
                    stl_bytes(_arch_mesh(p.arch, plan.poses_at(jaw, s), p.teeth), f"stage {s} {jaw}"))
    return written
