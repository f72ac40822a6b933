"""Planning jobs: their states, and what a job plans (its spec) in a stored form."""

from __future__ import annotations

import enum
import math
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import Collector

MOVEMENTS = ("mesial", "buccal", "extrusion", "rotation", "tip", "torque")
MAX_MOVEMENT = 45.0  # mm or degrees: beyond it a value is a typo, not a plan
PLANNED_TEETH = frozenset(q * 10 + i for q in (1, 2, 3, 4) for i in range(1, 8))  # no third molars


class PlanState(enum.IntEnum):
    """Values match orthoplan.v1.PlanState."""

    QUEUED = 1
    RUNNING = 2
    SUCCEEDED = 3
    FAILED = 4
    CANCELLED = 5


TERMINAL = frozenset({PlanState.SUCCEEDED, PlanState.FAILED, PlanState.CANCELLED})


@dataclass(frozen=True)
class Spec:
    """What a job plans: targets by tooth (clinical movement values; an arch with none gets a
    proposed setup), the staging policy as plain values, and the case's constraints."""

    targets: dict[int, dict[str, float]] = field(default_factory=dict)
    overrides: dict[str, dict[str, float]] = field(default_factory=dict)
    collision_tolerance: float = 0.1
    pattern: str = "simultaneous"
    start: dict[int, int] = field(default_factory=dict)
    overcorrection: int = 0
    do_not_move: tuple[int, ...] = ()
    ipr_allowed: bool = False
    attachments_allowed: bool = False
    given_only: bool = False  # every tooth's target is given (an edit): no arch gets a proposal

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["targets"] = {str(f): v for f, v in self.targets.items()}
        out["start"] = {str(f): v for f, v in self.start.items()}
        out["do_not_move"] = list(self.do_not_move)
        return out

    @staticmethod
    def from_json(raw: dict[str, Any]) -> Spec:
        return Spec(targets={int(f): dict(v) for f, v in raw["targets"].items()},
                    overrides={k: dict(v) for k, v in raw["overrides"].items()},
                    collision_tolerance=raw["collision_tolerance"], pattern=raw["pattern"],
                    start={int(f): int(v) for f, v in raw["start"].items()}, overcorrection=raw["overcorrection"],
                    do_not_move=tuple(raw["do_not_move"]), ipr_allowed=raw["ipr_allowed"],
                    attachments_allowed=raw["attachments_allowed"], given_only=raw.get("given_only", False))


def check_spec(c: Collector, prefix: str, spec: Spec) -> None:
    """The shape of a spec; the policy's own rules (limits, pattern) are checked by the planner.
    `prefix`: where the spec is in the request ("" at the top)."""
    prefix = f"{prefix}." if prefix else ""
    for f, moves in spec.targets.items():
        if f not in PLANNED_TEETH:
            c.add(f"{prefix}targets[{f}].fdi", f"{f} is not a tooth that is planned (FDI 11-17, 21-27, 31-37, 41-47)")
        for key, value in moves.items():
            if not math.isfinite(value) or abs(value) > MAX_MOVEMENT:
                c.add(f"{prefix}targets[{f}].{key}", f"must be a finite number of at most {MAX_MOVEMENT:g}")
        if f in spec.do_not_move:
            c.add(f"{prefix}targets[{f}]", "moves a tooth listed in do_not_move")
    for f in spec.do_not_move:
        if f not in PLANNED_TEETH:
            c.add(f"{prefix}do_not_move", f"{f} is not a tooth that is planned")
    for f in spec.start:
        if f not in PLANNED_TEETH:
            c.add(f"{prefix}policy.start[{f}]", f"{f} is not a tooth that is planned")
    if not (math.isfinite(spec.collision_tolerance) and 0 <= spec.collision_tolerance <= 1):
        c.add(f"{prefix}policy.collision_tolerance", "must be 0-1 mm")
