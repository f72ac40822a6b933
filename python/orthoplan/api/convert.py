"""Rows -> proto messages, and proto messages -> use-case arguments. Nothing else."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from ..adapters.db import models as m
from ..domain import setups as ds
from ..domain.cases import CaseState
from ..domain.collaboration import Permission
from ..domain.status import icon
from ..services.cases import Prescription
from ..services.concurrency import etag_of
from ..services.deps import aware
from ..v1 import cases_pb2 as cpb
from ..v1 import collaborators_pb2 as kpb
from ..v1 import identity_pb2 as ipb
from ..v1 import messages_pb2 as mpb
from ..v1 import opportunities_pb2 as qpb
from ..v1 import orders_pb2 as opb
from ..v1 import packs_pb2 as ppb
from ..v1 import records_pb2 as rpb
from ..v1 import setups_pb2 as spb


def ts(t) -> Timestamp:
    out = Timestamp()
    out.FromDatetime(aware(t))
    return out


def user(row: m.User, location_ids: list[str]) -> ipb.User:
    return ipb.User(id=row.id, email=row.email, display_name=row.display_name, role=row.role,
                    region_id=row.region_id or "", location_ids=sorted(location_ids), active=row.active,
                    etag=etag_of(row), create_time=ts(row.created))


def patient(row: m.Patient) -> cpb.Patient:
    return cpb.Patient(id=row.id, first_name=row.first_name, last_name=row.last_name, birth_date=row.birth_date,
                       chart_number=row.chart_number, email=row.email, mobile=row.mobile,
                       location_id=row.location_id, provider_id=row.provider_id, etag=etag_of(row),
                       create_time=ts(row.created))


def prescription_in(rx: cpb.Prescription) -> Prescription:
    return Prescription(rx.goals, tuple(rx.arches), tuple(rx.teeth_not_to_move), rx.ipr_allowed,
                        rx.attachments_allowed)


def case(row: m.Case, patient_name: str = "", *, details: bool = True, unread: int = 0) -> cpb.Case:
    """`details` False (a collaborator without VIEW_CASE_DETAILS, or any shared row in a list)
    leaves the prescription out; `unread` is the caller's unread message count."""
    rx = (row.prescription or {}) if details else {}
    return cpb.Case(id=row.id, number=row.number, kind=row.kind, state=row.state, patient_id=row.patient_id,
                    provider_id=row.provider_id, location_id=row.location_id, etag=etag_of(row),
                    prescription=cpb.Prescription(goals=rx.get("goals", ""), arches=rx.get("arches", []),
                                                  teeth_not_to_move=rx.get("teeth_not_to_move", []),
                                                  ipr_allowed=rx.get("ipr_allowed", False),
                                                  attachments_allowed=rx.get("attachments_allowed", False)),
                    create_time=ts(row.created), update_time=ts(row.updated), patient_name=patient_name,
                    status=icon(CaseState(row.state), unread), unread_messages=unread,
                    parent_case_id=row.parent_case_id or "")


def collaborator(row: m.Collaboration, provider_name: str) -> kpb.Collaborator:
    perms = [k + 1 for k in range(len(Permission)) if row.permissions & (1 << k)]
    return kpb.Collaborator(id=row.id, provider_id=row.provider_id, provider_name=provider_name, email=row.email,
                            collaborator_user_id=row.collaborator_id or "", state=row.state, permissions=perms,
                            etag=etag_of(row), create_time=ts(row.created), update_time=ts(row.updated))


def setup(row: m.TreatmentSetup, notes: list[m.SetupNote]) -> spb.TreatmentSetup:
    plan = ds.plan_from_json(row.plan)
    out = spb.TreatmentSetup(
        case_id=row.case_id, version=row.version, state=row.state, content_sha256=row.content_sha256,
        created_by=row.created_by, create_time=ts(row.created),
        plan=spb.SetupPlan(stage_count=plan.stage_count, notes=plan.notes,
                           teeth=[spb.ToothMovement(fdi=t.fdi, target_transform=t.target_transform,
                                                    first_stage=t.first_stage, last_stage=t.last_stage)
                                  for t in plan.teeth],
                           ipr=[spb.IprSite(fdi_a=s.fdi_a, fdi_b=s.fdi_b, amount_mm=s.amount_mm, stage=s.stage)
                                for s in plan.ipr]),
        notes=[spb.ReviewNote(text=n.text, stage=n.stage, fdi=n.fdi, author_id=n.author_id, action=n.action,
                              create_time=ts(n.created)) for n in notes])
    if row.approved_at is not None:
        out.approval.CopyFrom(spb.Approval(user_id=row.approved_by, time=ts(row.approved_at), version=row.version,
                                           content_sha256=row.content_sha256))
    return out


def record(row: m.CaseRecord, blob: m.Artifact) -> rpb.Record:
    return rpb.Record(id=row.id, case_id=row.case_id, kind=row.kind, view=row.view, filename=row.filename,
                      content_type=blob.content_type, size_bytes=blob.size, sha256=blob.sha256,
                      taken_date=row.taken_date, uploaded_by=row.uploaded_by, create_time=ts(row.created))


def message(row: m.Message, author_name: str) -> mpb.Message:
    return mpb.Message(id=row.id, case_id=row.case_id, author_id=row.author_id, author_name=author_name,
                       text=row.text, language=row.language, create_time=ts(row.created))


def event_bytes(row) -> bytes:
    """The encoded Event, computed once per row however many streams send it."""
    out = row.memo.get("bytes")
    if out is None:
        out = row.memo["bytes"] = event(row).SerializeToString()
    return out


def event(row) -> mpb.Event:
    """A committed event (services.events.EventRow) as the stream sends it."""
    out = mpb.Event(topic=row.topic, seq=row.seq, time=ts(row.created))
    d = row.payload
    if row.kind == "message_posted":
        out.message_posted.CopyFrom(mpb.Message(
            id=d["id"], case_id=d["case_id"], author_id=d["author_id"], author_name=d["author_name"], text=d["text"],
            language=d["language"], create_time=ts(datetime.fromisoformat(d["created"]))))
    elif row.kind == "case_changed":
        out.case_changed.CopyFrom(mpb.CaseChanged(case_id=d["case_id"], case_number=d["case_number"],
                                                  state=d["state"]))
    elif row.kind == "messages_read":
        out.messages_read.CopyFrom(mpb.MessagesRead(case_id=d["case_id"], last_read_id=d["last_read_id"]))
    elif row.kind == "needs_action":
        out.needs_action.CopyFrom(mpb.NeedsAction(count=d["count"]))
    return out


def order(row: m.Order) -> opb.Order:
    d = row.details
    return opb.Order(id=row.id, case_id=row.case_id, kind=row.kind, retainer_source=d.get("retainer_source", 0),
                     quantity=d.get("quantity", 0), stages=d.get("stages", []),
                     tps_collaborator_id=d.get("tps_collaborator_id", ""),
                     optimization_number=d.get("optimization_number", 0),
                     price=opb.Money(amount_minor=row.amount_minor, currency=row.currency), billed_to=row.billed_to,
                     placed_by=row.placed_by, create_time=ts(row.created))


def course(row: m.CourseOfTreatment) -> qpb.CourseOfTreatment:
    return qpb.CourseOfTreatment(
        id=row.id, patient_id=row.patient_id, provider_id=row.provider_id, location_id=row.location_id,
        number=row.number, payor=row.payor, opened_date=row.opened.isoformat(), active=row.active,
        value=opb.Money(amount_minor=row.value_minor, currency=row.currency), uda_value=row.uda_hundredths / 100,
        etag=etag_of(row), update_time=ts(row.updated))


def appointment(row: m.Appointment) -> qpb.Appointment:
    return qpb.Appointment(id=row.id, patient_id=row.patient_id, start_time=ts(row.start), status=row.status,
                           type=row.kind, course_id=row.course_id or "", location_id=row.location_id)


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isalpha()).upper()[:4]


def opportunity(row) -> qpb.Opportunity:
    """A row of services.opportunities.base_query."""
    c, r = row[0], row._mapping
    out = qpb.Opportunity(
        course_id=c.id, course_number=c.number, patient_id=c.patient_id,
        patient_name=f"{r['first_name']} {r['last_name']}", patient_email=r["email"] or "",
        patient_mobile=r["mobile"] or "", provider_id=c.provider_id, provider_initials=_initials(r["provider_name"]),
        payor=c.payor, last_updated=ts(r["last_updated"]), status=r["status"], assignee_id=r["assignee_id"] or "",
        assignee_name=r["assignee_name"] or "", value=opb.Money(amount_minor=c.value_minor, currency=c.currency),
        uda_value=c.uda_hundredths / 100, opened_date=c.opened.isoformat())
    if r["snoozed_until"] is not None:
        out.snoozed_until.CopyFrom(ts(r["snoozed_until"]))
    return out


def pack(row: m.TreatmentPack) -> ppb.TreatmentPack:
    out = ppb.TreatmentPack(
        id=row.id, patient_id=row.patient_id, title=row.title, plan_type=row.plan_type, next_steps=row.next_steps,
        options=[ppb.PackOption(name=o["name"], fee=opb.Money(amount_minor=o["fee_minor"], currency=row.currency))
                 for o in row.options],
        image_record_ids=row.images, stage=row.stage,
        value=opb.Money(amount_minor=row.value_minor, currency=row.currency), created_by=row.created_by,
        etag=etag_of(row), update_time=ts(row.updated))
    if row.sent_at is not None:
        out.sent_time.CopyFrom(ts(row.sent_at))
    if row.link_expires is not None:
        out.link_expire_time.CopyFrom(ts(row.link_expires))
    return out
