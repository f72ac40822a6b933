"""`orthoplan plan MANIFEST --out DIR`: plan a case from its manifest and write the outputs."""

from __future__ import annotations

import sys
import time

import click
from tabulate import tabulate


@click.command("plan")
@click.argument("manifest", type=click.Path(dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="folder for the outputs")
@click.option("--no-models", is_flag=True, help="skip the per-stage STL models")
@click.option("--verbose", is_flag=True, help="on an error, show the trace")
def plan_command(manifest: str, out: str, no_models: bool, verbose: bool) -> None:
    """Plan a case: stage every tooth under the policy, check every stage for contacts, and write
    plan.json, movement_table.csv, collisions.csv and one STL model per stage and arch."""
    from ..planning import manifest as mf
    from ..planning import outputs
    from ..planning.scans import ScanError

    t0 = time.perf_counter()
    try:
        with click.progressbar(length=100, label="planning", show_eta=False, file=sys.stderr,
                               item_show_func=lambda s: s or "") as bar:
            def step(what: str) -> None:
                bar.update(5, what)
            plan = outputs.plan_case(mf.load(manifest), progress=step)
            written = outputs.write(plan, out, models=not no_models, progress=step)
            bar.update(100)
    except (mf.ManifestError, ScanError, ValueError, OSError) as e:
        if verbose:
            raise
        first, *more = str(e).splitlines() or [e.__class__.__name__]
        raise click.ClickException(first + "".join(f"\n  {line}" for line in more)) from None
    _summary(plan, written, out, t0)


def _summary(plan, written, out: str, t0: float) -> None:
    rows = []
    for jaw, p in plan.arches.items():
        moving = sum(1 for f in p.teeth if p.steps[f])
        r = plan.resolutions[jaw]
        rows.append([jaw, len(p.teeth), moving, p.n_stages, p.total - p.n_stages, plan.aligners - p.total,
                     len(r.delays),
                     f"{sum(s.amount_mm for s in r.ipr):.1f} mm at {len(r.ipr)}", len(r.unresolved),
                     len(p.over_limit)])
    click.echo(tabulate(rows, headers=["arch", "teeth", "moving", "active", "overcorr.", "passive", "delayed", "IPR",
                                       "unresolved", "over limit"]))
    click.echo(f"{plan.aligners} aligners; {len(written)} files in {out} ({time.perf_counter() - t0:.1f} s)")


@click.command("demo")
@click.option("--out", "out", default="orthoplan-demo", show_default=True, type=click.Path(file_okay=False),
              help="folder for the outputs")
@click.option("--seed", default=7, show_default=True, help="the procedural case's seed")
@click.option("--points", default=28, show_default=True, help="crown resolution (100+: scanner-like sizes)")
def demo_command(out: str, seed: int, points: int) -> None:
    """Plan the bundled sample case end to end: a procedural dentition with a diastema, rotated
    teeth and crowded lower incisors (the same seed gives the same case and the same files)."""
    from ..planning import outputs, procedural
    from ..planning.plan import Policy

    if not 8 <= points <= 400:
        raise click.BadParameter("use 8-400", param_hint="--points")
    t0 = time.perf_counter()
    arches, _ = procedural.sample_case(seed, points)  # its known ideal is for tests: the setup is proposed
    plan = outputs.plan_scans(arches, {}, Policy(), ipr_allowed=True)
    written = outputs.write(plan, out)
    _summary(plan, written, out, t0)
