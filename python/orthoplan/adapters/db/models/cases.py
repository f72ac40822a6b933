"""Patients, cases, collaborations, treatment setups, records and orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
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
from sqlalchemy.orm import Mapped, mapped_column

from .base import ID, Base


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
