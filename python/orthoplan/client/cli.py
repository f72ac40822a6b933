"""`orthoplan` command line: serve, first-run bootstrap and audit verification here; the commands
that talk to a running server are in cli_api."""

from __future__ import annotations

import logging
import signal
import sys

import click

from ..config import Settings
from . import cli_api


@click.group()
def main() -> None:
    """orthoplan: clear-aligner treatment planning backend."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


cli_api.install(main)


@main.command()
@click.option("--listen", default=None, help="host:port (default 127.0.0.1:50051 or ORTHOPLAN_LISTEN)")
def serve(listen: str | None) -> None:
    """Run the gRPC server until SIGINT/SIGTERM, then stop gracefully."""
    from ..bootstrap import build

    app = build(Settings.from_env())
    server = app.server(listen).start()
    click.echo(f"orthoplan serving on {server.target} ({app.settings.database_url.split('://')[0]})")
    stop = lambda *_: server.stop(grace=10.0)  # noqa: E731
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.wait()


@main.group()
def admin() -> None:
    """Administration commands that work on the database directly."""


@admin.command()
@click.option("--organization", required=True, help="organization name")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="admin's display name")
@click.password_option(envvar="ORTHOPLAN_ADMIN_PASSWORD")
def init(organization: str, email: str, display_name: str, password: str) -> None:
    """Create the organization and its first SUPER_ADMIN (once)."""
    from ..bootstrap import build
    from ..domain.errors import DomainError
    from ..domain.identity import Role
    from ..services.organization import NewUser, init_organization

    app = build(Settings.from_env())
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
    from ..bootstrap import build

    app = build(Settings.from_env())
    with app.runtime.uow() as uow:
        check = audit.verify(uow.session)
    if check.ok:
        click.echo(f"audit log intact: {check.entries} entries")
        return
    click.echo(f"audit log TAMPERED at entry {check.first_bad_seq}: {check.problem}", err=True)
    sys.exit(1)


if __name__ == "__main__":
    main()
