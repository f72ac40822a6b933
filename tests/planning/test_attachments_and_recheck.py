"""Attachment rules, and the re-check of a resolved plan by the exact NumPy reference: a stage the
fast backend reports clean has no contact deeper than the tolerance."""

from __future__ import annotations

import numpy as np
from orthoplan.planning import plan as P
from orthoplan.planning import resolve as R
from orthoplan.planning import scans as S
from orthoplan.planning.attachments import AttachmentRules, suggest

from tests.planning.test_resolve import MOVES
from tests.planning.test_scans import _arches


def test_attachment_rules():
    upper, _ = _arches("P4")
    moves = {13: {"rotation": 6.0}, 11: {"rotation": 6.0}, 12: {"extrusion": 0.6}, 21: {"tip": 4.0},
             22: {"extrusion": 0.3}}
    plan = P.plan_arch(upper, P.target_from_movements(upper, moves))
    got = {s.tooth: s.reasons for s in suggest(plan)}
    assert set(got) == {13, 12, 21}  # not 11 (an incisor rotates well) nor 22 (a small extrusion)
    assert "of a rounded tooth" in got[13][0] and got[12][0].startswith("extrusion") and got[21][0].startswith("tip")
    strict = {s.tooth for s in suggest(plan, AttachmentRules(rotation_deg=5.0, extrusion_mm=0.2))}
    assert strict == {11, 12, 13, 21, 22}


def test_the_exact_reference_agrees_with_a_clean_report():
    """The NumPy reference is slow: it re-checks the moved incisors (three contacts) at the first,
    middle and last stage."""
    upper, _ = _arches("P1")
    targets = P.target_from_movements(upper, MOVES)
    out = R.resolve(upper, targets, ipr_allowed=True)
    reported = {c.teeth for c in out.plan.collisions}
    teeth = [12, 11, 21, 22]
    sub = S.Arch(upper.jaw, upper.source, {f: upper.teeth[f] for f in teeth}, occlusal=upper.occlusal)
    stages = sorted({1, out.plan.n_stages // 2, out.plan.n_stages})
    poses = out.plan.poses[np.ix_(stages, [out.plan.teeth.index(f) for f in sub.order()])]
    reference = P.Checker(sub)
    depth, _ = reference.depths(poses[None], backend="numpy")
    assert len(reference.pairs) == 3
    for p, (a, b) in enumerate(reference.pairs):
        pair = (reference.name(a), reference.name(b))
        if pair not in reported:
            assert depth[0, :, p].max() <= P.Policy().collision_tolerance + 1e-3, pair
    fast, _ = P.Checker(sub).depths(poses[None], backend="cpu")
    finite = np.isfinite(depth) & np.isfinite(fast)
    assert finite.any() and np.abs(depth[finite] - fast[finite]).max() < 0.02  # mm
