"""From teeth and their targets to a checked plan: per-stage limits by tooth type (clinical defaults,
the provider's preferences on top), targets from clinical movement values, staging by the kernels,
every stage checked for contacts between neighbours and against the opposing arch, and the tooth
movement table. Collisions found are reported, never hidden (resolving them by re-timing and IPR
is the next step of the pipeline)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import kernels as K
from ..kernels.staging import LIMIT_COLUMNS, make_problem, movement_components
from .scans import Arch, neighbour_pairs, opposing_pairs

# tooth types by FDI position (1-7): rows of the limits table
TYPES = {1: "incisor", 2: "incisor", 3: "canine", 4: "premolar", 5: "premolar", 6: "molar", 7: "molar"}
TYPE_ROWS = ("incisor", "canine", "premolar", "molar")
# per aligner: mesial-distal, buccal-lingual, intrusion, extrusion (mm); rotation, tip, torque (deg).
# Rounded teeth (canines, premolars) rotate less readily: a lower rotation limit.
DEFAULT_LIMITS = {
    "incisor": (0.25, 0.25, 0.15, 0.15, 2.0, 2.0, 1.0),
    "canine": (0.25, 0.25, 0.15, 0.15, 1.5, 2.0, 1.0),
    "premolar": (0.25, 0.25, 0.15, 0.15, 1.5, 2.0, 1.0),
    "molar": (0.20, 0.20, 0.15, 0.15, 1.0, 1.5, 1.0),
}
MOVEMENT_KEYS = ("mesial", "buccal", "extrusion", "rotation", "tip", "torque")
PATTERNS = ("simultaneous", "sequential_distalization")
# sequential distalization: each group starts when the one before it has finished moving
DISTALIZATION_GROUPS = ((7,), (6,), (5,), (4,), (3,), (1, 2))
# overcorrection: teeth whose total rotation or extrusion is at least this much get it
OVERCORRECT_ROTATION, OVERCORRECT_EXTRUSION = 5.0, 0.5


@dataclass(frozen=True)
class Policy:
    """Per-stage limits by tooth type; `overrides` (the provider's preferences) replace single
    values, e.g. {"canine": {"rotation": 1.0}}; `collision_tolerance` (mm) is how deep a contact
    may get beyond the scanned one before it is reported."""

    overrides: dict[str, dict[str, float]] = field(default_factory=dict)
    collision_tolerance: float = 0.10
    pattern: str = "simultaneous"  # or "sequential_distalization": molars first, then premolars, ...
    start: dict[int, int] = field(default_factory=dict)  # custom first stage per tooth (FDI -> stage)
    overcorrection: int = 0  # aligners past the target for rotations and extrusions, which lag

    def check(self) -> None:
        """ValueError naming what is wrong, for a policy from a manifest."""
        self.table()
        if self.pattern not in PATTERNS:
            raise ValueError(f"pattern: {self.pattern!r} is not one of {', '.join(PATTERNS)}")
        for f, stage in self.start.items():
            if not (isinstance(stage, int) and not isinstance(stage, bool) and 0 <= stage <= 60):
                raise ValueError(f"start: tooth {f}: the first stage must be a whole number 0-60")
        if not (isinstance(self.overcorrection, int) and 0 <= self.overcorrection <= 5):
            raise ValueError("overcorrection: 0-5 aligners")

    def table(self) -> np.ndarray:
        rows = []
        for name in TYPE_ROWS:
            row = list(DEFAULT_LIMITS[name])
            for key, value in self.overrides.get(name, {}).items():
                if key not in LIMIT_COLUMNS:
                    raise ValueError(f"overrides: {name}.{key} is not one of {', '.join(LIMIT_COLUMNS)}")
                if not (isinstance(value, (int, float)) and 0 < value <= 10):
                    raise ValueError(f"overrides: {name}.{key} must be a positive number up to 10")
                row[LIMIT_COLUMNS.index(key)] = float(value)
            rows.append(row)
        unknown = set(self.overrides) - set(TYPE_ROWS)
        if unknown:
            raise ValueError(f"overrides: {sorted(unknown)} are not tooth types ({', '.join(TYPE_ROWS)})")
        return np.array(rows)


def buccal_sign(fdi: int) -> float:
    """y = z x x points lingual on the patient's right (quadrants 1 and 4): buccal is -y there."""
    return -1.0 if fdi // 10 in (1, 4) else 1.0


def target_from_movements(arch: Arch, movements: dict[int, dict[str, float]]) -> dict[int, np.ndarray]:
    """Target poses (mesh -> world, [4, 4]) from clinical movement values per tooth, in its frame:
    mesial (mm, + toward the midline), buccal (mm, + toward the cheek or lip), extrusion (mm, +
    out of the bone, - intrusion), rotation about the long axis, tip about the buccal-lingual axis,
    torque about the mesial-distal axis (degrees, right-hand rule about the frame's axes)."""
    targets = {}
    for fdi, tooth in arch.teeth.items():
        mv = movements.get(fdi, {})
        bad = set(mv) - set(MOVEMENT_KEYS)
        if bad:
            raise ValueError(f"movements: tooth {fdi}: {sorted(bad)} are not one of {', '.join(MOVEMENT_KEYS)}")
        t = np.array([mv.get("mesial", 0.0), buccal_sign(fdi) * mv.get("buccal", 0.0), mv.get("extrusion", 0.0)])
        rv = np.radians([mv.get("torque", 0.0), mv.get("tip", 0.0), mv.get("rotation", 0.0)])
        local = np.eye(4)
        local[:3, :3] = _rotation(rv)
        local[:3, 3] = t
        frame = tooth.frame
        targets[fdi] = frame @ local @ np.linalg.inv(frame)
    unknown = set(movements) - set(arch.teeth)
    if unknown:
        raise ValueError(f"movements: teeth {sorted(unknown)} are not in the {arch.jaw} arch")
    return targets


def _rotation(rv: np.ndarray) -> np.ndarray:
    angle = float(np.linalg.norm(rv))
    if angle < 1e-12:
        return np.eye(3)
    k = rv / angle
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + math.sin(angle) * kx + (1 - math.cos(angle)) * kx @ kx


@dataclass
class Collision:
    teeth: tuple[int, int]
    stage: int
    depth: float  # mm beyond the scanned contact
    where: tuple[float, float, float]  # a witness point on the first tooth (world, mm)


@dataclass
class ArchPlan:
    arch: Arch
    teeth: list[int]  # FDI, in pose order
    n_stages: int
    poses: np.ndarray  # [S+1, T, 4, 4]
    movement: dict[int, dict[str, float]]  # per tooth: total per component (mm, deg)
    steps: dict[int, int]  # per tooth: stages it moves in
    # (tooth, component, per stage, limit): what the policy could not keep (none when staging works)
    over_limit: list[tuple[int, str, float, float]] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    start: dict[int, int] = field(default_factory=dict)  # per tooth: the stage it starts moving at
    over: np.ndarray | None = None  # [N, T, 4, 4]: overcorrection aligners past the target
    depth: np.ndarray | None = None  # [S+1, P]: each checked pair's depth beyond the scan, per stage
    witness: np.ndarray | None = None  # [S+1, P, 3]: the witness point on the first tooth

    @property
    def sequence(self) -> np.ndarray:
        """Every aligner's poses: the stages to the target, then any overcorrection."""
        return self.poses if self.over is None or not len(self.over) else np.concatenate([self.poses, self.over])

    @property
    def total(self) -> int:
        return len(self.sequence) - 1


class Checker:
    """The clearance structures of one arch (and the opposing one) and the pairs to check, built
    once per case: re-staging after an edit then costs only the staging and the check.

    `neighbours_only` checks the arch's own contacts (the opposing arch, if given, stays as
    scanned); `shared` reuses another checker's prepared structures when they hold these teeth."""

    def __init__(self, arch: Arch, opposing: Arch | None = None, *, neighbours_only: bool = False,
                 shared: Checker | None = None):
        self.arch, self.opposing = arch, opposing
        self.teeth = arch.order()
        self.other = opposing.order() if opposing is not None else []
        if shared is not None:
            if not set(self.teeth + self.other) <= set(shared.slots):
                raise ValueError("shared: its prepared structures do not hold these teeth")
            self.slots, self.prepared = shared.slots, shared.prepared
        else:
            self.slots = self.teeth + self.other  # FDI number of each prepared crown
            meshes = [(a.teeth[f].mesh.vertices, a.teeth[f].mesh.faces)
                      for a, group in ((arch, self.teeth), (opposing, self.other)) for f in group]
            self.prepared = K.prepare_case(meshes)
        self.index = {f: i for i, f in enumerate(self.slots)}
        pairs = [(self.index[a], self.index[b]) for a, b in neighbour_pairs(arch)]
        if opposing is not None and not neighbours_only:
            up, lo = (arch, opposing) if arch.jaw == "upper" else (opposing, arch)
            pairs += [(self.index[a], self.index[b]) for a, b in opposing_pairs(up, lo)]
        self.pairs = np.array(pairs)
        self.mine = [self.index[f] for f in self.teeth]
        self.theirs = [self.index[f] for f in self.other]
        self.baseline: np.ndarray | None = None  # the scanned contacts, measured once
        self.last_depth: np.ndarray | None = None  # the depths of the last check()
        self.last_witness: np.ndarray | None = None
        self._own: dict[tuple[str, int], Checker] = {}
        self._across: tuple | None = None  # the last check across the arches (check_across)

    def depths(self, poses: np.ndarray, opposing_poses: np.ndarray | None = None,
               backend: str | None = None, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """For B schedules at once (poses [B, S+1, T, 4, 4]): how much deeper than in the scan each
        pair gets at each stage [B, S+1, P] (-inf: apart beyond reach), and the witnesses on the
        first tooth [B, S+1, P, 3]. One batched kernel call. `rows`: only these pairs (indices
        into `self.pairs`), in that order."""
        b, s = poses.shape[:2]
        full = np.tile(np.eye(4), (b, s, len(self.slots), 1, 1))
        full[:, :, self.mine] = poses
        if self.theirs and opposing_poses is not None:
            still = opposing_poses if opposing_poses.ndim == 4 else np.broadcast_to(
                opposing_poses, (s, *opposing_poses.shape))
            full[:, :, self.theirs] = still[:s]
        if self.baseline is None:
            scanned = K.clearance(self.prepared, np.tile(np.eye(4), (1, 1, len(self.slots), 1, 1)), self.pairs,
                                  backend=backend)
            c0 = np.asarray(scanned.clearance)[0, 0]
            self.baseline = np.minimum(np.where(np.isfinite(c0), c0, 0.0), 0.0)
        pairs, baseline = (self.pairs, self.baseline) if rows is None else (self.pairs[rows], self.baseline[rows])
        res = K.clearance_pooled(self.prepared, full, pairs, backend=backend)
        c = np.asarray(res.clearance)
        depth = baseline - c
        return np.where(np.isfinite(depth), depth, -np.inf), np.asarray(res.witness_a)

    def name(self, i: int) -> int:
        return self.slots[i]

    def own(self, arch: Arch, opposing: Arch) -> Checker:
        """The neighbours-only checker of one of this case's arches, made once (its scanned
        contacts measured once) and kept with the case's structures."""
        key = (arch.jaw, id(arch))
        if key not in self._own:
            self._own[key] = Checker(arch, opposing, neighbours_only=True, shared=self)
        return self._own[key]

    def check_across(self, poses: np.ndarray, opposing_poses: np.ndarray, policy: Policy,
                     backend: str | None = None) -> list[Collision]:
        """The contacts across the arches, every aligner (both arches' poses [S+1, T, 4, 4]). Only
        the pairs with a tooth whose poses changed since the last call are measured again (an edit
        moves a few teeth; the rest run the same schedules)."""
        rows = self.opposing_rows()
        prev = self._across
        depth = witness = None
        if prev is not None and len(prev[0]) == len(poses) and len(prev[1]) == len(opposing_poses):
            moved = {self.mine[i] for i in range(len(self.mine))
                     if not np.array_equal(prev[0][:, i], poses[:, i])}
            moved |= {self.theirs[i] for i in range(len(self.theirs))
                      if not np.array_equal(prev[1][:, i], opposing_poses[:, i])}
            again = np.array([k for k, r in enumerate(rows) if set(self.pairs[r].tolist()) & moved], dtype=int)
            depth, witness = prev[2].copy(), prev[3].copy()
            if len(again):
                d, w = self.depths(poses[None], opposing_poses, backend, rows[again])
                depth[:, again], witness[:, again] = d[0], w[0]
        if depth is None:
            d, w = self.depths(poses[None], opposing_poses, backend, rows)
            depth, witness = d[0], w[0]
        self._across = (poses.copy(), opposing_poses.copy(), depth, witness)
        return self.collisions(depth, witness, policy, rows)

    def opposing_rows(self) -> np.ndarray:
        """The indices of the pairs across the arches."""
        mine = set(self.mine)
        return np.array([p for p, (a, b) in enumerate(self.pairs) if (a in mine) != (b in mine)], dtype=int)

    def check(self, poses: np.ndarray, policy: Policy, opposing_poses: np.ndarray | None = None,
              backend: str | None = None, rows: np.ndarray | None = None) -> list[Collision]:
        """Every pair's worst contact beyond the tolerance over the stages (`rows`: only those pairs);
        `last_depth` keeps the depths [S+1, P] for a caller that needs them next (re-timing, IPR)."""
        depth, wa = self.depths(poses[None], opposing_poses, backend, rows)
        return self.collisions(depth[0], wa[0], policy, rows)

    def collisions(self, depth: np.ndarray, wa: np.ndarray, policy: Policy,
                   rows: np.ndarray | None = None) -> list[Collision]:
        """The contacts beyond the tolerance in depths [S+1, P] and witnesses [S+1, P, 3] measured
        before (`last_depth` and `last_witness` keep them)."""
        self.last_depth, self.last_witness = depth, wa
        out = []
        for p, (a, b) in enumerate(self.pairs if rows is None else self.pairs[rows]):
            worst = int(np.argmax(depth[:, p]))
            if depth[worst, p] > policy.collision_tolerance:
                out.append(Collision((self.name(a), self.name(b)), worst, float(depth[worst, p]),
                                     tuple(map(float, wa[worst, p]))))
        return sorted(out, key=lambda x: -x.depth)


def plan_arch(arch: Arch, targets: dict[int, np.ndarray], policy: Policy = Policy(), *,
              opposing: Arch | None = None, opposing_poses: np.ndarray | None = None,
              checker: Checker | None = None, start: dict[int, int] | None = None,
              backend: str | None = None, measured: tuple[np.ndarray, np.ndarray] | None = None) -> ArchPlan:
    """Stage one arch and check every stage. Contacts are measured against the scanned state: a pair
    touching in the scan (every neighbour pair does) is only reported when it gets deeper than
    `policy.collision_tolerance`. Pass the case's `checker` to reuse its prepared structures;
    `measured`: the depths and witnesses of exactly these stages, when re-timing has them already."""
    checker = checker or Checker(arch, opposing)
    if checker.arch is not arch:
        raise ValueError("checker: built for another arch")
    teeth = checker.teeth
    t = len(teeth)
    limits = policy.table()
    types = np.array([TYPE_ROWS.index(TYPES[f % 10]) for f in teeth])
    initial = np.tile(np.eye(4), (t, 1, 1))
    target = np.array([targets.get(f, np.eye(4)) for f in teeth])
    frames = np.array([arch.teeth[f].frame for f in teeth])
    if start is None:
        start = policy_start(policy, teeth, initial, target, frames, types, limits, backend)
    first = np.array([[start.get(f, 0) for f in teeth]])
    result = K.stage(initial, target, frames, types, limits, start=first, backend=backend)
    n = int(np.asarray(result.n_stages)[0])
    poses = np.asarray(result.poses)[0, : n + 1].astype(np.float64)
    trans, rotvec = movement_components(make_problem(initial, target, frames, types, limits))
    steps = np.asarray(result.steps)[0]
    movement, over = {}, []
    for i, f in enumerate(teeth):
        deg = np.degrees(rotvec[i])
        movement[f] = {"mesial": float(trans[i, 0]), "buccal": float(buccal_sign(f) * trans[i, 1]),
                       "extrusion": float(trans[i, 2]), "rotation": float(deg[2]), "tip": float(deg[1]),
                       "torque": float(deg[0])}
        k = max(int(steps[i]), 1)
        lim = limits[types[i]]
        per = {"mesial_distal": abs(trans[i, 0]) / k, "buccal_lingual": abs(trans[i, 1]) / k,
               "intrusion" if trans[i, 2] < 0 else "extrusion": abs(trans[i, 2]) / k,
               "rotation": abs(deg[2]) / k, "tip": abs(deg[1]) / k, "torque": abs(deg[0]) / k}
        over += [(f, name, float(v), float(lim[LIMIT_COLUMNS.index(name)])) for name, v in per.items()
                 if v > lim[LIMIT_COLUMNS.index(name)] + 1e-6]
    plan = ArchPlan(arch, teeth, n, poses, movement, {f: int(s) for f, s in zip(teeth, steps, strict=True)}, over,
                    start={f: int(first[0, i]) for i, f in enumerate(teeth)})
    plan.over = _overcorrection(plan, frames, policy.overcorrection)
    if measured is not None and plan.over is None:  # measured with these very poses by the caller
        plan.collisions = checker.collisions(*measured, policy)
    else:
        plan.collisions = checker.check(plan.sequence, policy, opposing_poses, backend)
    plan.depth = checker.last_depth[: n + 1]  # the staged poses' (overcorrection aside)
    plan.witness = checker.last_witness[: n + 1]
    return plan


def policy_start(policy: Policy, teeth: list[int], initial, target, frames, types, limits,
                 backend: str | None = None) -> dict[int, int]:
    """Each tooth's first stage under the policy's pattern, with its custom start stages on top."""
    start = {f: 0 for f in teeth}
    if policy.pattern == "sequential_distalization":
        steps = np.asarray(K.stage(initial, target, frames, types, limits, backend=backend).steps)[0]
        need = dict(zip(teeth, steps.tolist(), strict=True))
        at = 0
        for group in DISTALIZATION_GROUPS:
            members = [f for f in teeth if f % 10 in group]
            for f in members:
                start[f] = at
            at += max((need[f] for f in members), default=0)
    start.update({f: s for f, s in policy.start.items() if f in start})
    return start


def _overcorrection(plan: ArchPlan, frames: np.ndarray, n: int) -> np.ndarray | None:
    """`n` aligners past the target: teeth whose rotation (at least OVERCORRECT_ROTATION degrees) or
    extrusion (at least OVERCORRECT_EXTRUSION mm) aligners under-express keep going at their last
    per-stage rate, about and along their long axis; the rest hold their target."""
    if n <= 0:
        return None
    final = plan.poses[-1]
    out = np.repeat(final[None], n, axis=0).copy()
    for i, f in enumerate(plan.teeth):
        mv, k = plan.movement[f], max(plan.steps[f], 1)
        rot = mv["rotation"] / k if abs(mv["rotation"]) >= OVERCORRECT_ROTATION else 0.0
        ext = mv["extrusion"] / k if mv["extrusion"] >= OVERCORRECT_EXTRUSION else 0.0
        if not rot and not ext:
            continue
        frame = final[i] @ frames[i]  # the tooth's frame at its target
        for j in range(n):
            local = np.eye(4)
            local[:3, :3] = _rotation(np.radians([0.0, 0.0, rot * (j + 1)]))
            local[2, 3] = ext * (j + 1)
            out[j, i] = frame @ local @ np.linalg.inv(frame) @ final[i]
    return out
