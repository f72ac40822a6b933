"""Refinement requests (additional aligners): the patient's latest aligner case must be open and the
diagnostics complete; the files are checked by content. Like an upload, in three steps so that no
transaction is held while files stream in: `check_request` (everything the header can decide),
the files received and checked (`check_file`), then `create_refinement` in one write transaction.
Nothing is stored unless every check passed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import cases as dc
from ..domain.errors import Collector, FailedPrecondition, Violation
from ..domain.identity import Principal
from ..domain.records import IMAGE_TYPES, REFINEMENT_TYPES, XRAY_REUSE_DAYS, PhotoView, RecordKind
from . import access, records
from . import validate as v
from .audit_trail import record, snapshot
from .case_events import case_changed
from .cases import Prescription, create_case
from .deps import Deps, aware

MAX_FILES = 20
ARCHES = ("upper", "lower")


@dataclass(frozen=True)
class RefinementRequest:
    patient_id: str
    goals: str
    arches: tuple[str, ...]
    files: tuple[records.Upload, ...]  # case_id unused
    reuse_xray_record_id: str = ""
    no_dental_work_since_xray: bool = False
    photos_without_aligners: bool = False


def _latest_aligner_case(s, patient_id: str) -> m.Case | None:
    return s.execute(select(m.Case).where(
        m.Case.patient_id == patient_id, m.Case.kind.in_([int(dc.CaseKind.ALIGNER), int(dc.CaseKind.REFINEMENT)]))
        .order_by(m.Case.created.desc(), m.Case.id.desc()).limit(1)).scalar()


def _require_open_parent(s, patient_id: str, *, lock: bool = False) -> m.Case:
    parent = _latest_aligner_case(s, patient_id)
    if parent is not None and lock:
        parent = s.execute(select(m.Case).where(m.Case.id == parent.id).with_for_update()).scalar_one()
    if parent is None:
        raise FailedPrecondition("the patient has no aligner case to refine",
                                 [Violation("patient_id", "has no ALIGNER case")], reason="NO_ALIGNER_CASE")
    if parent.state in dc.ARCHIVED:
        state = dc.CaseState(parent.state).name
        raise FailedPrecondition(f"the latest aligner case {parent.number} is {state}",
                                 [Violation("case.state", f"case {parent.number} is {state}; a refinement needs "
                                                          "the latest aligner case open")], reason="CASE_STATE")
    return parent


def _complete(c: Collector, r: RefinementRequest) -> None:
    """The diagnostic set: eight photo views, one upper and one lower scan (a bite scan optional),
    a new x-ray or a reused one."""
    kinds = [f.kind for f in r.files]
    views = [f.view for f in r.files if f.kind == RecordKind.PHOTO]
    for view in PhotoView:
        n = views.count(view)
        if n != 1:
            c.add(f"header.files.photo.{view.name}", "is missing" if n == 0 else "is sent more than once")
    for kind, name in ((RecordKind.UPPER_SCAN, "upper_scan"), (RecordKind.LOWER_SCAN, "lower_scan")):
        n = kinds.count(kind)
        if n != 1:
            c.add(f"header.files.{name}", "is missing (upper and lower come as separate STL files)" if n == 0
                  else "is sent more than once")
    if kinds.count(RecordKind.BITE_SCAN) > 1:
        c.add("header.files.bite_scan", "is sent more than once")
    xrays = kinds.count(RecordKind.XRAY)
    if r.reuse_xray_record_id and xrays:
        c.add("header.reuse_xray_record_id", "send a new x-ray or reuse one, not both")
    elif not r.reuse_xray_record_id and xrays == 0:
        c.add("header.files.xray", "is missing: send a JPEG or PNG x-ray, or reuse one under six months old")
    elif xrays > 1:
        c.add("header.files.xray", "is sent more than once")
    if not r.photos_without_aligners:
        c.add("header.photos_without_aligners", "confirm that the photos were taken without aligners")


def _reused_xray(c: Collector, s, r: RefinementRequest, patient_id: str, today: date) -> m.CaseRecord | None:
    field = "header.reuse_xray_record_id"
    v.ident(c, field, r.reuse_xray_record_id)
    if not r.no_dental_work_since_xray:
        c.add("header.no_dental_work_since_xray", "an x-ray can be reused only when no dental work was done since")
    if c.has(field):
        return None
    row = s.execute(select(m.CaseRecord, m.Artifact.content_type)
                    .join(m.Case, m.Case.id == m.CaseRecord.case_id)
                    .join(m.Artifact, m.Artifact.sha256 == m.CaseRecord.sha256)
                    .where(m.CaseRecord.id == r.reuse_xray_record_id, m.Case.patient_id == patient_id)).first()
    if row is None or row[0].kind != RecordKind.XRAY:
        c.add(field, "is not an x-ray of this patient")
        return None
    rec, content_type = row
    if content_type not in IMAGE_TYPES:
        c.add(field, f"is {content_type}; a refinement needs a JPEG or PNG x-ray")
    taken = date.fromisoformat(rec.taken_date) if rec.taken_date else aware(rec.created).date()
    if today - taken > timedelta(days=XRAY_REUSE_DAYS):
        c.add(field, f"was taken on {taken.isoformat()}, more than six months ago")
    return rec


def check_request(uow: SqlUnitOfWork, deps: Deps, p: Principal, r: RefinementRequest) -> None:
    """Everything the header decides, before any byte is received (every problem at once)."""
    c = Collector()
    v.ident(c, "header.patient_id", r.patient_id)
    v.text(c, "header.goals", r.goals, max_len=2000)
    if any(a not in ARCHES for a in r.arches) or len(set(r.arches)) != len(r.arches):
        c.add("header.arches", "name upper and/or lower, once each")
    if len(r.files) > MAX_FILES:
        c.add("header.files", f"at most {MAX_FILES} files")
    today = deps.clock().date()
    for i, f in enumerate(r.files):
        prefix = f"header.files[{i}]"
        records.check_file_fields(c, prefix, f, today)
        if f.size_bytes == 0:
            c.add(f"{prefix}.size_bytes", "is required (the file's size)")
        elif not c.has(f"{prefix}.kind") and f.size_bytes > records.limit_for(deps, f.kind):
            c.add(f"{prefix}.size_bytes", f"exceeds the limit of {records.limit_for(deps, f.kind)} bytes")
    _complete(c, r)
    if c.has("header.patient_id"):
        c.raise_if_any()
    s = uow.session
    access.require_case_action(p, "create")
    access.require_case_action(p, "add_record")
    patient = access.visible_patient(s, p, r.patient_id)
    _require_open_parent(s, patient.id)  # a closed case: nothing else matters
    if r.reuse_xray_record_id:
        _reused_xray(c, s, r, patient.id, today)
    c.raise_if_any("the refinement request is incomplete")


def check_file(c: Collector, i: int, f: records.Upload, info) -> None:
    records.check_received(c, f"files[{i}]", f"header.files[{i}]", f, info, REFINEMENT_TYPES[RecordKind(f.kind)])


def create_refinement(uow: SqlUnitOfWork, deps: Deps, p: Principal, r: RefinementRequest, infos: list) -> m.Case:
    """The SUBMITTED REFINEMENT case with the files (and a reused x-ray) as its records."""
    s = uow.session
    parent = _require_open_parent(s, r.patient_id, lock=True)  # again: it may have closed meanwhile
    c = Collector()
    reused = _reused_xray(c, s, r, r.patient_id, deps.clock().date()) if r.reuse_xray_record_id else None
    c.raise_if_any("the refinement request is incomplete")
    rx = Prescription(goals=r.goals.strip(), arches=r.arches or ARCHES,
                      ipr_allowed=bool(parent.prescription.get("ipr_allowed")),
                      attachments_allowed=bool(parent.prescription.get("attachments_allowed")),
                      teeth_not_to_move=tuple(parent.prescription.get("teeth_not_to_move", ())))
    case = create_case(uow, deps, p, int(dc.CaseKind.REFINEMENT), r.patient_id, rx)
    case.parent_case_id = parent.id
    for f, info in zip(r.files, infos, strict=True):
        records.add_record(uow, deps, p, records.Upload(case.id, f.kind, f.view, f.filename, f.taken_date), info)
    if reused is not None:
        s.add(m.CaseRecord(id=uuid.uuid4().hex, case_id=case.id, kind=reused.kind, view=0,
                           filename=reused.filename, taken_date=reused.taken_date, sha256=reused.sha256,
                           uploaded_by=p.user_id, created=deps.clock()))
    before = snapshot(case)
    case.state = int(dc.transition(dc.CaseState(case.state), "submit"))
    case.submitted_at = deps.clock()
    uow.flush()
    record(s, deps, p, "request_refinement", "case", case.id, before,
           {**snapshot(case), "parent_case_id": parent.id, "files": len(infos), "reused_xray": bool(reused)})
    case_changed(uow, deps, case)
    return case
