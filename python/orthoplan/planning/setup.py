"""A proposed target setup when the manifest gives none: a geometric method, documented in
docs/planning.md ("Proposed setup"), deterministic and bounded.

1. The arch's midline: the perpendicular bisector of its left-right tooth pairs (canines back), in
   the occlusal plane.
2. The contact points: where each tooth meets its neighbours in the scan (the clearance kernel's
   closest points, moved to the middle of the contact area across the arch); a tooth without a
   neighbour on one side uses its extreme point that way.
3. The arch form: a curve symmetric about the midline, v = a0 + a2 u^2 + a4 u^4, fitted to the
   contact points by reweighted least squares (a tooth out of line pulls it little).
4. Placement in contact: from the dental midline outward, each tooth's two contact points go onto
   the curve one tooth width apart. The molars keep their place along the arch (posterior
   anchorage) and teeth that must not move keep theirs; the front of the arch form moves forward or
   back, within a bound, so the teeth in front of the molars fit; the dental midline moves to the
   arch's as far as that leaves both sides the same room. With IPR allowed, crowding still left is
   taken as overlap of at most the per-contact limit, which the staging turns into IPR. Then the
   clearance kernel measures the neighbours at the proposed targets and the placement takes up
   what the contact points got wrong (two rounds).
5. Levelling: the occlusal tips (98th percentile of each crown's height) as close to where they are
   as they can be while the steps between neighbours shrink (least squares); molars hold their
   height. Where both arches are planned, extrusions that would push into the opposing arch are
   reduced (`clear_bite`).
6. Bounds: no tooth moves more than a clinician accepts without comment (`SetupLimits`); a move
   over a bound is clamped and named in the notes, as is space or crowding left over.

Not done: tip and torque (crown axes of open, decimated scans are not reliable), the bite between
the arches beyond keeping levelling clear of it, and extraction spaces (a missing tooth's space is
kept as it is).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .. import kernels as K
from .arch_form import Form, Placer, levelled, planned_ipr
from .plan import buccal_sign, target_from_movements
from .scans import QUADRANTS, Arch, neighbour_pairs, opposing_pairs

CONTACT_REACH = 6.0  # mm: neighbours farther apart than this have no contact point
CONTACT_RADIUS = 3.0  # mm around the closest points: where a contact area is looked for
CONTACT_BAND = 0.3  # mm: how much farther than the closest vertex a vertex of the contact area may be
REFINE_ROUNDS = 2  # placements corrected by the measured clearance between neighbours at the targets
FORM_FIT_ROUNDS, FORM_FIT_HUBER = 6, 0.25  # arch form: reweighted least squares, mm


@dataclass(frozen=True)
class SetupLimits:
    """The most the proposal moves one tooth without a clinician's comment."""

    translation: float = 3.0  # mm, in the occlusal plane
    extrusion: float = 1.0  # mm
    intrusion: float = 1.5  # mm
    rotation: float = 20.0  # degrees about the long axis
    arch_advance: float = 2.0  # mm the front of the arch form moves forward or back


@dataclass
class Proposal:
    movements: dict[int, dict[str, float]]  # clinical values per tooth, as a manifest gives them
    advance: float  # mm the front of the arch form moved (+ forward)
    space: dict[str, float]  # per side ("right", "left"): mm still missing (+) or left over (-)
    ipr: dict[tuple[int, int], float] = field(default_factory=dict)  # planned overlap per contact (mm)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"movements": {str(f): m for f, m in self.movements.items()}, "advance_mm": self.advance,
                "space_mm": self.space, "planned_ipr_mm": {f"{a}-{b}": v for (a, b), v in self.ipr.items()},
                "notes": self.notes}


@dataclass
class _Frame:
    """The arch's in-plane basis: u across (toward the patient's left), v anterior, z occlusal."""

    origin: np.ndarray
    u: np.ndarray
    v: np.ndarray
    z: np.ndarray

    def uv(self, p: np.ndarray) -> np.ndarray:
        rel = p - self.origin
        return np.stack([rel @ self.u, rel @ self.v], axis=-1)


def _basis(arch: Arch) -> _Frame:
    z = arch.occlusal / np.linalg.norm(arch.occlusal)
    right_q, left_q = QUADRANTS[arch.jaw]
    cents = {f: t.frame[:3, 3] for f, t in arch.teeth.items()}
    pairs = {k: (cents[right_q * 10 + k], cents[left_q * 10 + k]) for k in range(1, 8)
             if right_q * 10 + k in cents and left_q * 10 + k in cents}
    if not pairs:
        raise ValueError(f"{arch.source}: no tooth has its counterpart on the other side; the midline is unknown")
    back = [p for k, p in pairs.items() if k >= 3]  # canines back: incisors are what a setup moves most
    pairs = back if len(back) >= 2 else list(pairs.values())
    across = sum((lt - rt) / np.linalg.norm(lt - rt) for rt, lt in pairs)
    across = across - (across @ z) * z
    u = across / np.linalg.norm(across)
    mid = np.mean([(rt + lt) / 2 for rt, lt in pairs], axis=0)
    v = np.cross(z, u)
    front = [cents[f] for f in cents if f % 10 <= 2]
    if front and (np.mean(front, axis=0) - mid) @ v < 0:
        v = -v
    return _Frame(mid, u, v, z)


def _prepared(arch: Arch, order: list[int], checker=None):
    """The arch's clearance structures and each tooth's slot in them (the checker's, when given)."""
    if checker is not None:
        return checker.prepared, checker.index
    return (K.prepare_case([(arch.teeth[f].mesh.vertices, arch.teeth[f].mesh.faces) for f in order]),
            {f: i for i, f in enumerate(order)})


def _clearances(prepared, index: dict[int, int], pairs: list[tuple[int, int]], poses: dict[int, np.ndarray]):
    """Clearance and witness points of `pairs` with the teeth at `poses` (others as scanned)."""
    full = np.tile(np.eye(4), (1, 1, prepared.teeth, 1, 1))
    for f, pose in poses.items():
        full[0, 0, index[f]] = pose
    res = K.clearance_pooled(prepared, full, np.array([(index[a], index[b]) for a, b in pairs]),
                             max_distance=CONTACT_REACH)
    return (np.asarray(res.clearance)[0, 0], np.asarray(res.witness_a)[0, 0], np.asarray(res.witness_b)[0, 0])


def _contacts(arch: Arch, prepared, index) -> dict[tuple[int, int], np.ndarray]:
    """(tooth, neighbour) -> the point on `tooth` where it meets `neighbour` in the scan."""
    pairs = neighbour_pairs(arch)
    if not pairs:
        return {}
    _, wa, wb = _clearances(prepared, index, pairs, {})
    out = {}
    for p, (a, b) in enumerate(pairs):
        if np.isfinite(wa[p]).all():
            va, vb = arch.teeth[a].mesh.vertices, arch.teeth[b].mesh.vertices
            out[(a, b)] = _contact_area(va, vb, wa[p], arch.teeth[a].frame[:3, 0])
            out[(b, a)] = _contact_area(vb, va, wb[p], arch.teeth[b].frame[:3, 0])
    return out


def _contact_area(mine: np.ndarray, theirs: np.ndarray, witness: np.ndarray, along: np.ndarray) -> np.ndarray:
    """Where a crown meets its neighbour: along the arch (`along`, the crown's mesial axis), the
    closest point; across it and in height, the middle of the contact area (its vertices within
    CONTACT_BAND of the neighbour's closest ones). A single closest point can sit anywhere along a
    contact: a scan's shared cut runs from the gum to the marginal ridge."""
    near = mine[np.linalg.norm(mine - witness, axis=1) < CONTACT_RADIUS]
    other = theirs[np.linalg.norm(theirs - witness, axis=1) < CONTACT_RADIUS + 1.0]
    witness = witness.astype(np.float64)
    if len(near) == 0 or len(other) == 0:
        return witness
    sq = (near**2).sum(1)[:, None] + (other**2).sum(1)[None, :] - 2.0 * near @ other.T
    d = np.sqrt(np.maximum(sq.min(axis=1), 0.0))
    middle = near[d <= d.min() + CONTACT_BAND].mean(axis=0)
    return middle + ((witness - middle) @ along) * along


def _extreme(arch: Arch, f: int, mesial: bool) -> np.ndarray:
    """A crown's farthest point along its mesial (or distal) axis."""
    t = arch.teeth[f]
    along = (t.mesh.vertices - t.frame[:3, 3]) @ t.frame[:3, 0]
    return t.mesh.vertices[int(np.argmax(along) if mesial else np.argmin(along))]


def propose(arch: Arch, *, do_not_move: frozenset[int] | set[int] = frozenset(), limits: SetupLimits = SetupLimits(),
            ipr_allowed: bool = False, ipr_limit: float = 0.5, checker=None) -> Proposal:
    """A proposed target setup for one arch, as clinical movement values per tooth. `checker`: the
    case's planning Checker, to reuse its prepared clearance structures."""
    order = arch.order()
    if len(order) < 2:
        raise ValueError(f"{arch.source}: a setup needs at least two teeth")
    frame = _basis(arch)
    prepared, index = _prepared(arch, order, checker)
    contacts = _contacts(arch, prepared, index)
    right_q, left_q = QUADRANTS[arch.jaw]
    fixed = set(do_not_move) & set(order)

    def side_of(f: int) -> int:
        return -1 if f // 10 == right_q else 1

    # each tooth's mesial and distal contact point (world), and its width between them in the plane
    ends: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for f in order:
        s, pos = side_of(f), f % 10
        mesial_n = (left_q if s < 0 else right_q) * 10 + 1 if pos == 1 else (f // 10) * 10 + pos - 1
        distal_n = (f // 10) * 10 + pos + 1
        m = contacts.get((f, mesial_n))
        d = contacts.get((f, distal_n))
        ends[f] = (m if m is not None else _extreme(arch, f, True), d if d is not None else _extreme(arch, f, False))
    uv_m = {f: frame.uv(ends[f][0]) for f in order}
    uv_d = {f: frame.uv(ends[f][1]) for f in order}
    width = {f: float(np.linalg.norm(uv_m[f] - uv_d[f])) for f in order}
    pts = np.array([p for f in order for p in (uv_m[f], uv_d[f])])
    cols = [np.ones(len(pts)), pts[:, 0] ** 2] + ([pts[:, 0] ** 4] if len(order) >= 6 else [])
    design, weight = np.stack(cols, axis=1), np.ones(len(pts))
    for _ in range(FORM_FIT_ROUNDS):  # robust: a tooth out of line pulls the form less (Huber weights)
        fit, *_ = np.linalg.lstsq(design * weight[:, None], pts[:, 1] * weight, rcond=None)
        weight = np.sqrt(np.minimum(1.0, FORM_FIT_HUBER / np.maximum(np.abs(design @ fit - pts[:, 1]), 1e-9)))
    coef = np.array([fit[0], fit[1], fit[2] if len(fit) > 2 else 0.0])
    reach = float(np.abs(pts[:, 0]).max())

    chains = {s: sorted((f for f in order if side_of(f) == s), key=lambda f: f % 10) for s in (-1, 1)}
    centred = all(q * 10 + 1 in arch.teeth and q * 10 + 1 not in fixed for q in (right_q, left_q))
    placer = Placer(chains, fixed, set(neighbour_pairs(arch)), uv_m, uv_d, width, coef, reach, centred)
    tips = {f: float(np.percentile(arch.teeth[f].mesh.vertices @ frame.z, 98)) for f in order}
    m0 = placer.current_midline()
    for refine in range(REFINE_ROUNDS + 1):
        advance = placer.fit_advance(0.0, limits.arch_advance)
        midline = placer.balance(advance, m0)
        advance = placer.fit_advance(midline, limits.arch_advance)
        form = Form(coef, reach, advance)
        at, misfit = placer.place(form, midline)
        ipr = planned_ipr(placer, misfit, ipr_limit) if ipr_allowed else {}
        if ipr:
            at, misfit = placer.place(form, midline, ipr)
        level = levelled(order, tips, arch.jaw)
        movements, clamped = _moves(arch, frame, fixed, at, form, uv_m, uv_d, tips, level, limits)
        if refine < REFINE_ROUNDS:  # measured, not assumed: close what the contact points left open
            placer.refine(_clearances(prepared, index, neighbour_pairs(arch),
                                      target_from_movements(arch, movements))[0], neighbour_pairs(arch), ipr)
    notes = []
    if centred and abs(midline) > 0.1:
        notes.append(f"the dental midline stays {abs(midline):.1f} mm to the patient's "
                     f"{'left' if midline > 0 else 'right'} of the arch's: centring it needs the molars to move")
    names = {-1: "right", 1: "left"}
    space = {names[s]: round(float(v), 2) for s, v in sorted(misfit.items())}
    for side, v in space.items():
        if v > 0.2:
            notes.append(f"{v:.1f} mm of crowding on the patient's {side} is not resolved: the premolar and "
                         "molar will overlap (more IPR, expansion or distalization is the clinician's call)")
        elif v < -0.2:
            notes.append(f"{-v:.1f} mm of space is left on the patient's {side}, mesial to the first molar")
    return Proposal(movements, round(advance, 2) + 0.0, space, ipr, notes + clamped)


def _moves(arch, frame, fixed, at, form, uv_m, uv_d, tips, level, limits) -> tuple[dict, list[str]]:
    """Per tooth: the in-plane rigid move that takes its two contact points onto their targets, and
    the vertical move to its level, as clinical values in its frame, within the bounds."""
    movements: dict[int, dict[str, float]] = {}
    notes = []
    handed = 1.0 if np.cross(frame.u, frame.v) @ frame.z > 0 else -1.0  # the (u, v) turn about z
    for f in arch.order():
        if f in fixed:
            continue
        tm, td = form.point(at[f][0]), form.point(at[f][1])
        cur, new = uv_m[f] - uv_d[f], tm - td
        theta = math.atan2(cur[0] * new[1] - cur[1] * new[0], cur @ new)
        rot = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
        c_uv = frame.uv(arch.teeth[f].frame[:3, 3])
        d_uv = rot @ (c_uv - (uv_m[f] + uv_d[f]) / 2) + (tm + td) / 2 - c_uv
        deg = math.degrees(theta) * handed
        shift = d_uv[0] * frame.u + d_uv[1] * frame.v
        vertical = level[f] - tips[f]
        clamped = []
        if np.linalg.norm(d_uv) > limits.translation:
            shift *= limits.translation / np.linalg.norm(d_uv)
            clamped.append(f"moves {np.linalg.norm(d_uv):.1f} mm in the occlusal plane (bound {limits.translation:g})")
        if abs(deg) > limits.rotation:
            clamped.append(f"rotates {abs(deg):.0f} deg (bound {limits.rotation:g})")
            deg = math.copysign(limits.rotation, deg)
        if vertical > limits.extrusion or -vertical > limits.intrusion:
            bound = limits.extrusion if vertical > 0 else limits.intrusion
            clamped.append(f"{'extrudes' if vertical > 0 else 'intrudes'} {abs(vertical):.1f} mm (bound {bound:g})")
            vertical = math.copysign(bound, vertical)
        if clamped:
            notes.append(f"tooth {f}: clamped: it " + "; ".join(clamped))
        x, y = arch.teeth[f].frame[:3, 0], arch.teeth[f].frame[:3, 1]
        mv = {"mesial": float(shift @ x), "buccal": buccal_sign(f) * float(shift @ y), "extrusion": vertical,
              "rotation": deg}
        movements[f] = {k: round(v, 2 if k != "rotation" else 1) + 0.0 for k, v in mv.items()
                        if abs(v) >= (0.005 if k != "rotation" else 0.05)}
    return movements, notes


def clear_bite(checker, movements: dict[str, dict[int, dict[str, float]]], proposals: dict[str, Proposal],
               tolerance: float, rounds: int = 3) -> None:
    """Levelling must not drive a tooth into the opposing arch: where proposed extrusions deepen a
    contact between the arches beyond `tolerance` (the scanned contact as baseline), they are reduced
    by the excess, shared in proportion. `checker` holds both arches (upper first); `movements` are
    every arch's targets, proposed ones included (updated in place)."""
    if checker.opposing is None or not proposals:
        return
    up, lo = checker.arch, checker.opposing
    opposing = {(checker.index[a], checker.index[b]) for a, b in opposing_pairs(up, lo)}
    rows = [p for p, (a, b) in enumerate(checker.pairs) if (int(a), int(b)) in opposing]
    reduced: dict[tuple[str, int], float] = {}
    for _ in range(rounds):
        t_up = target_from_movements(up, movements.get("upper", {}))
        t_lo = target_from_movements(lo, movements.get("lower", {}))
        poses = np.array([t_up[f] for f in checker.teeth])[None, None]
        theirs = np.array([t_lo[f] for f in checker.other])[None]
        depth = checker.depths(poses, theirs)[0][0, 0]
        changed = False
        for p in rows:
            excess = float(depth[p]) - tolerance
            if excess <= 0.005:
                continue
            teeth = [checker.name(int(i)) for i in checker.pairs[p]]
            jaws = ("upper", "lower")
            rising = {f: movements[j][f]["extrusion"] for f, j in zip(teeth, jaws, strict=True)
                      if j in proposals and movements[j].get(f, {}).get("extrusion", 0.0) > 0}
            total = sum(rising.values())
            for f, jaw in zip(teeth, jaws, strict=True):
                if f in rising:
                    cut = min(rising[f], excess * rising[f] / total)
                    movements[jaw][f]["extrusion"] = round(rising[f] - cut, 2) + 0.0
                    reduced[(jaw, f)] = reduced.get((jaw, f), 0.0) + cut
                    changed = True
        if not changed:
            break
    for (jaw, f), cut in sorted(reduced.items()):
        if cut >= 0.05:
            proposals[jaw].notes.append(f"tooth {f}: extrusion reduced by {cut:.1f} mm to keep clear of the "
                                        "opposing arch")
