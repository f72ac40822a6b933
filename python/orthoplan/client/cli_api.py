"""`orthoplan` commands that talk to a running server through the SDK: sign-in, organization,
patients, cases and collaborators. Output is a table, or JSON with `--json`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable

import click
import grpc
from google.protobuf.json_format import MessageToDict
from tabulate import tabulate

from ..v1 import cases_pb2 as cpb
from ..v1 import collaborators_pb2 as kpb
from ..v1 import identity_pb2 as ipb
from . import session_store as store
from .sdk import DEFAULT_TARGET, ApiError, Client

CASE_COLUMNS = ("id", "number", "state", "patient_name", "provider_id", "update_time")
COLLAB_COLUMNS = ("id", "email", "state", "provider_name", "permissions")


class Ctx:
    def __init__(self, server: str | None, as_json: bool):
        self.path = store.session_path()
        self.saved = store.load(self.path)
        self.server = server or os.environ.get("ORTHOPLAN_SERVER") or (
            self.saved.server if self.saved else DEFAULT_TARGET)
        self.as_json = as_json

    def client(self, *, signed_in: bool = True) -> Client:
        token = self.saved.token if self.saved and self.saved.server == self.server else None
        if signed_in and not token:
            raise click.ClickException(f"not signed in to {self.server}: run `orthoplan login --email ...`")
        return Client(self.server, token)


pass_ctx = click.make_pass_decorator(Ctx)


def _cell(msg, name: str, value):
    field = msg.DESCRIPTOR.fields_by_name[name]
    if field.enum_type is not None:
        names = [field.enum_type.values_by_number[v].name for v in (value if field.is_repeated else [value])]
        names = ["" if n.endswith("_UNSPECIFIED") else n for n in names]
        return ", ".join(names) if field.is_repeated else names[0]
    if field.message_type is not None and field.message_type.name == "Timestamp":
        return value.ToDatetime().strftime("%Y-%m-%d %H:%M") if value.seconds else ""
    return value


def emit(ctx: Ctx, messages: Iterable, columns: Iterable[str]) -> None:
    messages, columns = list(messages), list(columns)
    if ctx.as_json:
        click.echo(json.dumps([MessageToDict(m, preserving_proto_field_name=True) for m in messages], indent=2))
        return
    rows = [[_cell(m, c, getattr(m, c)) for c in columns] for m in messages]
    click.echo(tabulate(rows, headers=columns) if rows else "(none)")


def run(fn: Callable):
    """Maps SDK errors to a readable message and exit status 1."""
    try:
        return fn()
    except ApiError as e:
        raise click.ClickException(str(e)) from None
    except ValueError as e:
        raise click.UsageError(str(e)) from None


def install(main: click.Group) -> None:
    """Adds the API commands to the `orthoplan` group."""
    from .cli_records import records

    for cmd in (health, login, logout, whoami, locations, users, patients, cases, collaborators, records):
        main.add_command(cmd)


def with_ctx(f):
    f = click.option("--json", "as_json", is_flag=True, help="JSON instead of a table")(f)
    return click.option("--server", default=None, help=f"host:port (ORTHOPLAN_SERVER; default {DEFAULT_TARGET})")(f)


@click.command()
@click.option("--wait", "wait_s", default=0.0, help="seconds to wait for a server that is starting")
@click.option("--server", default=None, help=f"host:port (ORTHOPLAN_SERVER; default {DEFAULT_TARGET})")
def health(wait_s: float, server: str | None) -> None:
    """The server's health; exit 1 unless SERVING."""
    status = run(lambda: Ctx(server, False).client(signed_in=False).health(wait_s=wait_s))
    click.echo(status)
    if status != "SERVING":
        raise SystemExit(1)


@click.command()
@click.option("--email", required=True)
@click.password_option(envvar="ORTHOPLAN_PASSWORD", confirmation_prompt=False)
@click.option("--server", default=None, help=f"host:port (ORTHOPLAN_SERVER; default {DEFAULT_TARGET})")
def login(email: str, password: str, server: str | None) -> None:
    """Sign in and keep the session for later commands."""
    ctx = Ctx(server, False)
    c = ctx.client(signed_in=False)
    token = run(lambda: c.sign_in(email, password))
    store.save(ctx.path, store.SavedSession(ctx.server, token, email))
    click.echo(f"signed in to {ctx.server} as {email}")


@click.command()
def logout() -> None:
    """Sign out (the token is revoked on the server) and forget the session."""
    ctx = Ctx(None, False)
    if ctx.saved:
        try:
            ctx.client().sign_out()
        except ApiError as e:
            if e.code != grpc.StatusCode.UNAUTHENTICATED:  # expired or revoked already: nothing to revoke
                click.echo(f"warning: the server did not revoke the token ({e.code.name}); it stops working "
                           "after the idle timeout", err=True)
    store.clear(ctx.path)
    click.echo("signed out")


@click.command()
@with_ctx
def whoami(server: str | None, as_json: bool) -> None:
    """The signed-in user."""
    ctx = Ctx(server, as_json)
    emit(ctx, [run(ctx.client().me)], ("id", "email", "display_name", "role"))


@click.group()
def locations() -> None:
    """Locations of the organization."""


@locations.command("create")
@click.argument("name")
@click.option("--region-id", default="")
@with_ctx
def location_create(name: str, region_id: str, server: str | None, as_json: bool) -> None:
    """Create a location (admins)."""
    ctx = Ctx(server, as_json)
    emit(ctx, [run(lambda: ctx.client().create_location(name, region_id))], ("id", "name", "region_id"))


@click.group()
def users() -> None:
    """Users of the organization."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True)
@click.option("--role", required=True, type=click.Choice(ipb.Role.keys()[1:], case_sensitive=False))
@click.option("--location-id", "location_ids", multiple=True)
@click.option("--region-id", default="")
@click.password_option(envvar="ORTHOPLAN_NEW_USER_PASSWORD")
@with_ctx
def user_create(email, display_name, role, location_ids, region_id, password, server, as_json) -> None:
    """Create a user with a role (admins)."""
    ctx = Ctx(server, as_json)
    u = run(lambda: ctx.client().create_user(email, display_name, role, password, location_ids, region_id))
    emit(ctx, [u], ("id", "email", "display_name", "role"))


@click.group()
def patients() -> None:
    """Patients within your scope."""


@patients.command("create")
@click.option("--first", "first_name", required=True)
@click.option("--last", "last_name", required=True)
@click.option("--location-id", required=True)
@click.option("--provider-id", required=True)
@click.option("--birth-date", required=True, help="YYYY-MM-DD")
@click.option("--chart", "chart_number", required=True, help="the practice's chart number")
@with_ctx
def patient_create(server, as_json, **fields) -> None:
    """Create a patient."""
    ctx = Ctx(server, as_json)
    emit(ctx, [run(lambda: ctx.client().create_patient(**fields))],
         ("id", "first_name", "last_name", "chart_number", "location_id"))


@patients.command("list")
@click.option("--query", default="", help="part of a name or a chart number")
@with_ctx
def patient_list(query: str, server: str | None, as_json: bool) -> None:
    """List patients, optionally matching a name or chart number."""
    ctx = Ctx(server, as_json)
    emit(ctx, run(lambda: list(ctx.client().iter_patients(query=query))),
         ("id", "first_name", "last_name", "chart_number", "location_id"))


@click.group()
def cases() -> None:
    """Cases: list, create, show, and their named transitions."""


@cases.command("list")
@click.option("--state", type=click.Choice(cpb.CaseState.keys()[1:], case_sensitive=False))
@click.option("--provider-id", default="")
@click.option("--query", default="", help="a case number or part of the patient's name")
@click.option("--shared", is_flag=True, help="the collaborator dashboard: cases shared with me")
@click.option("--order-by", default="", help="create_time, number or update_time, optionally ' desc'")
@with_ctx
def case_list(state, provider_id, query, shared, order_by, server, as_json) -> None:
    """List cases (or, with --shared, the cases shared with me)."""
    ctx = Ctx(server, as_json)
    terms = [f"state = {state.upper()}"] if state else []
    terms += [f'provider_id = "{provider_id}"'] if provider_id else []
    rows = run(lambda: list(ctx.client().iter_cases(filter=" AND ".join(terms), order_by=order_by, shared=shared,
                                                    query=query)))
    emit(ctx, rows, CASE_COLUMNS)


@cases.command("create")
@click.option("--patient-id", required=True)
@click.option("--goals", default="")
@click.option("--arch", "arches", multiple=True, type=click.Choice(["upper", "lower"]))
@click.option("--ipr/--no-ipr", default=False, help="interproximal reduction allowed")
@click.option("--attachments/--no-attachments", default=False)
@with_ctx
def case_create(patient_id, goals, arches, ipr, attachments, server, as_json) -> None:
    """Create a draft case for a patient."""
    ctx = Ctx(server, as_json)
    c = run(lambda: ctx.client().create_case(patient_id, goals=goals, arches=arches, ipr_allowed=ipr,
                                             attachments_allowed=attachments))
    emit(ctx, [c], CASE_COLUMNS)


@cases.command("show")
@click.argument("case_id")
@with_ctx
def case_show(case_id: str, server: str | None, as_json: bool) -> None:
    """Show one case with its prescription (where you may see it)."""
    ctx = Ctx(server, as_json)
    c = run(lambda: ctx.client().get_case(case_id))
    if as_json:
        emit(ctx, [c], ())
        return
    emit(ctx, [c], CASE_COLUMNS + ("etag",))
    rx = c.prescription
    click.echo(f"\ngoals: {rx.goals or '-'}\narches: {', '.join(rx.arches) or '-'}\n"
               f"IPR allowed: {rx.ipr_allowed}\nattachments allowed: {rx.attachments_allowed}")


def _transition(name: str) -> click.Command:
    @click.argument("case_id")
    @click.option("--etag", default="", help="fail if the case changed since this etag")
    @click.option("--reason", default="")
    @with_ctx
    def cmd(case_id, etag, reason, server, as_json) -> None:
        ctx = Ctx(server, as_json)
        emit(ctx, [run(lambda: ctx.client().transition_case(name, case_id, etag=etag, reason=reason))],
             CASE_COLUMNS)
    cmd.__doc__ = f"{name.capitalize()} a case."
    return click.command(name)(cmd)


for _name in ("submit", "accept", "cancel", "close"):
    cases.add_command(_transition(_name))


@click.group()
def collaborators() -> None:
    """Collaborators: add, list, change permissions, share cases, accept or decline."""


@collaborators.command("add")
@click.argument("email")
@click.option("-p", "--permission", "permissions", multiple=True,
              help="repeatable: " + ", ".join(kpb.CollaboratorPermission.keys()[1:]).lower())
@click.option("--confirm-consent", is_flag=True, help="confirm patient consent and the terms (first add)")
@with_ctx
def collab_add(email, permissions, confirm_consent, server, as_json) -> None:
    """Add a collaborator by email (providers)."""
    ctx = Ctx(server, as_json)
    emit(ctx, [run(lambda: ctx.client().add_collaborator(email, permissions, confirm_consent=confirm_consent))],
         COLLAB_COLUMNS)


@collaborators.command("list")
@click.option("--providers", "as_collaborator", is_flag=True, help="the providers who added me")
@with_ctx
def collab_list(as_collaborator: bool, server: str | None, as_json: bool) -> None:
    """List my collaborators (or, with --providers, who added me)."""
    ctx = Ctx(server, as_json)
    emit(ctx, run(lambda: list(ctx.client().iter_collaborators(as_collaborator=as_collaborator))),
         COLLAB_COLUMNS)


@collaborators.command("update")
@click.argument("collaborator_id")
@click.option("-p", "--permission", "permissions", multiple=True, help="the new set (repeatable)")
@click.option("--etag", default="")
@with_ctx
def collab_update(collaborator_id, permissions, etag, server, as_json) -> None:
    """Replace a collaborator's permissions."""
    ctx = Ctx(server, as_json)
    emit(ctx, [run(lambda: ctx.client().update_collaborator(collaborator_id, permissions, etag=etag))],
         COLLAB_COLUMNS)


def _collab_action(name: str, doc: str) -> click.Command:
    @click.argument("collaborator_id")
    @click.option("--etag", default="")
    @with_ctx
    def cmd(collaborator_id, etag, server, as_json) -> None:
        ctx = Ctx(server, as_json)
        emit(ctx, [run(lambda: ctx.client().collaborator_action(name, collaborator_id, etag=etag))],
             COLLAB_COLUMNS)
    cmd.__doc__ = doc
    return click.command(name)(cmd)


collaborators.add_command(_collab_action("remove", "Remove a collaborator: every grant is revoked at once."))
collaborators.add_command(_collab_action("accept", "Accept a provider's request to collaborate."))
collaborators.add_command(_collab_action("decline", "Decline a provider's request to collaborate."))


@collaborators.command("share")
@click.argument("collaborator_id")
@click.argument("case_id")
@with_ctx
def collab_share(collaborator_id: str, case_id: str, server: str | None, as_json: bool) -> None:
    """Share one of my cases with a collaborator."""
    ctx = Ctx(server, as_json)
    emit(ctx, [run(lambda: ctx.client().share_case(collaborator_id, case_id))],
         ("collaborator_id", "case_id", "create_time"))


@collaborators.command("unshare")
@click.argument("collaborator_id")
@click.argument("case_id")
@with_ctx
def collab_unshare(collaborator_id: str, case_id: str, server: str | None, as_json: bool) -> None:
    """Revoke a collaborator's access to one case."""
    ctx = Ctx(server, as_json)
    run(lambda: ctx.client().unshare_case(collaborator_id, case_id))
    click.echo(f"case {case_id} no longer shared with {collaborator_id}")


@collaborators.command("register")
@click.option("--token", "invite_token", required=True, help="the token from the invitation email")
@click.option("--organization", required=True, help="your practice or planning service")
@click.option("--name", "display_name", required=True)
@click.password_option(envvar="ORTHOPLAN_NEW_USER_PASSWORD")
@click.option("--server", default=None)
def collab_register(invite_token, organization, display_name, password, server) -> None:
    """Create your account from an invitation (no sign-in needed)."""
    ctx = Ctx(server, False)
    res = run(lambda: ctx.client(signed_in=False).register_collaborator(
        invite_token, organization_name=organization, display_name=display_name, password=password))
    click.echo(f"registered {res.email}; sign in with `orthoplan login --email {res.email}`")
