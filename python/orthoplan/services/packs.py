"""Treatment packs: made from a template for a patient, sent as an unguessable expiring link, moved
along the pipeline by the team and by what the patient does on the page."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import func, select

from ..adapters.db import models as m
from ..adapters.db.uow import SqlUnitOfWork
from ..domain import packs as dp
from ..domain.errors import (
    AlreadyExists,
    Collector,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Violation,
)
from ..domain.identity import ADMIN_ROLES, Principal
from ..domain.records import RecordKind
from . import access
from . import validate as v
from .audit_trail import record, snapshot
from .concurrency import check_etag
from .deps import Deps, aware
from .outbox import enqueue_practice_message

_CURRENCY = re.compile(r"^[A-Z]{3}$")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class TemplateFields:
    name: str
    plan_type: int
    options: tuple[tuple[str, int, str], ...]  # (name, fee in minor units, currency)
    next_steps: str


def create_template(uow: SqlUnitOfWork, deps: Deps, p: Principal, f: TemplateFields) -> m.PackTemplate:
    if p.role not in ADMIN_ROLES:
        raise PermissionDenied("pack templates are set up by a location admin or above")
    c = Collector()
    name = v.text(c, "template.name", f.name, max_len=100)
    if f.plan_type not in {int(x) for x in dp.PlanType}:
        c.add("template.plan_type", "must be ORAL_HEALTH, AESTHETIC or ORAL_HEALTH_AND_AESTHETIC")
    if not 1 <= len(f.options) <= dp.MAX_OPTIONS:
        c.add("template.options", f"give 1-{dp.MAX_OPTIONS} options")
    for i, (opt, fee, currency) in enumerate(f.options):
        v.text(c, f"template.options[{i}].name", opt, max_len=200)
        if not 0 <= fee <= 10**10:
            c.add(f"template.options[{i}].fee.amount_minor", "must be 0 or more (minor units)")
        if not _CURRENCY.match(currency):
            c.add(f"template.options[{i}].fee.currency", "must be an ISO 4217 code such as GBP")
    if len({cur for _, _, cur in f.options}) > 1:
        c.add("template.options", "use one currency for every option")
    v.text(c, "template.next_steps", f.next_steps, max_len=4000)
    c.raise_if_any()
    s = uow.session
    if s.execute(select(m.PackTemplate.id).where(m.PackTemplate.organization_id == p.organization_id,
                                                 m.PackTemplate.name == name)).first():
        raise AlreadyExists(f"a pack template named {name!r} exists")
    row = m.PackTemplate(id=uuid.uuid4().hex, organization_id=p.organization_id, name=name, plan_type=f.plan_type,
                         options=[{"name": o.strip(), "fee_minor": fee} for o, fee, _ in f.options],
                         currency=f.options[0][2], next_steps=f.next_steps.strip(), created=deps.clock())
    s.add(row)
    uow.flush()
    record(s, deps, p, "create_pack_template", "pack_template", row.id, None, snapshot(row))
    return row


def _event(s, pack: m.TreatmentPack, kind: str, before: int, now: datetime, user_id: str | None,
           text: str = "") -> None:
    s.add(m.PackEvent(pack_id=pack.id, kind=kind, from_stage=before, to_stage=pack.stage, text=text,
                      user_id=user_id, created=now))


def create_pack(uow: SqlUnitOfWork, deps: Deps, p: Principal, patient_id: str, template_id: str,
                image_ids: list[str]) -> m.TreatmentPack:
    c = Collector()
    v.ident(c, "patient_id", patient_id)
    v.ident(c, "template_id", template_id)
    if not 1 <= len(image_ids) <= dp.MAX_IMAGES:
        c.add("image_record_ids", f"choose 1-{dp.MAX_IMAGES} key images")
    for i, rid in enumerate(image_ids):
        v.ident(c, f"image_record_ids[{i}]", rid)
        if rid in image_ids[:i]:
            c.add(f"image_record_ids[{i}]", "is chosen twice")
    c.raise_if_any()
    s = uow.session
    patient = access.practice_patient(s, p, patient_id)
    tpl = s.get(m.PackTemplate, template_id)
    if tpl is None or tpl.organization_id != p.organization_id:
        raise NotFound(f"pack template {template_id} not found")
    images = {r.id: r for r in s.execute(select(m.CaseRecord).join(m.Case, m.Case.id == m.CaseRecord.case_id).where(
        m.CaseRecord.id.in_(image_ids), m.Case.patient_id == patient.id)).scalars()}
    for i, rid in enumerate(image_ids):
        rec = images.get(rid)
        if rec is None or rec.kind not in (RecordKind.PHOTO, RecordKind.XRAY):
            c.add(f"image_record_ids[{i}]", "is not a photo or x-ray of this patient")
    c.raise_if_any()
    now = deps.clock()
    row = m.TreatmentPack(id=uuid.uuid4().hex, organization_id=p.organization_id, patient_id=patient.id,
                          location_id=patient.location_id, created_by=p.user_id, title=tpl.name,
                          plan_type=tpl.plan_type, options=tpl.options, currency=tpl.currency,
                          value_minor=max(o["fee_minor"] for o in tpl.options), next_steps=tpl.next_steps,
                          images=list(image_ids), stage=int(dp.Stage.NOT_SENT), created=now, updated=now)
    s.add(row)
    uow.flush()
    _event(s, row, "created", int(dp.Stage.NOT_SENT), now, p.user_id)
    record(s, deps, p, "create_pack", "pack", row.id, None, snapshot(row))
    return row


def visible_pack(s, p: Principal, pack_id: str, *, lock: bool = False) -> m.TreatmentPack:
    v.require_id("id", pack_id)
    q = select(m.TreatmentPack).where(m.TreatmentPack.id == pack_id, access.practice_condition(
        p, m.TreatmentPack.organization_id, m.TreatmentPack.location_id))
    row = s.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if row is None:
        raise NotFound(f"pack {pack_id} not found")
    return row


def send_pack(uow: SqlUnitOfWork, deps: Deps, p: Principal, pack_id: str, email: bool, sms: bool,
              valid_days: int) -> m.TreatmentPack:
    c = Collector()
    if not (email or sms):
        c.add("email", "send by email, SMS or both")
    if not 0 <= valid_days <= 90:
        c.add("valid_days", "must be 1-90 (0: 14)")
    c.raise_if_any()
    s = uow.session
    pack = visible_pack(s, p, pack_id, lock=True)
    patient = s.get(m.Patient, pack.patient_id)
    if email and not patient.email:
        c.add("email", "the patient has no email address")
    if sms and not patient.mobile:
        c.add("sms", "the patient has no mobile number")
    c.raise_if_any()
    now = deps.clock()
    token = secrets.token_urlsafe(32)
    before = pack.stage
    pack.link_hash, pack.link_expires = token_hash(token), now + (timedelta(days=valid_days) if valid_days
                                                                   else dp.DEFAULT_LINK_LIFETIME)
    pack.sent_at, pack.updated = now, now
    if pack.stage == dp.Stage.NOT_SENT:
        pack.stage = int(dp.Stage.SENT)
    link = f"{deps.public_url.rstrip('/')}/p/{token}"
    practice = s.get(m.Location, pack.location_id).name
    body = f"Hi {patient.first_name}, here are your treatment options from {practice}: {link}"
    key = uuid.uuid4().hex
    subject = f"{practice}: your treatment options"
    for channel, wanted, to in (("email", email, patient.email), ("sms", sms, patient.mobile)):
        if wanted:
            enqueue_practice_message(s, deps, channel, to, subject if channel == "email" else "", body,
                                     f"pack:{key}:{channel}")
    uow.flush()
    _event(s, pack, "sent", before, now, p.user_id, "email+sms" if email and sms else "email" if email else "sms")
    record(s, deps, p, "send_pack", "pack", pack.id, None, {"email": email, "sms": sms,
                                                            "expires": pack.link_expires.isoformat()})
    return pack


def revoke_link(uow: SqlUnitOfWork, deps: Deps, p: Principal, pack_id: str) -> m.TreatmentPack:
    s = uow.session
    pack = visible_pack(s, p, pack_id, lock=True)
    now = deps.clock()
    pack.link_hash, pack.link_expires, pack.updated = None, None, now
    uow.flush()
    _event(s, pack, "revoked", pack.stage, now, p.user_id)
    record(s, deps, p, "revoke_pack_link", "pack", pack.id, None, None)
    return pack


def move_pack(uow: SqlUnitOfWork, deps: Deps, p: Principal, pack_id: str, stage: int, etag: str) -> m.TreatmentPack:
    if stage not in {int(x) for x in dp.Stage}:
        raise InvalidArgument("stage: invalid", [Violation("stage", "must be a PackStage")])
    s = uow.session
    pack = visible_pack(s, p, pack_id, lock=True)
    check_etag(pack, etag, f"pack {pack_id}")
    if stage == dp.Stage.NOT_SENT and pack.sent_at is not None:
        raise FailedPrecondition("a sent pack cannot be made unsent",
                                 [Violation("stage", "the pack was sent")], reason="PACK_SENT")
    before, now = pack.stage, deps.clock()
    pack.stage, pack.updated = stage, now
    uow.flush()
    _event(s, pack, "moved", before, now, p.user_id)
    record(s, deps, p, "move_pack", "pack", pack.id, {"stage": before}, {"stage": stage})
    return pack


def events_of(uow: SqlUnitOfWork, p: Principal, pack_id: str) -> list[m.PackEvent]:
    s = uow.session
    visible_pack(s, p, pack_id)
    return list(s.execute(select(m.PackEvent).where(m.PackEvent.pack_id == pack_id).order_by(m.PackEvent.id))
                .scalars())


@dataclass(frozen=True)
class BoardArgs:
    created_by: str = ""
    from_date: str = ""
    to_date: str = ""
    plan_type: int = 0
    per_stage: int = 0


def board(uow: SqlUnitOfWork, p: Principal, a: BoardArgs) -> list[tuple[dp.Stage, int, int, str, list]]:
    """Per stage: (stage, count, total value, currency, the most recently changed packs)."""
    c = Collector()
    v.ident(c, "created_by", a.created_by, required=False)
    for field, text in (("from_date", a.from_date), ("to_date", a.to_date)):
        if text:
            v.iso_date(c, field, text)
    if a.plan_type and a.plan_type not in {int(x) for x in dp.PlanType}:
        c.add("plan_type", "must be a PlanType or unset")
    per = v.page_size(c, a.per_stage, default=50, maximum=200)
    c.raise_if_any()
    conds: list[Any] = [access.practice_condition(p, m.TreatmentPack.organization_id, m.TreatmentPack.location_id)]
    if a.created_by:
        conds.append(m.TreatmentPack.created_by == a.created_by)
    if a.from_date:
        conds.append(m.TreatmentPack.created >= datetime.combine(date.fromisoformat(a.from_date), time(),
                                                                 tzinfo=timezone.utc))
    if a.to_date:
        conds.append(m.TreatmentPack.created < datetime.combine(date.fromisoformat(a.to_date) + timedelta(days=1),
                                                                time(), tzinfo=timezone.utc))
    if a.plan_type:
        conds.append(m.TreatmentPack.plan_type == a.plan_type)
    s = uow.session
    totals = {st: (n, total, cur) for st, n, total, cur in s.execute(
        select(m.TreatmentPack.stage, func.count(), func.coalesce(func.sum(m.TreatmentPack.value_minor), 0),
               func.max(m.TreatmentPack.currency)).where(*conds).group_by(m.TreatmentPack.stage)).all()}
    out = []
    for stage in dp.Stage:
        n, total, cur = totals.get(int(stage), (0, 0, ""))
        packs = list(s.execute(select(m.TreatmentPack).where(*conds, m.TreatmentPack.stage == int(stage))
                               .order_by(m.TreatmentPack.updated.desc(), m.TreatmentPack.id).limit(per)).scalars())
        out.append((stage, n, int(total), cur or "", packs))
    return out


# -- the patient's side (no sign-in: the link's token is the credential) ---------------------------
def by_token(s, deps: Deps, token: str, *, lock: bool = False) -> m.TreatmentPack | None:
    """The pack a live link opens; None for an unknown, revoked or expired one."""
    if not token or len(token) > 100:
        return None
    q = select(m.TreatmentPack).where(m.TreatmentPack.link_hash == token_hash(token))
    pack = s.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if pack is None or pack.link_expires is None or aware(pack.link_expires) <= deps.clock():
        return None
    return pack


def patient_action(uow: SqlUnitOfWork, deps: Deps, token: str, kind: str, text: str = "") -> bool:
    """`kind`: opened, replied or proceed. False when the link is not live."""
    s = uow.session
    pack = by_token(s, deps, token, lock=True)
    if pack is None:
        return False
    now, before = deps.clock(), pack.stage
    step = {"replied": dp.AFTER_REPLY, "proceed": dp.AFTER_PROCEED}.get(kind, {})
    pack.stage = int(step.get(dp.Stage(pack.stage), dp.Stage(pack.stage)))
    if kind != "opened":
        pack.updated = now
    _event(s, pack, kind, before, now, None, text[:4000])
    return True
