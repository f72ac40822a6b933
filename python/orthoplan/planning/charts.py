"""Pictures of a plan, for a person who would rather look than read: the IPR chart (each arch's teeth
in order, with the enamel to take off at each contact and before which aligner) and the movement
chart (per tooth, its total translation in mm and rotation in degrees, with what goes over the
policy marked). SVG and PNG, drawn with matplotlib's Agg backend, the same bytes for the same plan."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .outputs import CasePlan

_TRANSLATION = (("mesial", "mesial (+) / distal"), ("buccal", "buccal (+) / lingual"),
                ("extrusion", "extrusion (+) / intrusion"))
_ROTATION = (("rotation", "rotation"), ("tip", "tip"), ("torque", "torque"))
_COLOURS = ("#3b6ea8", "#d08a2e", "#5a9e5a")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams.update({"svg.hashsalt": "orthoplan", "svg.fonttype": "none", "font.size": 8,
                                "axes.spines.top": False, "axes.spines.right": False})
    import matplotlib.pyplot as plt

    return plt


def _save(fig, fmt: str) -> bytes:
    buf = io.BytesIO()
    meta = {"Date": None} if fmt == "svg" else {"Software": None}  # no timestamps: reproducible bytes
    fig.savefig(buf, format=fmt, dpi=150, metadata=meta, bbox_inches="tight")
    return buf.getvalue()


def ipr_chart(plan: CasePlan, fmt: str = "svg") -> bytes:
    """Each arch as a row of teeth from the patient's right to left (as a clinician faces the
    patient's chart), the IPR at each contact above it: amount in mm and `<N`: before aligner N."""
    plt = _pyplot()
    jaws = list(plan.arches)
    fig, axes = plt.subplots(len(jaws), 1, figsize=(9, 1.8 * len(jaws)), squeeze=False)
    for ax, jaw in zip(axes[:, 0], jaws, strict=True):
        teeth = plan.arches[jaw].teeth
        sites = {tuple(s.teeth): s for s in plan.resolutions[jaw].ipr}
        for i, f in enumerate(teeth):
            ax.add_patch(plt.Rectangle((i + 0.06, 0), 0.88, 1, facecolor="#f3f1ea", edgecolor="#555", lw=0.8))
            ax.text(i + 0.5, 0.5, str(f), ha="center", va="center", fontsize=9)
        for i, (a, b) in enumerate(zip(teeth, teeth[1:], strict=False)):
            site = sites.get((a, b)) or sites.get((b, a))
            if site is not None:
                ax.plot([i + 1, i + 1], [-0.1, 1.1], color="#c0392b", lw=2)
                ax.text(i + 1, 1.25, f"{site.amount_mm:.1f}\n<{site.before_stage}", ha="center", va="bottom",
                        color="#c0392b", fontsize=8)
        total = sum(s.amount_mm for s in plan.resolutions[jaw].ipr)
        ax.set_title(f"{jaw} arch: IPR {total:.1f} mm at {len(sites)} contacts (mm, <before aligner)",
                     loc="left", fontsize=9)
        ax.set_xlim(-0.2, len(teeth) + 0.2)
        ax.set_ylim(-0.3, 2.2)
        ax.axis("off")
    data = _save(fig, fmt)
    plt.close(fig)
    return data


def movement_chart(plan: CasePlan, fmt: str = "svg") -> bytes:
    """Per arch two panels: translation (mm) and rotation (degrees) per tooth, one bar per component;
    a tooth with a component over the policy's per-stage limit is marked in red."""
    plt = _pyplot()
    jaws = list(plan.arches)
    fig, axes = plt.subplots(2 * len(jaws), 1, figsize=(10, 2.6 * 2 * len(jaws)), squeeze=False)
    for k, jaw in enumerate(jaws):
        p = plan.arches[jaw]
        x = np.arange(len(p.teeth))
        over = {f for f, *_ in p.over_limit}
        for ax, group, unit in ((axes[2 * k, 0], _TRANSLATION, "mm"), (axes[2 * k + 1, 0], _ROTATION, "degrees")):
            for j, ((key, label), colour) in enumerate(zip(group, _COLOURS, strict=True)):
                ax.bar(x + (j - 1) * 0.27, [p.movement[f][key] for f in p.teeth], 0.27, label=label, color=colour)
            ax.axhline(0, color="#333", lw=0.6)
            ax.set_xticks(x, [f"{f}{'!' if f in over else ''}" for f in p.teeth])
            for tick, f in zip(ax.get_xticklabels(), p.teeth, strict=True):
                tick.set_color("#c0392b" if f in over else "#222")
            ax.set_ylabel(unit)
            ax.set_title(f"{jaw} arch: {'translation' if unit == 'mm' else 'rotation'} per tooth "
                         f"({p.n_stages} aligners)", loc="left", fontsize=9)
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False, ncols=3)
    fig.tight_layout()
    data = _save(fig, fmt)
    plt.close(fig)
    return data
