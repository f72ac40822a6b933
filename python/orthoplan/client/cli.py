"""`orthoplan` command line: serve, first-run bootstrap and audit verification here; the commands
that talk to a running server are in cli_api."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from ..config import Settings
from . import cli_api
from .cli_plan import demo_command, plan_command

if TYPE_CHECKING:
    from ..bootstrap import App


@click.group()
def main() -> None:
    """orthoplan: clear-aligner treatment planning backend."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


cli_api.install(main)
main.add_command(plan_command)
main.add_command(demo_command)


@main.command()
@click.option("--listen", default=None, help="host:port (default 127.0.0.1:50051 or ORTHOPLAN_LISTEN)")
def serve(listen: str | None) -> None:
    """Run the gRPC server until SIGINT/SIGTERM, then stop gracefully."""
    from ..bootstrap import build

    app = build(Settings.from_env())
    server = app.server(listen).start()
    click.echo(f"orthoplan serving on {server.target} ({app.settings.database_url.split('://')[0]})")
    done = threading.Event()
    worker = app.delivery_worker()
    if worker is not None:  # the embedded default delivers email from the server process
        threading.Thread(target=worker.run, args=(done,), name="delivery", daemon=True).start()
    planner = app.planner()
    if planner is not None:  # the embedded default plans in the server process
        app.runtime.deps.planner = planner
        planner.start()

    def stop(*_):
        done.set()
        if planner is not None:
            planner.stop()  # a job in progress goes back to the queue
        server.stop(grace=10.0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.wait()


@main.group()
def admin() -> None:
    """Administration commands that work on the database directly."""


@contextmanager
def _app() -> Iterator[App]:
    """The application for one admin command; its connections are closed when the command ends."""
    from ..bootstrap import build

    app = build(Settings.from_env())
    try:
        yield app
    finally:
        app.engine.dispose()


@admin.command()
@click.option("--organization", required=True, help="organization name")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="admin's display name")
@click.password_option(envvar="ORTHOPLAN_ADMIN_PASSWORD")
def init(organization: str, email: str, display_name: str, password: str) -> None:
    """Create the organization and its first SUPER_ADMIN (once)."""
    from ..domain.errors import DomainError
    from ..domain.identity import Role
    from ..services.organization import NewUser, init_organization

    with _app() as app:
        try:
            with app.runtime.uow() as uow:
                user = init_organization(uow, app.runtime.deps, organization,
                                         NewUser(email, display_name, int(Role.SUPER_ADMIN), password))
                uow.commit()
        except DomainError as e:
            details = "".join(f"\n  {v.field}: {v.description}" for v in e.violations)
            raise click.ClickException(e.message + details) from None
    click.echo(f"created organization {organization!r} and super admin {user.email} ({user.id})")


@admin.command("verify-audit")
def verify_audit() -> None:
    """Recompute the audit hash chain; exit 1 at the first tampered entry."""
    from ..adapters import audit

    with _app() as app, app.runtime.uow() as uow:
        check = audit.verify(uow.session)
    if check.ok:
        click.echo(f"audit log intact: {check.entries} entries")
        return
    click.echo(f"audit log TAMPERED at entry {check.first_bad_seq}: {check.problem}", err=True)
    sys.exit(1)


@admin.command("prune-audit")
@click.option("--days", type=int, default=None,
              help="keep this many days (default ORTHOPLAN_AUDIT_RETENTION_DAYS; 0 keeps everything)")
def prune_audit(days: int | None) -> None:
    """Delete audit entries older than the retention period; the rest still verifies."""
    from datetime import timedelta

    from ..adapters import audit

    keep = Settings.from_env().audit_retention_days if days is None else days
    if keep < 0:
        raise click.BadParameter("must be 0 (keep everything) or more", param_hint="--days")
    if keep == 0:
        click.echo("retention is 0 (keep everything): nothing pruned")
        return
    with _app() as app, app.runtime.uow(write=True) as uow:
        now = app.runtime.deps.clock()
        deleted = audit.prune(uow.session, before=now - timedelta(days=keep), now=now, actor="admin-cli")
        uow.commit()
    click.echo(f"pruned {deleted} audit entries older than {keep} days")


@admin.command("gc-artifacts")
@click.option("--min-age-hours", type=float, default=1.0, show_default=True,
              help="spare files younger than this (uploads in flight)")
def gc_artifacts(min_age_hours: float) -> None:
    """Remove stored files no record refers to, and abandoned partial uploads."""
    from ..services.records import release_if_unused

    with _app() as app:
        def in_use(sha256: str) -> bool:
            with app.runtime.uow(write=True) as uow:
                used = release_if_unused(uow, sha256)
                uow.commit()
                return used
        removed = app.runtime.deps.artifacts.collect_garbage(in_use, older_than_s=min_age_hours * 3600)
    click.echo(f"removed {len(removed)} unreferenced files")



@admin.command()
@click.option("--once", is_flag=True, help="deliver what is due now, then exit")
def deliver(once: bool) -> None:
    """Run the outbox delivery worker (ORTHOPLAN_SMTP_*, ORTHOPLAN_SMS_*) until SIGINT/SIGTERM. Several may
    run at once, on any machine that reaches the database."""
    with _app() as app:
        worker = app.delivery_worker()
        if worker is None:
            raise click.ClickException("neither ORTHOPLAN_SMTP_HOST nor ORTHOPLAN_SMS_URL is set: nowhere to send")
        if once:
            total = {"sent": 0, "retry": 0, "failed": 0}
            while True:
                counts = worker.run_once()
                for k, n in counts.items():
                    total[k] += n
                if not any(counts.values()) or counts["retry"]:
                    break
            click.echo(" ".join(f"{k}={n}" for k, n in total.items()))
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        click.echo(f"delivering as {worker.id}")
        worker.run(stop)



@admin.command()
@click.option("--workers", default=0, help="planning jobs run at once (default ORTHOPLAN_PLAN_WORKERS, at least 1)")
@click.option("--once", is_flag=True, help="run the jobs waiting now, then exit")
def planner(workers: int, once: bool) -> None:
    """Run planning workers (no API) until SIGINT/SIGTERM: on any machine that reaches the database
    and the artifact store. Several may run at once; each job is held under a lease."""
    from ..farm.executor import InProcessExecutor

    with _app() as app:
        s = app.settings
        ex = InProcessExecutor(app.runtime.uow, app.runtime.deps, workers=workers or max(s.plan_workers, 1),
                               lease_s=s.plan_lease_s, poll_s=1.0)
        if once:
            ran = 0
            while ex.run_one(f"{ex.name}/once"):
                ran += 1
            click.echo(f"planned {ran} job(s)")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        click.echo(f"planning as {ex.name} with {ex.workers} worker(s)", err=True)
        ex.start()
        stop.wait()
        ex.stop()  # a job in progress goes back to the queue


if __name__ == "__main__":
    main()
