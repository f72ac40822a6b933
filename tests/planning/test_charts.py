"""The IPR and movement charts: drawn for every plan, in SVG and PNG, with the IPR amounts and the
teeth over the policy visible, and the same bytes for the same plan."""

from __future__ import annotations

from orthoplan.planning import charts, outputs, procedural
from orthoplan.planning.plan import Policy
from orthoplan.planning.resolve import IprSite


def _plan():
    arches, _ = procedural.sample_case(7)
    plan = outputs.plan_scans(arches, {}, Policy(), ipr_allowed=True)
    plan.resolutions["upper"].ipr = [IprSite((11, 12), 0.3, 4)]
    plan.arches["lower"].over_limit = [(33, "rotation", 2.5, 1.5)]
    return plan


def test_the_charts_show_the_ipr_and_the_teeth_over_the_policy():
    plan = _plan()
    ipr = charts.ipr_chart(plan, "svg").decode()
    assert "0.3" in ipr and "&lt;4" in ipr and "IPR 0.3 mm at 1 contacts" in ipr
    assert all(f">{f}<" in ipr for f in (17, 11, 21, 27, 47, 37))
    moves = charts.movement_chart(plan, "svg").decode()
    assert "33!" in moves and "upper arch: translation per tooth" in moves and "lower arch: rotation" in moves
    png = charts.movement_chart(plan, "png")
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def test_the_same_plan_draws_the_same_bytes(tmp_path):
    a, b = _plan(), _plan()
    for fmt in ("svg", "png"):
        assert charts.ipr_chart(a, fmt) == charts.ipr_chart(b, fmt)
        assert charts.movement_chart(a, fmt) == charts.movement_chart(b, fmt)
    written = outputs.write(a, tmp_path, models=False)
    assert {p.name for p in written} >= {"ipr_chart.svg", "ipr_chart.png", "movement_chart.svg", "movement_chart.png"}
