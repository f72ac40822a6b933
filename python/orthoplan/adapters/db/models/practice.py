"""Practice-management data: courses of treatment, appointments, opportunities, contact
templates and treatment packs."""

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
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import ID, Base


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
