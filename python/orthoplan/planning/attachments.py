"""Attachment suggestions: rule-based, for the movements aligners do poorly without a grip.

Default rules (thresholds per total movement of a tooth; all configurable):
- extrusion over 0.5 mm: aligners push, they barely pull;
- rotation over 5 degrees of a rounded tooth (canine, premolar): a smooth crown slips;
- any rotation over 15 degrees;
- tip or torque over 3 degrees (root movement): it needs a couple at the crown.
"""

from __future__ import annotations

from dataclasses import dataclass

from .plan import ArchPlan

ROUNDED = (3, 4, 5)  # canines and premolars, by FDI position


@dataclass(frozen=True)
class AttachmentRules:
    extrusion_mm: float = 0.5
    rounded_rotation_deg: float = 5.0
    rotation_deg: float = 15.0
    root_deg: float = 3.0


@dataclass(frozen=True)
class Suggestion:
    tooth: int
    reasons: tuple[str, ...]


def suggest(plan: ArchPlan, rules: AttachmentRules = AttachmentRules()) -> list[Suggestion]:
    out = []
    for f in plan.teeth:
        mv = plan.movement[f]
        why = []
        if mv["extrusion"] > rules.extrusion_mm:
            why.append(f"extrusion {mv['extrusion']:.2f} mm")
        rot = abs(mv["rotation"])
        if (f % 10 in ROUNDED and rot > rules.rounded_rotation_deg) or rot > rules.rotation_deg:
            why.append(f"rotation {rot:.1f} deg" + (" of a rounded tooth" if f % 10 in ROUNDED else ""))
        for name in ("tip", "torque"):
            if abs(mv[name]) > rules.root_deg:
                why.append(f"{name} {abs(mv[name]):.1f} deg")
        if why:
            out.append(Suggestion(f, tuple(why)))
    return out
