"""Treatment setups: the plan a reviewer approves, its validation and its content hash."""

from __future__ import annotations

import enum
import hashlib
import json
import math
from dataclasses import asdict, dataclass

from .errors import Collector

MAX_STAGES = 200
MAX_IPR_MM = 0.5
FDI_TEETH = frozenset(q * 10 + i for q in (1, 2, 3, 4) for i in range(1, 9))


class SetupState(enum.IntEnum):
    """Values match orthoplan.v1.SetupState."""

    PROPOSED = 1
    APPROVED = 2
    REVISION_REQUESTED = 3
    DECLINED = 4
    SUPERSEDED = 5


@dataclass(frozen=True)
class ToothMovement:
    fdi: int
    target_transform: tuple[float, ...]  # row-major 4x4
    first_stage: int
    last_stage: int


@dataclass(frozen=True)
class IprSite:
    fdi_a: int
    fdi_b: int
    amount_mm: float
    stage: int


@dataclass(frozen=True)
class Plan:
    stage_count: int
    teeth: tuple[ToothMovement, ...]
    ipr: tuple[IprSite, ...]
    notes: str


@dataclass(frozen=True)
class Note:
    text: str
    stage: int  # 0: none
    fdi: int  # 0: none


def _rigid(m: tuple[float, ...]) -> bool:
    """Finite, last row 0 0 0 1, rotation orthonormal with determinant +1 (to 1e-6)."""
    if len(m) != 16 or not all(math.isfinite(x) for x in m):
        return False
    if any(abs(a - b) > 1e-9 for a, b in zip(m[12:], (0.0, 0.0, 0.0, 1.0), strict=True)):
        return False
    r = [m[0:3], m[4:7], m[8:11]]
    for i in range(3):
        for j in range(3):
            dot = sum(r[k][i] * r[k][j] for k in range(3))
            if abs(dot - (1.0 if i == j else 0.0)) > 1e-6:
                return False
    det = (r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1]) - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
           + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]))
    return abs(det - 1.0) <= 1e-6


def check_plan(c: Collector, field: str, plan: Plan) -> None:
    """Adds a violation per bad field of `plan` (all of them at once)."""
    n = plan.stage_count
    if not 1 <= n <= MAX_STAGES:
        c.add(f"{field}.stage_count", f"must be 1-{MAX_STAGES}")
    if not plan.teeth:
        c.add(f"{field}.teeth", "name at least one tooth")
    seen: set[int] = set()
    for i, t in enumerate(plan.teeth):
        f = f"{field}.teeth[{i}]"
        if t.fdi not in FDI_TEETH:
            c.add(f"{f}.fdi", f"{t.fdi} is not an FDI permanent tooth number")
        elif t.fdi in seen:
            c.add(f"{f}.fdi", f"tooth {t.fdi} is listed twice")
        seen.add(t.fdi)
        if not _rigid(t.target_transform):
            c.add(f"{f}.target_transform", "must be 16 finite values of a rigid 4x4 transform (row-major)")
        if not 0 <= t.first_stage <= t.last_stage <= max(n, 0):
            c.add(f"{f}.first_stage", "need 0 <= first_stage <= last_stage <= stage_count")
    for i, s in enumerate(plan.ipr):
        f = f"{field}.ipr[{i}]"
        for name, fdi in (("fdi_a", s.fdi_a), ("fdi_b", s.fdi_b)):
            if fdi not in FDI_TEETH:
                c.add(f"{f}.{name}", f"{fdi} is not an FDI permanent tooth number")
        if s.fdi_a == s.fdi_b:
            c.add(f"{f}.fdi_b", "must differ from fdi_a")
        if not (math.isfinite(s.amount_mm) and 0 < s.amount_mm <= MAX_IPR_MM):
            c.add(f"{f}.amount_mm", f"must be > 0 and <= {MAX_IPR_MM} mm")
        if not 0 <= s.stage <= max(n, 0):
            c.add(f"{f}.stage", "must be 0..stage_count")
    if len(plan.notes) > 4000:
        c.add(f"{field}.notes", "at most 4,000 characters")


def check_notes(c: Collector, field: str, notes: tuple[Note, ...], plan: Plan) -> None:
    if not notes:
        c.add(field, "give at least one note")
    teeth = {t.fdi for t in plan.teeth}
    for i, note in enumerate(notes):
        if not note.text.strip() or len(note.text) > 2000:
            c.add(f"{field}[{i}].text", "must be 1-2,000 characters")
        if not 0 <= note.stage <= plan.stage_count:
            c.add(f"{field}[{i}].stage", f"must be 0 (none) or 1-{plan.stage_count}")
        if note.fdi and note.fdi not in teeth:
            c.add(f"{field}[{i}].fdi", f"tooth {note.fdi} is not in this plan")


def canonical_bytes(plan: Plan) -> bytes:
    """The stored form of a plan; its SHA-256 is what an approval signs."""
    return json.dumps(asdict(plan), sort_keys=True, separators=(",", ":")).encode()


def content_sha256(stored: bytes) -> str:
    return hashlib.sha256(stored).hexdigest()


def plan_from_json(stored: bytes) -> Plan:
    raw = json.loads(stored)
    return Plan(raw["stage_count"], tuple(ToothMovement(t["fdi"], tuple(t["target_transform"]), t["first_stage"],
                                                        t["last_stage"]) for t in raw["teeth"]),
                tuple(IprSite(**s) for s in raw["ipr"]), raw["notes"])
