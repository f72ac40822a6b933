"""Tables (SQLAlchemy 2.0 declarative). The schema itself is created by the Alembic migrations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID = String(32)  # uuid4().hex


class Base(DeclarativeBase):
    pass


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    case_seq: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Region(Base):
    __tablename__ = "regions"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class Location(Base):
    __tablename__ = "locations"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    region_id: Mapped[str | None] = mapped_column(ForeignKey("regions.id"), nullable=True)


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[str | None] = mapped_column(ForeignKey("regions.id"), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __mapper_args__ = {"version_id_col": version}


class UserLocation(Base):
    __tablename__ = "user_locations"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"), primary_key=True, index=True)


class Session(Base):
    """A bearer token; only its SHA-256 is stored."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("organization_id", "chart_number"),
                      Index("ix_patients_name", "organization_id", "last_name", "first_name", "id"))
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[str] = mapped_column(String(10))
    chart_number: Mapped[str] = mapped_column(String(50))
    email: Mapped[str] = mapped_column(String(254), default="")
    mobile: Mapped[str] = mapped_column(String(20), default="")
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __mapper_args__ = {"version_id_col": version}


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("organization_id", "number"),
                      Index("ix_cases_org_created", "organization_id", "created", "id"),
                      Index("ix_cases_org_updated", "organization_id", "updated", "id"))
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    number: Mapped[str] = mapped_column(String(20))
    kind: Mapped[int] = mapped_column(Integer)
    state: Mapped[int] = mapped_column(Integer, index=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"), index=True)
    prescription: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    parent_case_id: Mapped[str | None] = mapped_column(ForeignKey("cases.id"), nullable=True)  # refinements
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)  # a setup's
    __mapper_args__ = {"version_id_col": version}


class IdempotentResponse(Base):
    """The response of a mutation sent with a request_id, replayed on retries."""

    __tablename__ = "idempotent_responses"
    __table_args__ = (UniqueConstraint("user_id", "method", "request_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(ID)
    method: Mapped[str] = mapped_column(String(200))
    request_id: Mapped[str] = mapped_column(String(64))
    request_hash: Mapped[str] = mapped_column(String(64))
    response: Mapped[bytes] = mapped_column(LargeBinary)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditHead(Base):
    """One row: the last entry of the hash chain; locking it serializes appends."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    # retention: entries up to floor_seq were pruned; floor_hash is the last pruned entry's hash,
    # so the remaining chain still verifies from there
    floor_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    floor_hash: Mapped[str] = mapped_column(String(64), default="0" * 64, server_default="0" * 64)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    time: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    organization_id: Mapped[str] = mapped_column(String(32), index=True)
    actor_id: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(100))
    resource_type: Mapped[str] = mapped_column(String(50))
    resource_id: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(200))
    digest_before: Mapped[str] = mapped_column(String(64))
    digest_after: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Collaboration(Base):
    """A provider's grant to a collaborator (by email until that person has an account)."""

    __tablename__ = "collaborations"
    __table_args__ = (UniqueConstraint("provider_id", "email"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    provider_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    collaborator_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True, index=True)
    state: Mapped[int] = mapped_column(Integer)
    permissions: Mapped[int] = mapped_column(Integer)
    invite_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __mapper_args__ = {"version_id_col": version}


class CaseShare(Base):
    __tablename__ = "case_shares"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    collaboration_id: Mapped[str] = mapped_column(ForeignKey("collaborations.id"), primary_key=True, index=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CollaborationConsent(Base):
    """The provider's confirmation of patient consent and the terms, given at the first add."""

    __tablename__ = "collaboration_consents"
    provider_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    terms_version: Mapped[str] = mapped_column(String(20))
    time: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutboxMessage(Base):
    """A notification written in the same transaction as its cause; a worker delivers it.

    `dedupe_key` makes one event produce one message per recipient, however often it is retried.
    Payloads carry no patient data beyond a first name.
    """

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event: Mapped[str] = mapped_column(String(50))
    recipient_email: Mapped[str] = mapped_column(String(254))
    recipient_user_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    sent: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # delivery: when it is due (later for a digest), tries so far, the lease of the worker holding
    # it, and a final failure (a permanent refusal, or too many tries)
    mode: Mapped[int] = mapped_column(Integer, default=1)
    due: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    leased_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    failed: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(String(500), default="")
    channel: Mapped[str] = mapped_column(String(10), default="email")  # email, or sms (recipient: a mobile)


class NotificationPreference(Base):
    """How a user wants one event type: immediately (1), in a daily (2) or a weekly (3) digest."""

    __tablename__ = "notification_preferences"
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    event: Mapped[str] = mapped_column(String(50), primary_key=True)
    mode: Mapped[int] = mapped_column(Integer)


class TreatmentSetup(Base):
    """One version of a case's setup. `plan` holds the canonical bytes; an approval signs their
    SHA-256, `content_sha256` (it must match, so it is not stored twice)."""

    __tablename__ = "treatment_setups"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    state: Mapped[int] = mapped_column(Integer)
    plan: Mapped[bytes] = mapped_column(LargeBinary)
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SetupNote(Base):
    """A review note on a setup version, anchored to a stage and/or tooth (0: none)."""

    __tablename__ = "setup_notes"
    __table_args__ = (ForeignKeyConstraint(["case_id", "version"],
                                           ["treatment_setups.case_id", "treatment_setups.version"]),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ID, index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    stage: Mapped[int] = mapped_column(Integer)
    fdi: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Artifact(Base):
    """A stored file, by content: its bytes live in the artifact store under this SHA-256."""

    __tablename__ = "artifacts"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseRecord(Base):
    """A diagnostic record of a case (scan, photo, x-ray): immutable once stored."""

    __tablename__ = "case_records"
    __table_args__ = (Index("ix_case_records_case", "case_id", "created", "id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[int] = mapped_column(Integer)
    view: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    taken_date: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(ForeignKey("artifacts.sha256"), index=True)
    uploaded_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Message(Base):
    """One message of a case's thread. Posting locks the case row, so within a case ids grow in
    commit order and a read marker ("read up to id N") is exact."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_case", "case_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    author_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(35))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MessageRead(Base):
    """A user's read marker on a case's thread: every message with id <= last_read_id is read."""

    __tablename__ = "message_reads"
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(BigInteger)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class EventTopic(Base):
    """The last sequence number of a topic. Publishing increments it under the row lock, so a
    topic's events get gap-free numbers in commit order: a subscriber resumes with `seq > last`."""

    __tablename__ = "event_topics"
    topic: Mapped[str] = mapped_column(String(80), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)


class Event(Base):
    """A durable event of a topic (`cases/<id>` or `users/<id>`), replayed to resuming streams."""

    __tablename__ = "events"
    topic: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Fee(Base):
    """An organization's price for one order kind, in minor units of its currency."""

    __tablename__ = "fees"
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    kind: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class Order(Base):
    """A placed order; its price is fixed when placed."""

    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_case", "case_id", "created", "id"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[int] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    billed_to: Mapped[str] = mapped_column(ForeignKey("users.id"))
    placed_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CourseOfTreatment(Base):
    """A patient's course of treatment (COT) from the practice-management system."""

    __tablename__ = "courses"
    __table_args__ = (UniqueConstraint("organization_id", "number"),
                      Index("ix_courses_recall", "organization_id", "active", "opened"),
                      Index("ix_courses_org_updated", "organization_id", "updated", "id"),
                      Index("ix_courses_org_value", "organization_id", "value_minor", "id"))
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    number: Mapped[str] = mapped_column(String(50))
    payor: Mapped[int] = mapped_column(Integer)
    opened: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean)
    value_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    uda_hundredths: Mapped[int] = mapped_column(Integer, default=0)  # NHS units of dental activity x 100
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __mapper_args__ = {"version_id_col": version}


class Appointment(Base):
    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_patient_start", "patient_id", "start"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(100))
    course_id: Mapped[str | None] = mapped_column(ForeignKey("courses.id"), nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Opportunity(Base):
    """What the practice did about a course as a recall opportunity (absent: nothing yet).
    `rejected` is sticky: making the course inactive sets it, re-activating does not clear it."""

    __tablename__ = "opportunities"
    __table_args__ = (Index("ix_opportunities_assignee", "assignee_id", "rejected"),)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    rejected: Mapped[bool] = mapped_column(Boolean, default=False)
    snoozed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    assignee_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_contact: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OpportunityLog(Base):
    """Every action on an opportunity: notes, contacts, assignments, snoozes, rejections, bookings."""

    __tablename__ = "opportunity_log"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    course_id: Mapped[str] = mapped_column(ForeignKey("courses.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OrganizationSettings(Base):
    __tablename__ = "organization_settings"
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    opportunity_window_days: Mapped[int] = mapped_column(Integer, default=365)
    opportunity_lookahead_days: Mapped[int] = mapped_column(Integer, default=90)


class ContactTemplate(Base):
    """A practice's message to patients (email or SMS) with placeholders, checked when saved."""

    __tablename__ = "contact_templates"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PackTemplate(Base):
    """A reusable treatment pack: plan type, options with fees, next steps."""

    __tablename__ = "pack_templates"
    __table_args__ = (UniqueConstraint("organization_id", "name"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(100))
    plan_type: Mapped[int] = mapped_column(Integer)
    options: Mapped[list[Any]] = mapped_column(JSON)  # [{"name", "fee_minor"}]
    currency: Mapped[str] = mapped_column(String(3))
    next_steps: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TreatmentPack(Base):
    """What a patient is sent after a treatment conversation, and where it stands in the pipeline.
    Only the SHA-256 of its link's token is stored."""

    __tablename__ = "packs"
    __table_args__ = (Index("ix_packs_org_stage", "organization_id", "stage", "updated"),)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(100))
    plan_type: Mapped[int] = mapped_column(Integer)
    options: Mapped[list[Any]] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3))
    value_minor: Mapped[int] = mapped_column(BigInteger)  # the dearest option: what the pack may bring
    next_steps: Mapped[str] = mapped_column(Text)
    images: Mapped[list[Any]] = mapped_column(JSON)  # case record ids, 1-3
    stage: Mapped[int] = mapped_column(Integer)
    link_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    link_expires: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    __mapper_args__ = {"version_id_col": version}


class PackEvent(Base):
    """Everything that happened to a pack: sent, opened, replied, asked to proceed, moved, revoked.
    `user_id` is empty for what the patient did through the link."""

    __tablename__ = "pack_events"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    pack_id: Mapped[str] = mapped_column(ForeignKey("packs.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    from_stage: Mapped[int] = mapped_column(Integer)
    to_stage: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created: Mapped[datetime] = mapped_column(DateTime(timezone=True))
