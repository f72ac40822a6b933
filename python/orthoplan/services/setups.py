"""Treatment setups: propose the next version, read them, approve with a signature, request a
revision or decline with anchored notes. Every review moves the case through its state machine in
the same transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import cases as dc
from ..domain import setups as ds
from ..domain.errors import Collector, FailedPrecondition, NotFound, Violation
from ..domain.identity import Principal
from . import access, listing
from . import validate as v
from .audit_trail import record, snapshot
from .case_events import case_changed, watchers
from .cases import locked_for_change
from .deps import Deps
from .outbox import enqueue

REVIEW_ACTIONS = {"request_revision": ds.SetupState.REVISION_REQUESTED, "decline_setup": ds.SetupState.DECLINED}
_CASE_TRANSITION = {"request_revision": "request_revision", "decline_setup": "decline"}


def _latest_version(s, case_id: str) -> int:
    return s.execute(select(func.max(m.TreatmentSetup.version)).where(m.TreatmentSetup.case_id == case_id)
                     ).scalar() or 0


def create_setup(uow: SqlUnitOfWork, deps: Deps, p: Principal, case_id: str, case_etag: str,
                 plan: ds.Plan) -> m.TreatmentSetup:
    c = Collector()
    v.ident(c, "case_id", case_id)
    ds.check_plan(c, "plan", plan)
    c.raise_if_any()
    case = locked_for_change(uow, p, case_id, case_etag, "create_setup")
    return store_setup(uow, deps, p, case, plan)


def store_setup(uow: SqlUnitOfWork, deps: Deps, p: Principal, case: m.Case, plan: ds.Plan,
                transition: str = "setup_ready") -> m.TreatmentSetup:
    """The case's next setup version (the case locked by the caller, the plan checked): the case goes
    to SETUP_READY, the previous proposal is superseded, the watchers are told. `p`: who it is
    recorded as created by (a planning job records its creator)."""
    before = snapshot(case)
    case.state = int(dc.transition(dc.CaseState(case.state), transition))
    case.updated = now = deps.clock()
    s = uow.session
    s.execute(m.TreatmentSetup.__table__.update().where(
        m.TreatmentSetup.case_id == case.id, m.TreatmentSetup.state == int(ds.SetupState.PROPOSED))
        .values(state=int(ds.SetupState.SUPERSEDED)))
    stored = ds.canonical_bytes(plan)
    row = m.TreatmentSetup(case_id=case.id, version=_latest_version(s, case.id) + 1,
                           state=int(ds.SetupState.PROPOSED), plan=stored, content_sha256=ds.content_sha256(stored),
                           created_by=p.user_id, created=now)
    s.add(row)
    uow.flush()
    record(s, deps, p, f"{transition}_case", "case", case.id, before, snapshot(case))
    record(s, deps, p, "create_setup", "setup", case.id, None, {"version": row.version, "sha256": row.content_sha256})
    case_changed(uow, deps, case)
    for user_id, email in watchers(s, case):
        enqueue(s, deps, "setup_ready", email=email, user_id=user_id,
                dedupe_key=f"setup_ready:{case.id}:{row.version}:{user_id}",
                payload={"case_id": case.id, "case_number": case.number, "version": row.version})
    return row


def _setup(s, case_id: str, version: int) -> m.TreatmentSetup:
    version = version or _latest_version(s, case_id)
    row = s.get(m.TreatmentSetup, (case_id, version))
    if row is None:
        raise NotFound(f"setup version {version} of case {case_id} not found")
    return row


def get_setup(uow: SqlUnitOfWork, p: Principal, case_id: str, version: int) -> m.TreatmentSetup:
    """Anyone who may see the case may read its setups."""
    c = Collector()
    v.ident(c, "case_id", case_id)
    if version < 0:
        c.add("version", "must be >= 0 (0: the latest)")
    c.raise_if_any()
    access.visible_case(uow.session, p, case_id)
    return _setup(uow.session, case_id, version)


SETUPS = listing.Listing(
    "setups", filters={"state": listing.Term(m.TreatmentSetup.state, ds.SetupState)},
    orders={"version": (), "create_time": (m.TreatmentSetup.created,)},
    default_order="version desc", tiebreak=m.TreatmentSetup.version)


def list_setups(uow: SqlUnitOfWork, p: Principal, case_id: str, page_size: int = 0, page_token: str = "",
                filter_text: str = "", order_by: str = "") -> tuple[list[m.TreatmentSetup], str]:
    c = Collector()
    v.ident(c, "case_id", case_id)
    req = listing.check(c, SETUPS, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    access.visible_case(uow.session, p, case_id)
    rows, nxt = req.fetch(uow.session, select(m.TreatmentSetup).where(m.TreatmentSetup.case_id == case_id),
                          (p.user_id, case_id))
    return [r[0] for r in rows], nxt


def notes_of(s, case_id: str, version: int) -> list[m.SetupNote]:
    return list(s.execute(select(m.SetupNote).where(m.SetupNote.case_id == case_id, m.SetupNote.version == version)
                          .order_by(m.SetupNote.id)).scalars())


def _reviewable(uow: SqlUnitOfWork, p: Principal, case_id: str, version: int, action: str):
    """The locked case and its latest setup, which must be the version reviewed and PROPOSED."""
    case = locked_for_change(uow, p, case_id, "", action)
    setup = _setup(uow.session, case.id, 0)
    if version != setup.version:
        raise FailedPrecondition(f"version {version} is not the latest setup (v{setup.version})",
                                 [Violation("version", f"only the latest version, {setup.version}, can be reviewed")],
                                 reason="SETUP_NOT_LATEST")
    if setup.state != int(ds.SetupState.PROPOSED):
        state = ds.SetupState(setup.state).name
        raise FailedPrecondition(f"setup v{version} is {state}",
                                 [Violation("version", f"is {state}; only a PROPOSED setup can be reviewed")],
                                 reason="SETUP_STATE")
    return case, setup


def approve_setup(uow: SqlUnitOfWork, deps: Deps, p: Principal, case_id: str, version: int,
                  sha256: str) -> m.TreatmentSetup:
    c = Collector()
    v.ident(c, "case_id", case_id)
    if version < 1:
        c.add("version", "name the version reviewed (>= 1)")
    if len(sha256) != 64 or any(ch not in "0123456789abcdef" for ch in sha256):
        c.add("content_sha256", "must be the 64 lowercase hex digits of the setup's content_sha256")
    c.raise_if_any()
    case, setup = _reviewable(uow, p, case_id, version, "approve_setup")
    if sha256 != setup.content_sha256:
        raise FailedPrecondition("the plan differs from the one reviewed",
                                 [Violation("content_sha256", "does not match this version's content")],
                                 reason="SETUP_CONTENT_CHANGED")
    before = snapshot(case)
    case.state = int(dc.transition(dc.CaseState(case.state), "approve"))
    case.updated = case.approved_at = now = deps.clock()
    setup.state = int(ds.SetupState.APPROVED)
    setup.approved_by, setup.approved_at = p.user_id, now
    uow.flush()
    record(uow.session, deps, p, "approve_case", "case", case.id, before, snapshot(case))
    record(uow.session, deps, p, "approve_setup", "setup", case.id, None,
           {"version": version, "sha256": sha256, "user": p.user_id})
    case_changed(uow, deps, case)
    for user_id, email in watchers(uow.session, case):
        enqueue(uow.session, deps, "setup_approved", email=email, user_id=user_id,
                dedupe_key=f"setup_approved:{case.id}:{version}:{user_id}",
                payload={"case_id": case.id, "case_number": case.number, "version": version})
    return setup


def review_setup(uow: SqlUnitOfWork, deps: Deps, p: Principal, action: str, case_id: str, version: int,
                 notes: tuple[ds.Note, ...]) -> m.TreatmentSetup:
    """`action`: request_revision or decline_setup."""
    c = Collector()
    v.ident(c, "case_id", case_id)
    if version < 1:
        c.add("version", "name the version reviewed (>= 1)")
    c.raise_if_any()
    case, setup = _reviewable(uow, p, case_id, version, action)
    c = Collector()
    ds.check_notes(c, "notes", notes, ds.plan_from_json(setup.plan))
    c.raise_if_any()
    before = snapshot(case)
    case.state = int(dc.transition(dc.CaseState(case.state), _CASE_TRANSITION[action]))
    case.updated = now = deps.clock()
    setup.state = int(REVIEW_ACTIONS[action])
    s = uow.session
    for note in notes:
        s.add(m.SetupNote(case_id=case.id, version=version, action=setup.state, text=note.text.strip(),
                          stage=note.stage, fdi=note.fdi, author_id=p.user_id, created=now))
    uow.flush()
    record(s, deps, p, _CASE_TRANSITION[action] + "_case", "case", case.id, before, snapshot(case))
    record(s, deps, p, action, "setup", case.id, None, {"version": version, "notes": len(notes)})
    case_changed(uow, deps, case)
    planner = s.get(m.User, setup.created_by)
    enqueue(s, deps, "revision_requested" if action == "request_revision" else "setup_declined",
            email=planner.email, user_id=planner.id, dedupe_key=f"{action}:{case.id}:{version}",
            payload={"case_id": case.id, "case_number": case.number, "version": version})
    return setup
