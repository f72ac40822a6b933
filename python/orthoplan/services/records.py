"""Diagnostic records: checked before any byte is received, typed by content, stored by hash.

An upload runs in three steps so no transaction is held open while a file streams in:
`check_upload` (header and access, a short read), the artifact store receiving the chunks
(`limited` enforces the size limit as they come), then `add_record` in one write transaction.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select

from ..adapters.db import dialect
from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import cases as dc
from ..domain.errors import Collector, FailedPrecondition, InvalidArgument, NotFound, PermissionDenied, Violation
from ..domain.identity import Principal
from ..domain.records import ACCEPTED_TYPES, PhotoView, RecordKind, is_scan
from . import access, listing
from . import validate as v
from .audit_trail import record, snapshot
from .deps import Deps

_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Upload:
    case_id: str
    kind: int
    view: int = 0
    filename: str = ""
    taken_date: str = ""
    sha256: str = ""
    size_bytes: int = 0


def check_file_fields(c: Collector, prefix: str, u: Upload, today: date) -> None:
    """The description of one file (kind, view, name, date, hash, size); fields named `prefix.x`."""
    if u.kind not in {int(k) for k in RecordKind}:
        c.add(f"{prefix}.kind", "must be UPPER_SCAN, LOWER_SCAN, BITE_SCAN, PHOTO or XRAY")
    if u.kind == RecordKind.PHOTO and u.view not in {int(w) for w in PhotoView}:
        c.add(f"{prefix}.view", "a PHOTO names one of the eight views")
    if u.kind != RecordKind.PHOTO and u.view:
        c.add(f"{prefix}.view", "only a PHOTO has a view")
    name = v.text(c, f"{prefix}.filename", u.filename, max_len=255, required=False)
    if "/" in name or "\\" in name:
        c.add(f"{prefix}.filename", "is a name, not a path: no '/' or '\\'")
    if u.taken_date:
        v.iso_date(c, f"{prefix}.taken_date", u.taken_date)
        if not c.has(f"{prefix}.taken_date") and date.fromisoformat(u.taken_date) > today:
            c.add(f"{prefix}.taken_date", "is in the future")
    if u.sha256 and not _SHA.match(u.sha256):
        c.add(f"{prefix}.sha256", "must be 64 lowercase hex digits")
    if u.size_bytes < 0:
        c.add(f"{prefix}.size_bytes", "must not be negative")


def _check_header(c: Collector, u: Upload, today: date) -> None:
    v.ident(c, "header.case_id", u.case_id)
    check_file_fields(c, "header", u, today)


def limit_for(deps: Deps, kind: int) -> int:
    return deps.max_scan_bytes if is_scan(RecordKind(kind)) else deps.max_image_bytes


def check_upload(uow: SqlUnitOfWork, deps: Deps, p: Principal, u: Upload) -> None:
    """Everything that can be decided before the content arrives, so a refused upload costs nothing."""
    c = Collector()
    _check_header(c, u, deps.clock().date())
    if not c.has("header.kind") and u.size_bytes > limit_for(deps, u.kind):
        c.add("header.size_bytes", f"exceeds the limit of {limit_for(deps, u.kind)} bytes for this kind")
    c.raise_if_any()
    row, acc = access.visible_case(uow.session, p, u.case_id)
    _require_writable(p, row, acc)


def _require_writable(p: Principal, row: m.Case, acc: access.CaseAccess) -> None:
    access.require_case_action(p, "add_record", acc)
    if row.state in dc.ARCHIVED:
        raise FailedPrecondition("records cannot be added to an archived case",
                                 [Violation("case.state", f"is {dc.CaseState(row.state).name}")], reason="CASE_STATE")


def limited(chunks: Iterable[bytes], limit: int) -> Iterator[bytes]:
    """Passes chunks through, refusing the upload as soon as the total passes `limit`."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise InvalidArgument("file too large", [Violation("chunk", f"the file exceeds the limit of {limit} "
                                                                        "bytes for this kind")])
        yield chunk


def check_received(c: Collector, content_field: str, prefix: str, u: Upload, info,
                   accepted: frozenset[str]) -> None:
    """The received bytes against the kind and the description's promises."""
    if info.size == 0:
        c.add(content_field, "no content was sent")
    elif not info.content_type:
        c.add(content_field, "the content is not a recognised file type (by its bytes; the name is not used)")
    elif info.content_type not in accepted:
        c.add(content_field, f"{info.content_type} is not accepted for {RecordKind(u.kind).name}; accepted: "
                             + ", ".join(sorted(accepted)))
    if u.sha256 and u.sha256 != info.sha256:
        c.add(f"{prefix}.sha256", f"the received content hashes to {info.sha256}")
    if u.size_bytes and u.size_bytes != info.size:
        c.add(f"{prefix}.size_bytes", f"{info.size} bytes were received")


def check_content(u: Upload, info) -> None:
    """The received bytes against the kind and the header's promises (all problems at once)."""
    c = Collector()
    check_received(c, "chunk", "header", u, info, ACCEPTED_TYPES[RecordKind(u.kind)])
    c.raise_if_any()


def add_record(uow: SqlUnitOfWork, deps: Deps, p: Principal, u: Upload,
               info) -> tuple[m.CaseRecord, m.Artifact]:
    s = uow.session
    row, acc = access.visible_case(s, p, u.case_id, lock=True)  # re-checked: it may have changed meanwhile
    _require_writable(p, row, acc)
    now = deps.clock()
    # equal content uploaded concurrently (another case, another practice) inserts one row
    s.execute(dialect.insert(s, m.Artifact).values(sha256=info.sha256, size=info.size, content_type=info.content_type,
                                        created=now).on_conflict_do_nothing())
    blob = s.get(m.Artifact, info.sha256)
    rec = m.CaseRecord(id=uuid.uuid4().hex, case_id=row.id, kind=u.kind, view=u.view, filename=u.filename.strip(),
                       taken_date=u.taken_date, sha256=info.sha256, uploaded_by=p.user_id, created=now)
    s.add(rec)
    uow.flush()
    record(s, deps, p, "add_record", "case_record", rec.id, None, snapshot(rec))
    return rec, blob


def _visible_record(uow: SqlUnitOfWork, p: Principal, record_id: str, *, lock: bool = False):
    v.require_id("id", record_id)
    rec = uow.session.get(m.CaseRecord, record_id)
    try:
        if rec is None:
            raise NotFound("")
        case_row, acc = access.visible_case(uow.session, p, rec.case_id, lock=lock)
    except NotFound:
        raise NotFound(f"record {record_id} not found") from None
    return rec, case_row, acc


def _require_details(acc: access.CaseAccess) -> None:
    if not acc.may_view_details():
        raise PermissionDenied("records are case details: a collaborator needs the VIEW_CASE_DETAILS permission")


def get_record(uow: SqlUnitOfWork, p: Principal, record_id: str) -> tuple[m.CaseRecord, m.Artifact]:
    rec, _, acc = _visible_record(uow, p, record_id)
    _require_details(acc)
    return rec, uow.session.get(m.Artifact, rec.sha256)


RECORDS = listing.Listing(
    "records",
    filters={"kind": listing.Term(m.CaseRecord.kind, RecordKind), "view": listing.Term(m.CaseRecord.view, PhotoView),
             "uploaded_by": listing.Term(m.CaseRecord.uploaded_by)},
    orders={"create_time": (m.CaseRecord.created,), "taken_date": (m.CaseRecord.taken_date,)},
    default_order="create_time desc", tiebreak=m.CaseRecord.id)


def list_records(uow: SqlUnitOfWork, p: Principal, case_id: str, page_size: int, page_token: str,
                 kind: int, filter_text: str = "",
                 order_by: str = "") -> tuple[list[tuple[m.CaseRecord, m.Artifact]], str]:
    c = Collector()
    v.ident(c, "case_id", case_id)
    if kind and kind not in {int(k) for k in RecordKind}:
        c.add("kind", "must be a RecordKind or unset")
    req = listing.check(c, RECORDS, page_size, page_token, filter_text, order_by)
    c.raise_if_any()
    _, acc = access.visible_case(uow.session, p, case_id)
    _require_details(acc)
    q = (select(m.CaseRecord, m.Artifact).join(m.Artifact, m.Artifact.sha256 == m.CaseRecord.sha256)
         .where(m.CaseRecord.case_id == case_id))
    if kind:
        q = q.where(m.CaseRecord.kind == kind)
    rows, nxt = req.fetch(uow.session, q, (p.user_id, case_id, kind))
    return [(r[0], r[1]) for r in rows], nxt


def delete_record(uow: SqlUnitOfWork, deps: Deps, p: Principal, record_id: str) -> None:
    rec, case_row, acc = _visible_record(uow, p, record_id, lock=True)
    access.require_case_action(p, "delete_record", acc)
    if case_row.state != dc.CaseState.DRAFT:
        raise FailedPrecondition("records can be deleted only while the case is a DRAFT",
                                 [Violation("case.state", f"is {dc.CaseState(case_row.state).name}")],
                                 reason="CASE_STATE")
    before = snapshot(rec)
    uow.session.delete(rec)
    uow.flush()
    record(uow.session, deps, p, "delete_record", "case_record", record_id, before, None)


def release_if_unused(uow: SqlUnitOfWork, sha256: str) -> bool:
    """The garbage collector's question: True while a record or a plan output refers to the object; otherwise its
    row is deleted (in the caller's transaction) and the file may go."""
    if uow.session.execute(select(m.CaseRecord.id).where(m.CaseRecord.sha256 == sha256).limit(1)).first():
        return True
    if uow.session.execute(select(m.PlanOutput.job_id).where(m.PlanOutput.sha256 == sha256).limit(1)).first():
        return True  # a plan's output
    uow.session.execute(delete(m.Artifact).where(m.Artifact.sha256 == sha256))
    return False
